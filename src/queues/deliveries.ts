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

/** Channels with no rate limit of their own: a broadcast's deliveries on them go out a batch a job (`deliveries-bulk`). */
export const BATCHED_CHANNELS: readonly ChannelName[] = ['log', 'official_account'];
/** Deliveries a batch: a fan-out page (1,000 people) makes up to ten per channel. */
export const BATCH_SIZE = 100;

/**
 * Queues deliveries: one job per delivery under its own id, or one per batch (a broadcast's, on a channel
 * in BATCHED_CHANNELS) under the batch's id; a job already on a queue is left alone. A finished or failed
 * job is not kept: the delivery row is the record, and its state, not the job's, decides whether it runs again.
 */
export async function enqueueDeliveries(queues: Queues, rows: Array<{ id: string; channel: ChannelName; batch?: string | null }>): Promise<void> {
  const by = new Map<ReturnType<typeof deliveryQueue>, string[]>();
  const batches = new Set<string>();
  for (const r of rows) {
    if (r.batch) {
      batches.add(r.batch);
      continue;
    }
    const q = deliveryQueue(r.channel);
    const ids = by.get(q);
    if (ids) ids.push(r.id);
    else by.set(q, [r.id]);
  }
  for (const [queue, ids] of by) await queues.enqueueBulk(queue, 'deliver', ids.map((id) => ownJob(id)), NOT_KEPT);
  if (batches.size) await queues.enqueueBulk('deliveries-bulk', 'deliver-batch', [...batches].map((batch) => ({ payload: { batch }, jobId: `batch-${batch}` })), NOT_KEPT);
}

/** A delivery out of its batch (to wait, or to be tried again): a job of its own, after `delayMs`. */
export async function enqueueOwnJob(queues: Queues, row: { id: string; channel: ChannelName }, delayMs: number): Promise<void> {
  await queues.enqueueBulk(deliveryQueue(row.channel), 'deliver', [ownJob(row.id, delayMs)], NOT_KEPT);
}

/** A finished or failed delivery job is not kept: the delivery row is the record. */
const NOT_KEPT = { removeOnComplete: true, removeOnFail: true } as const;

/** A delivery's own job: its id is the delivery's, so one still on a queue is never added twice. */
function ownJob(deliveryId: string, delayMs = 0) {
  return { payload: { deliveryId }, jobId: deliveryId, ...(delayMs > 0 ? { delay: Math.round(delayMs) } : {}) };
}
