import { requeueQueuedImports, resumeStalledImports } from '../src/imports';
import type { AppContext } from '../src/context';
import { publishOutbox, pruneOutbox } from '../src/outbox';
import { requeueFromDatabase, settleDeliveries } from '../src/outreach';

/** Set in Redis once its state is known to match PostgreSQL; gone when Redis lost its data. */
const MARKER = 'keeper:marker';
const RECOVERING = 'keeper:recovering';

export interface Keeper {
  /** One pass: publish the outbox, and restore Redis from PostgreSQL if it came back empty. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs in every worker process, outside Redis (a timer, not a queue job), so it survives Redis losing
 * its data: each pass publishes work waiting in the outbox, settles deliveries in doubt whose provider
 * report has come, and checks a marker key. A missing marker
 * means Redis restarted without its data (or never had ours): the recurring jobs are registered again and
 * every queued delivery, pending fan-out, follow-up step and waiting import is put back from PostgreSQL,
 * with no process restarted. One process does it at a time; fixed job ids make a second pass harmless.
 */
export function startKeeper(ctx: AppContext, intervalMs = 5000): Keeper {
  let running: Promise<void> | undefined;
  let closed = false;
  let passes = 0;
  const pass = async () => {
    try {
      await publishOutbox(ctx);
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'outbox relay pass failed');
    }
    try {
      // Reports that came before their delivery was known to be in doubt settle it within seconds, and
      // what waited DELIVERY_SETTLE_MINUTES without one is settled by its channel's rule.
      await settleDeliveries(ctx);
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'settling by reports failed');
    }
    try {
      // An import whose worker died or whose job Redis lost goes on from its last chunk.
      await resumeStalledImports(ctx);
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'resuming stalled imports failed');
    }
    try {
      if ((await ctx.redis.kv.get(MARKER)) === null && (await ctx.redis.kv.set(RECOVERING, String(process.pid), 'EX', 120, 'NX')) === 'OK') {
        try {
          await ctx.queues.installSchedules();
          const put = { ...(await requeueFromDatabase(ctx)), imports: await requeueQueuedImports(ctx) };
          await ctx.redis.kv.set(MARKER, ctx.clock.now().toISOString());
          if (put.deliveries || put.fanouts || put.steps || put.imports) ctx.logger.warn(put, 'Redis had none of our queued work: put back from PostgreSQL');
        } finally {
          await ctx.redis.kv.del(RECOVERING);
        }
      }
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'queue recovery pass failed');
    }
    if (++passes % 720 === 0) await pruneOutbox(ctx.db, ctx.clock.now()).catch(() => undefined);
  };
  const tick = () => (running ??= pass().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    if (!closed) void tick();
  }, intervalMs);
  timer.unref();
  return {
    tick,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
