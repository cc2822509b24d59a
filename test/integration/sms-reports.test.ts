import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { deliveries, providerReports } from '../../src/db/schema';
import { handlers } from '../../jobs/handlers';
import { processChannels } from '../../src/outreach/registry';
import { deliver, fanOut } from '../../src/outreach/service';
import { pullSmsReports } from '../../src/outreach/sms-reports';
import type { Job } from 'bullmq';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeAliyunSms, type FakeAliyunSms } from '../helpers/fake-aliyun-sms';
import { fakeTencentSms, type FakeTencentSms } from '../helpers/fake-tencent-sms';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const SECRET_ID = 'AKIDfakefakefakefake';
const SECRET_KEY = 'fake-secret-key-0123456789';
const CALLBACK = 'callback-token-0123456789abcdef';

/**
 * A text whose answer was lost is in doubt and never sent again; the provider's own delivery report settles
 * it — pushed to us (Tencent Cloud 短信下发状态通知, Alibaba Cloud SmsReport) or asked for (PullSmsSendStatus,
 * QuerySendDetails) — and a text the carrier could not deliver goes on the call list (seed 000 national
 * §3.3: reach people through the channels they use, and know who was not reached). At today's date, on the
 * system clock: quiet hours are switched off for these people so the test holds at any hour.
 */
async function setUp(env: Record<string, string>, names: string[]) {
  const h = await createHarness({ env });
  await seedRegions(h.ctx.db);
  const station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  const people: Record<string, { id: string; phone: string }> = {};
  for (const name of names) {
    const input = workerInput({ name });
    const res = await station.post('/api/v1/workers', input);
    expect(res.status).toBe(201);
    people[name] = { id: res.body.id, phone: input.phone as string };
    const sub = await station.put(`/api/v1/workers/${res.body.id}/subscription`, { channel: 'sms', quietStart: 0, quietEnd: 0 });
    expect(sub.status).toBe(200);
  }
  return { h, station, people };
}

async function broadcastTo(h: Harness, station: Staff, text: string): Promise<(workerId: string) => Promise<typeof deliveries.$inferSelect>> {
  const b = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': text } });
  expect(b.status).toBe(201);
  await fanOut(h.ctx, b.body.id);
  return async (workerId) => (await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b.body.id), eq(deliveries.workerId, workerId))))[0]!;
}

describe('SMS delivery reports: Tencent Cloud', () => {
  let h: Harness;
  let sms: FakeTencentSms;
  let station: Staff;
  let w: Record<string, { id: string; phone: string }>;

  beforeAll(async () => {
    sms = await fakeTencentSms(SECRET_ID, SECRET_KEY);
    ({ h, station, people: w } = await setUp(
      { SMS_PROVIDER: 'tencent', SMS_SECRET_ID: SECRET_ID, SMS_SECRET_KEY: SECRET_KEY, SMS_SDK_APP_ID: '1400000001', SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: '2000001', SMS_API_BASE: sms.url, SMS_CONTACT: '0873-5621234', SMS_CALLBACK_TOKEN: CALLBACK },
      ['回执甲', '回执乙', '停机户'],
    ));
  });
  afterAll(async () => {
    await h.close();
    await sms.close();
  });

  it('a text whose answer was lost waits in doubt, is not sent again, and the pulled report settles it', async () => {
    const of = await broadcastTo(h, station, '周六上午县人社局招聘会');
    sms.failAfterAccept(1);
    const d = await of(w['回执甲']!.id);
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('unknown');
    expect(sms.sends.filter((s) => s.SessionContext === d.id)).toHaveLength(1);
    // Run again (a retry, or a second worker): an outcome in doubt is never sent blindly.
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).not.toBe('sent');
    expect(sms.sends.filter((s) => s.SessionContext === d.id)).toHaveLength(1);
    expect((await of(w['回执甲']!.id)).status).toBe('unknown');

    sms.report();
    expect(sms.pending).toBeGreaterThan(0);
    // The settling job asks the provider first, then settles.
    const result = (await handlers.outreach['settle-deliveries']({}, h.ctx, {} as Job)) as { sms: { pulled: number; settled: number } };
    expect(result.sms.pulled).toBeGreaterThan(0);
    expect(result.sms.settled).toBeGreaterThanOrEqual(1);
    expect(sms.pending).toBe(0);
    expect(await of(w['回执甲']!.id)).toMatchObject({ status: 'sent', reason: null });
  });

  it('the status callback turns a text counted sent into failed when the carrier could not deliver it, in plain words on the call list', async () => {
    const of = await broadcastTo(h, station, '技能培训报名开始了');
    const ids = ['回执乙', '停机户'].map((n) => w[n]!.id);
    for (const id of ids) expect(await deliver(h.ctx, (await of(id)).id, processChannels(h.ctx))).toBe('sent');
    const statuses = sms.report(new Set([`+86${w['停机户']!.phone}`]));
    expect(statuses.length).toBeGreaterThanOrEqual(2);

    // A wrong token or a malformed body is refused and changes nothing.
    const before = (await h.ctx.db.select().from(providerReports)).length;
    const forged = await request(appOf(h)).post('/api/v1/sms/status?token=not-the-token-000000').send(statuses);
    expect(forged.status).toBe(404);
    const malformed = await request(appOf(h)).post(`/api/v1/sms/status?token=${CALLBACK}`).send([{ mobile: 12, report_status: 'MAYBE' }]);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('validation_failed');
    expect((await h.ctx.db.select().from(providerReports)).length).toBe(before);
    expect((await of(w['停机户']!.id)).status).toBe('sent');

    const res = await request(appOf(h)).post(`/api/v1/sms/status?token=${CALLBACK}`).send(statuses);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: 0, errmsg: 'OK' });
    expect(await of(w['停机户']!.id)).toMatchObject({ status: 'failed', reason: 'undelivered' });
    expect((await of(w['回执乙']!.id)).status).toBe('sent');

    const d = await of(w['停机户']!.id);
    const list = await station.get(`/api/v1/broadcasts/${d.broadcastId}/not-reached`);
    expect(list.status).toBe(200);
    const row = (list.body.items as Array<{ reason: string; label: string; name: string }>).find((r) => r.name === '停机户');
    expect(row).toMatchObject({ reason: 'undelivered', label: expect.stringContaining('运营商报告短信没有送到手机') });
  });

  it('a report pushed for a text in doubt settles it by the number when the serial number never came back', async () => {
    const of = await broadcastTo(h, station, '村里有临时零工');
    sms.failAfterAccept(1);
    const d = await of(w['回执乙']!.id);
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('unknown');
    const res = await request(appOf(h)).post(`/api/v1/sms/status?token=${CALLBACK}`).send(sms.report());
    expect(res.status).toBe(200);
    expect(res.body.settled).toBeGreaterThanOrEqual(1);
    expect((await of(w['回执乙']!.id)).status).toBe('sent');
  });
});

