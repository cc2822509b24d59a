import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { broadcasts, deliveries } from '../db/schema/outreach';

/** The latest messages sent (or tried) to one person, newest first: status, channel, why it failed, when. */
export async function deliveriesTo(db: Db, workerId: string, limit: number) {
  return db
    .select({ id: deliveries.id, status: deliveries.status, channel: deliveries.channel, reason: deliveries.reason, sentAt: deliveries.sentAt, createdAt: deliveries.createdAt })
    .from(deliveries)
    .where(eq(deliveries.workerId, workerId))
    .orderBy(desc(deliveries.createdAt))
    .limit(limit);
}

/**
 * The fair named in the latest fair broadcast sent to this one person (not to groups) since a moment, and when
 * it was made; undefined when there is none.
 */
export async function lastFairToldTo(db: Db, workerId: string, since: Date): Promise<{ fairId: string; at: Date } | undefined> {
  const [row] = await db
    .select({ fairId: sql<string>`${broadcasts.audience} ->> 'fairId'`, at: broadcasts.createdAt })
    .from(broadcasts)
    .innerJoin(deliveries, and(eq(deliveries.broadcastId, broadcasts.id), eq(deliveries.workerId, workerId)))
    .where(and(gt(broadcasts.createdAt, since), eq(broadcasts.topic, 'job_fair'), sql`${broadcasts.audience} ? 'fairId'`, eq(broadcasts.toGroups, false)))
    .orderBy(desc(broadcasts.createdAt))
    .limit(1);
  return row?.fairId ? { fairId: row.fairId, at: row.at } : undefined;
}
