import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Client, DatabaseError } from 'pg';
import { openDatabase, type Database } from '../../src/db/client';
import { createLogger } from '../../src/logger';
import { startService, type Service } from '../../server/runtime';
import { Cluster } from '../helpers/cluster';
import { LogCapture, testConfig } from '../helpers/harness';
import { REGIONS, makeAccount, seedRegions, workerInput, PASSWORD } from '../helpers/factories';
import { freeLowPort } from '../helpers/processes';
import { REDIS_PREFIX_ROOT, runId } from '../helpers/test-env';
import { until } from '../helpers/wait';

/**
 * A primary and a streaming replica of its own (initdb, pg_basebackup -R), the service on both through
 * DATABASE_URL and DATABASE_READ_URL. Where each statement ran is read from pg_stat_statements on each
 * server: what the service's role ran there, call by call.
 */
const APP = 'bangfu_app';
const APP_PASSWORD = 'app-password-for-the-replica-test';
const OWNER_PASSWORD = 'owner-password-for-the-replica-test';
const REPLICATOR_PASSWORD = 'replicator-password-for-the-test';
const ADMIN_PASSWORD = 'replica-test-admin-password';

type Counts = Map<string, number>;

/** Pauses the replica's replay and waits until it has stopped (a pause is only requested at first). */
async function pauseReplay(c: Client): Promise<void> {
  await c.query('select pg_wal_replay_pause()');
  const state = await until(async () => (await c.query<{ s: string }>('select pg_get_wal_replay_pause_state() as s')).rows[0]!.s, (s) => s === 'paused', 10_000);
  expect(state).toBe('paused');
}

/** The statements the service's role has run on a server, with their calls (the router's own probes left out). */
async function statements(c: Client): Promise<Counts> {
  const { rows } = await c.query<{ query: string; calls: string }>(
    `select s.query, s.calls from pg_stat_statements s join pg_roles r on r.oid = s.userid
      where r.rolname = $1 and s.dbid = (select oid from pg_database where datname = current_database())`,
    [APP],
  );
  const out: Counts = new Map();
  for (const r of rows) if (!/pg_(current_wal|current_wal_insert|last_wal_replay)_lsn/.test(r.query)) out.set(r.query, (out.get(r.query) ?? 0) + Number(r.calls));
  return out;
}

/** The statements run between two looks. */
function ran(before: Counts, after: Counts): string[] {
  return [...after].filter(([q, n]) => n > (before.get(q) ?? 0)).map(([q]) => q);
}

const SIGN_IN_CHECK = /from "sessions" inner join "accounts"/;
const WRITES = /^\s*(insert|update|delete|merge)\b/i;

