import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { accounts } from '../db/schema/access';

/** The display name of each of these staff accounts, in one query (ids not known are left out). */
export async function staffNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await db.select({ id: accounts.id, name: accounts.displayName }).from(accounts).where(inArray(accounts.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}
