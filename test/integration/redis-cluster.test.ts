import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import Redis from 'ioredis';
import { startBot, type Bot } from '../../bots/bot';
import { startKeeper, type Keeper } from '../../jobs/keeper';
import { startWorkers, type Workers } from '../../jobs/workers';
import { deliveries, subscriptions, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { systemClock } from '../../src/shared/clock';
import { appOf, signIn } from '../helpers/api';
import { MockUser } from '../helpers/chat';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { startLocalCluster, type LocalCluster } from '../helpers/redis-cluster';
import { until } from '../helpers/wait';

const RECIPIENTS = 300;

/**
 * The service on a Redis Cluster of three masters (REDIS_CLUSTER_NODES): the API, the queue workers, the
 * keeper and the bot in this process, a broadcast pushed end to end, a sign-in (the throttle's scripts
 * touch several keys at once) and a chat (sessions, the flood guard). Every key written carries a hash
 * tag, the queues lie on more than one node, and every message is sent exactly once.
 */
describe('on a Redis Cluster', () => {
  let cluster: LocalCluster;
  let h: Harness;
  let running: Workers | undefined;
  let keeper: Keeper | undefined;
  let bot: Bot | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bangfu-cluster-sent-'));
  const sentFile = () => join(dir, 'sent.txt');

  beforeAll(async () => {
    cluster = await startLocalCluster();
    h = await createHarness({ clock: systemClock, env: { REDIS_CLUSTER_NODES: cluster.nodes, LOG_CHANNEL_FILE: sentFile() } });
  }, 60_000);
  afterAll(async () => {
    await running?.close();
    await keeper?.close();
    await bot?.stop();
    await h?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('pushes a broadcast to every recipient exactly once, with every key hash-tagged', async () => {
    expect(h.ctx.redis.source).toBe('cluster');
    await seedRegions(h.ctx.db);
    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageA.code], 11, new Date()), RECIPIENTS, new Date());
    // No quiet hours and a high cap, so the test does not depend on the time of day it runs.
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap) select id, 'log', 0, 0, 50 from ${workers}`);

    const app = appOf(h);
    const admin = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code });
    running = startWorkers(h.ctx);
    keeper = startKeeper(h.ctx, 1000);
    bot = await startBot(h.ctx);

    const b = (await admin.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '本周六南沙镇有招聘会' } })).body;
    const done = await until(async () => (await admin.get(`/api/v1/broadcasts/${b.id}`)).body, (x) => x.status === 'done', 50_000);
    expect(done.total).toBe(RECIPIENTS);
    expect(done.counts.sent).toBe(RECIPIENTS);
    const rows = await h.ctx.db.select({ id: deliveries.id, status: deliveries.status }).from(deliveries).where(eq(deliveries.broadcastId, b.id));
    expect(rows).toHaveLength(RECIPIENTS);
    const written = existsSync(sentFile()) ? readFileSync(sentFile(), 'utf8').split('\n').filter(Boolean) : [];
    const per = new Map<string, number>();
    for (const id of written) per.set(id, (per.get(id) ?? 0) + 1);
    expect(per.size).toBe(RECIPIENTS);
    expect(Math.max(...per.values())).toBe(1);
    expect(rows.every((r) => per.get(r.id) === 1)).toBe(true);

    // A chat with the bot: its session and flood-guard keys on the cluster.
    const user = new MockUser(bot);
    expect((await user.say('你好')).length).toBeGreaterThan(0);
    // The accounts' daily counts (one MGET over several keys) and a wrong password (the throttle's scripts).
    expect((await admin.get('/api/v1/sending-accounts')).status).toBe(200);
    const wrong = await request(app).post('/api/v1/auth/login').send({ username: 'nobody-here', password: 'not-the-password-1' });
    expect(wrong.status).toBe(401);

    // Every key of this deployment, on every node, carries a hash tag; the queues are spread over the nodes.
    const prefix = h.config.redis.prefix;
    const holders = new Map<string, Set<number>>();
    let untagged = 0;
    let total = 0;
    for (const port of cluster.ports) {
      const node = new Redis({ port, lazyConnect: true });
      await node.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
          cursor = next;
          for (const k of keys) {
            total++;
            const tag = /\{([^}]+)\}/.exec(k)?.[1];
            if (!tag) untagged++;
            else holders.set(tag, (holders.get(tag) ?? new Set()).add(port));
          }
        } while (cursor !== '0');
      } finally {
        node.disconnect();
      }
    }
    expect(total).toBeGreaterThan(0);
    expect(untagged).toBe(0);
    // One node per tag (a tag is one slot), and more than one node in use.
    expect([...holders.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set([...holders.values()].flatMap((s) => [...s])).size).toBeGreaterThan(1);
    expect(holders.has(`${prefix}:kv`)).toBe(true);
    // The broadcast (log channel) went out in batches: their queue is on the cluster too.
    expect(holders.has('deliveries-bulk')).toBe(true);
    expect(holders.has('outreach')).toBe(true);
  }, 60_000);
});
