import { and, eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../src/db/client';
import { deliveries, subscriptions, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writeHouseholds } from '../../src/demo/write';
import { logChannel, type OutgoingMessage } from '../../src/outreach/channels';
import { deliver, fanOut } from '../../src/outreach/service';
import { settleDeliveries } from '../../src/outreach/settle';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { until } from '../helpers/wait';

const NOON = '2026-06-01T04:00:00Z'; // 12:00 in Asia/Shanghai

describe('the push engine: broadcasts delivered once to every recipient', () => {
  let h: Harness;
  let station: Staff;
  let running: Workers | undefined;
  const clock = new ManualClock(NOON);

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const gen = new Generator([REGIONS.villageA.code], 21, new Date(NOON));
    const batch = Array.from({ length: 300 }, () => gen.household());
    await writeHouseholds(h.ctx.db, h.ctx.pii, batch, new Date(NOON));
    // Everyone is reached through the log channel here; chat needs a bound WeChat account.
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel) select id, 'log' from ${workers}`);
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    clock.set(NOON);
  });
  afterAll(() => h.close());

  const broadcast = async (over: Record<string, unknown> = {}) => {
    const res = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '南沙镇明天有招聘会，回复 1 报名', en: 'Job fair tomorrow in Nansha' }, ...over });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body as { id: string };
  };
  const sentLines = (id: string) => h.logs.lines.filter((l) => l.includes('message delivered') && l.includes(id)).length;

  it('fans out one delivery per recipient, even when the fan-out runs twice, and sends each exactly once', async () => {
    const [{ n: audience }] = rowsOf<{ n: number }>(await h.ctx.db.execute(sql`select count(*)::int n from ${workers} where status = 'active'`)) as [{ n: number }];
    const b = await broadcast();
    await fanOut(h.ctx, b.id);
    await fanOut(h.ctx, b.id);
    const rows = await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, b.id));
    expect(rows).toHaveLength(audience);
    expect(new Set(rows.map((r) => r.workerId)).size).toBe(audience);
    running = startWorkers(h.ctx, { only: ['outreach', 'deliveries', 'deliveries-bulk'] });
    const done = await until(async () => (await station.get(`/api/v1/broadcasts/${b.id}`)).body, (x) => x.status === 'done', 60_000);
    expect(done).toMatchObject({ status: 'done', total: audience, counts: { sent: audience, queued: 0, failed: 0, skipped: 0 } });
    for (const r of rows.slice(0, 50)) expect(sentLines(r.id)).toBe(1);
    // Queue payloads and logs carry ids, never the message or a person's data.
    expect(h.logs.text()).not.toContain('南沙镇明天有招聘会');
  });

  it('honours unsubscribing between queueing and sending, and lists the unsubscribed as skipped with the reason in later audiences', async () => {
    const [someone] = await h.ctx.db.select().from(workers).limit(1);
    const b = await broadcast();
    await fanOut(h.ctx, b.id);
    const put = await station.put(`/api/v1/workers/${someone!.id}/subscription`, { channel: 'log', unsubscribedAll: true });
    expect(put.status).toBe(200);
    running = startWorkers(h.ctx, { only: ['deliveries', 'deliveries-bulk'] });
    const done = await until(async () => (await station.get(`/api/v1/broadcasts/${b.id}`)).body, (x) => x.status === 'done', 60_000);
    expect(done.skippedByReason).toEqual({ unsubscribed: 1 });
    const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b.id), eq(deliveries.workerId, someone!.id)));
    expect(d).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    const next = await broadcast();
    await fanOut(h.ctx, next.id);
    // Nothing is sent to them, and the broadcast still accounts for them: its counts add up to the audience.
    const again = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, next.id), eq(deliveries.workerId, someone!.id)));
    expect(again).toMatchObject([{ status: 'skipped', reason: 'unsubscribed' }]);
    const view = (await station.get(`/api/v1/broadcasts/${next.id}`)).body;
    expect(view.notReached).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'skipped', reason: 'unsubscribed', label: '本人已退订全部消息', count: 1 })]));
    expect(Object.values(view.counts as Record<string, number>).reduce((a, n) => a + n, 0)).toBe(view.total);
  });

  it('defers a message in quiet hours to the morning instead of dropping it, and respects the daily cap', async () => {
    const [w] = await h.ctx.db.select().from(workers).where(sql`${workers.id} not in (select worker_id from ${subscriptions} where unsubscribed_all)`).limit(1);
    await station.put(`/api/v1/workers/${w!.id}/subscription`, { channel: 'log', dailyCap: 1 });
    const sink: OutgoingMessage[] = [];
    const channels = new Map([['log', logChannel(h.ctx.logger, sink)]]);
    const first = await broadcast({ audience: { regionCode: REGIONS.villageA.code } });
    const second = await broadcast({ audience: { regionCode: REGIONS.villageA.code } });
    await fanOut(h.ctx, first.id);
    await fanOut(h.ctx, second.id);
    const [d1] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, first.id), eq(deliveries.workerId, w!.id)));
    const [d2] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, second.id), eq(deliveries.workerId, w!.id)));
    clock.set('2026-06-01T14:00:00Z'); // 22:00
    expect(await deliver(h.ctx, d1!.id, channels)).toBe('deferred:2026-06-02T00:00:00.000Z');
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d1!.id)))[0]!.status).toBe('deferred');
    clock.set('2026-06-02T00:00:00Z'); // 08:00
    expect(await deliver(h.ctx, d1!.id, channels)).toBe('sent');
    // One a day for this person: the second waits for tomorrow morning.
    expect(await deliver(h.ctx, d2!.id, channels)).toBe('deferred:2026-06-03T00:00:00.000Z');
    expect(sink.filter((m) => m.workerId === w!.id)).toHaveLength(1);
  });

  it('a delivery interrupted between claim and record becomes unknown, is never sent again, and is settled by the channel rule after the wait', async () => {
    const b = await broadcast();
    await fanOut(h.ctx, b.id);
    const [d] = await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, b.id)).limit(1);
    await h.ctx.db.update(deliveries).set({ status: 'sending' }).where(eq(deliveries.id, d!.id));
    const sink: OutgoingMessage[] = [];
    expect(await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger, sink)]]))).toBe('unknown');
    expect(sink).toHaveLength(0);
    const [after] = await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id));
    expect(after).toMatchObject({ status: 'unknown', reason: 'interrupted' });
    // A second run of the same job changes nothing and sends nothing.
    expect(await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger, sink)]]))).toBe('unknown');
    expect(sink).toHaveLength(0);
    const view = (await station.get(`/api/v1/broadcasts/${b.id}`)).body;
    expect(view.counts.unknown).toBe(1);
    expect(view.notReached).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'unknown', reason: 'interrupted' })]));
    // Before the wait nothing is decided; after it, the log channel's rule (development) counts it sent.
    expect((await settleDeliveries(h.ctx)).byRule).toBe(0);
    clock.set(new Date(clock.now().getTime() + (h.config.delivery.settleMinutes + 1) * 60_000));
    expect((await settleDeliveries(h.ctx)).byRule).toBe(1);
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id)))[0]).toMatchObject({ status: 'sent', reason: 'assumed_sent' });
  });

  it('a cancelled broadcast sends nothing more, and a channel that cannot be reached falls back or fails with the reason', async () => {
    const b = await broadcast();
    await fanOut(h.ctx, b.id);
    expect((await station.post(`/api/v1/broadcasts/${b.id}/cancel`)).body.status).toBe('cancelled');
    running = startWorkers(h.ctx, { only: ['deliveries', 'deliveries-bulk'] });
    const done = await until(async () => (await station.get(`/api/v1/broadcasts/${b.id}`)).body, (x) => x.counts.queued === 0 && x.counts.sending === 0, 60_000);
    expect(done.counts.sent).toBe(0);
    // Those who unsubscribed earlier were never queued; everyone else is skipped as cancelled.
    expect(Object.keys(done.skippedByReason).sort()).toEqual(['cancelled', 'unsubscribed']);
    expect(done.skippedByReason.unsubscribed).toBe(1);
    await running.close();
    running = undefined;

    const [w] = await h.ctx.db.select().from(workers).where(sql`${workers.id} not in (select worker_id from ${subscriptions} where unsubscribed_all)`).limit(1);
    await station.put(`/api/v1/workers/${w!.id}/subscription`, { channel: 'chat', fallbackChannel: 'log', dailyCap: 50 });
    const c = await broadcast();
    await fanOut(h.ctx, c.id);
    const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, c.id), eq(deliveries.workerId, w!.id)));
    const channels = new Map([['log', logChannel(h.ctx.logger)]]);
    expect(await deliver(h.ctx, d!.id, channels)).toBe('sent');
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id)))[0]).toMatchObject({ channel: 'log', status: 'sent' });
    await station.put(`/api/v1/workers/${w!.id}/subscription`, { channel: 'chat', dailyCap: 50 });
    const e = await broadcast();
    await fanOut(h.ctx, e.id);
    const [d2] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, e.id), eq(deliveries.workerId, w!.id)));
    expect(await deliver(h.ctx, d2!.id, channels)).toBe('failed');
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d2!.id)))[0]).toMatchObject({ status: 'failed', reason: 'chat:unavailable' });
  });

  it('a station cannot broadcast to another county', async () => {
    const res = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyB.code }, message: { 'zh-CN': '越权' } });
    expect(res.status).toBe(403);
  });
});

describe('the automatic "new gig near you" push', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ clock: new ManualClock(NOON) });
    await seedRegions(h.ctx.db);
  });
  afterAll(() => h.close());

  it('tells those subscribed to gigs whose home lies within the circle, and nobody else', async () => {
    const station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const home = { lat: 23.2236, lng: 102.8253 };
    const mk = async (name: string, dLatKm: number, topics: string[]) => {
      const w = (await station.post('/api/v1/workers', workerInput({ name, homeLat: home.lat + dLatKm / 111, homeLng: home.lng }))).body;
      await station.put(`/api/v1/workers/${w.id}/subscription`, { topics, channel: 'log', digestAt: null }); // each as it comes, not in the morning digest
      return w.id as string;
    };
    const near = await mk('近处零工迷', 1, ['gig']);
    const far = await mk('远处的人', 20, ['gig']);
    const other = await mk('只看培训', 1, ['training']);
    const all = await mk('什么都看', 2, []);
    const e = (await station.post('/api/v1/employers', { name: '集市管理处', kind: 'enterprise', regionCode: REGIONS.countyA.code })).body;
    await station.post(`/api/v1/employers/${e.id}/verify`);
    const gig = await station.post('/api/v1/vacancies', {
      employerId: e.id, kind: 'gig', title: '集市保洁', regionCode: REGIONS.townA.code, ...home, payMinFen: 18000, payMaxFen: 18000, payUnit: 'day', headcount: 3,
      details: { date: '2026-06-03', startTime: '08:00', endTime: '12:00' },
    });
    expect(gig.status).toBe(201);
    const [b] = rowsOf<{ id: string }>(await h.ctx.db.execute(sql`select id from broadcasts where topic = 'gig'`));
    await fanOut(h.ctx, b!.id);
    const to = (await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, b!.id))).map((d) => d.workerId).sort();
    expect(to).toEqual([near, all].sort());
    expect(to).not.toContain(far);
    expect(to).not.toContain(other);
    const sink: OutgoingMessage[] = [];
    const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b!.id), eq(deliveries.workerId, near)));
    await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger, sink)]]));
    expect(sink[0]!.text).toBe('附近有新零工：集市保洁（集市管理处），日薪 180 元。回复“零工”查看详情');
  });

  it('tells those subscribed to training in the county of a new training session, with the subsidy', async () => {
    const station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const learner = (await station.post('/api/v1/workers', workerInput({ name: '想学手艺' }))).body;
    await station.put(`/api/v1/workers/${learner.id}/subscription`, { topics: ['training'], channel: 'log', digestAt: null });
    const gigsOnly = (await station.post('/api/v1/workers', workerInput({ name: '只看零工' }))).body;
    await station.put(`/api/v1/workers/${gigsOnly.id}/subscription`, { topics: ['gig'], channel: 'log', digestAt: null });
    const s = await station.post('/api/v1/trainings', { kind: 'upskilling', title: '电工培训', provider: '红河技师学院', regionCode: REGIONS.countyA.code, startDate: '2026-07-01', endDate: '2026-07-15', capacity: 20, trainingSubsidyFen: 120000 });
    expect(s.status).toBe(201);
    const [b] = rowsOf<{ id: string }>(await h.ctx.db.execute(sql`select id from broadcasts where topic = 'training'`));
    await fanOut(h.ctx, b!.id);
    const to = (await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, b!.id))).map((d) => d.workerId);
    expect(to).toContain(learner.id);
    expect(to).not.toContain(gigsOnly.id);
    const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b!.id), eq(deliveries.workerId, learner.id)));
    const sink: OutgoingMessage[] = [];
    await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger, sink)]]));
    expect(sink[0]!.text).toBe('新培训：电工培训（红河技师学院），2026-07-01 开班，培训补贴 1200 元。回复“培训”查看详情');
  });

  it('tells people living elsewhere who asked for this region (县外), and only for topics', async () => {
    const stationA = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const stationB = await signIn(h, appOf(h), { regionCode: REGIONS.countyB.code });
    const mk = async (name: string, regionCodes: string[]) => {
      const w = (await stationB.post('/api/v1/workers', workerInput({ name, regionCode: REGIONS.villageB.code }))).body;
      expect((await stationB.put(`/api/v1/workers/${w.id}/subscription`, { topics: ['regular'], regionCodes, channel: 'log', digestAt: null })).status).toBe(200);
      return w.id as string;
    };
    const willGo = await mk('愿去外县', [REGIONS.countyA.code.slice(0, 4)]);
    const staysHome = await mk('只在本县', []);
    const e = (await stationA.post('/api/v1/employers', { name: '县A工厂', kind: 'enterprise', regionCode: REGIONS.countyA.code })).body;
    await stationA.post(`/api/v1/employers/${e.id}/verify`);
    const post = await stationA.post('/api/v1/vacancies', { employerId: e.id, kind: 'regular', title: '装配工', regionCode: REGIONS.countyA.code, payMinFen: 400000, payMaxFen: 500000, payUnit: 'month', headcount: 5 });
    expect(post.status).toBe(201);
    const [b] = rowsOf<{ id: string }>(await h.ctx.db.execute(sql`select id from broadcasts where topic = 'regular' order by created_at desc limit 1`));
    await fanOut(h.ctx, b!.id);
    const to = (await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, b!.id))).map((d) => d.workerId);
    expect(to).toContain(willGo);
    expect(to).not.toContain(staysHome);
    // A station's own broadcast (no topic) stays with the people of its region.
    const own = await stationA.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '县A村民大会' } });
    await fanOut(h.ctx, own.body.id);
    const ownTo = (await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, own.body.id))).map((d) => d.workerId);
    expect(ownTo).not.toContain(willGo);
  });
});