describe('a read replica (DATABASE_READ_URL): lag-tolerant reads there, everything else on the primary', () => {
  let primary: Cluster;
  let replica: Cluster;
  let onPrimary: Client;
  let onReplica: Client;
  let owner: Database;
  let service: Service;
  let slow: Service | undefined;
  const logs = new LogCapture();
  const slowLogs = new LogCapture();
  const tokens: Record<'station' | 'county', string> = { station: '', county: '' };

  const env = async (maxLag: string) => ({
    DATABASE_URL: primary.url(APP, APP_PASSWORD, 'bangfu'),
    DATABASE_MIGRATE_URL: primary.url('bangfu_owner', OWNER_PASSWORD, 'bangfu'),
    DATABASE_READ_URL: replica.url(APP, APP_PASSWORD, 'bangfu'),
    DATABASE_READ_MAX_LAG_S: maxLag,
    REDIS_PREFIX: `${REDIS_PREFIX_ROOT}:${runId()}:${randomBytes(4).toString('hex')}`,
    HOST: '127.0.0.1',
    PORT: String(await freeLowPort()),
    ADMIN_PASSWORD,
    DEMO_DATA: 'false',
    METRICS_TOKEN: 'replica-test-metrics-token-0123456789',
  });
  const call = (s: Service, who: keyof typeof tokens, path: string, init: RequestInit = {}) =>
    fetch(`${s.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json', ...init.headers } });
  /** Waits until the replica has replayed everything the primary has written so far (its LSN polled). */
  const replayed = async () => {
    const { rows } = await onPrimary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
    const done = await until(
      async () => (await onReplica.query<{ ok: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [rows[0]!.lsn])).rows[0]!.ok,
      (ok) => ok,
      20_000,
    );
    expect(done).toBe(true);
  };
  const readyz = async (s: Service) => (await (await fetch(`${s.url}/readyz`)).json()) as { status: string; checks: Record<string, string>; replica?: { state: string; lagSeconds: number | null } };

  beforeAll(async () => {
    primary = await Cluster.create('primary', {
      conf: ['wal_level = replica', 'max_wal_senders = 4', "shared_preload_libraries = 'pg_stat_statements'", 'pg_stat_statements.max = 5000'],
      hba: [`host replication replicator 127.0.0.1/32 scram-sha-256`],
    });
    const admin = await primary.superuser();
    await admin.query(`create role replicator replication login password '${REPLICATOR_PASSWORD}'`);
    await admin.query(`create role bangfu_owner login password '${OWNER_PASSWORD}'`);
    await admin.query(`create role ${APP} login password '${APP_PASSWORD}'`);
    await admin.query('create database bangfu owner bangfu_owner');
    await admin.end();
    onPrimary = await primary.superuser('bangfu');
    await onPrimary.query('create extension pg_stat_statements');
    replica = await Cluster.replicaOf(primary, 'replicator', REPLICATOR_PASSWORD);
    onReplica = await replica.superuser('bangfu');
    // Stopping the replica (the last test) ends this connection; the error is expected there.
    onReplica.on('error', () => undefined);

    service = await startService({ role: 'api', config: testConfig(await env('30')), logger: createLogger('info', logs), announce: () => undefined });
    // Staff of the test's regions, made as the owner on the primary.
    owner = await openDatabase({ url: primary.url('bangfu_owner', OWNER_PASSWORD, 'bangfu'), dataDir: service.ctx.config.dataDir, poolSize: 1 });
    await seedRegions(owner.db);
    for (const [who, role, regionCode] of [['station', 'station', REGIONS.countyA.code], ['county', 'county', REGIONS.countyA.code]] as const) {
      const a = await makeAccount(owner.db, { role, regionCode });
      const res = await fetch(`${service.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: a.username, password: PASSWORD }) });
      expect(res.status).toBe(200);
      tokens[who] = ((await res.json()) as { token: string }).token;
    }
  }, 60_000);

  afterAll(async () => {
    await slow?.close().catch(() => undefined);
    await service?.close().catch(() => undefined);
    await owner?.close().catch(() => undefined);
    await onReplica?.end().catch(() => undefined);
    await onPrimary?.end().catch(() => undefined);
    if (service) rmSync(service.ctx.config.dataDir, { recursive: true, force: true });
    if (slow) rmSync(slow.ctx.config.dataDir, { recursive: true, force: true });
    await replica?.destroy();
    await primary?.destroy();
  });

  it('serves figures, trends, reports, the 附件1 download, 附件2, the register export and its list from the replica; sign-in and writes stay on the primary', async () => {
    expect(logs.text()).toContain('read replica: in use for lag-tolerant reads');
    expect((await call(service, 'station', '/workers', { method: 'POST', body: JSON.stringify(workerInput({ name: '李阿秀' })) })).status).toBe(201);
    await replayed();

    const AUDIT_ENTRY = /^insert into "audit_log"/;
    for (const path of ['/workers?pageSize=50', '/monitoring/figures', '/monitoring/trend', '/monitoring/reports', '/monitoring/forms/progress?year=2026&format=xlsx', '/monitoring/forms/projects?year=2026', '/exports/workers']) {
      // The county's own writes of the routes before (a download's record, audit entries) replayed first: until
      // then its reads are the primary's (read-your-writes), which the next test shows.
      await replayed();
      const [p0, r0] = [await statements(onPrimary), await statements(onReplica)];
      const res = await call(service, 'county', path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      if (path.startsWith('/workers')) expect(((await res.json()) as { items: Array<{ name: string }> }).items.map((w) => w.name)).toEqual(['李阿秀']);
      else await res.arrayBuffer();
      const [p1, r1] = [await statements(onPrimary), await statements(onReplica)];
      const there = ran(r0, r1);
      const here = ran(p0, p1);
      // The route's reads ran on the replica; the sign-in check never did.
      expect({ path, replica: there.length > 0 }).toEqual({ path, replica: true });
      expect(there.filter((q) => SIGN_IN_CHECK.test(q) || WRITES.test(q))).toEqual([]);
      expect(here.some((q) => SIGN_IN_CHECK.test(q))).toBe(true);
      if (path.includes('format=xlsx')) {
        // The download is recorded (the reporting calendar): a write, on the primary, and what it reads after it, too.
        expect(here.some((q) => WRITES.test(q))).toBe(true);
      } else if (path.startsWith('/exports') || path.includes('forms/projects')) {
        // Its audit entry (written on the primary, before the export's rows and after 附件2's) and nothing else there.
        expect({ path, primary: here.filter((q) => !SIGN_IN_CHECK.test(q) && !AUDIT_ENTRY.test(q)) }).toEqual({ path, primary: [] });
        expect(here.some((q) => AUDIT_ENTRY.test(q))).toBe(true);
      } else {
        // Nothing but the sign-in check ran on the primary.
        expect({ path, primary: here.filter((q) => !SIGN_IN_CHECK.test(q)) }).toEqual({ path, primary: [] });
      }
    }

    // The replica refuses a write outright; the service never sent it one.
    const direct = await onReplica.query(`insert into audit_log (action) values ('replica.write')`).then(
      () => 'done',
      (e: DatabaseError) => `${e.code} ${e.message}`,
    );
    expect(direct).toBe('25006 cannot execute INSERT in a read-only transaction');
    expect([...(await statements(onReplica)).keys()].filter((q) => WRITES.test(q))).toEqual([]);

    const ready = await readyz(service);
    expect(ready.checks).toEqual({ database: 'ok', redis: 'ok', replica: 'ok' });
    const metrics = await (await fetch(`${service.url}/metrics`, { headers: { authorization: 'Bearer replica-test-metrics-token-0123456789' } })).text();
    expect(metrics).toMatch(/bangfu_db_replica_up\{[^}]*state="ok"[^}]*\} 1\n/);
    expect(metrics).toMatch(/bangfu_db_replica_lag_seconds\{[^}]*\} \d/);
    expect(metrics).toMatch(/bangfu_db_statements\{[^}]*served_by="replica"[^}]*\} [1-9]/);
  });

  it('reads a caller’s own write back from the primary until the replica has replayed it; others read the replica meanwhile', async () => {
    // Everything so far replayed (the county's own audit entries included), then replay paused.
    await replayed();
    await pauseReplay(onReplica);
    try {
      expect((await call(service, 'station', '/workers', { method: 'POST', body: JSON.stringify(workerInput({ name: '白文秀' })) })).status).toBe(201);
      const r0 = await statements(onReplica);
      const mine = (await (await call(service, 'station', '/workers?pageSize=50')).json()) as { items: Array<{ name: string }> };
      expect(mine.items.map((w) => w.name).sort()).toEqual(['李阿秀', '白文秀'].sort());
      // The writer's list came from the primary: nothing of it ran on the replica.
      expect(ran(r0, await statements(onReplica))).toEqual([]);
      // Another account tolerates the lag: its list is the replica's, which has not replayed the new person yet.
      const theirs = (await (await call(service, 'county', '/workers?pageSize=50')).json()) as { items: Array<{ name: string }> };
      expect(theirs.items.map((w) => w.name)).toEqual(['李阿秀']);
      expect(ran(r0, await statements(onReplica)).length).toBeGreaterThan(0);
    } finally {
      await onReplica.query('select pg_wal_replay_resume()');
    }
    await replayed();
    // Replayed: the writer's reads go to the replica again.
    const r0 = await statements(onReplica);
    const again = (await (await call(service, 'station', '/workers?pageSize=50')).json()) as { total: number };
    expect(again.total).toBe(2);
    expect(ran(r0, await statements(onReplica)).length).toBeGreaterThan(0);
  });

  it('falls back to the primary while the replica is behind by more than DATABASE_READ_MAX_LAG_S, says so once, and returns to it', async () => {
    slow = await startService({ role: 'api', config: testConfig(await env('1')), logger: createLogger('info', slowLogs), announce: () => undefined });
    expect((await readyz(slow)).replica?.state).toBe('ok');
    await pauseReplay(onReplica);
    try {
      expect((await call(slow, 'station', '/workers', { method: 'POST', body: JSON.stringify(workerInput({ name: '罗阿普' })) })).status).toBe(201);
      const behind = await until(() => readyz(slow!), (r) => r.replica?.state === 'lagging', 20_000);
      expect(behind.status).toBe('ready');
      expect(behind.replica!.lagSeconds).toBeGreaterThanOrEqual(1);
      const r0 = await statements(onReplica);
      for (let i = 0; i < 3; i++) {
        const list = (await (await call(slow, 'county', '/workers?pageSize=50')).json()) as { total: number };
        expect(list.total).toBe(3);
        expect((await call(slow, 'county', '/monitoring/figures')).status).toBe(200);
      }
      expect(ran(r0, await statements(onReplica))).toEqual([]);
      expect(slowLogs.lines.filter((l) => l.includes('behind by more than DATABASE_READ_MAX_LAG_S'))).toHaveLength(1);
    } finally {
      await onReplica.query('select pg_wal_replay_resume()');
    }
    const back = await until(() => readyz(slow!), (r) => r.replica?.state === 'ok', 20_000);
    expect(back.replica?.state).toBe('ok');
    expect(slowLogs.lines.filter((l) => l.includes('read replica: back in use'))).toHaveLength(1);
  });

  it('answers the same routes from the primary once the replica is stopped, and says so once', async () => {
    await replica.stop('fast');
    for (let i = 0; i < 2; i++) {
      for (const path of ['/workers?pageSize=50', '/monitoring/figures', '/monitoring/trend', '/monitoring/forms/progress?year=2026&format=xlsx']) {
        const res = await call(service, 'county', path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        if (path.startsWith('/workers')) expect(((await res.json()) as { total: number }).total).toBe(3);
        else await res.arrayBuffer();
      }
    }
    expect(logs.lines.filter((l) => l.includes('read replica: not answering'))).toHaveLength(1);
    const ready = await until(() => readyz(service), (r) => r.checks.replica === 'down', 10_000);
    expect({ status: ready.status, checks: ready.checks }).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok', replica: 'down' } });
    const metrics = await (await fetch(`${service.url}/metrics`, { headers: { authorization: 'Bearer replica-test-metrics-token-0123456789' } })).text();
    expect(metrics).toMatch(/bangfu_db_replica_up\{[^}]*state="down"[^}]*\} 1\n/);
  });
});
