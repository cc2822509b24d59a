import request from 'supertest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { Conversation } from '../../bots/conversation';
import { accounts, deliveries, identities, staffNotices } from '../../src/db/schema';
import { rowsOf } from '../../src/db/client';
import { bindContact } from '../../src/outreach/binding';
import { bindStaffContact, STAFF_CODE_MINUTES } from '../../src/access/wechat';
import { isPersonContact } from '../../src/outreach/contacts';
import { notify } from '../../src/notices/service';
import { ensureDefaultAccount, goOffline, goOnline, poolChannel, type LiveAccount } from '../../src/outreach/pool';
import { processChannels } from '../../src/outreach/registry';
import { deliver } from '../../src/outreach/service';
import { settleDeliveries } from '../../src/outreach/settle';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeTencentSms, type FakeTencentSms } from '../helpers/fake-tencent-sms';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';

const SECRET_ID = 'AKIDfakefakefakefake';
const SECRET_KEY = 'fake-secret-key-0123456789';
const NOON = new Date('2027-05-10T04:00:00Z'); // 12:00 in Asia/Shanghai

/**
 * Most station staff read WeChat, not texts. A member of staff binds their own WeChat as a registered
 * person does, by a one-time code sent to the bot (a code of its own shape, for staff only), and urgent
 * notices then go there first, by SMS when WeChat cannot take them, once, in the same quiet hours
 * (seed 002 §3: 日报告·周调度·月通报 on time; seed 000 national 三(三): policy lists kept known).
 */
