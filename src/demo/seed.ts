import type { Db } from '../db/client';
import type { PiiVault } from '../pii/vault';
import { regionsAtLevels } from '../regions';
import { Generator } from './synthetic';
import { writePeople } from './write';

export interface SeedRequest {
  workers: number;
  /** A region code within REGION_ROOT (default: REGION_ROOT itself). */
  region?: string;
  seed: number;
}

export class SeedRefused extends Error {}

/** Synthetic but realistic people in the villages under `region`; what `npm run seed` runs, here or in the service holding the database. */
export async function seedPeople(
  db: Db,
  vault: PiiVault,
  regionRoot: string,
  req: SeedRequest,
  onProgress?: (made: number) => void,
): Promise<{ workers: number; jobs: number }> {
  const region = req.region ?? regionRoot;
  if (!/^\d{2,12}$/.test(region)) throw new SeedRefused(`--region: expected a region code of digits, got ${region}`);
  const villages = (await regionsAtLevels(db, region, [5])).map((r) => r.code);
  if (!villages.length) throw new SeedRefused(`--region: no villages loaded under ${region} (it must lie within REGION_ROOT ${regionRoot})`);
  const today = new Date();
  return writePeople(db, vault, new Generator(villages, req.seed, today), req.workers, today, { onProgress });
}
