import { and, eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { Conversation } from '../../bots/conversation';
import { auditLog, chatGroups, deliveries, fairSignups, followUps, followUpSteps, groupPosts, identities, jobFairs, outbox, regions, workers } from '../../src/db/schema';
import { fairsClock } from '../../src/fairs/service';
import { logChannel, type OutgoingMessage } from '../../src/outreach/channels';
import { fanOut, deliver } from '../../src/outreach/service';
import { fireStep } from '../../src/outreach/follow-ups';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { drainEvents } from '../helpers/events';
import { handleEvent } from '../../jobs/handlers';
import { EventEnvelope } from '../../src/events';
import { publishOutbox } from '../../src/outbox';
import type { Job } from 'bullmq';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { north, verifiedEmployer } from '../helpers/market';
import { AUDITED, expectRefused, expectRefusedUnwritten } from '../helpers/refused';

const NOW = '2026-12-01T02:00:00Z'; // 10:00 on 1 December in Beijing
const START = '2026-12-05T01:00:00Z'; // 09:00 on 5 December
const END = '2026-12-05T04:00:00Z';

/** Seed 002: on-site, video and live-stream job fairs (直播带岗), run by stations from announcement to outcome. */
describe('job fairs, from draft to reported', () => {
  let h: Harness;
  let station: Staff;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());
  // Sign-ins last hours; a test that moves the clock by days signs in again afterwards.
  const later = async (iso: string) => {
    clock.set(iso);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  };
  afterEach(() => later(NOW));

  const person = async (name: string, contact?: string) => {
    const res = await station.post('/api/v1/workers', workerInput({ name }));
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    await station.put(`/api/v1/workers/${res.body.id}/subscription`, { channel: 'log', topics: ['job_fair'] });
    if (contact) await h.ctx.db.insert(identities).values({ workerId: res.body.id, kind: 'wechat_contact', value: contact });
    return res.body.id as string;
  };
  const post = async (employerId: string, title: string, over: Record<string, unknown> = {}) => {
    const res = await station.post('/api/v1/vacancies', { employerId, kind: 'regular', title, regionCode: REGIONS.townA.code, ...north(2), payMinFen: 500000, payMaxFen: 650000, payUnit: 'month', headcount: 30, ...over });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id as string;
  };
  const fairBody = (vacancyIds: string[], over: Record<string, unknown> = {}) => ({
    kind: 'live_stream',
    title: '春风行动直播带岗专场',
    startsAt: START,
    endsAt: END,
    streamUrl: 'https://channels.weixin.qq.com/live/example',
    audience: { regionCode: REGIONS.countyA.code },
    capacity: 4,
    campaign: '春风行动',
    vacancyIds,
    ...over,
  });
  /** The text a delivery carries, as the log channel would send it. */
  const sentText = async (where: ReturnType<typeof and>) => {
    const [d] = await h.ctx.db.select({ id: deliveries.id }).from(deliveries).where(where);
    const sink: OutgoingMessage[] = [];
    await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger, sink)]]));
    return sink[0]?.text ?? '';
  };
  const stepOf = async (workerId: string, sequence: string, step: string) => {
    const [row] = await h.ctx.db
      .select({ id: followUpSteps.id, dueAt: followUpSteps.dueAt, status: followUpSteps.status })
      .from(followUpSteps)
      .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
      .where(and(eq(followUps.workerId, workerId), eq(followUps.sequence, sequence), eq(followUpSteps.step, step)))
      .orderBy(sql`${followUps.createdAt} desc`)
      .limit(1);
    return row!;
  };

  it('refuses a fair that cannot run, in plain words', async () => {
    const noPlace = await station.post('/api/v1/fairs', fairBody([], { kind: 'on_site', streamUrl: undefined }));
    expectRefused(noPlace, 'validation_failed');
    expect(noPlace.body.error.details[0]).toMatchObject({ path: 'body.address', message: '现场招聘会请填写地址' });
    await expectRefusedUnwritten(h, () => station.post('/api/v1/fairs', fairBody([], { endsAt: '2026-12-05T00:00:00Z' })), 'validation_failed');
    await expectRefusedUnwritten(h, () => station.post('/api/v1/fairs', fairBody([], { capacity: 0 })), 'validation_failed');
    await expectRefusedUnwritten(h, () => station.post('/api/v1/fairs', fairBody([], { streamUrl: 'javascript:alert(1)' })), 'validation_failed');
    const noStation = await station.post('/api/v1/fairs', fairBody([], { stationId: '00000000-0000-0000-0000-000000000000' }));
    expectRefused(noStation, 'validation_failed');
    expect(noStation.body.error.details[0]).toMatchObject({ path: 'body.stationId', message: '找不到这个服务站，或不在您的辖区' });
    const elsewhere = await station.post('/api/v1/fairs', fairBody([], { audience: { regionCode: REGIONS.countyB.code } }));
    expectRefused(elsewhere, 'validation_failed');
    expect(elsewhere.body.error.details[0].path).toBe('body.audience.regionCode');
    const e = await verifiedEmployer(station, { name: '已关闭岗位的企业' });
    const closed = await post(e.id, '已关闭的岗位');
    await station.patch(`/api/v1/vacancies/${closed}`, { status: 'closed' });
    const withClosed = await station.post('/api/v1/fairs', fairBody([closed]));
    expectRefused(withClosed, 'validation_failed');
    expect(withClosed.body.error.details[0]).toMatchObject({ path: 'body.vacancyIds.0', message: '只能加入本辖区正在招聘的岗位' });
  });

  it('runs a live-stream fair: announce, sign up by chat, waiting list, reminders, on-screen post and apply by reply, check-in, walk-in, outcome, report', async () => {
    const factory = await verifiedEmployer(station, { name: '蒙自某电子厂' });
    const hotel = await verifiedEmployer(station, { name: '元阳梯田酒店' });
    const line = await post(factory.id, '普工');
    const cook = await post(hotel.id, '帮厨', { headcount: 2, payMinFen: 300000, payMaxFen: 350000 });
    const created = await station.post('/api/v1/fairs', fairBody([line, cook]));
    expect(created.status).toBe(201);
    const fair = created.body;
    expect(fair).toMatchObject({ status: 'draft', capacity: 4, vacancies: [{ seq: 1, title: '普工', employer: '蒙自某电子厂' }, { seq: 2, title: '帮厨' }] });
    expect(fair.checkinCode).toMatch(/^[A-Z0-9]{6}$/);
    await h.ctx.db.insert(chatGroups).values({ name: '南沙村民群', regionCode: REGIONS.villageA.code, createdBy: station.id });

    const ids = {
      a: await person('报名甲', 'wxid-fair-a'),
      b: await person('报名乙', 'wxid-fair-b'),
      c: await person('报名丙'),
      d: await person('报名丁', 'wxid-fair-d'),
      e: await person('候补戊', 'wxid-fair-e'),
    };
    // Not announced yet: no sign-ups.
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: ids.c }), 'conflict');

    const announced = await station.post(`/api/v1/fairs/${fair.id}/announce`);
    expect(announced.body.status).toBe('announced');
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/fairs/${fair.id}/announce`), 'conflict');
    await fanOut(h.ctx, announced.body.broadcastId);
    const told = await station.get(`/api/v1/broadcasts/${announced.body.broadcastId}`);
    expect(told.body.total).toBe(5);
    expect(told.body.message['zh-CN']).toContain('春风行动直播带岗专场');
    expect(await h.ctx.db.select().from(groupPosts).where(eq(groupPosts.broadcastId, announced.body.broadcastId))).toHaveLength(1);

    // Sign-ups by chat (the fair's number in the list), by the station, and onto the waiting list when full.
    const c = new Conversation(h.ctx);
    const say = async (who: string, text: string) => (await c.respond({ kind: 'text', text, senderId: who })).join('\n');
    const list = await say('wxid-fair-a', '招聘会');
    expect(list).toContain('1. 春风行动直播带岗专场');
    expect(list).toContain('2026-12-05 09:00');
    expect(await say('wxid-fair-a', '1')).toContain('1. 蒙自某电子厂 招 普工 30 人');
    expect(await say('wxid-fair-a', '报名')).toContain('已帮您报名“春风行动直播带岗专场”');
    await say('wxid-fair-b', '招聘会');
    expect(await say('wxid-fair-b', '报名 1')).toContain('已帮您报名');
    expect((await station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: ids.c })).body.status).toBe('signed_up');
    // Its event handled first, so that publishing it is not taken for a write of the refusal below.
    expect(await drainEvents(h)).toContain('fair.signed_up:fairs.reminders');
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: ids.c }), 'conflict');
    expect((await station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: ids.d })).body.status).toBe('signed_up');
    await say('wxid-fair-e', '招聘会');
    expect(await say('wxid-fair-e', '报名 1')).toContain('候补第 1 位');
    expect(await say('wxid-fair-e', '我的')).toContain('春风行动直播带岗专场（2026-12-05 09:00）：候补中');

    // Reminders three days, one day and half an hour before the start, with the fair's time and link
    // (planned from the sign-ups' events, after the place was taken).
    expect(await drainEvents(h)).toContain('fair.signed_up:fairs.reminders');
    const remind = async (step: string) => stepOf(ids.a, 'fair_reminder', step);
    expect((await remind('days_3')).dueAt.toISOString()).toBe('2026-12-02T01:00:00.000Z');
    expect((await remind('day_before')).dueAt.toISOString()).toBe('2026-12-04T01:00:00.000Z');
    expect((await remind('minutes_30')).dueAt.toISOString()).toBe('2026-12-05T00:30:00.000Z');
    clock.set('2026-12-02T01:00:00Z');
    expect(await fireStep(h.ctx, (await remind('days_3')).id)).toBe('fired');
    expect(await sentText(eq(deliveries.stepId, (await remind('days_3')).id))).toBe('提醒：“春风行动直播带岗专场”三天后（2026-12-05 09:00）开始，直播链接 https://channels.weixin.qq.com/live/example。去不了请回复“取消报名”。');

    // B cannot go: the first on the waiting list gets the place, is told at once, and gets the reminders.
    expect(await say('wxid-fair-b', '取消报名')).toContain('已取消“春风行动直播带岗专场”的报名');
    expect((await stepOf(ids.b, 'fair_reminder', 'day_before')).status).toBe('cancelled');
    const [promoted] = await h.ctx.db.select().from(fairSignups).where(eq(fairSignups.workerId, ids.e));
    expect(promoted!.status).toBe('signed_up');
    // Both events come from one transaction, in either order: each acts alone.
    expect((await drainEvents(h)).sort()).toEqual(['fair.promoted:fairs.reminders', 'fair.signup_cancelled:audit.entry']);
    const told2 = await stepOf(ids.e, 'fair_promoted', 'now');
    expect(await fireStep(h.ctx, told2.id)).toBe('fired');
    expect(await sentText(eq(deliveries.stepId, told2.id))).toContain('您已从候补转为正式报名');
    expect((await stepOf(ids.e, 'fair_reminder', 'day_before')).status).toBe('pending');

    // The clock takes it live at the start; the post on screen goes to those signed up and fair subscribers.
    await later(START);
    expect(await fairsClock(h.ctx)).toEqual({ live: 1, ended: 0 });
    const onScreen = await station.post(`/api/v1/fairs/${fair.id}/on-screen`, { vacancyId: line });
    expect(onScreen.status).toBe(200);
    await fanOut(h.ctx, onScreen.body.broadcastId);
    const screenText = await sentText(and(eq(deliveries.broadcastId, onScreen.body.broadcastId), eq(deliveries.workerId, ids.a)));
    expect(screenText).toBe('正在直播：蒙自某电子厂 招 普工 30 人，月薪 5000–6500 元，回复 报名 1');
    // A replies as told; the application counts for the fair.
    clock.set('2026-12-05T01:05:00Z');
    expect(await say('wxid-fair-a', '报名 1')).toContain('已帮您报名“普工”');
    const apps = (await station.get(`/api/v1/vacancies/${line}/applications`)).body.items;
    expect(apps).toEqual([expect.objectContaining({ workerId: ids.a, fairId: fair.id, source: 'chat' })]);

    // Check-in: A by the code, C at the desk (found by name), a walk-in registered on the spot once a place is free.
    expect(await say('wxid-fair-a', `签到 ${fair.checkinCode.toLowerCase()}`)).toContain('签到成功');
    expect(await say('wxid-fair-a', '签到 ZZZZZZ')).toContain('签到码不对');
    const found = (await station.get(`/api/v1/fairs/${fair.id}/people?q=${encodeURIComponent('报名丙')}`)).body.items;
    expect(found).toEqual([expect.objectContaining({ workerId: ids.c, signup: 'signed_up', checkedIn: false })]);
    expect(found[0].idNumber).toMatch(/\*{8}/);
    expect((await station.post(`/api/v1/fairs/${fair.id}/checkins`, { workerId: ids.c })).body.checkedInAt).not.toBeNull();
    const walkInBody = workerInput({ name: '现场来的人', idNumber: validIdNumber({ birth: '1979-09-09' }) });
    const full = await station.post(`/api/v1/fairs/${fair.id}/walk-ins`, walkInBody);
    expectRefused(full, 'conflict');
    expect(full.body.error.details[0].message).toBe('名额已满');
    expect(await h.ctx.db.select().from(workers).where(eq(workers.name, '现场来的人'))).toHaveLength(0);
    expect((await station.delete(`/api/v1/fairs/${fair.id}/signups/${ids.d}`)).body).toMatchObject({ cancelled: true, promotedWorkerId: null });
    const walkIn = await station.post(`/api/v1/fairs/${fair.id}/walk-ins`, walkInBody);
    expect(walkIn.status).toBe(201);
    expect(walkIn.body.signup).toMatchObject({ status: 'signed_up', source: 'walk_in' });
    expect(walkIn.body.signup.checkedInAt).not.toBeNull();
    const walker = walkIn.body.worker.id as string;
    await station.put(`/api/v1/workers/${walker}/subscription`, { channel: 'log' });
    // Staff apply for the walk-in at the fair; A is interviewed and hired through the market. Only a post the fair carries counts for it.
    const notAtFair = await post(hotel.id, '不在会上的岗位');
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/vacancies/${notAtFair}/applications`, { workerId: walker, source: 'fair', fairId: fair.id }), 'validation_failed', { detail: { path: 'body.fairId', message: '这个岗位不在本场招聘会中' } });
    expect((await station.post(`/api/v1/vacancies/${cook}/applications`, { workerId: walker, source: 'fair', fairId: fair.id })).status).toBe(201);
    await station.post(`/api/v1/applications/${apps[0].id}/status`, { status: 'interview' });
    expect((await station.post(`/api/v1/applications/${apps[0].id}/status`, { status: 'hired', startDate: '2026-12-05', monthlyIncomeFen: 550000 })).status).toBe(200);

    // The clock ends it; three days later only the applicant with no answer is asked how it went.
    clock.set(END);
    expect(await fairsClock(h.ctx)).toEqual({ live: 0, ended: 1 });
    // Once it has ended, an application no longer counts for it.
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/vacancies/${line}/applications`, { workerId: walker, source: 'fair', fairId: fair.id }), 'conflict', { detail: { path: 'body.fairId', message: '招聘会已结束' } });
    const after = await stepOf(walker, 'fair_aftercare', 'day_3');
    expect(after.dueAt.toISOString()).toBe('2026-12-08T02:00:00.000Z');
    expect(await h.ctx.db.select().from(followUps).where(and(eq(followUps.workerId, ids.a), eq(followUps.sequence, 'fair_aftercare')))).toHaveLength(0);
    await later('2026-12-08T02:00:00Z');
    expect(await fireStep(h.ctx, after.id)).toBe('fired');
    expect(await sentText(eq(deliveries.stepId, after.id))).toContain('您投的元阳梯田酒店“帮厨”有回音了吗');

    // The outcome adds up, per fair and per employer; hires come from the market, typed once.
    const outcome = (await station.get(`/api/v1/fairs/${fair.id}/outcome`)).body;
    expect(outcome.totals).toEqual({ signedUp: 4, waiting: 0, cancelled: 2, checkedIn: 3, employers: 2, applications: 2, interviews: 1, hires: 1 });
    expect(outcome.employers).toEqual([
      expect.objectContaining({ employer: '元阳梯田酒店', vacancies: 1, applications: 1, interviews: 0, hires: 0 }),
      expect.objectContaining({ employer: '蒙自某电子厂', vacancies: 1, applications: 1, interviews: 1, hires: 1 }),
    ]);
    for (const k of ['applications', 'interviews', 'hires'] as const) expect(outcome.employers.reduce((n: number, e: Record<string, number>) => n + e[k]!, 0)).toBe(outcome.totals[k]);
    const xlsx = await station.get(`/api/v1/fairs/${fair.id}/outcome?format=xlsx`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (x: Buffer) => chunks.push(x));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).toBe('PK');

    const reported = await station.post(`/api/v1/fairs/${fair.id}/report`);
    expect(reported.status).toBe(200);
    expect(reported.body.report.totals).toEqual(outcome.totals);
    expect((await station.get(`/api/v1/fairs/${fair.id}`)).body.status).toBe('reported');
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/fairs/${fair.id}/report`), 'conflict');
    const listed = (await station.get('/api/v1/fairs?campaign=%E6%98%A5%E9%A3%8E%E8%A1%8C%E5%8A%A8')).body.items.map((f: { id: string }) => f.id);
    expect(listed).toContain(fair.id);
  });

  it('gives no more places than the capacity to 200 people signing up at once, and serves the waiting list in order', async () => {
    const e = await verifiedEmployer(station, { name: '同时报名企业' });
    const fair = (await station.post('/api/v1/fairs', fairBody([await post(e.id, '装配工')], { kind: 'on_site', streamUrl: null, address: '南沙镇文化广场', capacity: 50, title: '同时报名测试' }))).body;
    await station.post(`/api/v1/fairs/${fair.id}/announce`);
    const people: string[] = [];
    for (let i = 0; i < 200; i++) people.push((await station.post('/api/v1/workers', workerInput({ name: `同时${i}` }))).body.id);
    const results = await Promise.all(people.map((w) => station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: w })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const placed = results.filter((r) => r.body.status === 'signed_up');
    const waiting = results.filter((r) => r.body.status === 'waiting');
    expect(placed).toHaveLength(50);
    expect(waiting.map((r) => r.body.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    // Ten cancel at once: the ten at the head of the waiting list get their places.
    const firstTen = waiting.sort((a, b) => a.body.position - b.body.position).slice(0, 10).map((r) => r.body.workerId);
    await Promise.all(placed.slice(0, 10).map((r) => station.delete(`/api/v1/fairs/${fair.id}/signups/${r.body.workerId}`)));
    const now = (await station.get(`/api/v1/fairs/${fair.id}`)).body.counts;
    expect(now).toMatchObject({ signedUp: 50, waiting: 140, cancelled: 10, placesLeft: 0 });
    const promoted = await h.ctx.db.select({ workerId: fairSignups.workerId }).from(fairSignups).where(and(eq(fairSignups.fairId, fair.id), eq(fairSignups.status, 'signed_up')));
    expect(firstTen.every((w) => promoted.some((p) => p.workerId === w))).toBe(true);
    // Five more places: the next five on the waiting list get them, in order, and are told.
    const nextFive = waiting.slice(10, 15).map((r) => r.body.workerId);
    expect((await station.patch(`/api/v1/fairs/${fair.id}`, { capacity: 55 })).body.counts).toMatchObject({ signedUp: 55, waiting: 135, placesLeft: 0 });
    const placedNow = await h.ctx.db.select({ workerId: fairSignups.workerId }).from(fairSignups).where(and(eq(fairSignups.fairId, fair.id), eq(fairSignups.status, 'signed_up')));
    expect(nextFive.every((w) => placedNow.some((p) => p.workerId === w))).toBe(true);
    const handled = await drainEvents(h);
    expect(handled.filter((x) => x === 'fair.promoted:fairs.reminders')).toHaveLength(15);
  }, 180_000);

  it("writes a sign-up's audit entry once when its event is handled again after a lost acknowledgement", async () => {
    const e = await verifiedEmployer(station, { name: '重复事件企业' });
    const fair = (await station.post('/api/v1/fairs', fairBody([await post(e.id, '搬运工')], { kind: 'on_site', streamUrl: null, address: '南沙镇文化广场', title: '重复事件测试' }))).body;
    await station.post(`/api/v1/fairs/${fair.id}/announce`);
    await drainEvents(h);
    const w = await person('重复事件');
    expect((await station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: w })).status).toBe(201);
    await publishOutbox(h.ctx);
    const [job] = (await h.ctx.queues.queue('events').getJobs(['waiting', 'delayed', 'prioritized'])) as Job[];
    const envelope = EventEnvelope.parse(job!.data);
    expect(envelope.type).toBe('fair.signed_up');
    // The worker committed the audit entry and died before the queue heard: the event comes back as it was.
    expect((await handleEvent(envelope, h.ctx)).handled).toEqual(['fairs.reminders', 'audit.entry']);
    await handleEvent(envelope, h.ctx);
    await job!.remove();
    const entries = await h.ctx.db.select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.entityId, fair.id), eq(auditLog.action, 'fair.signup')));
    expect(entries).toHaveLength(1);
    // The reminders were planned again and replaced, not doubled.
    const planned = await h.ctx.db.select({ id: followUps.id }).from(followUps).where(and(eq(followUps.workerId, w), eq(followUps.status, 'active')));
    expect(planned).toHaveLength(1);
  });

  it('keeps places and the waiting list exact while many sign up, cancel and sign up again at once, beyond the capacity', async () => {
    const e = await verifiedEmployer(station, { name: '并发报名企业' });
    const capacity = 30;
    const fair = (await station.post('/api/v1/fairs', fairBody([await post(e.id, '包装工')], { kind: 'on_site', streamUrl: null, address: '南沙镇文化广场', capacity, title: '并发报名与取消' }))).body;
    await station.post(`/api/v1/fairs/${fair.id}/announce`);
    const people: string[] = [];
    for (let i = 0; i < 180; i += 12) {
      const made = await Promise.all(Array.from({ length: 12 }, (_, k) => station.post('/api/v1/workers', workerInput({ name: `并发${i + k}` }))));
      people.push(...made.map((r) => r.body.id as string));
    }
    type Act = { kind: 'signup' | 'cancel'; worker: string; status: number; body: { status?: string; promotedWorkerId?: string | null } };
    const acts: Act[] = [];
    const signup = async (worker: string) => {
      const r = await station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: worker });
      acts.push({ kind: 'signup', worker, status: r.status, body: r.body });
      return r;
    };
    const cancel = async (worker: string) => {
      const r = await station.delete(`/api/v1/fairs/${fair.id}/signups/${worker}`);
      acts.push({ kind: 'cancel', worker, status: r.status, body: r.body });
      return r;
    };
    // Everyone signs up at once; every third person cancels as soon as they are answered (places and
    // turns alike, while others are still signing up), and every sixth signs up again after that.
    await Promise.all(
      people.map(async (w, i) => {
        await signup(w);
        if (i % 3 !== 0) return;
        await cancel(w);
        if (i % 6 === 0) await signup(w);
      }),
    );
    // A second wave: ten with places and ten waiting cancel at once, beside ten who had cancelled signing up again.
    const rows = () => h.ctx.db.select().from(fairSignups).where(eq(fairSignups.fairId, fair.id));
    const mid = await rows();
    const byQueue = (a: { queue: number }, b: { queue: number }) => a.queue - b.queue;
    const placedNow = mid.filter((r) => r.status === 'signed_up').sort(byQueue).slice(0, 10).map((r) => r.workerId);
    const waitingNow = mid.filter((r) => r.status === 'waiting').sort(byQueue).slice(-10).map((r) => r.workerId);
    const backAgain = mid.filter((r) => r.status === 'cancelled').slice(0, 10).map((r) => r.workerId);
    await Promise.all([...placedNow.map(cancel), ...waitingNow.map(cancel), ...backAgain.map(signup)]);

    // Every request was answered, and nobody's sign-up was refused or lost.
    expect(acts.filter((a) => a.status >= 300)).toEqual([]);
    const final = await rows();
    expect(new Set(final.map((r) => r.workerId)).size).toBe(final.length);
    expect(final).toHaveLength(people.length);
    const last = new Map<string, Act>();
    for (const a of acts) last.set(a.worker, a);
    for (const r of final) expect(r.status === 'cancelled').toBe(last.get(r.workerId)!.kind === 'cancel');
    // The count kept on the fair is the sign-ups with places, never above the capacity; with anyone waiting, the fair is full.
    const placed = final.filter((r) => r.status === 'signed_up');
    const waiting = final.filter((r) => r.status === 'waiting').sort(byQueue);
    const [row] = await h.ctx.db.select({ taken: jobFairs.taken }).from(jobFairs).where(eq(jobFairs.id, fair.id));
    expect(row!.taken).toBe(placed.length);
    expect(placed.length).toBe(capacity);
    expect(waiting.length).toBeGreaterThan(0);
    // The waiting list is in the order people came: everyone with a place came before everyone still waiting
    // (a freed place always goes to the head of the list), and the positions count 1, 2, 3 … from its head.
    expect(Math.max(...placed.map((r) => r.queue))).toBeLessThan(waiting[0]!.queue);
    const listed = (await station.get(`/api/v1/fairs/${fair.id}/signups?status=waiting&pageSize=200`)).body.items.map((i: { workerId: string }) => i.workerId);
    expect(listed).toEqual(waiting.map((r) => r.workerId));
    // A freed place went to one person at a time: nobody was promoted more often than they signed up.
    const promotions = acts.map((a) => a.body.promotedWorkerId).filter((w): w is string => Boolean(w));
    for (const w of new Set(promotions)) expect(promotions.filter((p) => p === w).length).toBeLessThanOrEqual(acts.filter((a) => a.kind === 'signup' && a.worker === w).length);
    // What follows from the events: reminders exactly for those with places, one audit entry per sign-up and per cancellation.
    await drainEvents(h);
    const reminded = await h.ctx.db
      .select({ workerId: followUps.workerId })
      .from(followUps)
      .where(and(eq(followUps.subject, fair.id), eq(followUps.sequence, 'fair_reminder'), eq(followUps.status, 'active')));
    expect(reminded.map((r) => r.workerId).sort()).toEqual(placed.map((r) => r.workerId).sort());
    const told = await h.ctx.db.select({ workerId: followUps.workerId }).from(followUps).where(and(eq(followUps.subject, fair.id), eq(followUps.sequence, 'fair_promoted')));
    // Those promoted and still holding the place were told of it; nobody else was.
    expect(told.every((t) => promotions.includes(t.workerId))).toBe(true);
    const stillPlaced = new Set(placed.map((r) => r.workerId));
    expect(new Set(told.map((t) => t.workerId))).toEqual(new Set(promotions.filter((w) => stillPlaced.has(w))));
    const audited = await h.ctx.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.entityId, fair.id), sql`${auditLog.action} in ('fair.signup', 'fair.cancel_signup')`));
    expect(audited.filter((a) => a.action === 'fair.signup')).toHaveLength(acts.filter((a) => a.kind === 'signup').length);
    expect(audited.filter((a) => a.action === 'fair.cancel_signup')).toHaveLength(acts.filter((a) => a.kind === 'cancel').length);
    expect(await h.ctx.db.select().from(outbox).where(sql`${outbox.publishedAt} is null`)).toEqual([]);
  }, 180_000);

  it('lets a township station of the audience see a county fair and sign up its people, but not run it', async () => {
    const fair = (await station.post('/api/v1/fairs', fairBody([], { kind: 'on_site', streamUrl: null, address: '县城广场', title: '全县招聘会' }))).body;
    await station.post(`/api/v1/fairs/${fair.id}/announce`);
    const township = await signIn(h, appOf(h), { regionCode: REGIONS.townA.code });
    expect((await township.get('/api/v1/fairs')).body.items.map((f: { id: string }) => f.id)).toContain(fair.id);
    expect((await township.get(`/api/v1/fairs/${fair.id}`)).status).toBe(200);
    const local = (await township.post('/api/v1/workers', workerInput({ name: '镇上的人' }))).body.id;
    expect((await township.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: local })).body.status).toBe('signed_up');
    // The sign-up's event is handled first, so that publishing it is not taken for a write of the refusals below.
    expect(await drainEvents(h)).toContain('fair.signed_up:fairs.reminders');
    await expectRefusedUnwritten(h, () => township.post(`/api/v1/fairs/${fair.id}/live`), 'not_found', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => township.patch(`/api/v1/fairs/${fair.id}`, { title: '改名' }), 'not_found', { writes: AUDITED });
    // The township sees its own people among the sign-ups; the county sees everyone.
    // Someone of the county from a village of another township (a home is always a village).
    await h.ctx.db.insert(regions).values([{ code: '532528102', name: '新街镇', level: 4, parentCode: REGIONS.countyA.code }, { code: '532528102201', name: '新街村委会', level: 5, parentCode: '532528102' }]).onConflictDoNothing();
    const countyPerson = (await station.post('/api/v1/workers', workerInput({ name: '县里的人', regionCode: '532528102201' }))).body.id;
    await station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: countyPerson });
    expect((await township.get(`/api/v1/fairs/${fair.id}/signups`)).body.items.map((s: { name: string }) => s.name)).toEqual(['镇上的人']);
    expect((await station.get(`/api/v1/fairs/${fair.id}/signups`)).body.items.map((s: { name: string }) => s.name)).toEqual(['镇上的人', '县里的人']);
  });

  it('prints a QR code that opens the check-in page, and calling a fair off tells everyone signed up', async () => {
    const fair = (await station.post('/api/v1/fairs', fairBody([], { kind: 'on_site', streamUrl: null, address: '南沙镇文化广场', title: '取消的招聘会' }))).body;
    const png = await station.get(`/api/v1/fairs/${fair.id}/qr.png`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (x: Buffer) => chunks.push(x));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    const svg = await station.get(`/api/v1/fairs/${fair.id}/qr.svg`).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (x: Buffer) => (text += x.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(String(svg.body)).toContain('<svg');
    expect(fair.checkinUrl).toBe(`http://localhost:3000/checkin/${fair.checkinCode}`);
    const page = await request(appOf(h)).get(`/checkin/${fair.checkinCode}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('取消的招聘会');
    expect(page.text).toContain(`签到 ${fair.checkinCode}`);
    expect((await request(appOf(h)).get('/checkin/<script>')).status).toBe(404);

    await station.post(`/api/v1/fairs/${fair.id}/announce`);
    const who = await person('被通知取消');
    await station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: who });
    expect(await drainEvents(h)).toContain('fair.signed_up:fairs.reminders');
    const cancelled = await station.post(`/api/v1/fairs/${fair.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await stepOf(who, 'fair_reminder', 'day_before')).status).toBe('cancelled');
    const notice = await stepOf(who, 'fair_cancelled', 'now');
    expect(await fireStep(h.ctx, notice.id)).toBe('fired');
    expect(await sentText(eq(deliveries.stepId, notice.id))).toContain('抱歉，“取消的招聘会”（2026-12-05 09:00）取消了');
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/fairs/${fair.id}/signups`, { workerId: who }), 'conflict');
  });
});
