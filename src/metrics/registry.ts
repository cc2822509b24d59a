import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Worker } from 'bullmq';
import type { Role } from '../config';
import type { Database } from '../db/client';
import type { RedisHandle } from '../redis';

/** A source that did not answer within this long is reported as down, so a scrape never hangs on it. */
export const SOURCE_TIMEOUT_MS = 2000;

export async function within<T>(work: Promise<T>, ms = SOURCE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * This process's metrics, in a registry of its own (two services in one test process never share one).
 * Every series carries the process's role, so the api, worker and bot processes of one deployment stay
 * apart on the same dashboard. What only this process sees lives here: its runtime, its HTTP requests,
 * the jobs it ran, its database pool, whether it reaches PostgreSQL and Redis. What the whole deployment
 * shares (queues, deliveries, accounts, imports, backups) is added by `deploymentMetrics` in one role.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly jobsFinished: Counter<'queue' | 'outcome'>;
  readonly jobDuration: Histogram<'queue'>;

  constructor(role: Role, deps: { database: Database; redis: RedisHandle }) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ role });
    collectDefaultMetrics({ register: this.registry });

    this.httpRequests = new Counter({
      name: 'bangfu_http_requests_total',
      help: 'HTTP requests answered, by route template (never the raw path) and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'bangfu_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route template',
      labelNames: ['method', 'route'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.jobsFinished = new Counter({
      name: 'bangfu_queue_jobs_finished_total',
      help: 'Jobs this process ran, by queue and outcome: completed, retried (failed, another attempt is due) or failed (no attempt left)',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'bangfu_queue_job_duration_seconds',
      help: 'Time a completed job ran, by queue',
      labelNames: ['queue'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });

    new Gauge({
      name: 'bangfu_dependency_up',
      help: 'Whether this process reaches the dependency now (1) or not (0): database (PostgreSQL or the embedded one), redis',
      labelNames: ['dependency'],
      registers,
      async collect() {
        const [database, redis] = await Promise.allSettled([within(deps.database.ping()), within(deps.redis.ping())]);
        this.set({ dependency: 'database' }, database.status === 'fulfilled' ? 1 : 0);
        this.set({ dependency: 'redis' }, redis.status === 'fulfilled' ? 1 : 0);
      },
    });
    const reads = deps.database.reads;
    if (reads) {
      new Gauge({
        name: 'bangfu_db_replica_up',
        help: 'The read replica (DATABASE_READ_URL) as last checked: 1 for its state now (ok: serving lag-tolerant reads; lagging: behind by more than DATABASE_READ_MAX_LAG_S; down: not answering), 0 for the others',
        labelNames: ['state'],
        registers,
        collect() {
          const now = reads.state().state;
          for (const state of ['ok', 'lagging', 'down'] as const) this.set({ state }, state === now ? 1 : 0);
        },
      });
      new Gauge({
        name: 'bangfu_db_replica_lag_seconds',
        help: 'How far the read replica’s replay is behind the primary, in seconds (absent while it does not answer)',
        registers,
        collect() {
          const lag = reads.state().lagSeconds;
          if (lag === null) this.reset();
          else this.set(lag);
        },
      });
      new Gauge({
        name: 'bangfu_db_statements',
        help: 'Statements this process sent through the read router since it started, by where they went: replica, primary, or primary after the replica failed a read (fallback)',
        labelNames: ['served_by'],
        registers,
        collect() {
          for (const [by, n] of Object.entries(reads.served)) this.set({ served_by: by }, n);
        },
      });
    }
    const pool = deps.database.pool;
    if (pool) {
      new Gauge({
        name: 'bangfu_db_pool_connections',
        help: 'This process’s PostgreSQL pool: connections by state (active, idle), its ceiling (max), and queries waiting for one (waiting)',
        labelNames: ['state'],
        registers,
        collect() {
          const p = pool();
          this.set({ state: 'active' }, p.total - p.idle);
          this.set({ state: 'idle' }, p.idle);
          this.set({ state: 'max' }, p.max);
          this.set({ state: 'waiting' }, p.waiting);
        },
      });
    }
  }

  /** Counts what becomes of each job a BullMQ worker of this process runs. */
  observeWorker(worker: Worker): void {
    const queue = worker.name;
    worker.on('completed', (job) => {
      this.jobsFinished.inc({ queue, outcome: 'completed' });
      if (job.processedOn && job.finishedOn) this.jobDuration.observe({ queue }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
    });
    worker.on('failed', (job) => {
      // A job with attempts left goes back to wait for its next one and has no finishing time yet; only the last failure has.
      const final = !job || typeof job.finishedOn === 'number';
      this.jobsFinished.inc({ queue, outcome: final ? 'failed' : 'retried' });
    });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
