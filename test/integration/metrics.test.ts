import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eq, sql } from 'drizzle-orm';
import { buildApp } from '../../src/app';
import { noteBackupSuccess } from '../../src/backup/record';
import { deliveries, imports, sendingAccounts, subscriptions, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { deploymentMetrics, reasonLabel } from '../../src/metrics/deployment';
import { serveMetrics } from '../../src/metrics/http';
import { Metrics } from '../../src/metrics/registry';
import { openDatabase } from '../../src/db/client';
import { openRedis } from '../../src/redis';
import { logChannel } from '../../src/outreach/channels';
import { deliver, fanOut } from '../../src/outreach/service';
import type { ManualClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { handlers, type HandlerMap } from '../../jobs/handlers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { signIn, type Staff } from '../helpers/api';
import { freeLowPort, runEntry, stopAll } from '../helpers/processes';
import { TEST_PII_KEY, TEST_TOKEN_SECRET } from '../helpers/harness';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importsUnderWay } from '../../src/imports';
import { deliveriesByOutcomeSince, sendingAccountsByStatus } from '../../src/outreach';

const FIGURES = { deliveriesSince: deliveriesByOutcomeSince, accountsByStatus: sendingAccountsByStatus, importsUnderWay };

const TOKEN = 'metrics-token-for-tests-0123456789';

type Labels = Record<string, string>;

/** The samples of one metric in a scrape, each with its labels. */
function samples(text: string, name: string): Array<{ labels: Labels; value: number }> {
  const out: Array<{ labels: Labels; value: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of a metric's samples whose labels include these (0 when there is none). */
function total(text: string, name: string, want: Labels = {}): number {
  return samples(text, name)
    .filter((s) => Object.entries(want).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

describe('GET /metrics (Prometheus)', () => {
  let h: Harness;
  let metrics: Metrics;
  let app: App;
  let station: Staff;
  const scrape = async () => {
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    return res.text;
  };
  /** Scrapes until the check holds; the thing waited for is a job a worker finishes, not a length of time. */
  const scrapeUntil = async (check: (text: string) => boolean): Promise<string> => {
    for (let i = 0; i < 600; i++) {
      const text = await scrape();
      if (check(text)) return text;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the metrics never showed what was expected');
  };

  beforeAll(async () => {
    h = await createHarness({ env: { METRICS_TOKEN: TOKEN } });
    await seedRegions(h.ctx.db);
    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageA.code], 7, new Date()), 3, new Date());
    await h.ctx.db.execute(sql`update workers set consent = true, status = 'active'`);
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap) select id, 'chat', 0, 0, 50 from ${workers}`);
    metrics = new Metrics('all', h.ctx);
    deploymentMetrics(metrics, h.ctx, FIGURES);
    app = buildApp(h.ctx, { metrics: { metrics, token: TOKEN } }).callback() as unknown as App;
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  it('is refused without the metrics token or with another (a staff token too), and answered with it', async () => {
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer not-the-metrics-token-at-all')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${station.token}`)).status).toBe(401);
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    // The process's own figures, with the role of the process on each.
    expect(total(res.text, 'process_cpu_user_seconds_total', { role: 'all' })).toBeGreaterThan(0);
    expect(samples(res.text, 'nodejs_heap_size_used_bytes').length).toBe(1);
  });

  it('counts and times requests by route template, never by the raw path', async () => {
    const route = { method: 'GET', route: '/api/v1/workers/:id' };
    const before = await scrape();
    const id = randomUUID();
    expect((await station.get(`/api/v1/workers/${id}`)).status).toBe(404);
    const after = await scrape();
    expect(total(after, 'bangfu_http_requests_total', { ...route, status: '404' }) - total(before, 'bangfu_http_requests_total', { ...route, status: '404' })).toBe(1);
    expect(total(after, 'bangfu_http_request_duration_seconds_count', route) - total(before, 'bangfu_http_request_duration_seconds_count', route)).toBe(1);
    expect(after).not.toContain(id);
  });

  it('says whether PostgreSQL and Redis answer, and how the pool is used', async () => {
    const text = await scrape();
    expect(total(text, 'bangfu_dependency_up', { dependency: 'database' })).toBe(1);
    expect(total(text, 'bangfu_dependency_up', { dependency: 'redis' })).toBe(1);
    expect(total(text, 'bangfu_db_pool_connections', { state: 'max' })).toBe(5);
    expect(samples(text, 'bangfu_db_pool_connections').map((s) => s.labels.state).sort()).toEqual(['active', 'idle', 'max', 'waiting']);
  });

  it('says 0 for a database or Redis this process cannot reach, and still answers the scrape', async () => {
    const database = await openDatabase({ url: h.config.databaseUrl, dataDir: h.config.dataDir, poolSize: 1 });
    const redis = await openRedis({ url: h.config.redis.url, prefix: h.config.redis.prefix, serverBin: 'redis-server', dataDir: h.config.dataDir }, h.ctx.logger);
    const lost = new Metrics('api', { database, redis });
    // The deployment's figures from that database: those it feeds are left out and said to be missing.
    deploymentMetrics(lost, { ...h.ctx, db: database.db }, FIGURES);
    await database.close();
    await redis.close();
    const text = await lost.text();
    expect(total(text, 'bangfu_dependency_up', { dependency: 'database', role: 'api' })).toBe(0);
    expect(total(text, 'bangfu_dependency_up', { dependency: 'redis', role: 'api' })).toBe(0);
    expect(samples(text, 'bangfu_metrics_source_up').map((s) => `${s.labels.source}=${s.value}`).sort()).toEqual(['accounts=0', 'backups=1', 'deliveries=0', 'imports=0', 'queues=1']);
    expect(samples(text, 'bangfu_wechat_accounts')).toEqual([]);
    expect(samples(text, 'bangfu_deliveries_last_hour')).toEqual([]);
    expect(samples(text, 'bangfu_queue_jobs').length).toBeGreaterThan(0);
  });

  it('shows queue depth, and what became of each job a worker of this process ran: completed, retried, failed', async () => {
    const wait = { queue: 'maintenance', state: 'wait' };
    const outcome = (t: string, o: string) => total(t, 'bangfu_queue_jobs_finished_total', { queue: 'maintenance', outcome: o });
    expect(total(await scrape(), 'bangfu_queue_jobs', wait)).toBe(0);
    await h.ctx.queues.enqueue('maintenance', 'purge-sessions', {});
    // A payload that never parses fails at once, with no retry.
    await h.ctx.queues.queue('maintenance').add('purge-sessions', { unexpected: true });
    // One that fails its first try and is tried again at once.
    await h.ctx.queues.enqueue('maintenance', 'purge-sessions', {}, { jobId: 'flaky', attempts: 2, backoff: { type: 'fixed', delay: 0 } });
    expect(total(await scrape(), 'bangfu_queue_jobs', wait)).toBe(3);

    const flaky: HandlerMap = {
      ...handlers,
      maintenance: {
        ...handlers.maintenance,
        'purge-sessions': async (payload, ctx, job) => {
          if (job.id === 'flaky' && job.attemptsMade === 0) throw new Error('the first try of this one fails');
          return handlers.maintenance['purge-sessions'](payload, ctx, job);
        },
      },
    };
    let running: Workers | undefined;
    try {
      running = startWorkers(h.ctx, { only: ['maintenance'], handlers: flaky });
      running.workers.forEach((w) => metrics.observeWorker(w));
      const done = await scrapeUntil((t) => outcome(t, 'completed') === 2 && outcome(t, 'failed') === 1);
      expect(outcome(done, 'retried')).toBe(1);
      expect(total(done, 'bangfu_queue_jobs', wait)).toBe(0);
      expect(total(done, 'bangfu_queue_jobs', { queue: 'maintenance', state: 'failed' })).toBe(1);
      expect(total(done, 'bangfu_queue_job_duration_seconds_count', { queue: 'maintenance' })).toBe(2);
    } finally {
      await running?.close();
    }
  });

  it('shows the last hour’s deliveries by channel, status and reason code from the push engine’s records', async () => {
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': '村委会明天招聘' } })).body as { id: string };
    const before = await scrape();
    await fanOut(h.ctx, b.id);
    const ds = await h.ctx.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.broadcastId, b.id));
    expect(ds.length).toBe(3);
    // No SMS is configured here, so every one fails, with the reason the engine gives.
    for (const d of ds) await h.ctx.db.update(deliveries).set({ channel: 'sms' }).where(eq(deliveries.id, d.id));
    const noChat = new Map([['log', logChannel(h.ctx.logger)]]);
    for (const d of ds) expect(await deliver(h.ctx, d.id, noChat)).toBe('failed');
    // Counts are read again once the last read is 30 s old (on the service's clock).
    (h.clock as ManualClock).advance(31_000);
    const after = await scrape();
    expect(total(before, 'bangfu_deliveries_last_hour', { channel: 'sms', status: 'failed' })).toBe(0);
    expect(total(after, 'bangfu_deliveries_last_hour', { channel: 'sms', status: 'failed' })).toBe(3);
    for (const s of samples(after, 'bangfu_deliveries_last_hour')) expect(s.labels.reason).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(reasonLabel('retries_exhausted: socket hang up')).toBe('retries_exhausted');
    expect(reasonLabel('Something Else')).toBe('other');
    expect(reasonLabel(null)).toBe('none');
  });

  it('shows WeChat accounts online, imports under way, and when the last backup was made', async () => {
    const before = await scrape();
    expect(total(before, 'bangfu_wechat_accounts', { status: 'online' })).toBe(0);
    expect(samples(before, 'bangfu_wechat_accounts').length).toBe(12);
    expect(total(before, 'bangfu_backup_last_success_timestamp_seconds')).toBe(0);

    await h.ctx.db.insert(sendingAccounts).values({ name: `pool-${randomUUID().slice(0, 8)}`, regionCode: REGIONS.countyA.code, door: 'personal', puppet: 'wechaty-puppet-mock', status: 'online' });
    const [imp] = await h.ctx.db
      .insert(imports)
      .values({ status: 'running', fileName: 'people.xlsx', regionCode: REGIONS.countyA.code, createdBy: station.id, totalRows: 120, processedRows: 45 })
      .returning({ id: imports.id });
    const at = new Date('2026-11-30T18:40:00Z');
    await noteBackupSuccess(h.ctx.redis.kv, at);

    const after = await scrape();
    expect(total(after, 'bangfu_wechat_accounts', { door: 'personal', status: 'online' })).toBe(1);
    expect(total(after, 'bangfu_imports', { status: 'running' })).toBe(1);
    expect(total(after, 'bangfu_import_rows', { import: imp!.id, kind: 'expected' })).toBe(120);
    expect(total(after, 'bangfu_import_rows', { import: imp!.id, kind: 'processed' })).toBe(45);
    expect(total(after, 'bangfu_backup_last_success_timestamp_seconds')).toBe(at.getTime() / 1000);
    expect(samples(after, 'bangfu_metrics_source_up').map((s) => `${s.labels.source}=${s.value}`).sort()).toEqual(['accounts=1', 'backups=1', 'deliveries=1', 'imports=1', 'queues=1']);
  });

  it('can be served on a port of its own (how worker and bot processes are scraped), with the same token', async () => {
    const port = await freeLowPort();
    const server: Server = await serveMetrics(metrics, { host: '127.0.0.1', port, token: TOKEN });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/other`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(total(await ok.text(), 'bangfu_dependency_up', { dependency: 'redis' })).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('in a worker process (npm start -- worker), served on METRICS_PORT: that process’s jobs and runtime, none of the deployment’s gauges', async () => {
    const started: ChildProcess[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'bangfu-metrics-'));
    try {
      const port = await freeLowPort();
      const proc = runEntry('server/main.ts', ['worker'], {
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        DATABASE_URL: h.config.databaseUrl!,
        REDIS_URL: h.config.redis.url!,
        REDIS_PREFIX: h.config.redis.prefix,
        PII_KEY: TEST_PII_KEY,
        TOKEN_SECRET: TEST_TOKEN_SECRET,
        METRICS_TOKEN: TOKEN,
        METRICS_PORT: String(port),
        METRICS_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      }, started);
      const url = `http://127.0.0.1:${port}/metrics`;
      const read = async (): Promise<string | undefined> => {
        if (proc.child.exitCode !== null) throw new Error(`the worker exited: ${proc.stderr.join('')}`);
        const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => undefined);
        return res?.status === 200 ? res.text() : undefined;
      };
      await h.ctx.queues.enqueue('maintenance', 'purge-sessions', {});
      let text: string | undefined;
      for (let i = 0; i < 1200 && !(text && total(text, 'bangfu_queue_jobs_finished_total', { queue: 'maintenance', outcome: 'completed', role: 'worker' }) >= 1); i++) {
        text = await read();
        if (!text) await new Promise((r) => setTimeout(r, 100));
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(total(text!, 'bangfu_queue_jobs_finished_total', { queue: 'maintenance', outcome: 'completed', role: 'worker' })).toBeGreaterThanOrEqual(1);
      expect(total(text!, 'process_cpu_user_seconds_total', { role: 'worker' })).toBeGreaterThan(0);
      expect(total(text!, 'bangfu_dependency_up', { dependency: 'database', role: 'worker' })).toBe(1);
      // The deployment's gauges come from the API alone, so a dashboard never adds them up twice.
      expect(samples(text!, 'bangfu_queue_jobs')).toEqual([]);
      expect(samples(text!, 'bangfu_wechat_accounts')).toEqual([]);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      stopAll(started);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
