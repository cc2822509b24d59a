import { and, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Executor } from '../shared/command';
import { workers } from '../db/schema/registry';

/** Each of these people's name and masked phone, for lists staff read, in one query. */
export async function namesAndPhonesOf(db: Executor, ids: readonly string[]): Promise<Map<string, { name: string; phoneMasked: string | null }>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await db.select({ id: workers.id, name: workers.name, phoneMasked: workers.phoneMasked }).from(workers).where(inArray(workers.id, wanted));
  return new Map(rows.map((r) => [r.id, { name: r.name, phoneMasked: r.phoneMasked }]));
}

/** The first of these people still in the programme ('active'), whole, or undefined. */
export async function activeWorkerAmong(db: Executor, ids: readonly string[]) {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return undefined;
  const [row] = await db.select().from(workers).where(and(inArray(workers.id, wanted), eq(workers.status, 'active'))).limit(1);
  return row;
}

/**
 * The first person still in the programme among those another module's subquery names, whole, as one
 * statement the caller runs (and may prepare, for a read made at every chat message).
 */
export function activeWorkerWhereIdIn(db: Db, ids: SQLWrapper) {
  return db.select().from(workers).where(and(inArray(workers.id, ids), eq(workers.status, 'active'))).limit(1);
}

/** The person's home, as a point they shared (for gigs near home); a new version of the record. */
export async function setHomePoint(db: Executor, workerId: string, lat: number, lng: number, at: Date): Promise<void> {
  await db
    .update(workers)
    .set({ homeLat: lat, homeLng: lng, updatedAt: at, version: sql`${workers.version} + 1` })
    .where(eq(workers.id, workerId));
}
