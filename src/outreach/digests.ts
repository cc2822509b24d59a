import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { deliveries, digestItems, digests, subscriptions } from '../db/schema/outreach';
import type { ChannelName } from '../queues/deliveries';

/*
 * The daily digest's store: the news waiting for each person (digest_items), the digests made of it, and
 * their delivery. The market decides what a digest says (it scores the posts); outreach keeps and sends it.
 */

export type DigestItem = (typeof digests.$inferSelect)['items'][number];

/**
 * People with news waiting, a page at a time in id order after `after`, with the oldest thing each has
 * waiting and the minute of their digest window (`defaultAt` when they chose none).
 */
export async function digestNewsPage(db: Db, after: string, batch: number, defaultAt: number) {
  return rowsOf<{ worker_id: string; digest_at: number; oldest: Date }>(
    await db.execute(sql`
      select i.worker_id, coalesce(s.digest_at, ${defaultAt})::int as digest_at, min(i.created_at) as oldest
      from digest_items i left join subscriptions s on s.worker_id = i.worker_id
      where i.digest_id is null and i.worker_id > ${after}::uuid
      group by i.worker_id, s.digest_at
      order by i.worker_id
      limit ${batch}`),
  );
}

/** The news waiting for one person from before `before`: each broadcast and what it announced (a post or a training). */
export async function waitingNews(db: Db, workerId: string, before: Date) {
  return db
    .select({ broadcastId: digestItems.broadcastId, subject: sql<{ type: 'vacancy' | 'training'; id: string } | null>`(select b.subject from broadcasts b where b.id = ${digestItems.broadcastId})` })
    .from(digestItems)
    .where(and(eq(digestItems.workerId, workerId), isNull(digestItems.digestId), lt(digestItems.createdAt, before)));
}

/** Whether the digest of this person and window was made already. */
export async function digestMade(db: Db, workerId: string, dueAt: Date): Promise<boolean> {
  const [row] = await db.select({ id: digests.id }).from(digests).where(and(eq(digests.workerId, workerId), eq(digests.dueAt, dueAt)));
  return row !== undefined;
}

/** The channel the person's messages go by (chat when they chose none). */
export async function digestChannel(db: Db, workerId: string): Promise<ChannelName> {
  const [sub] = await db.select({ channel: subscriptions.channel }).from(subscriptions).where(eq(subscriptions.workerId, workerId));
  return sub?.channel ?? 'chat';
}

/**
 * Files one person's digest for a window in one transaction (joining the caller's): the digest, its news
 * marked as used, and its delivery, returned for the queue. With no items the news is used up without a
 * message; a digest made meanwhile for the same window makes this one nothing. Null when nothing is to be sent.
 */
export async function fileDigest(
  db: Db,
  d: { workerId: string; dueAt: Date; items: DigestItem[]; more: number; text: string; channel: ChannelName; now: Date },
): Promise<{ id: string; channel: ChannelName } | null> {
  const waiting = and(eq(digestItems.workerId, d.workerId), isNull(digestItems.digestId), lt(digestItems.createdAt, d.dueAt));
  return db.transaction(async (tx) => {
    if (!d.items.length) {
      await tx.delete(digestItems).where(waiting);
      return null;
    }
    const [dg] = await tx.insert(digests).values({ workerId: d.workerId, dueAt: d.dueAt, items: d.items, more: d.more, text: d.text, createdAt: d.now }).onConflictDoNothing().returning({ id: digests.id });
    if (!dg) return null;
    await tx.update(digestItems).set({ digestId: dg.id }).where(waiting);
    const [del] = await tx.insert(deliveries).values({ digestId: dg.id, workerId: d.workerId, channel: d.channel, createdAt: d.now, updatedAt: d.now }).returning({ id: deliveries.id, channel: deliveries.channel });
    return del!;
  });
}

/** The latest digest sent to a person since a moment: when, and its numbered items. */
export async function latestSentDigest(db: Db, workerId: string, since: Date): Promise<{ sentAt: Date; items: DigestItem[] } | undefined> {
  const [row] = rowsOf<{ sent_at: Date; items: DigestItem[] }>(
    await db.execute(sql`
      select d.sent_at, g.items from deliveries d join digests g on g.id = d.digest_id
      where d.worker_id = ${workerId} and d.status = 'sent' and d.sent_at > ${since.toISOString()}::timestamptz
      order by d.sent_at desc limit 1`),
  );
  return row ? { sentAt: new Date(row.sent_at), items: row.items } : undefined;
}