describe('staff bind their own WeChat for urgent notices', () => {
  let h: Harness;
  let sms: FakeTencentSms;
  let chat: Conversation;
  const clock = new ManualClock(new Date());
  /** What the logged-in sending account said, and how its next sends go. */
  const said: Array<{ contact: string; text: string }> = [];
  let nextSay: Array<'ok' | 'throw'> = [];
  let live: LiveAccount | undefined;

  beforeAll(async () => {
    sms = await fakeTencentSms(SECRET_ID, SECRET_KEY);
    h = await createHarness({
      clock,
      env: { SMS_PROVIDER: 'tencent', SMS_SECRET_ID: SECRET_ID, SMS_SECRET_KEY: SECRET_KEY, SMS_SDK_APP_ID: '1400000001', SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: '2000001', SMS_API_BASE: sms.url, SMS_CONTACT: '0873-5621234', SMS_PARAM_MAX: '200', CHAT_SEND_INTERVAL_MS: '10' },
    });
    chat = new Conversation(h.ctx);
  });
  afterAll(async () => {
    if (live) goOffline(live.id);
    await h.close();
    await sms.close();
  });

  const say = async (senderId: string, text: string) => (await chat.respond({ kind: 'text', text, senderId })).join('\n');
  const accountRow = async (id: string) => (await h.ctx.db.select().from(accounts).where(eq(accounts.id, id)))[0]!;
  const auditOf = async (id: string) => rowsOf<{ action: string; details: Record<string, unknown> }>(await h.ctx.db.execute(sql`select action, details from audit_log where entity_id = ${id} and action like 'account.wechat%' order by at, id`));
  const codeFor = async (s: Staff) => {
    const res = await s.post('/api/v1/auth/me/wechat/code');
    expect(res.status).toBe(201);
    return res.body as { code: string; expiresAt: string };
  };

  type Cast = { county: Staff; countyWechatOnly: Staff; countyNone: Staff; station: Staff };
  const cast = async (): Promise<Cast> => {
    await h.reset();
    await seedRegions(h.ctx.db);
    said.length = 0;
    nextSay = [];
    const app = appOf(h);
    const c: Cast = {
      county: await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code }),
      countyWechatOnly: await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code }),
      countyNone: await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code }),
      station: await signIn(h, app, { role: 'station', regionCode: REGIONS.countyA.code }),
    };
    expect((await c.county.patch('/api/v1/auth/me/contact', { phone: '13912340001' })).status).toBe(200);
    return c;
  };

  /** A registered person whose WeChat is bound with the station's six-digit code. */
  const boundWorker = async (station: Staff, contact: string) => {
    const made = await station.post('/api/v1/workers', workerInput());
    expect(made.status).toBe(201);
    const code = (await station.post(`/api/v1/workers/${made.body.id}/binding-code`)).body.code as string;
    expect(await bindContact({ ctx: h.ctx }, { kind: 'wechat_contact', value: contact }, { code })).toMatchObject({ ok: true });
    return { id: made.body.id as string, code };
  };

  it('a one-time eight-digit code from the console binds the WeChat that sends it; used once, replaced by the next, expiring; unbound by 解绑 or from the console', async () => {
    clock.set(new Date());
    const c = await cast();
    const first = await codeFor(c.county);
    expect(first.code).toMatch(/^\d{8}$/);
    expect(Date.parse(first.expiresAt) - clock.now().getTime()).toBe(STAFF_CODE_MINUTES * 60_000);
    const ttl = await h.ctx.redis.kv.ttl(`bind:staff:${first.code}`);
    expect(ttl).toBeGreaterThan(STAFF_CODE_MINUTES * 60 - 10);
    expect(ttl).toBeLessThanOrEqual(STAFF_CODE_MINUTES * 60);

    // A new code replaces the last: the first no longer binds, and nothing is written.
    const second = await codeFor(c.county);
    expect(await say('wxid-county', first.code)).toContain('绑定码不对或已过期');
    expect((await accountRow(c.county.id)).chatContact).toBeNull();

    expect(await say('wxid-county', `绑定 ${second.code}`)).toContain('已绑定工作人员账号“测试工作人员”');
    const me = (await c.county.get('/api/v1/auth/me')).body.contact;
    expect(me).toMatchObject({ phoneMasked: '139****0001', pushOptOut: false, pushed: true, wechatBound: true });
    expect(me.pushedKinds).toEqual(expect.arrayContaining(['policy_ending', 'report_due', 'report_overdue', 'region_decline', 'account_offline', 'account_blocked']));
    expect((await accountRow(c.county.id)).chatContact).toBe('wxid-county');
    // Used once: the same code from another WeChat binds nothing.
    expect(await bindStaffContact({ ctx: h.ctx }, { value: 'wxid-someone' }, second.code, isPersonContact)).toEqual({ ok: false, reason: 'no_match' });
    expect((await h.ctx.db.select().from(accounts).where(eq(accounts.chatContact, 'wxid-someone')))).toEqual([]);
    // Bound, the WeChat is staff's: it is told what it is for, never served as a registered person.
    expect(await say('wxid-county', '有什么活')).toContain('已绑定工作人员账号');

    // Expired: a code whose time ran out binds nothing.
    const third = await codeFor(c.countyWechatOnly);
    await h.ctx.redis.kv.pexpire(`bind:staff:${third.code}`, 1);
    await until(async () => h.ctx.redis.kv.exists(`bind:staff:${third.code}`), (n) => n === 0, 5000);
    expect(await bindStaffContact({ ctx: h.ctx }, { value: 'wxid-county-2' }, third.code, isPersonContact)).toEqual({ ok: false, reason: 'no_match' });
    expect((await accountRow(c.countyWechatOnly.id)).chatContact).toBeNull();

    // Administrators see who has a WeChat bound or a number set, never the contact itself.
    const listed = (await c.county.get(`/api/v1/accounts?regionCode=${REGIONS.countyA.code}`)).body.items as Array<{ id: string; hasContact: boolean; wechatBound: boolean }>;
    expect(listed.find((a) => a.id === c.county.id)).toMatchObject({ hasContact: true, wechatBound: true });
    expect(listed.find((a) => a.id === c.countyNone.id)).toMatchObject({ hasContact: false, wechatBound: false });
    expect(JSON.stringify(listed)).not.toContain('wxid-county');

    // 解绑 in the chat unbinds; from the console too.
    expect(await say('wxid-county', '解绑')).toContain('已解除绑定');
    expect((await c.county.get('/api/v1/auth/me')).body.contact).toMatchObject({ wechatBound: false, wechatBoundAt: null, pushed: true });
    expect(await say('wxid-county', `${(await codeFor(c.county)).code}`)).toContain('已绑定工作人员账号');
    const off = await c.county.delete('/api/v1/auth/me/wechat');
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ wechatBound: false });
    expect((await auditOf(c.county.id)).map((a) => [a.action, a.details])).toEqual([
      ['account.wechat_code', null],
      ['account.wechat_code', null],
      ['account.wechat_bind', { by: 'code' }],
      ['account.wechat_unbind', { via: 'chat' }],
      ['account.wechat_code', null],
      ['account.wechat_bind', { by: 'code' }],
      ['account.wechat_unbind', { via: 'console' }],
    ]);
  });

  it('a registered person’s WeChat cannot take a staff code, nor a staff WeChat a person’s code: refused (wrong_kind), nothing written, the code left for its holder', async () => {
    clock.set(new Date());
    const c = await cast();
    const person = await boundWorker(c.station, 'wxid-person');
    const code = (await codeFor(c.county)).code;
    expect(await say('wxid-person', code)).toContain('已绑定为群众');
    expect(await bindStaffContact({ ctx: h.ctx }, { value: 'wxid-person' }, code, isPersonContact)).toEqual({ ok: false, reason: 'wrong_kind' });
    expect((await accountRow(c.county.id)).chatContact).toBeNull();
    expect(await h.ctx.redis.kv.exists(`bind:staff:${code}`)).toBe(1);
    // The holder's own WeChat takes the code that was refused.
    expect(await say('wxid-county', code)).toContain('已绑定工作人员账号');

    // The other way: a staff WeChat sending a person's code (by chat or straight to the service).
    const other = await c.station.post('/api/v1/workers', workerInput());
    const personCode = (await c.station.post(`/api/v1/workers/${other.body.id}/binding-code`)).body.code as string;
    expect(await say('wxid-county', personCode)).toContain('不能再绑定群众身份');
    expect(await bindContact({ ctx: h.ctx }, { kind: 'wechat_contact', value: 'wxid-county' }, { code: personCode })).toEqual({ ok: false, reason: 'wrong_kind' });
    expect(await h.ctx.db.select().from(identities).where(eq(identities.value, 'wxid-county'))).toEqual([]);
    expect(await h.ctx.redis.kv.exists(`bind:code:${personCode}`)).toBe(1);
    expect((await h.ctx.db.select().from(identities).where(eq(identities.workerId, person.id))).map((i) => i.value)).toEqual(['wxid-person']);
    // One binding recorded, the holder's own.
    expect((await auditOf(c.county.id)).filter((a) => a.action === 'account.wechat_bind')).toHaveLength(1);
  });

  /** A sending account logged in here, saying what it is told; its next answers are set by `nextSay`. */
  const channels = async () => {
    const row = await ensureDefaultAccount(h.ctx);
    if (live) goOffline(live.id);
    live = {
      id: row.id,
      async say(contact, text) {
        const next = nextSay.shift() ?? 'ok';
        if (next === 'throw') throw new Error('puppet connection reset');
        if (next === 'ok') said.push({ contact, text });
        return next;
      },
      async postToGroup() {
        return 'group_not_found';
      },
      async findSent() {
        return false;
      },
    };
    goOnline(live);
    return new Map([...processChannels(h.ctx), ['chat', poolChannel(h.ctx)]]);
  };

  const bindBoth = async (c: Cast) => {
    expect(await say('wxid-county', (await codeFor(c.county)).code)).toContain('已绑定');
    expect(await say('wxid-wechat-only', (await codeFor(c.countyWechatOnly)).code)).toContain('已绑定');
  };
  const pushOf = async (id: string | null) => h.ctx.db.select().from(deliveries).where(eq(deliveries.staffNoticeId, id!));
  const reportDue = (key: string) => ({
    kind: 'report_due', regionCode: REGIONS.countyA.code, reach: 'region_and_above' as const,
    params: { key: 'projects_yearly', title: '附件2 项目清单', period: '2026', dueOn: '2027-05-20', days: 10, region: REGIONS.countyA.name }, dedupeKey: key,
  });

  it('a notice goes by WeChat first, by SMS when WeChat cannot take it, once; naming the region and the date, in the account’s language', async () => {
    clock.set(NOON);
    const c = await cast();
    await bindBoth(c);
    await h.ctx.db.update(accounts).set({ locale: 'en' }).where(eq(accounts.id, c.countyWechatOnly.id));
    const map = await channels();
    const id = await notify(h.ctx, clock.now(), reportDue('test:due'));
    const rows = await pushOf(id);
    // Those with a WeChat bound on the chat channel; no row for who has neither.
    expect(Object.fromEntries(rows.map((r) => [r.accountId, r.channel]))).toEqual({ [c.county.id]: 'chat', [c.countyWechatOnly.id]: 'chat' });
    const smsBefore = sms.sends.length;
    for (const r of rows) expect(await deliver(h.ctx, r.id, map)).toBe('sent');
    expect(said.map((s) => s.contact).sort()).toEqual(['wxid-county', 'wxid-wechat-only']);
    expect(said.find((s) => s.contact === 'wxid-county')!.text).toBe('元阳县：附件2 项目清单（2026）应于 2027-05-20 前报送，还有 10 天，请登录控制台报送。');
    expect(said.find((s) => s.contact === 'wxid-wechat-only')!.text).toBe('元阳县: 附件2 项目清单 (2026) is due by 2027-05-20, 10 days from now. Please send it from the console.');
    expect(sms.sends.length).toBe(smsBefore);
    // Once: the job again sends nothing.
    for (const r of rows) expect(await deliver(h.ctx, r.id, map)).toBe('sent');
    expect(said).toHaveLength(2);

    // WeChat cannot take it (the sending account went offline): SMS for who set a number; failed with the reason for who did not.
    said.length = 0;
    goOffline(live!.id);
    const policy = await notify(h.ctx, clock.now(), { kind: 'policy_ending', regionCode: REGIONS.countyA.code, reach: 'region_and_below', params: { key: 'pilot', title: '县A试点稳岗补贴', validTo: '2027-07-01' }, dedupeKey: 'test:policy' });
    const second = await pushOf(policy);
    const outcomes = Object.fromEntries(await Promise.all(second.map(async (r) => [r.accountId, await deliver(h.ctx, r.id, map)] as const)));
    expect(outcomes).toEqual({ [c.county.id]: 'sent', [c.countyWechatOnly.id]: 'failed' });
    const after = await h.ctx.db.select().from(deliveries).where(inArray(deliveries.id, second.map((r) => r.id)));
    expect(after.find((r) => r.accountId === c.county.id)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(after.find((r) => r.accountId === c.countyWechatOnly.id)).toMatchObject({ status: 'failed', reason: 'chat:accounts_offline' });
    const texted = sms.sends.slice(smsBefore);
    expect(texted.map((s) => s.PhoneNumberSet[0])).toEqual(['+8613912340001']);
    expect(texted[0]!.TemplateParamSet[0]).toBe('元阳县：政策即将到期（2027-07-01截止）：县A试点稳岗补贴。目前没有接续政策，如当地继续执行，请登录控制台新增本地政策。');
    expect(said).toEqual([]);
    goOnline(live!);
    for (const r of second) await deliver(h.ctx, r.id, map);
    expect(sms.sends.length).toBe(smsBefore + 1);
    expect(said).toEqual([]);
    // A policy's English title, where it has one, for the English-speaking account.
    const named = await notify(h.ctx, clock.now(), { kind: 'policy_ending', regionCode: REGIONS.countyA.code, reach: 'region_and_below', params: { key: 'pilot2', title: '县A试点岗位补贴', titleEn: 'County A pilot post subsidy', validTo: '2027-07-02' }, dedupeKey: 'test:policy-en' });
    const english = (await pushOf(named)).find((r) => r.accountId === c.countyWechatOnly.id)!;
    expect(await deliver(h.ctx, english.id, map)).toBe('sent');
    expect(said.map((s) => s.text)).toEqual(['元阳县: policy ending on 2027-07-02: County A pilot post subsidy, with no successor. If it continues locally, add a local policy in the console.']);
  });

  it('at night WeChat waits for 08:00 like a text; unbound meanwhile, the text goes; with no SMS set up and no WeChat, the reason is recorded', async () => {
    clock.set(new Date('2027-05-10T14:30:00Z')); // 22:30 in Asia/Shanghai
    const c = await cast();
    await bindBoth(c);
    const map = await channels();
    const id = await notify(h.ctx, clock.now(), reportDue('test:night'));
    const rows = await pushOf(id);
    for (const r of rows) expect(await deliver(h.ctx, r.id, map)).toBe('deferred:2027-05-11T00:00:00.000Z');
    expect(said).toEqual([]);
    // The county's holder unbinds overnight: at 08:00 their notice goes by SMS, the other by WeChat.
    expect(await say('wxid-county', '解绑')).toContain('已解除绑定');
    clock.set(new Date('2027-05-11T00:00:00Z'));
    const smsBefore = sms.sends.length;
    for (const r of rows) expect(await deliver(h.ctx, r.id, map)).toBe('sent');
    const after = await h.ctx.db.select().from(deliveries).where(inArray(deliveries.id, rows.map((r) => r.id)));
    expect(Object.fromEntries(after.map((r) => [r.accountId, r.channel]))).toEqual({ [c.county.id]: 'sms', [c.countyWechatOnly.id]: 'chat' });
    expect(sms.sends.length).toBe(smsBefore + 1);
    expect(said.map((s) => s.contact)).toEqual(['wxid-wechat-only']);

    // No SMS set up (no channel for it) and no WeChat bound: failed, saying so.
    const third = await notify(h.ctx, clock.now(), reportDue('test:no-sms'));
    const mine = (await pushOf(third)).find((r) => r.accountId === c.county.id)!;
    expect(mine.channel).toBe('sms');
    const noSms = new Map([...map].filter(([name]) => name !== 'sms'));
    expect(await deliver(h.ctx, mine.id, noSms)).toBe('failed');
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, mine.id)))[0]).toMatchObject({ status: 'failed', reason: 'sms:unavailable' });
  });

  it('a WeChat send in doubt is never sent again (not by SMS either) and is settled in staff’s own words, not the workers’ “phone them”; a text taken as sent needs no notice', async () => {
    clock.set(NOON);
    const c = await cast();
    await bindBoth(c);
    const map = await channels();
    nextSay = ['throw'];
    const id = await notify(h.ctx, clock.now(), reportDue('test:doubt'));
    const mine = (await pushOf(id)).find((r) => r.accountId === c.county.id)!;
    const smsBefore = sms.sends.length;
    expect(await deliver(h.ctx, mine.id, map)).toBe('unknown');
    expect(await deliver(h.ctx, mine.id, map)).toBe('unknown');
    expect(sms.sends.length).toBe(smsBefore);

    // A text in doubt for the other account (provider HTTP 500) is taken as sent by the rule, with no notice.
    await h.ctx.db.update(accounts).set({ chatContact: null }).where(eq(accounts.id, c.countyWechatOnly.id));
    await c.countyWechatOnly.patch('/api/v1/auth/me/contact', { phone: '13912340002' });
    const other = (await pushOf(id)).find((r) => r.accountId === c.countyWechatOnly.id)!;
    sms.failNext(1);
    expect(await deliver(h.ctx, other.id, map)).toBe('unknown');

    clock.advance((h.config.delivery.settleMinutes + 1) * 60_000);
    expect((await settleDeliveries(h.ctx)).byRule).toBe(2);
    const settled = await h.ctx.db.select().from(deliveries).where(inArray(deliveries.id, [mine.id, other.id]));
    expect(settled.find((r) => r.id === mine.id)).toMatchObject({ status: 'failed', reason: 'unconfirmed' });
    expect(settled.find((r) => r.id === other.id)).toMatchObject({ status: 'sent', reason: 'assumed_sent' });
    expect(sms.sends.length).toBe(smsBefore);
    const told = await h.ctx.db.select().from(staffNotices).where(inArray(staffNotices.kind, ['deliveries_assumed', 'deliveries_unconfirmed', 'staff_pushes_unconfirmed']));
    expect(told.map((n) => [n.kind, n.params])).toEqual([['staff_pushes_unconfirmed', { count: 1, channel: 'chat' }]]);
    const inbox = (await c.county.get('/api/v1/notices')).body.items as Array<{ kind: string; text: string }>;
    expect(inbox.find((n) => n.kind === 'staff_pushes_unconfirmed')!.text).toContain('1 条发给工作人员的紧急通知无法确认');
    const en = await request(appOf(h)).get('/api/v1/notices').set('Authorization', `Bearer ${c.county.token}`).set('Accept-Language', 'en');
    expect((en.body.items as Array<{ kind: string; text: string }>).find((n) => n.kind === 'staff_pushes_unconfirmed')!.text).toContain('1 urgent notices pushed to staff could not be confirmed');
    // It is no urgent kind itself: nothing pushed for it.
    expect(await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.staffNoticeId, told[0]!.id)))).toEqual([]);
  });
});
