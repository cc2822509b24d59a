import request from 'supertest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { startWorkers, type Workers } from '../../jobs/workers';
import { accounts, deliveries, staffNotices } from '../../src/db/schema';
import { rowsOf } from '../../src/db/client';
import { processChannels } from '../../src/outreach/registry';
import { requeueFromDatabase } from '../../src/outreach/recovery';
import { deliver, sweepDeliveries } from '../../src/outreach/service';
import { settleDeliveries } from '../../src/outreach/settle';
import { inQuietHours, nextAllowed } from '../../src/outreach/quiet';
import { notify } from '../../src/notices/service';
import { announceEndings } from '../../src/policies/service';
import { remindDeadlines } from '../../src/reporting/calendar';
import { ManualClock } from '../../src/shared/clock';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeTencentSms, type FakeTencentSms } from '../helpers/fake-tencent-sms';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';

const SECRET_ID = 'AKIDfakefakefakefake';
const SECRET_KEY = 'fake-secret-key-0123456789';
const CALLBACK = 'callback-token-0123456789abcdef';

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
const noonOf = (day: string) => `${day}T04:00:00Z`; // 12:00 in Asia/Shanghai

/**
 * Urgent notices reach the administrators who run the service besides the console inbox: a policy ending
 * with nothing to carry it forward (seed 000 national 三(三): 政策清单 kept known, 提高政策知晓度) and a report
 * about to be due (seed 001 §3.4 and seed 003 五: each form by its date; seed 002 §3: 日报告·周调度·月通报) are
 * texted once to each administrator of the notice's audience who set a mobile number, through the push
 * engine (its queue, quiet hours and exactly-once record); who opted out or set none has the inbox only.
 */
