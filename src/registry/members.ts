import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { workers } from '../db/schema/registry';

/** The household a person belongs to, or null (no household, or no such person). */
export async function householdOf(db: Db, workerId: string): Promise<string | null> {
  const [row] = await db.select({ householdId: workers.householdId }).from(workers).where(eq(workers.id, workerId)).limit(1);
  return row?.householdId ?? null;
}

/** The people of a household still in the programme ('active'), whole rows. */
export async function activeMembersOf(db: Db, householdId: string) {
  return db.select().from(workers).where(and(eq(workers.householdId, householdId), eq(workers.status, 'active')));
}
