import { Queue, type JobsOptions } from 'bullmq';
import { ValidationFailed } from '../shared/errors';
import { keyTags, type RedisHandle } from '../redis';
import { queueDefinitions, payloadSchema, schedules, type JobName, type JobPayload, type QueueName } from './definitions';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/** Producers: the only way to put work on a queue, so no invalid payload ever reaches Redis. */
export class Queues {
  private readonly queues = new Map<QueueName, Queue>();
  private closed = false;

  constructor(
    private readonly redis: RedisHandle,
    readonly prefix: string,
  ) {}

  /** BullMQ's prefix for one queue: REDIS_PREFIX on one Redis; on a cluster with the queue's hash tag (src/redis.ts keyTags). */
  prefixOf(name: string): string {
    return keyTags(this.prefix, this.redis.cluster).queue(name);
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.redis.connect(), prefix: this.prefixOf(name), defaultJobOptions: DEFAULT_JOB_OPTIONS });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<Q extends QueueName, J extends JobName<Q>>(
    queue: Q,
    job: J,
    payload: JobPayload<Q, J>,
    opts: JobsOptions = {},
  ): Promise<string> {
    const parsed = payloadSchema(queue, job).safeParse(payload);
    if (!parsed.success) {
      throw new ValidationFailed(
        `invalid payload for ${queue}/${job}`,
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    const added = await this.queue(queue).add(job, parsed.data, opts);
    return String(added.id);
  }

  /** Many jobs of one kind at once; each payload is checked like `enqueue`. */
  async enqueueBulk<Q extends QueueName, J extends JobName<Q>>(
    queue: Q,
    job: J,
    items: Array<{ payload: JobPayload<Q, J>; jobId?: string; delay?: number }>,
    common: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {},
  ): Promise<void> {
    const schema = payloadSchema(queue, job);
    const jobs = items.map((item) => {
      const parsed = schema.safeParse(item.payload);
      if (!parsed.success) throw new ValidationFailed(`invalid payload for ${queue}/${job}`);
      return { name: job, data: parsed.data, opts: { ...common, ...(item.jobId ? { jobId: item.jobId } : {}), ...(item.delay ? { delay: item.delay } : {}) } };
    });
    if (jobs.length) await this.queue(queue).addBulk(jobs);
  }

  async installSchedules(): Promise<void> {
    for (const s of schedules) {
      payloadSchema(s.queue, s.job as never);
      await this.queue(s.queue).upsertJobScheduler(s.id, { pattern: s.pattern, tz: s.tz }, { name: s.job, data: {} });
    }
  }

  names(): QueueName[] {
    return Object.keys(queueDefinitions) as QueueName[];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queues.values()) {
      try {
        await q.close();
      } catch {
        /* each queue closes on its own; one failure must not keep the others open */
      }
    }
  }
}
