import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/db/client';
import { subscriptions, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { fanOut, sweepDeliveries } from '../../src/outreach/service';
import { systemClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn } from '../helpers/api';
import { until } from '../helpers/wait';
import { expectOutage } from '../helpers/refused';

const RECIPIENTS = 3000;

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Redis is killed and started again in the middle of a broadcast: nobody is missed, nobody gets it twice. */
describe('a broadcast survives Redis restarting mid-way', () => {
  let h: Harness;
  let dir: string;
  let port: number;
  let redis: ChildProcess | undefined;
  let running: Workers | undefined;

  const startRedis = async () => {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
    const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    await until(async () => probe.connect().then(() => true).catch(() => false), (ok) => ok, 10_000);
    probe.disconnect();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bangfu-redis-restart-'));
    port = await freePort();
    await startRedis();
    h = await createHarness({ clock: systemClock, env: { REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_LOCK_MS: '2000' } });
    await seedRegions(h.ctx.db);
    const gen = new Generator([REGIONS.villageA.code], 8, new Date());
    await writePeople(h.ctx.db, h.ctx.pii, gen, RECIPIENTS, new Date());
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap) select id, 'log', 0, 0, 50 from ${workers}`);
  });
  afterAll(async () => {
    await running?.close();
    await h.close();
    redis?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('every recipient ends with exactly one delivery in a final state, sent once', async () => {
    const station = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '下周一开始报名' } })).body;
    await fanOut(h.ctx, b.id);
    running = startWorkers(h.ctx, { only: ['deliveries', 'deliveries-bulk'] });
    const sentLines = () => h.logs.lines.filter((l) => l.includes('message delivered')).length;
    await until(async () => sentLines(), (n) => n >= 500, 60_000);

    const connectionErrors = () => h.logs.lines.filter((l) => l.includes('redis connection error')).length;
    const errorsBefore = connectionErrors();
    redis!.kill('SIGKILL');
    await new Promise((r) => redis!.once('exit', r));
    // Redis comes back only once the service has found it gone (its clients fail to reconnect).
    expect(await until(async () => connectionErrors(), (n) => n > errorsBefore, 30_000)).toBeGreaterThan(errorsBefore);
    // Meanwhile a sign-in (its throttle is kept in Redis) is answered 503 with when to try again, in the
    // asker's language, not as an internal error.
    const refused = await request(appOf(h)).post('/api/v1/auth/login').set('accept-language', 'en').send({ username: 'admin', password: 'not-the-password' });
    expectOutage(
      { status: refused.status, code: refused.body.error?.code, retryAfter: refused.headers['retry-after'], message: refused.body.error?.message },
      'The service cannot reach its message queue just now; please try again in 5 seconds',
      h.logs.text(),
      'redis unavailable',
    );
    await startRedis();

    // Whatever Redis lost is found by the sweeper (it runs every minute; here it is called directly).
    // Run ten minutes ahead, it also takes sends still in flight for interrupted (`unknown`); their
    // answer settles them moments later, so the broadcast is judged once nothing is in doubt.
    const done = await until(
      async () => {
        await sweepDeliveries({ ...h.ctx, clock: { now: () => new Date(Date.now() + 10 * 60_000) } });
        return (await station.get(`/api/v1/broadcasts/${b.id}`)).body;
      },
      (x) => x.status === 'done' && x.counts.unknown === 0,
      120_000,
    );
    // On failure the rows not sent are shown by state and reason.
    const notSent = rowsOf(await h.ctx.db.execute(sql`select status, reason, count(*)::int n from deliveries where broadcast_id = ${b.id} and status <> 'sent' group by 1, 2`));
    expect({ sent: done.counts.sent, notSent }).toEqual({ sent: RECIPIENTS, notSent: [] });
    const [once] = rowsOf<{ n: number; recipients: number }>(
      await h.ctx.db.execute(sql`select count(*)::int n, count(distinct worker_id)::int recipients from deliveries where broadcast_id = ${b.id} and status = 'sent'`),
    );
    expect(once).toEqual({ n: RECIPIENTS, recipients: RECIPIENTS });
    const ids = h.logs.lines.filter((l) => l.includes('message delivered')).map((l) => JSON.parse(l).deliveryId as string);
    expect(ids.length).toBe(new Set(ids).size);
  }, 300_000);
});
