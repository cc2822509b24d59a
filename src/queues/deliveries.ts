import type { Queues } from './queues';

/** The channels a delivery goes out on. */
export const CHANNELS = ['chat', 'mini_program', 'log', 'sms', 'official_account'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/**
 * Each channel has its own delivery queue, so each has its own rate limit: WeChat chat goes to the
 * bot's queue (only the bot process holds the login), mini-program messages to theirs, the rest to
 * the plain one.
 */
export function deliveryQueue(channel: ChannelName): 'deliveries-chat' | 'deliveries-mp' | 'deliveries-sms' | 'deliveries' {
  return channel === 'chat' ? 'deliveries-chat' : channel === 'mini_program' ? 'deliveries-mp' : channel === 'sms' ? 'deliveries-sms' : 'deliveries';
}

/**
 * Queues deliveries under their own ids: one already on a queue is left alone. A finished or failed job
 * is not kept: the delivery row is the record, and its state, not the job's, decides whether it runs again.
 */
export async function enqueueDeliveries(queues: Queues, rows: Array<{ id: string; channel: ChannelName }>): Promise<void> {
  const by = new Map<ReturnType<typeof deliveryQueue>, string[]>();
  for (const r of rows) {
    const q = deliveryQueue(r.channel);
    const ids = by.get(q);
    if (ids) ids.push(r.id);
    else by.set(q, [r.id]);
  }
  for (const [queue, ids] of by) await queues.enqueueBulk(queue, 'deliver', ids.map((id) => ({ payload: { deliveryId: id }, jobId: id })), { removeOnComplete: true, removeOnFail: true });
}
