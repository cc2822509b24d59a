import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { regions } from '../db/schema/regions';
import { readDivisions, type DivisionRow } from './division-data';

/**
 * Loads the divisions under `prefix` into the regions table. Existing rows keep their flags;
 * names are refreshed from the divisions shipped in `divisions/`. Returns how many rows were read.
 */
export async function loadRegions(db: Db, prefix: string, maxLevel: DivisionRow['level'] = 5): Promise<number> {
  let batch: DivisionRow[] = [];
  let count = 0;
  const flush = async () => {
    if (!batch.length) return;
    await db
      .insert(regions)
      .values(batch)
      .onConflictDoUpdate({ target: regions.code, set: { name: sql`excluded.name`, parentCode: sql`excluded.parent_code` } });
    count += batch.length;
    batch = [];
  };
  for await (const row of readDivisions(prefix, maxLevel)) {
    batch.push(row);
    if (batch.length >= 1000) await flush();
  }
  await flush();
  return count;
}
