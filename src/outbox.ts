import { and, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { AppContext } from './context';
import type { Db } from './db/client';
import { eventEffects, outbox } from './db/schema/events';
import type { QueueName } from './queues/definitions';

/** Work for a queue, recorded with the change that calls for it. */
export interface OutboxItem {
  queue: QueueName;
  job: string;
  payload: Record<string, unknown>;
  /** The queue job's id (default: the outbox row's id), so publishing twice runs it once. */
  jobId?: string;
  /** Not before this moment (the job is delayed until then). */
  runAt: Date;
}

/** Records work in the caller's transaction; nothing reaches Redis until the relay publishes it. */
export async function addToOutbox(db: Db, items: OutboxItem[]): Promise<string[]> {
  if (!items.length) return [];
  const rows = await db
    .insert(outbox)
    .values(items.map((i) => ({ queue: i.queue, job: i.job, payload: i.payload, jobId: i.jobId ?? null, runAt: i.runAt })))
    .returning({ id: outbox.id });
  return rows.map((r) => r.id);
}

/**
 * Puts unpublished work on its queues and marks it published, in one transaction per batch: a crash
 * or a Redis failure before the mark leaves the rows for the next pass, and the fixed job ids make a
 * second publication harmless. With `ids`, only those rows (right after their commit).
 */
export async function publishOutbox(ctx: Pick<AppContext, 'db' | 'queues' | 'clock'>, ids?: string[]): Promise<number> {
  if (ids && !ids.length) return 0;
  let published = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(and(isNull(outbox.publishedAt), ids ? inArray(outbox.id, ids) : undefined))
        .orderBy(outbox.createdAt)
        .limit(200)
        .for('update', { skipLocked: true });
      const now = ctx.clock.now();
      for (const r of rows) {
        await ctx.queues.enqueue(r.queue as never, r.job as never, r.payload as never, { jobId: r.jobId ?? r.id, delay: Math.max(0, r.runAt.getTime() - now.getTime()) });
      }
      if (rows.length) await tx.update(outbox).set({ publishedAt: now }).where(inArray(outbox.id, rows.map((r) => r.id)));
      return rows.length;
    });
    published += n;
    if (n < 200 || ids) return published;
  }
}

/** Published rows are kept a day (to see what went), then dropped. */
export async function pruneOutbox(db: Db, now: Date): Promise<void> {
  await db.delete(outbox).where(and(sql`${outbox.publishedAt} is not null`, lt(outbox.publishedAt, new Date(now.getTime() - 86400_000))));
  // An event is retried for hours at most; its once-only notes are kept a week.
  await db.delete(eventEffects).where(lt(eventEffects.createdAt, new Date(now.getTime() - 7 * 86400_000)));
}
