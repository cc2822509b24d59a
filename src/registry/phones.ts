import { eq, inArray, isNotNull, and } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { workers } from '../db/schema/registry';

/** A person's phone number as stored (encrypted), or null: none recorded, or no such person. */
export async function phoneOf(db: Executor, workerId: string): Promise<string | null> {
  const [w] = await db.select({ phoneEnc: workers.phoneEnc }).from(workers).where(eq(workers.id, workerId));
  return w?.phoneEnc ?? null;
}

/** The stored (encrypted) phone number of each of these people who has one, in one query. */
export async function phonesOf(db: Executor, workerIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(workerIds)];
  if (!ids.length) return new Map();
  const rows = await db.select({ id: workers.id, phoneEnc: workers.phoneEnc }).from(workers).where(and(inArray(workers.id, ids), isNotNull(workers.phoneEnc)));
  return new Map(rows.map((r) => [r.id, r.phoneEnc!]));
}

/** The people registered with this phone number (by its blind index). */
export async function workersWithPhone(db: Executor, phoneHash: string): Promise<string[]> {
  const rows = await db.select({ id: workers.id }).from(workers).where(eq(workers.phoneHash, phoneHash));
  return rows.map((r) => r.id);
}
