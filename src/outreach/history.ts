import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deliveries } from '../db/schema/outreach';

/** The latest messages sent (or tried) to one person, newest first: status, channel, why it failed, when. */
export async function deliveriesTo(db: Db, workerId: string, limit: number) {
  return db
    .select({ id: deliveries.id, status: deliveries.status, channel: deliveries.channel, reason: deliveries.reason, sentAt: deliveries.sentAt, createdAt: deliveries.createdAt })
    .from(deliveries)
    .where(eq(deliveries.workerId, workerId))
    .orderBy(desc(deliveries.createdAt))
    .limit(limit);
}
