import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { regions } from '../db/schema/regions';

/** Flags these counties as key assistance counties (乡村振兴重点帮扶县); codes that are not regions are ignored. */
export async function markKeyAssistanceCounties(db: Db, codes: readonly string[]): Promise<void> {
  if (!codes.length) return;
  await db.update(regions).set({ keyAssistanceCounty: true }).where(inArray(regions.code, [...codes]));
}
