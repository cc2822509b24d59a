import { Queue } from 'bullmq';
import { count } from 'drizzle-orm';
import { sessions } from '../../src/db/schema';
import { ValidationFailed } from '../../src/shared/errors';
import { ManualClock } from '../../src/shared/clock';
import { handlers } from '../../jobs/handlers';
import { checkHandlers, startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';
import { makeAccount, seedRegions } from '../helpers/factories';

describe('queues', () => {
  let h: Harness;
  let workers: Workers | undefined;
  const clock = new ManualClock('2026-05-01T00:00:00Z');

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
  });
  afterAll(() => h.close());

  it('every declared job has exactly one handler', () => {
    expect(() => checkHandlers()).not.toThrow();
  });

  it('a producer cannot enqueue an invalid payload, and nothing reaches Redis', async () => {
    await expect(h.ctx.queues.enqueue('maintenance', 'purge-sessions', { extra: 1 } as never)).rejects.toBeInstanceOf(ValidationFailed);
    const counts = await h.ctx.queues.queue('maintenance').getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a worker runs the job: dead sessions are purged, live ones kept', async () => {
    const account = await makeAccount(h.ctx.db);
    const now = clock.now().getTime();
    await h.ctx.db.insert(sessions).values([
      { accountId: account.id, tokenHash: 'dead', expiresAt: new Date(now - 3 * 86400_000) },
      { accountId: account.id, tokenHash: 'live', expiresAt: new Date(now + 3600_000) },
    ]);
    workers = startWorkers(h.ctx);
    const id = await h.ctx.queues.enqueue('maintenance', 'purge-sessions', {});
    const job = await until(
      async () => h.ctx.queues.queue('maintenance').getJob(id),
      (j) => j?.finishedOn !== undefined,
    );
    expect(job?.returnvalue).toEqual({ deleted: 1 });
    const [left] = await h.ctx.db.select({ n: count() }).from(sessions);
    expect(left?.n).toBe(1);
  });

  it('a job whose payload was written around the producer fails once, without retries', async () => {
    workers = startWorkers(h.ctx);
    const raw = new Queue('maintenance', { connection: h.ctx.redis.connect(), prefix: h.ctx.queues.prefix });
    const job = await raw.add('purge-sessions', { injected: 'x' }, { attempts: 5 });
    const failed = await until(
      async () => raw.getJob(String(job.id)),
      (j) => Boolean(j?.failedReason),
    );
    expect(failed?.failedReason).toMatch(/invalid payload/);
    expect(failed?.attemptsMade).toBe(1);
    await raw.close();
  });

  it('shutting down lets the active job finish before the worker closes', async () => {
    const order: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    workers = startWorkers(h.ctx, {
      handlers: {
        ...handlers,
        maintenance: {
          ...handlers.maintenance,
          'purge-sessions': async () => {
            started();
            // The job is still at work when its worker starts to close.
            await held;
            order.push('job finished');
            return { deleted: 0 };
          },
        },
      },
    });
    const maintenance = workers.workers.find((w) => w.name === 'maintenance')!;
    maintenance.once('closing', () => release());
    maintenance.once('closed', () => order.push('worker closed'));
    const id = await h.ctx.queues.enqueue('maintenance', 'purge-sessions', {});
    await running;
    await workers.close();
    expect(order).toEqual(['job finished', 'worker closed']);
    const job = await h.ctx.queues.queue('maintenance').getJob(id);
    expect(await job?.getState()).toBe('completed');
  });

  it('closing the workers twice is safe', async () => {
    workers = startWorkers(h.ctx);
    await workers.close();
    await expect(workers.close()).resolves.toBeUndefined();
  });

  it('installs its recurring schedules once, however often it starts', async () => {
    await h.ctx.queues.installSchedules();
    await h.ctx.queues.installSchedules();
    const schedulers = await h.ctx.queues.queue('maintenance').getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['anonymise-departed-daily', 'backup-daily', 'policy-endings-daily', 'purge-sessions-hourly', 'rain-dew-graduations-daily', 'report-deadlines-daily']);
  });
});
