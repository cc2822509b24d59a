import { eq, sql } from 'drizzle-orm';
import type { mock } from 'wechaty-puppet-mock';
import { startBot, type Bot } from '../../bots/bot';
import { startWorkers, type Workers } from '../../jobs/workers';
import { deliveries, identities, sendingAccounts, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { ManualClock } from '../../src/shared/clock';
import { setAccountStatus } from '../../src/outreach/pool';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeTencentSms, type FakeTencentSms } from '../helpers/fake-tencent-sms';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';

const N = 2000;
/** Account B's daily ceiling, and how many are sent when account A is logged out. */
const CEILING = 600;
const LOGOUT_AT = 320;

/**
 * A station's broadcast to 2,000 people over two sending accounts and SMS. Account A knows everyone,
 * account B half of them and may send 600 a day. A is logged out part-way: the rest go through B up
 * to its ceiling and then by text, every person gets exactly one message, and the station is told.
 */
describe('a pool of sending accounts', () => {
  let h: Harness;
  let sms: FakeTencentSms;
  let county: Staff;
  let station: Staff;
  let botA: Bot;
  let botB: Bot;
  let running: Workers;
  const clock = new ManualClock('2026-06-01T04:00:00Z'); // noon in Beijing
  /** Messages each person received, by worker id, whatever the door. */
  const got = new Map<string, number>();
  const byAccount = { A: 0, B: 0 };

  beforeAll(async () => {
    sms = await fakeTencentSms('AKIDpoolpoolpool', 'pool-secret-key-000');
    h = await createHarness({
      clock,
      env: { CHAT_SEND_INTERVAL_MS: '10', SMS_PROVIDER: 'tencent', SMS_SECRET_ID: 'AKIDpoolpoolpool', SMS_SECRET_KEY: 'pool-secret-key-000', SMS_SDK_APP_ID: '1400000002', SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: '2000002', SMS_API_BASE: sms.url, SMS_SENDS_PER_SECOND: '1000' },
    });
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const made = await county.post('/api/v1/sending-accounts', { name: '南沙站一号', regionCode: REGIONS.countyA.code, puppet: 'wechaty-puppet-mock' });
    expect(made.status).toBe(201);
    await county.post('/api/v1/sending-accounts', { name: '南沙站二号', regionCode: REGIONS.countyA.code, puppet: 'wechaty-puppet-mock', dailyCeiling: CEILING });
    expect((await station.post('/api/v1/sending-accounts', { name: '冒名', regionCode: REGIONS.countyA.code, puppet: 'wechaty-puppet-mock' })).status).toBe(403);
    expect((await county.post('/api/v1/sending-accounts', { name: '南沙站一号', regionCode: REGIONS.countyA.code, puppet: 'wechaty-puppet-mock' })).status).toBe(409);
    expect((await county.post('/api/v1/sending-accounts', { name: '坏包名', regionCode: REGIONS.countyA.code, puppet: 'rm -rf /' })).status).toBe(400);
    const [a] = await h.ctx.db.select().from(sendingAccounts).where(eq(sendingAccounts.name, '南沙站一号'));
    const [b] = await h.ctx.db.select().from(sendingAccounts).where(eq(sendingAccounts.name, '南沙站二号'));
    botA = await startBot(h.ctx, { account: a! });
    botB = await startBot(h.ctx, { account: b! });
    await until(async () => (await county.get('/api/v1/sending-accounts')).body.items.filter((x: { status: string }) => x.status === 'online').length, (n) => n === 2, 10_000);

    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageA.code], 7), N, new Date('2026-05-01T00:00:00Z'));
    // Everyone has a mobile number here, so the last resort reaches all.
    const without = await h.ctx.db.select({ id: workers.id }).from(workers).where(sql`${workers.phoneEnc} is null`);
    for (const [i, w] of without.entries()) {
      const phone = `139${String(10_000_000 + i)}`;
      await h.ctx.db.update(workers).set({ phoneEnc: h.ctx.pii.encrypt(phone), phoneHash: h.ctx.pii.index('phone', phone) }).where(eq(workers.id, w.id));
    }
    const people = await h.ctx.db.select({ id: workers.id, phoneEnc: workers.phoneEnc }).from(workers).orderBy(workers.id);
    expect(people).toHaveLength(N);
    const byPhone = new Map(people.map((p) => [`+86${h.ctx.pii.decrypt(p.phoneEnc!)}`, p.id]));
    const rows: Array<typeof identities.$inferInsert> = [];
    const know = (bot: Bot, key: 'A' | 'B', workerId: string, i: number) => {
      const c: mock.ContactMock = bot.mocker!.createContact({ name: `乡亲${i}` });
      c.on('message', (m: mock.MessageMock) => {
        const p = m.payload;
        if (p.talkerId !== bot.self!.id || !('listenerId' in p) || p.listenerId !== c.id) return;
        got.set(workerId, (got.get(workerId) ?? 0) + 1);
        byAccount[key]++;
      });
      rows.push({ workerId, kind: 'wechat_contact', value: c.id, accountId: bot.account.id });
    };
    people.forEach((p, i) => {
      know(botA, 'A', p.id, i);
      if (i < N / 2) know(botB, 'B', p.id, i);
    });
    for (let i = 0; i < rows.length; i += 1000) await h.ctx.db.insert(identities).values(rows.slice(i, i + 1000));
    // Texts are counted by the number they went to.
    countTexts = () => {
      for (const s of sms.sends.splice(0)) {
        for (const p of s.PhoneNumberSet) {
          got.set(byPhone.get(p)!, (got.get(byPhone.get(p)!) ?? 0) + 1);
          texts++;
        }
      }
    };
    running = startWorkers(h.ctx, { only: ['outreach', 'deliveries-chat', 'deliveries-sms'] });
  }, 120_000);
  let countTexts: () => void = () => undefined;
  let texts = 0;

  afterAll(async () => {
    await running?.close();
    await botA?.stop();
    await botB?.stop();
    await h.close();
    await sms.close();
  });

  it('goes on through the other account and SMS when one logs out mid-broadcast; nobody gets the message twice, and only sends cut by the logout are left in doubt', async () => {
    const b = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '本周六上午在南沙镇举办招聘会，欢迎参加' } });
    expect(b.status).toBe(201);
    const sent = async () => (await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(deliveries).where(sql`${deliveries.broadcastId} = ${b.body.id} and ${deliveries.status} = 'sent'`))[0]!.n;
    await until(sent, (n) => n >= LOGOUT_AT, 60_000);
    await botA.wechaty.logout();
    // A message A was sending when it went may have arrived: it is `unknown` (never sent again) and waits
    // for its channel's rule, so it is not waited on here.
    const open = async () => (await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(deliveries).where(sql`${deliveries.broadcastId} = ${b.body.id} and ${deliveries.status} not in ('sent', 'failed', 'skipped', 'unknown')`))[0]!.n;
    await until(open, (n) => n === 0, 150_000);
    countTexts();

    const final = await h.ctx.db.select({ status: deliveries.status, channel: deliveries.channel, n: sql<number>`count(*)::int` }).from(deliveries).where(eq(deliveries.broadcastId, b.body.id)).groupBy(deliveries.status, deliveries.channel);
    expect(final.reduce((s, r) => s + r.n, 0)).toBe(N);
    // Everyone sent, but for messages cut mid-send by the logout (on chat, in doubt, a few at most).
    const inDoubt = final.filter((r) => r.status !== 'sent');
    expect(inDoubt.filter((r) => !(r.status === 'unknown' && r.channel === 'chat'))).toEqual([]);
    const doubted = inDoubt.reduce((n, r) => n + r.n, 0);
    expect(doubted).toBeLessThanOrEqual(5);
    // Nobody twice; everyone once, but for those in doubt, who may or may not have it.
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(got.size).toBeGreaterThanOrEqual(N - doubted);
    // Both accounts shared the work (the less used first) until A went; then B alone, up to its ceiling.
    expect(byAccount.A).toBeGreaterThan(100);
    expect(byAccount.A + byAccount.B).toBeGreaterThanOrEqual(LOGOUT_AT);
    expect(byAccount.B).toBe(CEILING); // its daily ceiling, reached; the rest of its people were texted
    expect(texts).toBeGreaterThan(0);
    expect(byAccount.A + byAccount.B + texts).toBe(got.size);

    // The station sees account A offline, B's count against its ceiling, and was told.
    const accounts = (await station.get('/api/v1/sending-accounts')).body.items as Array<{ name: string; status: string; today: { message: number } }>;
    expect(accounts.find((x) => x.name === '南沙站一号')).toMatchObject({ status: 'offline' });
    expect(accounts.find((x) => x.name === '南沙站二号')!.today.message).toBe(byAccount.B);
    const notices = (await station.get('/api/v1/notices')).body.items;
    expect(notices).toEqual([expect.objectContaining({ kind: 'account_offline', text: expect.stringContaining('发送账号“南沙站一号”已掉线') })]);
  }, 240_000);

  it('keeps an account staff set aside out of the pool, whatever its puppet says', async () => {
    const b = (await station.get('/api/v1/sending-accounts')).body.items.find((x: { name: string }) => x.name === '南沙站二号');
    expect((await station.patch(`/api/v1/sending-accounts/${b.id}`, { disabled: true })).status).toBe(403); // administrators only
    expect((await county.patch(`/api/v1/sending-accounts/${b.id}`, { disabled: true })).body.status).toBe('disabled');
    // The account logs in again: it stays aside.
    await setAccountStatus(h.ctx, b.id, 'online', null);
    expect((await county.get('/api/v1/sending-accounts')).body.items.find((x: { id: string }) => x.id === b.id).status).toBe('disabled');
    expect((await county.patch(`/api/v1/sending-accounts/${b.id}`, { disabled: false, dailyCeiling: 800 })).body).toMatchObject({ status: 'offline', dailyCeiling: 800 });
  });
});
