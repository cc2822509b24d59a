import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deliveries, subscriptions } from '../db/schema/outreach';
import type { ChannelName } from '../queues/deliveries';

/**
 * One delivery for each new policy notice, on the channel the person chose (chat when they chose none),
 * written in the caller's transaction; the caller queues them once it commits. Quiet hours, the daily cap
 * and consent are honoured when each is sent, as for every delivery.
 */
export async function policyNoticeDeliveries(db: Db, notices: Array<{ id: string; workerId: string }>, now: Date): Promise<Array<{ id: string; channel: ChannelName }>> {
  if (!notices.length) return [];
  const subs = await db.select({ workerId: subscriptions.workerId, channel: subscriptions.channel }).from(subscriptions).where(inArray(subscriptions.workerId, notices.map((n) => n.workerId)));
  const channelOf = new Map(subs.map((s) => [s.workerId, s.channel]));
  return db
    .insert(deliveries)
    .values(notices.map((n) => ({ noticeId: n.id, workerId: n.workerId, channel: channelOf.get(n.workerId) ?? ('chat' as const), createdAt: now, updatedAt: now })))
    .returning({ id: deliveries.id, channel: deliveries.channel });
}
