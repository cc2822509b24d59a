import { asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { subscribeConsents } from '../db/schema/outreach';

/** The templates a person accepted in the mini-program (wx.requestSubscribeMessage): one more message allowed for each. */
export async function addSubscribeConsents(db: Executor, workerId: string, templateIds: readonly string[], now: Date): Promise<void> {
  for (const templateId of templateIds) {
    await db
      .insert(subscribeConsents)
      .values({ workerId, templateId, remaining: 1, updatedAt: now })
      .onConflictDoUpdate({ target: [subscribeConsents.workerId, subscribeConsents.templateId], set: { remaining: sql`${subscribeConsents.remaining} + 1`, updatedAt: now } });
  }
}

/** The messages a person still allows per template, by template. */
export async function subscribeConsentsOf(db: Executor, workerId: string): Promise<Array<{ templateId: string; remaining: number }>> {
  return db.select({ templateId: subscribeConsents.templateId, remaining: subscribeConsents.remaining }).from(subscribeConsents).where(eq(subscribeConsents.workerId, workerId)).orderBy(asc(subscribeConsents.templateId));
}
