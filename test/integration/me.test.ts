import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import type { App } from 'supertest/types';
import { deliveries, identities, subscribeConsents, workers } from '../../src/db/schema';
import { PER_TOKEN_PER_MINUTE } from '../../src/me/auth';
import { processChannels } from '../../src/outreach/registry';
import { deliver, fanOut } from '../../src/outreach/service';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { drainEvents } from '../helpers/events';
import { fakeWechat, type FakeWechat } from '../helpers/fake-wechat';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';
import { expectRefused, expectRefusedUnwritten } from '../helpers/refused';

const APP_ID = 'wx0123456789abcdef';
const SECRET = 'secret-0123456789abcdef';
const TEMPLATE = 'tmpl-job-notice-01';

/** The worker-facing API a mini-program calls: its own sign-in realm, and each worker only their own records. */
describe('the mini-program API for workers (/api/v1/me)', () => {
  let h: Harness;
  let wx: FakeWechat;
  let app: App;
  let station: Staff;
  const clock = new ManualClock('2026-06-01T02:00:00Z');

  beforeAll(async () => {
    wx = await fakeWechat(APP_ID, SECRET);
    h = await createHarness({ clock, env: { WECHAT_API_BASE: wx.url, WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: SECRET, WECHAT_TEMPLATE_ID: TEMPLATE } });
    await seedRegions(h.ctx.db);
    app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
  });
  afterAll(async () => {
    await h.close();
    await wx.close();
  });

  let codes = 0;
  /** What the mini-program does: wx.login, then our login with its code. */
  const login = async (openid: string, unionid?: string) => {
    const code = `code-${++codes}`;
    wx.logins.set(code, { openid, ...(unionid ? { unionid } : {}) });
    const res = await request(app).post('/api/v1/me/login').send({ code });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return res.body as { token: string; bound: boolean };
  };
  const as = (token: string) => ({
    get: (p: string) => request(app).get(p).set('Authorization', `Bearer ${token}`),
    post: (p: string, body?: object) => request(app).post(p).set('Authorization', `Bearer ${token}`).send(body ?? {}),
    patch: (p: string, body: object) => request(app).patch(p).set('Authorization', `Bearer ${token}`).send(body),
    put: (p: string, body: object) => request(app).put(p).set('Authorization', `Bearer ${token}`).send(body),
    delete: (p: string) => request(app).delete(p).set('Authorization', `Bearer ${token}`),
  });
  /** A registered person, signed in and bound through the mini-program. */
  const boundWorker = async (name: string, openid: string) => {
    const idNumber = validIdNumber({ birth: '1990-04-04' });
    const w = (await station.post('/api/v1/workers', workerInput({ name, idNumber, homeLat: HOME.lat, homeLng: HOME.lng }))).body;
    const { token } = await login(openid);
    const bound = await as(token).post('/api/v1/me/bind', { name, idNumber });
    if (bound.status !== 200) throw new Error(JSON.stringify(bound.body));
    return { id: w.id as string, token, api: as(token) };
  };

  it('signs in with the wx.login code, binds like the chat, and recognises the person next time (and through the unionid)', async () => {
    const idNumber = validIdNumber({ birth: '1988-08-08' });
    const w = (await station.post('/api/v1/workers', workerInput({ name: '小程序用户', idNumber }))).body;
    const bad = await request(app).post('/api/v1/me/login').send({ code: 'never-issued' });
    expectRefused(bad, 'validation_failed');
    expect(bad.body.error.details[0].message).toBe('微信登录凭证无效或已过期，请重新进入小程序');
    const first = await login('openid-first', 'unionid-first');
    expect(first.bound).toBe(false);
    expect(wx.sessionRequests.at(-1)).toMatchObject({ appid: APP_ID, secret: SECRET, grant_type: 'authorization_code' });
    const me = as(first.token);
    const notYet = await me.get('/api/v1/me');
    expectRefused(notYet, 'forbidden');
    expect(notYet.body.error.details[0].message).toContain('请先绑定身份');
    const wrong = await me.post('/api/v1/me/bind', { name: '别人', idNumber });
    expectRefused(wrong, 'validation_failed');
    expect(wrong.body.error.details[0].message).toBe('姓名和身份证号（或绑定码）与登记信息不符');
    const ok = await me.post('/api/v1/me/bind', { name: '小程序用户', idNumber });
    expect(ok.body).toMatchObject({ bound: true, idNumber: expect.stringMatching(/\*{8}/) });
    const mine = await me.get('/api/v1/me');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: w.id, name: '小程序用户' });
    expect(mine.text).not.toContain(idNumber);
    // Next time: signed in as themselves at once.
    expect((await login('openid-first')).bound).toBe(true);
    // Another WeChat door of the same person (same unionid, another openid) is the same identity.
    const other = await login('openid-other-app', 'unionid-first');
    expect(other.bound).toBe(true);
    expect((await as(other.token).get('/api/v1/me')).body.id).toBe(w.id);
    const doors = await h.ctx.db.select({ kind: identities.kind }).from(identities).where(eq(identities.workerId, w.id));
    expect(doors.map((d) => d.kind).sort()).toEqual(['mp_openid', 'mp_openid', 'wechat_unionid']);
    // Tokens of one realm open nothing in the other.
    await expectRefusedUnwritten(h, () => request(app).get('/api/v1/me').set('Authorization', `Bearer ${station.token}`), 'unauthorized');
    await expectRefusedUnwritten(h, () => request(app).get('/api/v1/workers').set('Authorization', `Bearer ${first.token}`), 'unauthorized');
    await me.post('/api/v1/me/logout');
    await expectRefusedUnwritten(h, () => me.get('/api/v1/me'), 'unauthorized');
  });

  it('takes the phone number from WeChat and corrections from the person, each kept as their own report', async () => {
    const { api } = await boundWorker('改资料的人', 'openid-profile');
    wx.phones.set('phone-code-1', '13912345678');
    const phoned = await api.post('/api/v1/me/phone', { code: 'phone-code-1' });
    expect(phoned.status).toBe(200);
    expect(phoned.body.phone).toBe('139****5678');
    clock.set('2026-06-01T02:05:00Z');
    const changed = await api.patch('/api/v1/me', { intention: 'in_county', skills: ['保洁', '种植'] });
    expect(changed.body).toMatchObject({ intention: 'in_county', skills: ['保洁', '种植'] });
    expect(changed.body.changes.map((c: { fields: string[]; source: string }) => [c.fields.join(','), c.source])).toEqual([
      ['intention,skills', 'self_report'],
      ['phone', 'self_report'],
    ]);
    await expectRefusedUnwritten(h, () => api.patch('/api/v1/me', { name: '改名字' }), 'validation_failed');
    await expectRefusedUnwritten(h, () => api.patch('/api/v1/me', { homeLat: 200 }), 'validation_failed');
    clock.set('2026-06-01T02:00:00Z');
  });

  it('finds work near a point, nearest first, with what a map needs, or grouped by cell when zoomed out', async () => {
    const e = await verifiedEmployer(station, { name: '附近的雇主' });
    const made: Record<string, string> = {};
    for (const km of [3, 1, 8]) made[km] = (await station.post('/api/v1/vacancies', gig(e.id, { title: `零工${km}公里`, ...north(km) }))).body.id;
    const { api } = await boundWorker('找附近活的人', 'openid-nearby');
    const res = await api.get('/api/v1/me/nearby?radiusKm=5&kind=gig');
    expect(res.status).toBe(200);
    const mine = res.body.items.filter((i: { id: string }) => Object.values(made).includes(i.id));
    expect(mine.map((i: { title: string }) => i.title)).toEqual(['零工1公里', '零工3公里']);
    expect(mine[0]).toMatchObject({ distanceKm: 1, lat: expect.any(Number), lng: expect.any(Number), geohash: expect.stringMatching(/^[0-9a-z]{7}$/) });
    expect(mine[0].reasons.length).toBeGreaterThan(0);
    // Without a radius, the circle matching and the console's map use (15分钟就业服务圈, MATCH_RADIUS_KM, seed 002).
    const plain = await api.get('/api/v1/me/nearby?kind=gig');
    expect(h.ctx.config.market.radiusKm).toBe(5);
    expect(plain.body.items.filter((i: { id: string }) => Object.values(made).includes(i.id)).map((i: { title: string }) => i.title)).toEqual(['零工1公里', '零工3公里']);
    const wide = await api.get(`/api/v1/me/nearby?lat=${HOME.lat}&lng=${HOME.lng}&radiusKm=10&kind=gig&cluster=4`);
    expect(wide.body.clusters.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(wide.body.total);
    expect(wide.body.total).toBeGreaterThanOrEqual(3);
    await expectRefusedUnwritten(h, () => api.get('/api/v1/me/nearby?radiusKm=abc'), 'validation_failed');
  });

  it('applies and withdraws, and reports a gig unpaid, which opens a wage case', async () => {
    const e = await verifiedEmployer(station, { name: '一键报名的雇主' });
    const g = (await station.post('/api/v1/vacancies', gig(e.id, { title: '一键报名的零工' }))).body.id;
    const r = (await station.post('/api/v1/vacancies', { employerId: e.id, kind: 'regular', title: '一键报名的岗位', regionCode: REGIONS.countyA.code, payMinFen: 300000, payMaxFen: 400000, payUnit: 'month', headcount: 2 })).body.id;
    const { id, api } = await boundWorker('一键报名的人', 'openid-apply');
    expect((await api.get(`/api/v1/me/vacancies/${r}`)).body).toMatchObject({ title: '一键报名的岗位', employer: '一键报名的雇主' });
    const applied = await api.post(`/api/v1/me/vacancies/${r}/apply`);
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ workerId: id, source: 'mini_program', status: 'applied' });
    await expectRefusedUnwritten(h, () => api.post(`/api/v1/me/vacancies/${r}/apply`), 'conflict');
    const withdrawn = await api.post(`/api/v1/me/applications/${applied.body.id}/withdraw`);
    expect(withdrawn.body.status).toBe('withdrawn');
    const gigApp = (await api.post(`/api/v1/me/vacancies/${g}/apply`)).body.id;
    await station.post(`/api/v1/applications/${gigApp}/status`, { status: 'accepted' });
    expect((await api.post(`/api/v1/me/applications/${gigApp}/check-in`)).body.status).toBe('checked_in');
    expect((await api.post(`/api/v1/me/applications/${gigApp}/complete`)).body.status).toBe('completed');
    expect((await api.post(`/api/v1/me/applications/${gigApp}/paid`, { paid: false, amountFen: 18000 })).body.paid).toBe(false);
    expect((await station.get('/api/v1/wage-cases')).body.items.some((c: { workerId: string }) => c.workerId === id)).toBe(true);
    expect((await api.get('/api/v1/me/applications')).body.items.map((a: { title: string; status: string }) => `${a.title}:${a.status}`).sort()).toEqual(['一键报名的岗位:withdrawn', '一键报名的零工:completed']);
  });

  it('spends one subscribe consent per message and sends by chat when none is left', async () => {
    const { id, api } = await boundWorker('订阅消息的人', 'openid-consent');
    await api.put('/api/v1/me/subscription', { channel: 'mini_program' });
    expect((await api.post('/api/v1/me/subscribe-consents', { templateIds: [TEMPLATE] })).body.items).toEqual([{ templateId: TEMPLATE, remaining: 1 }]);
    const channels = processChannels(h.ctx);
    const send = async (text: string) => {
      const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': text } })).body;
      await fanOut(h.ctx, b.id);
      const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b.id), eq(deliveries.workerId, id)));
      return { result: await deliver(h.ctx, d!.id, channels), id: d!.id };
    };
    const before = wx.sends.length;
    expect((await send('第一条：消费一次订阅')).result).toBe('sent');
    expect(wx.sends.length).toBe(before + 1);
    expect(wx.sends.at(-1)!.body.touser).toBe('openid-consent');
    expect((await api.get('/api/v1/me/subscribe-consents')).body.items).toEqual([{ templateId: TEMPLATE, remaining: 0 }]);
    const second = await send('第二条：没有订阅次数了');
    expect(second.result).toBe('handed_off');
    expect(wx.sends.length).toBe(before + 1);
    const [row] = await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, second.id));
    expect(row).toMatchObject({ channel: 'chat', status: 'queued' });
    const [left] = await h.ctx.db.select().from(subscribeConsents).where(eq(subscribeConsents.workerId, id));
    expect(left!.remaining).toBe(0);
  });

  it('answers 404 to every worker endpoint given another worker’s ids, and changes nothing of theirs', async () => {
    const e = await verifiedEmployer(station, { name: '隔离测试雇主' });
    const g = (await station.post('/api/v1/vacancies', gig(e.id, { title: '隔离测试零工' }))).body.id;
    const a = await boundWorker('甲某', 'openid-a-matrix');
    const b = await boundWorker('乙某', 'openid-b-matrix');
    const bApp = (await b.api.post(`/api/v1/me/vacancies/${g}/apply`)).body.id as string;
    await station.post(`/api/v1/applications/${bApp}/status`, { status: 'accepted' });
    for (const verb of ['withdraw', 'check-in', 'complete']) {
      const res = await a.api.post(`/api/v1/me/applications/${bApp}/${verb}`);
      expect({ verb, status: res.status }).toEqual({ verb, status: 404 });
      expect(res.text).not.toContain('乙某');
    }
    await expectRefusedUnwritten(h, () => a.api.post(`/api/v1/me/applications/${bApp}/paid`, { paid: false }), 'not_found');
    // B's enrolment and B's fair sign-up cannot be cancelled from A's token.
    const session = (await station.post('/api/v1/trainings', { kind: 'upskilling', title: '隔离测试培训', provider: '县职校', regionCode: REGIONS.countyA.code, startDate: '2026-06-20', endDate: '2026-06-25', capacity: 5 })).body.id;
    await b.api.post(`/api/v1/me/trainings/${session}/enrol`);
    await expectRefusedUnwritten(h, () => a.api.delete(`/api/v1/me/trainings/${session}/enrol`), 'not_found');
    const fair = (await station.post('/api/v1/fairs', { kind: 'on_site', title: '隔离测试招聘会', startsAt: '2026-06-20T01:00:00Z', endsAt: '2026-06-20T05:00:00Z', address: '广场', audience: { regionCode: REGIONS.countyA.code } })).body;
    await station.post(`/api/v1/fairs/${fair.id}/announce`);
    await b.api.post(`/api/v1/me/fairs/${fair.id}/signup`);
    // The sign-up's event is handled first: its publishing would otherwise race the check for writes.
    await drainEvents(h);
    await expectRefusedUnwritten(h, () => a.api.delete(`/api/v1/me/fairs/${fair.id}/signup`), 'not_found');
    expect((await station.get(`/api/v1/fairs/${fair.id}`)).body.counts.signedUp).toBe(1);
    expect((await a.api.get('/api/v1/me/applications')).body.items).toEqual([]);
    expect((await a.api.get('/api/v1/me')).body.id).toBe(a.id);
    expect((await b.api.get('/api/v1/me/applications')).body.items).toEqual([expect.objectContaining({ id: bApp, status: 'accepted' })]);
    const [bRow] = await h.ctx.db.select().from(workers).where(eq(workers.id, b.id));
    expect(bRow!.name).toBe('乙某');
  });

  it('searches by words, enrols in a training, signs up and checks in at a fair, and shows the policy checklist', async () => {
    const e = await verifiedEmployer(station, { name: '搜索测试雇主' });
    await station.post('/api/v1/vacancies', { employerId: e.id, kind: 'regular', title: '酒店客房服务员', description: '包吃住', regionCode: REGIONS.countyA.code, ...north(2), payMinFen: 300000, payMaxFen: 350000, payUnit: 'month', headcount: 3 });
    const { id, api } = await boundWorker('什么都试的人', 'openid-everything');
    const found = await api.get(`/api/v1/me/search?q=${encodeURIComponent('客房服务员')}`);
    expect(found.body.items.map((v: { title: string }) => v.title)).toContain('酒店客房服务员');
    expect(found.body.items[0]).toMatchObject({ employer: '搜索测试雇主', distanceKm: 2 });

    const session = (
      await station.post('/api/v1/trainings', { kind: 'upskilling', title: '客房服务培训', provider: '县职校', regionCode: REGIONS.countyA.code, startDate: '2026-06-10', endDate: '2026-06-15', capacity: 10 })
    ).body.id;
    expect((await api.post(`/api/v1/me/trainings/${session}/enrol`)).status).toBe(201);
    expect((await api.delete(`/api/v1/me/trainings/${session}/enrol`)).status).toBe(200);

    const fair = (
      await station.post('/api/v1/fairs', { kind: 'on_site', title: '小程序报名的招聘会', startsAt: '2026-06-01T03:00:00Z', endsAt: '2026-06-01T07:00:00Z', address: '南沙镇文化广场', audience: { regionCode: REGIONS.countyA.code } })
    ).body;
    await station.post(`/api/v1/fairs/${fair.id}/announce`);
    const open = async () => (await api.get('/api/v1/me/fairs')).body.items.find((f: { id: string }) => f.id === fair.id);
    expect(await open()).toMatchObject({ id: fair.id, mine: null, time: '2026-06-01 11:00' });
    expect((await api.post(`/api/v1/me/fairs/${fair.id}/signup`)).body.status).toBe('signed_up');
    expect((await api.post('/api/v1/me/fairs/checkin', { code: fair.checkinCode })).body.checkedInAt).not.toBeNull();
    expect((await open()).mine).toBe('checked_in');
    await expectRefusedUnwritten(h, () => api.post('/api/v1/me/fairs/checkin', { code: 'ZZZZZZ' }), 'not_found');

    const checklist = await api.get('/api/v1/me/policies');
    expect(checklist.status).toBe(200);
    expect(Array.isArray(checklist.body.eligible)).toBe(true);
    const [w] = await h.ctx.db.select().from(workers).where(eq(workers.id, id));
    expect(w!.name).toBe('什么都试的人');
  });

  it('shows the consent notice and records the answer given in the mini-program', async () => {
    const { id, api } = await boundWorker('在小程序里同意的人', 'openid-consent-notice');
    const state = await api.get('/api/v1/me/consent');
    expect(state.body).toMatchObject({ granted: true, noticeVersion: expect.any(String) });
    expect(state.body.notice).toContain('个人信息使用说明');
    expect((await api.post('/api/v1/me/consent', { granted: false })).body.granted).toBe(false);
    const history = (await station.get(`/api/v1/workers/${id}/consent`)).body;
    expect(JSON.stringify(history)).toContain('mini_program');
    const refused = await api.get('/api/v1/me/matches');
    expectRefused(refused, 'conflict');
    expect(refused.body.error.details[0].path).toBe('consent');
    await expectRefusedUnwritten(h, () => api.post('/api/v1/me/consent', { granted: 'yes' }), 'validation_failed');
  });

  it('limits requests per token with Retry-After', async () => {
    const { api } = await boundWorker('很着急的人', 'openid-rate');
    let last = 200;
    let retry: string | undefined;
    for (let i = 0; i <= PER_TOKEN_PER_MINUTE && last !== 429; i++) {
      const res = await api.get('/api/v1/me/subscription');
      last = res.status;
      retry = res.headers['retry-after'];
    }
    expect(last).toBe(429);
    expect(Number(retry)).toBeGreaterThan(0);
  });
});