describe('urgent notices pushed to staff', () => {
  let h: Harness;
  let sms: FakeTencentSms;
  let running: Workers | undefined;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    sms = await fakeTencentSms(SECRET_ID, SECRET_KEY);
    h = await createHarness({
      clock,
      env: { SMS_PROVIDER: 'tencent', SMS_SECRET_ID: SECRET_ID, SMS_SECRET_KEY: SECRET_KEY, SMS_SDK_APP_ID: '1400000001', SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: '2000001', SMS_API_BASE: sms.url, SMS_CONTACT: '0873-5621234', SMS_CALLBACK_TOKEN: CALLBACK },
    });
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(async () => {
    await h.close();
    await sms.close();
  });

  type Cast = Record<'countyWith' | 'countyOptOut' | 'countyNone' | 'prefectureWith' | 'prefectureOptOut' | 'prefectureNone' | 'countyBWith' | 'stationWith', Staff>;
  const PHONES: Partial<Record<keyof Cast, string>> = {
    countyWith: '13912340001',
    countyOptOut: '13912340002',
    prefectureWith: '13912340003',
    prefectureOptOut: '13912340004',
    countyBWith: '13912340005',
    stationWith: '13912340006',
  };

  /** A fresh database and the staff of the scenario, each setting (or not) their own contact through the API. */
  const cast = async (): Promise<Cast> => {
    await h.reset();
    await seedRegions(h.ctx.db);
    const app = appOf(h);
    const c: Cast = {
      countyWith: await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code }),
      countyOptOut: await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code }),
      countyNone: await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code }),
      prefectureWith: await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code }),
      prefectureOptOut: await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code }),
      prefectureNone: await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code }),
      countyBWith: await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code }),
      stationWith: await signIn(h, app, { role: 'station', regionCode: REGIONS.countyA.code }),
    };
    for (const [who, phone] of Object.entries(PHONES)) {
      const res = await c[who as keyof Cast].patch('/api/v1/auth/me/contact', { phone, ...(who.endsWith('OptOut') ? { pushOptOut: true } : {}) });
      expect(res.status).toBe(200);
    }
    return c;
  };

  /** The deliveries written for the notices of a kind whose params match. */
  const pushesOf = async (kind: string, match: (p: Record<string, unknown>) => boolean) => {
    const notices = (await h.ctx.db.select().from(staffNotices).where(eq(staffNotices.kind, kind))).filter((n) => match(n.params));
    if (!notices.length) return { notices, rows: [] };
    const rows = await h.ctx.db.select().from(deliveries).where(inArray(deliveries.staffNoticeId, notices.map((n) => n.id)));
    return { notices, rows };
  };
  const sendsOf = (ids: string[]) => sms.sends.filter((s) => ids.includes(s.SessionContext ?? ''));
  const inbox = async (s: Staff, kind: string) => ((await s.get('/api/v1/notices')).body.items as Array<{ kind: string; params: Record<string, unknown>; text: string }>).filter((n) => n.kind === kind);

  /**
   * The push goes through the queue now, or (in quiet hours) waits for 08:00 and goes then; either way each
   * delivery is sent once. Returns the sent rows.
   */
  const sendThrough = async (ids: string[]) => {
    running ??= startWorkers(h.ctx, { only: ['deliveries-sms'] });
    const now = clock.now();
    const settled = await until(
      async () => h.ctx.db.select().from(deliveries).where(inArray(deliveries.id, ids)),
      (rows) => rows.every((r) => r.status !== 'queued' && r.status !== 'sending'),
      30_000,
    );
    if (inQuietHours(now, 21 * 60, 8 * 60)) {
      // Not dropped: deferred to the end of the quiet hours, then sent.
      const at = nextAllowed(now, 21 * 60, 8 * 60);
      for (const r of settled) expect(r).toMatchObject({ status: 'deferred', reason: 'quiet_hours', notBefore: at });
      expect(sendsOf(ids)).toEqual([]);
      clock.set(at);
      for (const id of ids) expect(await deliver(h.ctx, id, processChannels(h.ctx))).toBe('sent');
    }
    const rows = await h.ctx.db.select().from(deliveries).where(inArray(deliveries.id, ids));
    for (const r of rows) expect(r).toMatchObject({ status: 'sent', channel: 'sms', workerId: null });
    return rows;
  };

  /** Nothing runs twice: the job again, the sweeper, a requeue after Redis lost its data, the delivery job itself. */
  const nothingTwice = async (ids: string[], again: () => Promise<number>) => {
    const rowsBefore = (await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(deliveries))[0]!.n;
    expect(await again()).toBe(0);
    expect((await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(deliveries))[0]!.n).toBe(rowsBefore);
    await sweepDeliveries(h.ctx);
    await requeueFromDatabase(h.ctx);
    for (const id of ids) expect(await deliver(h.ctx, id, processChannels(h.ctx))).toBe('sent');
    expect(sendsOf(ids)).toHaveLength(ids.length);
    // Nor anything else pushed meanwhile (other policies of the catalogue ending): each text once.
    const sessions = sms.sends.map((x) => x.SessionContext);
    expect(new Set(sessions).size).toBe(sessions.length);
  };

  const accountOf = (rows: Array<{ accountId: string | null }>) => rows.map((r) => r.accountId).sort();
  const idsOf = (...staff: Staff[]) => staff.map((s) => s.id).sort();

  const policyEndingIn = async (county: Staff, key: string, validTo: string) => {
    const res = await county.post('/api/v1/policies', {
      key, title: { 'zh-CN': '县A试点稳岗补贴', en: 'County A pilot job-keeping subsidy' }, summary: { 'zh-CN': '县A试点' }, audience: 'worker', benefit: { 'zh-CN': '按县A规定' },
      rule: { fact: 'category', op: 'eq', value: 'lifted' }, apply: { steps: [{ 'zh-CN': '到乡镇就业服务站申请' }], where: { 'zh-CN': '乡镇就业服务站' } },
      regionCode: REGIONS.countyA.code, validFrom: '2026-01-01', validTo, source: { document: '县A人社〔2026〕1号', article: '二' },
    });
    expect(res.status).toBe(201);
  };

  const policyScenario = async (start: Date) => {
    clock.set(start);
    const c = await cast();
    const today = shanghaiDate(clock.now());
    const key = 'county_a_pilot_ending';
    await policyEndingIn(c.countyWith, key, addDays(today, 59));

    expect(await announceEndings(h.ctx)).toBeGreaterThanOrEqual(1);
    const { notices, rows } = await pushesOf('policy_ending', (p) => p.key === key);
    expect(notices).toHaveLength(1);
    // The county's and the prefecture's administrators with a number; not the opted out, not those without
    // one, not another county's, not a station (the notice is for administrators).
    expect(accountOf(rows)).toEqual(idsOf(c.countyWith, c.prefectureWith));
    const ids = rows.map((r) => r.id);
    await sendThrough(ids);
    const sent = sendsOf(ids);
    expect(sent.map((s) => s.PhoneNumberSet[0]).sort()).toEqual([`+86${PHONES.countyWith}`, `+86${PHONES.prefectureWith}`].sort());
    expect(sent[0]!.TemplateParamSet[0]).toContain('政策即将到期');
    // Everyone of the audience has it in the inbox, pushed or not.
    for (const s of [c.countyWith, c.countyOptOut, c.countyNone, c.prefectureWith, c.prefectureOptOut, c.prefectureNone]) expect((await inbox(s, 'policy_ending')).map((n) => n.params.key)).toContain(key);
    expect((await inbox(c.countyBWith, 'policy_ending')).map((n) => n.params.key)).not.toContain(key);
    // The console marks it 即将到期.
    const list = (await c.countyWith.get('/api/v1/policies')).body.items as Array<{ key: string; endingSoon: boolean }>;
    expect(list.find((p) => p.key === key)!.endingSoon).toBe(true);

    await nothingTwice(ids, () => announceEndings(h.ctx));
  };

  /** 附件2 (seed 001 §3.4) moved to a date a few days on, the other forms set aside, last year's sent. */
  const deadlineScenario = async (start: Date) => {
    clock.set(start);
    const c = await cast();
    const province = await signIn(h, appOf(h), { role: 'province', regionCode: REGIONS.province.code });
    const today = shanghaiDate(clock.now());
    // Three days ahead; a deadline falls on the 1st to the 28th, so on the month's last days the next such date.
    let due = addDays(today, 3);
    while (Number(due.slice(8, 10)) > 28) due = addDays(due, 1);
    const remindDays = Math.round((Date.parse(due) - Date.parse(today)) / 86400_000);
    for (const other of ['progress_quarterly', 'summary_yearly', 'work_monthly', 'analysis_half_yearly']) expect((await province.patch(`/api/v1/reporting/deadlines/${other}`, { active: false })).status).toBe(200);
    expect((await province.patch('/api/v1/reporting/deadlines/projects_yearly', { months: [Number(due.slice(5, 7))], day: Number(due.slice(8, 10)), remindDays })).status).toBe(200);
    expect((await c.prefectureWith.post('/api/v1/reporting/submissions', { key: 'projects_yearly', period: String(Number(due.slice(0, 4)) - 1) })).status).toBe(200);

    expect(await remindDeadlines(h.ctx)).toEqual({ due: 1, overdue: 0 });
    const { notices, rows } = await pushesOf('report_due', (p) => p.dueOn === due);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.params).toMatchObject({ days: remindDays, region: REGIONS.prefecture.name });
    // The prefecture reports 附件2: its administrators (and those above) with a number; no county's.
    expect(accountOf(rows)).toEqual(idsOf(c.prefectureWith));
    const ids = rows.map((r) => r.id);
    await sendThrough(ids);
    expect(sendsOf(ids).map((s) => s.PhoneNumberSet[0])).toEqual([`+86${PHONES.prefectureWith}`]);
    for (const s of [c.prefectureOptOut, c.prefectureNone]) expect(await inbox(s, 'report_due')).toHaveLength(1);
    expect(await inbox(c.countyWith, 'report_due')).toHaveLength(0);

    await nothingTwice(ids, async () => {
      const again = await remindDeadlines(h.ctx);
      return again.due + again.overdue;
    });
  };

  it('at today’s date: a policy ending in 59 days is texted once to the county’s and prefecture’s administrators who set a number', async () => {
    await policyScenario(new Date());
  });

  it('at today’s date: a report due in three days is texted once to the administrators of the region that sends it', async () => {
    await deadlineScenario(new Date());
  });

  it('on another day, in the afternoon: the same, through the queue at once', async () => {
    await policyScenario(new Date('2027-05-10T06:30:00Z'));
    await deadlineScenario(new Date('2027-09-14T07:00:00Z'));
  });

  it('at night: the push waits for 08:00 (deferred, not dropped) and then goes once', async () => {
    await policyScenario(new Date('2027-03-03T14:30:00Z')); // 22:30 in Asia/Shanghai
  });

  it('reads the account’s choices when it sends: opting out or removing the number after the notice stops the text', async () => {
    clock.set(noonOf('2027-05-10'));
    const c = await cast();
    await policyEndingIn(c.countyWith, 'county_a_pilot_late', addDays(shanghaiDate(clock.now()), 30));
    await announceEndings(h.ctx);
    const { rows } = await pushesOf('policy_ending', (p) => p.key === 'county_a_pilot_late');
    expect(accountOf(rows)).toEqual(idsOf(c.countyWith, c.prefectureWith));
    expect((await c.countyWith.patch('/api/v1/auth/me/contact', { pushOptOut: true })).body).toMatchObject({ phoneMasked: '139****0001', pushOptOut: true, pushed: false, wechatBound: false });
    expect((await c.prefectureWith.patch('/api/v1/auth/me/contact', { phone: null })).body).toMatchObject({ phoneMasked: null, pushOptOut: false, pushed: false, wechatBound: false });
    const before = sms.sends.length;
    const outcomes = await Promise.all(rows.map(async (r) => [r.accountId, await deliver(h.ctx, r.id, processChannels(h.ctx))] as const));
    expect(Object.fromEntries(outcomes)).toEqual({ [c.countyWith.id]: 'skipped:unsubscribed', [c.prefectureWith.id]: 'skipped:no_contact' });
    expect(sms.sends.length).toBe(before);
  });

  it('a text the provider may have taken (HTTP 500) is never sent again; the report or the rule settles it', async () => {
    clock.set(noonOf('2027-05-10'));
    const c = await cast();
    await policyEndingIn(c.countyWith, 'county_a_pilot_doubt', addDays(shanghaiDate(clock.now()), 45));
    await announceEndings(h.ctx);
    const { rows } = await pushesOf('policy_ending', (p) => p.key === 'county_a_pilot_doubt');
    const mine = rows.find((r) => r.accountId === c.countyWith.id)!;
    const before = sms.sends.length;
    sms.failNext(1);
    expect(await deliver(h.ctx, mine.id, processChannels(h.ctx))).toBe('unknown');
    expect(await deliver(h.ctx, mine.id, processChannels(h.ctx))).toBe('unknown');
    expect(sms.sends.length).toBe(before);
    clock.advance((h.config.delivery.settleMinutes + 1) * 60_000);
    expect((await settleDeliveries(h.ctx)).byRule).toBeGreaterThanOrEqual(1);
    const [after] = await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, mine.id));
    expect(after).toMatchObject({ status: 'sent', reason: 'assumed_sent' });
    // Not the workers' "phone them to confirm": a staff text taken as sent needs no notice (it waits in the inbox).
    expect(await h.ctx.db.select().from(staffNotices).where(inArray(staffNotices.kind, ['deliveries_assumed', 'deliveries_unconfirmed']))).toEqual([]);
  });

  it('a number is the holder’s own: shown masked, stored encrypted; a malformed one or someone else’s account is refused in Chinese and English and changes nothing', async () => {
    clock.set(new Date());
    const c = await cast();
    const me = (await c.countyWith.get('/api/v1/auth/me')).body;
    expect(me.contact).toMatchObject({ phoneMasked: '139****0001', pushOptOut: false, pushed: true, wechatBound: false });
    const [stored] = await h.ctx.db.select().from(accounts).where(eq(accounts.id, c.countyWith.id));
    expect(stored!.contactPhoneEnc).not.toContain(PHONES.countyWith);
    expect(h.ctx.pii.decrypt(stored!.contactPhoneEnc!)).toBe(PHONES.countyWith);
    expect(stored!.contactPhoneHash).toBe(h.ctx.pii.index('phone', PHONES.countyWith!));

    const refusedIn = async (s: Staff, path: string, body: object, status: number) => {
      const zh = await s.patch(path, body);
      const en = await request(appOf(h)).patch(path).set('Authorization', `Bearer ${s.token}`).set('Accept-Language', 'en').send(body);
      expect(zh.status).toBe(status);
      expect(en.status).toBe(status);
      return { zh: zh.body.error.details as Array<{ path: string; message: string }>, en: en.body.error.details as Array<{ path: string; message: string }> };
    };
    for (const phone of ['1391234', '0873-5621234', '23912340001', '139123400011']) {
      expect(await refusedIn(c.countyNone, '/api/v1/auth/me/contact', { phone }, 400)).toEqual({
        zh: [{ path: 'body.phone', message: '请填写 11 位中国大陆手机号（短信只能发到手机，不能发到座机）' }],
        en: [{ path: 'body.phone', message: 'Enter an 11-digit mainland China mobile number (a text cannot go to a landline)' }],
      });
    }
    expect((await refusedIn(c.countyNone, '/api/v1/auth/me/contact', {}, 400)).zh).toEqual([expect.objectContaining({ path: 'body.phone', message: '请填写手机号（phone）或是否退订推送（pushOptOut）' })]);
    expect((await c.countyNone.patch('/api/v1/auth/me/contact', { phone: '13912340009', accountId: c.countyWith.id })).status).toBe(400);
    // An administrator cannot set a number for someone else, even below them; the account is left as it was.
    expect(await refusedIn(c.countyWith, `/api/v1/accounts/${c.stationWith.id}`, { contactPhone: '13912340009' }, 403)).toEqual({
      zh: [{ path: 'body.contactPhone', message: '手机号只能由账号本人设置；管理员只能清除别人的手机号' }],
      en: [{ path: 'body.contactPhone', message: "Only the account's holder sets its mobile number; an administrator may only remove someone else's" }],
    });
    const untouched = await Promise.all([c.countyNone, c.stationWith].map(async (s) => (await h.ctx.db.select().from(accounts).where(eq(accounts.id, s.id)))[0]!));
    expect(untouched.map((a) => [a.contactPhoneEnc === null, a.pushOptOut])).toEqual([[true, false], [false, false]]);
    expect((await h.ctx.db.select().from(accounts).where(eq(accounts.id, c.stationWith.id)))[0]!.contactPhoneHash).toBe(h.ctx.pii.index('phone', PHONES.stationWith!));

    // Administrators see who has one (never the number), and may remove one that is no longer its holder's.
    const listed = (await c.countyWith.get(`/api/v1/accounts?regionCode=${REGIONS.countyA.code}`)).body.items as Array<{ id: string; hasContact: boolean; pushOptOut: boolean }>;
    expect(listed.find((a) => a.id === c.stationWith.id)).toMatchObject({ hasContact: true, pushOptOut: false });
    expect(listed.find((a) => a.id === c.countyNone.id)).toMatchObject({ hasContact: false });
    expect(listed[0]).not.toHaveProperty('phoneMasked');
    const cleared = await c.countyWith.patch(`/api/v1/accounts/${c.stationWith.id}`, { contactPhone: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ hasContact: false });
    // +86 and spaces are the same number, kept in one form.
    expect((await c.countyNone.patch('/api/v1/auth/me/contact', { phone: '+86 139 1234 0007' })).body).toMatchObject({ phoneMasked: '139****0007', pushOptOut: false, pushed: true, wechatBound: false });
    const audited = rowsOf<{ action: string; details: Record<string, unknown> }>(await h.ctx.db.execute(sql`select action, details from audit_log where entity_id = ${c.countyNone.id} and action = 'account.contact'`));
    expect(audited).toEqual([{ action: 'account.contact', details: { phone: 'set' } }]);
  });

  it('pushes only the urgent kinds, to the audience the inbox shows: a sending account down reaches station clerks too, a new review list nobody', async () => {
    clock.set(noonOf('2027-05-10'));
    const c = await cast();
    const now = clock.now();
    const down = await notify(h.ctx, now, { kind: 'account_offline', regionCode: REGIONS.countyA.code, reach: 'region_and_above', audience: 'staff', params: { name: '南沙站微信', reason: 'logout' }, dedupeKey: 'test:offline' }, h.ctx.queues);
    const review = await notify(h.ctx, now, { kind: 'review_items', regionCode: REGIONS.countyA.code, reach: 'region_and_above', params: { count: 2, day: '2027-05-10' }, dedupeKey: 'test:review' }, h.ctx.queues);
    const rowsOfNotice = (id: string | null) => h.ctx.db.select().from(deliveries).where(eq(deliveries.staffNoticeId, id!));
    expect(accountOf(await rowsOfNotice(down))).toEqual(idsOf(c.countyWith, c.prefectureWith, c.stationWith));
    expect(await rowsOfNotice(review)).toEqual([]);
    // The same notice again is no notice, and no second push.
    expect(await notify(h.ctx, now, { kind: 'account_offline', regionCode: REGIONS.countyA.code, reach: 'region_and_above', audience: 'staff', dedupeKey: 'test:offline' }, h.ctx.queues)).toBeNull();
    expect(await rowsOfNotice(down)).toHaveLength(3);
  });

  it('a member of staff who replies 回T to a text gets the inbox only from then on', async () => {
    clock.set(new Date());
    const c = await cast();
    const res = await request(appOf(h)).post(`/api/v1/sms/inbound?token=${CALLBACK}`).send({ mobile: PHONES.countyWith, nationcode: '86', text: 'T', time: 1780000000 });
    expect(res.body.optedOut).toBe(1);
    expect((await c.countyWith.get('/api/v1/auth/me')).body.contact).toMatchObject({ phoneMasked: '139****0001', pushOptOut: true, pushed: false, wechatBound: false });
    const [row] = await h.ctx.db.select().from(accounts).where(and(eq(accounts.id, c.countyWith.id)));
    expect(row!.pushOptOut).toBe(true);
  });
});
