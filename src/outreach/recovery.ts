import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { AppContext } from '../context';
import { broadcasts, deliveries, followUpSteps } from '../db/schema/outreach';
import { enqueueDeliveries } from '../queues/deliveries';

type Ctx = Pick<AppContext, 'db' | 'queues' | 'clock' | 'logger'>;
const PAGE = 1000;

/**
 * Everything the queues should hold, put back from PostgreSQL (after Redis came back without its data):
 * deliveries queued or deferred, broadcasts not yet fanned out (a fan-out resumes from its cursor),
 * and pending follow-up steps at their time (the imports module puts back its own: requeueQueuedImports). Each job keeps its fixed id, so what
 * Redis still has is left alone.
 */
export async function requeueFromDatabase(ctx: Ctx): Promise<{ deliveries: number; fanouts: number; steps: number }> {
  const now = ctx.clock.now();
  let queued = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await ctx.db
      .select({ id: deliveries.id, channel: deliveries.channel, batch: deliveries.batch })
      .from(deliveries)
      .where(and(inArray(deliveries.status, ['queued', 'deferred']), after ? gt(deliveries.id, after) : undefined))
      .orderBy(asc(deliveries.id))
      .limit(PAGE);
    if (!rows.length) break;
    after = rows[rows.length - 1]!.id;
    // A deferred one is judged again when it runs, and waits again until its allowed time.
    await enqueueDeliveries(ctx.queues, rows);
    queued += rows.length;
  }
  const open = await ctx.db.select({ id: broadcasts.id, sendAt: broadcasts.sendAt }).from(broadcasts).where(inArray(broadcasts.status, ['scheduled', 'fanning_out']));
  for (const b of open) await ctx.queues.enqueue('outreach', 'fanout', { broadcastId: b.id }, { jobId: `fanout-${b.id}`, delay: Math.max(0, b.sendAt.getTime() - now.getTime()) });
  let steps = 0;
  let afterStep: string | undefined;
  for (;;) {
    const rows = await ctx.db
      .select({ id: followUpSteps.id, dueAt: followUpSteps.dueAt })
      .from(followUpSteps)
      .where(and(eq(followUpSteps.status, 'pending'), afterStep ? gt(followUpSteps.id, afterStep) : undefined))
      .orderBy(asc(followUpSteps.id))
      .limit(PAGE);
    if (!rows.length) break;
    afterStep = rows[rows.length - 1]!.id;
    await ctx.queues.enqueueBulk('outreach', 'follow-up-step', rows.map((s) => ({ payload: { stepId: s.id }, jobId: s.id, delay: Math.max(0, s.dueAt.getTime() - now.getTime()) })));
    steps += rows.length;
  }
  return { deliveries: queued, fanouts: open.length, steps };
}
