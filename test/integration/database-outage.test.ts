import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { buildApp } from '../../src/app';
import type { AppContext } from '../../src/context';
import { openDatabase, rowsOf, type Database } from '../../src/db/client';
import { listen } from '../../src/http/server';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { PG_ADMIN_URL, runId } from '../helpers/test-env';
import { until } from '../helpers/wait';
import { expectOutage } from '../helpers/refused';

const PUSH_TOKEN = 'outagepushtoken1';

/**
 * A TCP relay to PostgreSQL that the test can pull out and put back: pulling it drops every open
 * connection (the server seems to vanish) and refuses new ones, as a stopped server or a cut network does.
 */
async function relay(target: URL): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const open = new Set<Socket>();
  let server: TcpServer | undefined;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const x of [client, upstream]) {
          open.add(x);
          x.on('error', () => undefined);
          x.on('close', () => {
            open.delete(x);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const a = s.address();
        port = typeof a === 'object' && a ? a.port : port;
        server = s;
        resolve();
      });
    });
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const x of open) x.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await start();
  return { port, cut: stop, restore: start, close: stop };
}

function signed(token: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  return new URLSearchParams({ signature: createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex'), timestamp, nonce }).toString();
}

describe('a database that cannot be reached answers 503 with a plain message and Retry-After, on every door', () => {
  let h: Harness;
  let station: Staff;
  let cable: Awaited<ReturnType<typeof relay>>;
  let database: Database;
  let server: Server;
  let base: string;
  let admin: Client;
  const role = `bangfu_t_${runId()}_outage`.toLowerCase();

  beforeAll(async () => {
    h = await createHarness({ env: { WECHAT_APP_ID: 'wxoutage000000001', WECHAT_APP_SECRET: 'outage-secret-0123456789', WECHAT_TEMPLATE_ID: 'tmpl-outage-1', WECHAT_PUSH_TOKEN: PUSH_TOKEN } });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    // A role of its own (not a superuser, so a connection limit binds it), with the owner's rights on the tables.
    await admin.query(`drop role if exists "${role}"`);
    await admin.query(`create role "${role}" login in role postgres`);
    // The service reaches PostgreSQL through a relay the test can cut, as that role.
    const direct = new URL(h.config.databaseUrl!);
    cable = await relay(direct);
    const through = new URL(direct);
    through.hostname = '127.0.0.1';
    through.port = String(cable.port);
    through.username = role;
    database = await openDatabase({ url: through.toString(), dataDir: h.config.dataDir, poolSize: 3 });
    const ctx: AppContext = { ...h.ctx, database, db: database.db };
    server = await listen(buildApp(ctx), { port: 0, host: '127.0.0.1', urlLimitKb: 8, defaultLocale: 'zh-CN' });
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    if (server)
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    await database?.close();
    await cable?.close();
    if (admin) {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`, [role]);
      await admin.query(`drop role if exists "${role}"`);
      await admin.end();
    }
    await h?.close();
  });

  let tries = 0;
  /** One call on each door: the staff API (the console's too), sign-in, the mini-program's API, WeChat's push. */
  const doors = () => ({
    workers: fetch(`${base}/api/v1/workers`, { headers: { authorization: `Bearer ${station.token}` } }),
    login: fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify({ username: `nobody-${++tries}`, password: 'not-the-password' }) }),
    me: fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer bfw_${'A'.repeat(43)}` } }),
    push: fetch(`${base}/wechat/mp/events?${signed(PUSH_TOKEN)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ToUserName: 'gh_x', FromUserName: 'o-outage-1', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'subscribe_msg_sent_event', SubscribeMsgSentEvent: { List: { TemplateId: 'tmpl-outage-1', MsgID: '1', ErrorCode: '0', ErrorStatus: 'success' } } }),
    }),
  });

  async function expectUnavailable(res: Promise<Response>, locale: 'zh-CN' | 'en' = 'zh-CN') {
    const r = await res;
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect({ status: r.status, code: body.error.code, retryAfter: r.headers.get('retry-after') }).toEqual({ status: 503, code: 'unavailable', retryAfter: '5' });
    expect(body.error.message).toBe(locale === 'en' ? 'The service cannot reach its database just now; please try again in 5 seconds' : '服务暂时连不上数据库，请 5 秒后再试');
  }

  async function expectServing() {
    const ok = await until(
      () => fetch(`${base}/api/v1/workers`, { headers: { authorization: `Bearer ${station.token}` } }).then((r) => r.status),
      (s) => s === 200,
    );
    expect(ok).toBe(200);
    const d = doors();
    expect((await d.login).status).toBe(401);
    expect((await d.me).status).toBe(401);
    expect((await d.push).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }

  it('serves while the database answers', async () => {
    await expectServing();
  });

  it('when every connection stays busy for the whole wait (a rush), answers 503 with Retry-After and says the service is busy, then serves', async () => {
    // The pool has 3 connections and waits 10 s for one: three long statements hold them all.
    const held = Promise.all([1, 2, 3].map(() => database.db.execute(sql`select pg_sleep(11)`)));
    const res = await fetch(`${base}/api/v1/workers`, { headers: { authorization: `Bearer ${station.token}`, 'accept-language': 'en' } });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expectOutage(
      { status: res.status, code: body.error.code, retryAfter: res.headers.get('retry-after'), message: body.error.message },
      'The service is busy just now; please try again in 5 seconds',
      h.logs.text(),
      'database connections all busy',
    );
    await held;
    await expectServing();
  });

  it('when the connection is cut and refused, answers 503 unavailable with Retry-After on each door, then serves again once it is back', async () => {
    await cable.cut();
    const d = doors();
    await expectUnavailable(d.workers);
    await expectUnavailable(d.login, 'en');
    await expectUnavailable(d.me);
    await expectUnavailable(d.push);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    // The log says why, in a line an operator can search for, and not as an unhandled error.
    expect(h.logs.text()).toContain('database unavailable');
    expect(h.logs.text()).toContain('ECONNREFUSED');
    expect(h.logs.text()).not.toContain('unhandled error');

    await cable.restore();
    await expectServing();
  });

  it('when the connection of a transaction is cut mid-statement, the transaction fails with the reason and the process goes on, then serves again', async () => {
    // A connection lent out for a transaction has no listener of the pool's own: its socket dying used to be
    // thrown as an unhandled error event and end the process (a worker, mid-broadcast).
    const outcome = database.db
      .transaction(async (tx) => {
        await tx.execute(sql`select pg_sleep(30) as held_by_the_outage_test`);
      })
      .then(
        () => 'committed',
        (err: Error) => `${err.message} ${String((err.cause as Error | undefined)?.message ?? '')}`,
      );
    const running = await until(
      () => admin.query<{ n: number }>(`select count(*)::int n from pg_stat_activity where usename = $1 and query like '%held_by_the_outage_test%' and state = 'active'`, [role]).then((r) => r.rows[0]!.n),
      (n) => n === 1,
    );
    expect(running).toBe(1);
    await cable.cut();
    expect(await outcome).toMatch(/Connection terminated unexpectedly|not queryable/);
    await cable.restore();
    await expectServing();
    expect(rowsOf<{ ok: number }>(await database.db.execute(sql`select 1 as ok`))).toEqual([{ ok: 1 }]);
  });

  it('when the server ends the connections and takes no more (too many clients), answers the same, then serves again', async () => {
    await admin.query(`alter role "${role}" connection limit 0`);
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`, [role]);
    const d = doors();
    await expectUnavailable(d.workers);
    await expectUnavailable(d.me);
    await expectUnavailable(d.push);
    expect(h.logs.text()).toContain('53300');

    await admin.query(`alter role "${role}" connection limit -1`);
    await expectServing();
  });
});
