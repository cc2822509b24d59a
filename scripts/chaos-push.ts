/**
 * The push engine under faults (`npm run chaos:push [-- --people N]`): a real broadcast of N people
 * (default 5,000) per fault, through the mini-program channel to a local stand-in of WeChat's API that
 * records what every person received and pushes WeChat's report of each message, with the API and a
 * queue worker as separate processes on PostgreSQL (through a proxy that can be cut) and a private Redis.
 *
 * Faults, one broadcast each: the provider answering after the client's timeout; the provider failing
 * with HTTP 500 after taking the message; the worker SIGKILLed mid-send; Redis restarted with its data
 * wiped; the PostgreSQL connection cut. For each it counts, at the stand-in, what every person received,
 * and ends with one line of JSON: {"faults":[…],"target":"…","met":true|false}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../src/db/client';
import { Generator } from '../src/demo/synthetic';
import { writePeople } from '../src/demo/write';
import { PiiVault } from '../src/pii/vault';
import { REGIONS, seedRegions } from '../test/helpers/factories';
import { fakeWechat, type FakeWechat } from '../test/helpers/fake-wechat';
import { ROOT, entryArgs } from './entry';

const PII_KEY = randomBytes(32).toString('hex');
const APP_ID = 'wxchaos0000000001';
const APP_SECRET = 'chaos-app-secret-0123456789';
const TEMPLATE = 'chaos-template-0001';
const PUSH_TOKEN = 'chaospushtoken';
const TARGET = '0 received twice and 0 marked sent but never received in every fault; every delivery settled within 300 s of the fault ending';

export interface FaultResult {
  fault: string;
  audience: number;
  received: number;
  receivedTwice: number;
  neverReceivedButMarkedSent: number;
  unsettled: number;
  sent: number;
  failed: number;
  skipped: number;
  /** Deliveries that were in doubt at some point (unknown) and were settled. */
  wereInDoubt: number;
  settledSecondsAfterFault: number | null;
}

export interface ChaosOptions {
  people: number;
  /** Mini-program sends per second (the queue's limiter), so the faults land mid-broadcast. */
  sendsPerSecond: number;
  providerTimeoutMs: number;
  /** How long an outcome in doubt waits for WeChat's report (DELIVERY_SETTLE_MINUTES; default 3). */
  settleMinutes?: number;
  /** Only the faults whose name contains one of these words (default: all five). */
  only?: string[];
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, stepMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(stepMs);
  }
}

/** A TCP proxy to PostgreSQL that can cut every connection and refuse new ones for a while. */
async function pgProxy(target: { host: string; port: number }): Promise<{ port: number; cut(ms: number): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let blocked = false;
  const server: Server = createServer((client) => {
    if (blocked) return client.destroy();
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  return {
    port,
    cut: async (ms) => {
      blocked = true;
      for (const s of sockets) s.destroy();
      await sleep(ms);
      blocked = false;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  // No persistence: a restart comes back empty, as a Redis that lost its data does.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  await until(async () => probe.connect().then(() => true), (x) => x, 10_000, 100);
  probe.disconnect();
  return child;
}

/**
 * What the queues hold when a fault left deliveries unsettled: each queue's job counts, its registered
 * workers and its recurring jobs, and whether the keeper's marker is in Redis, to tell a stuck worker
 * from lost schedules.
 */
export async function queueState(port: number): Promise<string> {
  const lines: string[] = [];
  const probe = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, connectTimeout: 2000 });
  probe.on('error', () => undefined);
  try {
    lines.push(`keeper marker: ${await probe.get('chaos:kv:keeper:marker')}`);
    for (const name of ['outreach', 'deliveries-mp', 'deliveries', 'deliveries-bulk']) {
      const q = new Queue(name, { connection: probe, prefix: 'chaos' });
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed');
      const workers = await q.getWorkers();
      const schedulers = name === 'outreach' ? (await q.getJobSchedulers()).map((j) => `${j.key}@${j.next ? new Date(j.next).toISOString() : '-'}`) : [];
      lines.push(`${name}: ${JSON.stringify(counts)} workers=${workers.length}${schedulers.length || name === 'outreach' ? ` schedulers=[${schedulers.join(' ')}]` : ''}`);
    }
  } catch (err) {
    lines.push(`queues not readable: ${(err as Error).message}`);
  } finally {
    probe.disconnect();
  }
  return lines.join('\n');
}

/** The last lines each process wrote, shown when a fault leaves deliveries unsettled. */
const recent: string[] = [];
function remember(line: string) {
  recent.push(line);
  if (recent.length > 400) recent.splice(0, recent.length - 400);
}

function startRole(role: 'api' | 'worker', env: NodeJS.ProcessEnv, log: (l: string) => void): ChildProcess {
  const child = spawn(process.execPath, entryArgs('server/main.ts', [role]), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      if (!line) continue;
      remember(`[${role} ${child.pid}] ${line.slice(0, 400)}`);
      if (/"level":(50|60)|Error/.test(line)) log(`[${role}] ${line.slice(0, 300)}`);
    }
  };
  child.stdout!.on('data', tail);
  child.stderr!.on('data', tail);
  child.once('exit', (code, signal) => {
    if (!stopping.has(child)) log(`[${role} ${child.pid}] exited by itself (code ${code}, signal ${signal})`);
  });
  return child;
}

/** Processes this script asked to stop, so their exit is not reported as a crash. */
const stopping = new WeakSet<ChildProcess>();

function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  stopping.add(child);
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill(signal);
  });
}

