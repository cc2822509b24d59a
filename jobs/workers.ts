import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { AppContext } from '../src/context';
import { DomainError } from '../src/shared/errors';
import { payloadSchema, queueDefinitions, type QueueName } from '../src/queues/definitions';
import { handlers, type HandlerMap } from './handlers';

/** Refuses to start when a declared job has no handler, or a handler has no declared job. */
export function checkHandlers(map: HandlerMap = handlers): void {
  for (const [queue, def] of Object.entries(queueDefinitions)) {
    const declared = Object.keys(def.jobs);
    const handled = Object.keys((map as Record<string, Record<string, unknown>>)[queue] ?? {});
    const missing = declared.filter((j) => !handled.includes(j));
    const extra = handled.filter((j) => !declared.includes(j));
    if (missing.length || extra.length) {
      throw new Error(`queue "${queue}": jobs without a handler [${missing.join(', ')}], handlers without a job [${extra.join(', ')}]`);
    }
  }
}

export interface Workers {
  workers: Worker[];
  /** Waits for active jobs to finish, then closes. Safe to call twice. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** Only these queues (default: all). */
  only?: QueueName[];
  /** The handler map (default: the real one); tests pass a slow or failing one. */
  handlers?: HandlerMap;
}

/** Rate limits per channel: one WeChat account sending too fast gets blocked. */
function limiterOf(ctx: AppContext, queue: QueueName): { limiter?: { max: number; duration: number } } {
  const def = queueDefinitions[queue] as { limiter?: 'mini_program' | 'sms' };
  if (def.limiter === 'mini_program') return { limiter: { max: ctx.config.miniProgramSendsPerSecond, duration: 1000 } };
  if (def.limiter === 'sms') return { limiter: { max: ctx.config.sms?.sendsPerSecond ?? 10, duration: 1000 } };
  return {};
}

export function startWorkers(ctx: AppContext, opts: WorkerOptions = {}): Workers {
  const map = opts.handlers ?? handlers;
  const only = opts.only;
  checkHandlers(map);
  // Queues marked for the bot run only where asked for by name (the bot process), never in a plain worker.
  const names = (Object.keys(queueDefinitions) as QueueName[]).filter((q) => (only ? only.includes(q) : !('bot' in queueDefinitions[q])));
  const workers = names.map((queue) => {
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const parsed = payloadSchema(queue, job.name as never).safeParse(job.data);
        // A payload that does not parse will never parse: do not retry it.
        if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${queue}/${job.name}`);
        const handler = (map as unknown as Record<string, Record<string, (p: unknown, c: AppContext, j: Job, t?: string) => Promise<unknown>>>)[queue]?.[job.name];
        if (!handler) throw new UnrecoverableError(`no handler for ${queue}/${job.name}`);
        try {
          return await handler(parsed.data, ctx, job, token);
        } catch (err) {
          // Domain errors (not found, invalid, policy) are decisions, not accidents: retrying changes nothing.
          if (err instanceof DomainError && err.code !== 'unavailable' && err.code !== 'rate_limited') {
            throw new UnrecoverableError(`${err.code}: ${err.message}`);
          }
          throw err;
        }
      },
      {
        connection: ctx.redis.connect(),
        prefix: ctx.queues.prefixOf(queue),
        concurrency: queueDefinitions[queue].concurrency,
        autorun: true,
        lockDuration: ctx.config.queueLockMs,
        stalledInterval: ctx.config.queueLockMs,
        ...limiterOf(ctx, queue),
      },
    );
    worker.on('failed', (job, err) => ctx.logger.warn({ queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'));
    worker.on('error', (err) => ctx.logger.warn({ queue, err: err.message }, 'worker error'));
    return worker;
  });
  let closing: Promise<void> | undefined;
  return {
    workers,
    close: () => {
      // All at once, each given at most half the shutdown's time: BullMQ's close can wait for ever on a connection
      // left reconnecting after Redis restarted (seen in `redis-restart`), and one stuck queue must not hold the rest.
      closing ??= Promise.all(workers.map((w) => closeWithin(w, ctx.config.shutdownTimeoutMs / 2, ctx.logger))).then(() => undefined);
      return closing;
    },
  };
}

/**
 * Closes a queue's worker, waiting for its active jobs; past `ms` it is left to end with the process (a job cut off
 * there is taken up again, as after a crash: deliveries are claimed in the database, imports resume from their chunk).
 */
async function closeWithin(w: Worker, ms: number, logger: AppContext['logger']): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
    timer.unref();
  });
  const closed = w.close().then(
    () => 'closed' as const,
    (err: Error) => {
      logger.warn({ queue: w.name, err: err.message }, 'worker close failed');
      return 'closed' as const;
    },
  );
  try {
    if ((await Promise.race([closed, late])) === 'late') logger.warn({ queue: w.name, waitedMs: ms }, 'worker did not close in time; left to end with the process');
  } finally {
    clearTimeout(timer);
  }
}
