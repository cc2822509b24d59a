import { Gauge } from 'prom-client';
import type { AppContext } from '../context';
import { lastBackupSuccess } from '../backup';
import type { Executor } from '../shared/command';
import type { Metrics } from './registry';
import { within } from './registry';

type Ctx = Pick<AppContext, 'db' | 'redis' | 'queues' | 'clock' | 'config'>;

/**
 * The figures other modules own, handed in by whoever starts the metrics (outreach's deliveries and sending
 * accounts, imports under way): this module sits below them and reads none of their tables.
 */
export interface DeploymentFigures {
  /** Deliveries changed since an instant, by channel, status and the reason's code (before any colon). */
  deliveriesSince(db: Executor, since: Date): Promise<Array<{ channel: string; status: string; reason: string; n: number }>>;
  /** Sending accounts by door and status. */
  accountsByStatus(db: Executor): Promise<Array<{ door: string; status: string; n: number }>>;
  /** Imports queued or running, with their rows expected and done. */
  importsUnderWay(db: Executor): Promise<Array<{ id: string; status: string; total: number; processed: number }>>;
}

/** BullMQ's states a job can wait or run in; completed and failed jobs are counted by the workers instead. */
const QUEUE_STATES = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/** Scanning deliveries costs a table read; a scrape every few seconds reuses the last count for this long. */
const DELIVERY_CACHE_MS = 30_000;

/** A reason as a label: its code before any colon, or `other` (free text never becomes a series). */
export function reasonLabel(reason: string | null): string {
  if (!reason) return 'none';
  const code = reason.split(':')[0]!.trim();
  return /^[a-z][a-z0-9_]{0,47}$/.test(code) ? code : 'other';
}

/**
 * What the whole deployment shares, read at each scrape from Redis and the database: queue depths,
 * deliveries of the last hour by channel, status and reason, sending accounts by status, imports under
 * way, the last backup. Served by one role (the API), so a dashboard never counts them twice.
 * A source that fails is left out of the scrape and `bangfu_metrics_source_up` says which.
 */
export function deploymentMetrics(metrics: Metrics, ctx: Ctx, figures: DeploymentFigures): void {
  const registers = [metrics.registry];
  const sources = new Map<string, 0 | 1>();
  const reading = new Set<Promise<unknown>>();
  /** The source's answer, or undefined (and its series left out) when it failed or was too slow. */
  const read = <T>(source: string, gauge: Gauge<string>, work: () => Promise<T>): Promise<{ value: T } | undefined> => {
    gauge.reset();
    const answer = within(work()).then(
      (value) => {
        sources.set(source, 1);
        return { value };
      },
      () => {
        sources.set(source, 0);
        return undefined;
      },
    );
    reading.add(answer);
    void answer.finally(() => reading.delete(answer));
    return answer;
  };

  new Gauge({
    name: 'bangfu_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (wait, active, delayed, prioritized, waiting-children, and failed ones kept)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      const counts = await read('queues', this, () => Promise.all(ctx.queues.names().map(async (q) => [q, await ctx.queues.queue(q).getJobCounts(...QUEUE_STATES)] as const)));
      for (const [queue, byState] of counts?.value ?? []) for (const state of QUEUE_STATES) this.set({ queue, state }, byState[state] ?? 0);
    },
  });

  let deliveryCache: { at: number; rows: Array<{ channel: string; status: string; reason: string; n: number }> } | undefined;
  new Gauge({
    name: 'bangfu_deliveries_last_hour',
    help: 'Deliveries whose state changed in the last hour, by channel, status (queued, sending, sent, deferred, failed, skipped, unknown) and reason code',
    labelNames: ['channel', 'status', 'reason'],
    registers,
    async collect() {
      const now = ctx.clock.now().getTime();
      if (!deliveryCache || now - deliveryCache.at > DELIVERY_CACHE_MS || now < deliveryCache.at) {
        // Grouped by the reason's code, so reasons carrying free text after the colon come back as one row.
        const rows = await read('deliveries', this, () => figures.deliveriesSince(ctx.db, new Date(now - 3_600_000)));
        if (!rows) return;
        deliveryCache = { at: now, rows: rows.value.map((r) => ({ channel: r.channel, status: r.status, reason: reasonLabel(r.reason), n: Number(r.n) })) };
      }
      this.reset();
      for (const r of deliveryCache.rows) this.inc({ channel: r.channel, status: r.status, reason: r.reason }, r.n);
    },
  });

  new Gauge({
    name: 'bangfu_wechat_accounts',
    help: 'Sending accounts by door (personal, wecom, official_account) and status (online, offline, blocked, disabled)',
    labelNames: ['door', 'status'],
    registers,
    async collect() {
      const rows = await read('accounts', this, () => figures.accountsByStatus(ctx.db));
      if (!rows) return;
      // Every status appears, so "none online" is a 0 rather than a missing series.
      for (const door of ['personal', 'wecom', 'official_account'] as const) for (const status of ['online', 'offline', 'blocked', 'disabled'] as const) this.set({ door, status }, 0);
      for (const r of rows.value) this.set({ door: r.door, status: r.status }, Number(r.n));
    },
  });

  // Both import gauges come from one query; a scrape collects them together and shares its answer.
  let importsNow: Promise<Array<{ id: string; status: string; total: number; processed: number }>> | undefined;
  const loadImports = () =>
    (importsNow ??= figures.importsUnderWay(ctx.db).finally(() => (importsNow = undefined)));
  new Gauge({
    name: 'bangfu_imports',
    help: 'Imports queued or running now',
    labelNames: ['status'],
    registers,
    async collect() {
      const rows = await read('imports', this, loadImports);
      if (!rows) return;
      this.set({ status: 'queued' }, rows.value.filter((r) => r.status === 'queued').length);
      this.set({ status: 'running' }, rows.value.filter((r) => r.status === 'running').length);
    },
  });
  new Gauge({
    name: 'bangfu_import_rows',
    help: 'Imports queued or running: rows in the file (expected) and rows done so far (processed), by import id',
    labelNames: ['import', 'kind'],
    registers,
    async collect() {
      this.reset();
      const rows = await within(loadImports()).catch(() => []);
      for (const r of rows) {
        this.set({ import: r.id, kind: 'expected' }, r.total);
        this.set({ import: r.id, kind: 'processed' }, r.processed);
      }
    },
  });

  new Gauge({
    name: 'bangfu_backup_last_success_timestamp_seconds',
    help: 'When the newest whole backup was made (Unix time); 0 when there is none',
    registers,
    async collect() {
      const at = await read('backups', this, () => lastBackupSuccess(ctx.redis.kv, ctx.config.backup.dir));
      if (at) this.set(at.value ? at.value.getTime() / 1000 : 0);
    },
  });

  // Registered last: a scrape collects every gauge at once, so by the time this one runs the reads above
  // have begun, and it waits for them to say how they went.
  new Gauge({
    name: 'bangfu_metrics_source_up',
    help: 'Whether the last scrape could read this source (1) or left its series out (0)',
    labelNames: ['source'],
    registers,
    async collect() {
      await Promise.allSettled([...reading]);
      for (const [source, up] of sources) this.set({ source }, up);
    },
  });
}