export async function runChaos(opts: ChaosOptions): Promise<{ faults: FaultResult[]; target: string; met: boolean }> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const adminUrl = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `bangfu_chaos_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const direct = new URL(adminUrl);
  direct.pathname = `/${dbName}`;
  const dir = mkdtempSync(join(tmpdir(), 'bangfu-chaos-'));
  const redisPort = await freePort();
  const apiPort = await freePort();
  const proxy = await pgProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(direct);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  let redis: ChildProcess | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let fake: FakeWechat | undefined;
  const database = await openDatabase({ url: direct.toString(), dataDir: dir, poolSize: 4 });
  try {
    await database.migrate();
    const db = database.db;
    await seedRegions(db);
    const gen = new Generator([REGIONS.villageA.code], 11, new Date());
    await writePeople(db, new PiiVault(Buffer.from(PII_KEY, 'hex')), gen, opts.people, new Date());
    // Everyone takes mini-program messages at any hour, with consents to spare, and is known to WeChat by an openid.
    await db.execute(sql`update workers set consent = true, status = 'active'`);
    await db.execute(sql`insert into subscriptions (worker_id, channel, fallback_channel, quiet_start, quiet_end, daily_cap, digest_at) select id, 'mini_program', 'log', 0, 0, 100, null from workers`);
    await db.execute(sql`insert into identities (worker_id, kind, value) select id, 'mp_openid', 'o-' || id from workers`);
    await db.execute(sql`insert into subscribe_consents (worker_id, template_id, remaining) select id, ${TEMPLATE}, 100 from workers`);
    const [{ n: audience } = { n: 0 }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int n from workers`));

    fake = await fakeWechat(APP_ID, APP_SECRET);
    fake.pushTo = { url: `http://127.0.0.1:${apiPort}/wechat/mp/events`, token: PUSH_TOKEN };
    redis = await startRedis(redisPort, dir);
    const password = `chaos-${randomBytes(6).toString('hex')}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: viaProxy.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_PREFIX: 'chaos',
      PII_KEY,
      TOKEN_SECRET: randomBytes(32).toString('hex'),
      ADMIN_PASSWORD: password,
      REGION_ROOT: REGIONS.countyA.code,
      DEMO_DATA: 'false',
      DATA_DIR: dir,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WECHAT_APP_ID: APP_ID,
      WECHAT_APP_SECRET: APP_SECRET,
      WECHAT_TEMPLATE_ID: TEMPLATE,
      WECHAT_API_BASE: fake.url,
      WECHAT_PUSH_TOKEN: PUSH_TOKEN,
      PROVIDER_TIMEOUT_MS: String(opts.providerTimeoutMs),
      MINI_PROGRAM_SENDS_PER_SECOND: String(opts.sendsPerSecond),
      QUEUE_LOCK_MS: '3000',
      DELIVERY_SETTLE_MINUTES: String(opts.settleMinutes ?? 3),
    };
    api = startRole('api', env, log);
    const base = `http://127.0.0.1:${apiPort}`;
    await until(async () => (await fetch(`${base}/readyz`)).ok, (x) => x, 120_000, 500);
    const login = (await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
    worker = startRole('worker', env, log);

    /** Receipts at the stand-in per delivery id (the page of each message names its delivery). */
    const receiptsOf = (ids: Set<string>) => {
      const per = new Map<string, number>();
      for (const s of fake!.sends) {
        const id = /delivery=([0-9a-f-]{36})/.exec(s.body.page)?.[1];
        if (id && ids.has(id)) per.set(id, (per.get(id) ?? 0) + 1);
      }
      return per;
    };

    const faults: Array<{ name: string; inject: () => Promise<void> }> = [
      {
        name: 'provider slower than the client timeout',
        inject: async () => {
          fake!.faults.delayMs = opts.providerTimeoutMs + 1500;
          await sleep(4000);
          fake!.faults.delayMs = 0;
        },
      },
      {
        name: 'provider 5xx after accepting',
        inject: async () => {
          fake!.faults.failAfterAccept = true;
          await sleep(3000);
          fake!.faults.failAfterAccept = false;
        },
      },
      {
        name: 'worker SIGKILL mid-send',
        inject: async () => {
          await stop(worker, 'SIGKILL');
          await sleep(1000);
          worker = startRole('worker', env, log);
        },
      },
      {
        name: 'Redis restarted with its data wiped',
        inject: async () => {
          await stop(redis, 'SIGKILL');
          await sleep(1000);
          redis = await startRedis(redisPort, dir);
        },
      },
      {
        name: 'PostgreSQL connection cut',
        inject: () => proxy.cut(5000),
      },
    ];

    const results: FaultResult[] = [];
    for (const f of faults.filter((x) => !opts.only?.length || opts.only.some((w) => x.name.includes(w)))) {
      log(`fault: ${f.name}`);
      // Staff whose request is answered 503 try again after the time it names, as the console does.
      let res: Response | undefined;
      for (let tries = 0; tries < 10; tries++) {
        res = await fetch(`${base}/api/v1/broadcasts`, { method: 'POST', headers: auth, body: JSON.stringify({ audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': `招聘会通知（${f.name}）` } }) });
        if (res.status !== 503) break;
        log(`broadcast refused with 503, trying again`);
        await sleep(1000 * Number(res.headers.get('retry-after') ?? 5));
      }
      const b = (await res!.json()) as { id: string };
      if (!b.id) throw new Error(`broadcast not created: ${res!.status}`);
      // The fault lands once about a third of the audience has been sent to.
      await until(
        async () => {
          const rows = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int n from deliveries where broadcast_id = ${b.id} and status <> 'queued'`));
          return rows[0]!.n;
        },
        (n) => n >= Math.ceil(audience / 3),
        300_000,
      );
      await f.inject();
      const ended = Date.now();
      let settledAfter: number | null = null;
      try {
        await until(
          async () => rowsOf<{ open: number; total: number }>(await db.execute(sql`select count(*) filter (where status not in ('sent', 'failed', 'skipped'))::int open, count(*)::int total from deliveries where broadcast_id = ${b.id}`))[0]!,
          (x) => x.total === audience && x.open === 0,
          300_000,
          500,
        );
        settledAfter = Math.round((Date.now() - ended) / 1000);
      } catch {
        settledAfter = null;
        const open = rowsOf<{ status: string; reason: string | null; n: number }>(
          await db.execute(sql`select status, reason, count(*)::int n from deliveries where broadcast_id = ${b.id} and status not in ('sent', 'failed', 'skipped') group by 1, 2`),
        );
        log(`unsettled after the fault: ${JSON.stringify(open)}\n${await queueState(redisPort)}\nthe processes' last lines:\n${recent.slice(-120).join('\n')}`);
      }
      const rows = rowsOf<{ id: string; status: string; doubted: boolean }>(
        await db.execute(sql`select d.id, d.status, (d.reason in ('assumed_sent', 'no_report', 'unconfirmed') or exists (select 1 from provider_reports r where r.delivery_id = d.id and d.status in ('sent', 'failed') and d.provider_ref is null)) as doubted from deliveries d where d.broadcast_id = ${b.id}`),
      );
      const per = receiptsOf(new Set(rows.map((r) => r.id)));
      const sentRows = rows.filter((r) => r.status === 'sent');
      results.push({
        fault: f.name,
        audience,
        received: per.size,
        receivedTwice: [...per.values()].filter((n) => n > 1).length,
        neverReceivedButMarkedSent: sentRows.filter((r) => !per.has(r.id)).length,
        unsettled: rows.filter((r) => !['sent', 'failed', 'skipped'].includes(r.status)).length + Math.max(0, audience - rows.length),
        sent: sentRows.length,
        failed: rows.filter((r) => r.status === 'failed').length,
        skipped: rows.filter((r) => r.status === 'skipped').length,
        wereInDoubt: rows.filter((r) => r.doubted).length,
        settledSecondsAfterFault: settledAfter,
      });
      log(JSON.stringify(results[results.length - 1]));
    }
    const met = results.every((r) => r.receivedTwice === 0 && r.neverReceivedButMarkedSent === 0 && r.unsettled === 0 && r.settledSecondsAfterFault !== null && r.settledSecondsAfterFault <= 300);
    return { faults: results, target: TARGET, met };
  } finally {
    await stop(worker);
    await stop(api);
    await stop(redis, 'SIGKILL');
    await fake?.close();
    await database.close();
    await proxy.close();
    await admin.query(`drop database if exists "${dbName}" with (force)`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const only = process.argv.indexOf('--only');
  runChaos({ people: arg('people', 5000), sendsPerSecond: arg('rate', 200), providerTimeoutMs: arg('timeout', 1000), ...(only >= 0 ? { only: String(process.argv[only + 1] ?? '').split(',') } : {}) })
    .then((r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exit(r.met ? 0 : 1);
    })
    .catch((err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.stdout.write(JSON.stringify({ faults: [], target: TARGET, met: false, error: err.message }) + '\n');
      process.exit(1);
    });
}