describe('SMS delivery reports: Alibaba Cloud', () => {
  let h: Harness;
  let sms: FakeAliyunSms;
  let station: Staff;
  let w: Record<string, { id: string; phone: string }>;
  const KEY_ID = 'LTAI5tFakeFakeFake';
  const SECRET = 'fake-aliyun-secret-0123';

  beforeAll(async () => {
    sms = await fakeAliyunSms(KEY_ID, SECRET);
    ({ h, station, people: w } = await setUp(
      { SMS_PROVIDER: 'aliyun', SMS_SECRET_ID: KEY_ID, SMS_SECRET_KEY: SECRET, SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: 'SMS_465000001', SMS_API_BASE: sms.url, SMS_CONTACT: '0873-5621234', SMS_CALLBACK_TOKEN: CALLBACK },
      ['查询甲', '查询乙'],
    ));
  });
  afterAll(async () => {
    await h.close();
    await sms.close();
  });

  it('asks QuerySendDetails about a text in doubt: waits while the carrier has not answered, then settles it either way', async () => {
    const of = await broadcastTo(h, station, '明天上午9点招聘会');
    sms.failAfterAccept(2);
    sms.undeliverable.add(w['查询乙']!.phone);
    for (const n of ['查询甲', '查询乙']) expect(await deliver(h.ctx, (await of(w[n]!.id)).id, processChannels(h.ctx))).toBe('unknown');
    expect(sms.sends).toHaveLength(2);

    sms.carrierSlow = true;
    expect(await pullSmsReports(h.ctx)).toEqual({ pulled: 0, settled: 0 });
    expect(sms.queries).toBe(2);
    expect((await of(w['查询甲']!.id)).status).toBe('unknown');

    sms.carrierSlow = false;
    expect(await pullSmsReports(h.ctx)).toEqual({ pulled: 2, settled: 2 });
    expect(await of(w['查询甲']!.id)).toMatchObject({ status: 'sent' });
    expect(await of(w['查询乙']!.id)).toMatchObject({ status: 'failed', reason: 'undelivered' });
    // Nothing left in doubt: the provider is not asked again.
    const asked = sms.queries;
    await pullSmsReports(h.ctx);
    expect(sms.queries).toBe(asked);
    expect(sms.sends).toHaveLength(2);
  });

  it('takes the SmsReport push: our delivery id comes back as out_id', async () => {
    sms.report();
    const of = await broadcastTo(h, station, '培训补贴申领提醒');
    sms.failAfterAccept(1);
    const d = await of(w['查询甲']!.id);
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('unknown');
    const pushed = sms.report();
    expect(pushed.map((p) => p.out_id)).toEqual([d.id]);
    const res = await request(appOf(h)).post(`/api/v1/sms/status?token=${CALLBACK}`).send(pushed);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 0, settled: 1 });
    expect((await of(w['查询甲']!.id)).status).toBe('sent');
  });
});
