import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { deliveries, subscriptions } from '../../src/db/schema';
import { processChannels } from '../../src/outreach/registry';
import { deliver, fanOut } from '../../src/outreach/service';
import { smsChannel } from '../../src/outreach/sms';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeAliyunSms, type FakeAliyunSms } from '../helpers/fake-aliyun-sms';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const KEY_ID = 'LTAI5tFakeFakeFake';
const SECRET = 'fake-aliyun-secret-0123';
const CALLBACK = 'aliyun-callback-token-0123456789';

/** The same text messages through Alibaba Cloud SMS when SMS_PROVIDER=aliyun, and its reply push (上行) honoured. */
describe('SMS through Alibaba Cloud', () => {
  let h: Harness;
  let sms: FakeAliyunSms;
  let station: Staff;
  const w: Record<string, { id: string; phone: string }> = {};

  beforeAll(async () => {
    sms = await fakeAliyunSms(KEY_ID, SECRET);
    h = await createHarness({
      clock: new ManualClock('2026-06-01T04:00:00Z'),
      env: { SMS_PROVIDER: 'aliyun', SMS_SECRET_ID: KEY_ID, SMS_SECRET_KEY: SECRET, SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: 'SMS_465000001', SMS_API_BASE: sms.url, SMS_CONTACT: '0873-5621234', SMS_PARAM_MAX: '12', SMS_CALLBACK_TOKEN: CALLBACK },
    });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    for (const name of ['短信一', '空号']) {
      const input = workerInput({ name });
      const res = await station.post('/api/v1/workers', input);
      w[name] = { id: res.body.id, phone: input.phone as string };
      await station.put(`/api/v1/workers/${res.body.id}/subscription`, { channel: 'sms' });
    }
    sms.codeFor.set(w['空号']!.phone, 'isv.MOBILE_NUMBER_ILLEGAL');
  });
  afterAll(async () => {
    await h.close();
    await sms.close();
  });

  it('sends through the approved template with its two variables, signed as Alibaba Cloud checks, and says why a number was refused', async () => {
    const b = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '明天上午9点在南沙镇政府举办招聘会' } });
    await fanOut(h.ctx, b.body.id);
    const of = async (name: string) => (await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b.body.id), eq(deliveries.workerId, w[name]!.id))))[0]!;
    const d = await of('短信一');
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('sent');
    expect(sms.refused).toEqual([]);
    expect(sms.sends[0]).toEqual({ PhoneNumbers: w['短信一']!.phone, SignName: '元阳就业', TemplateCode: 'SMS_465000001', TemplateParam: JSON.stringify({ gist: '明天上午9点在南沙镇政…', contact: '0873-5621234' }), OutId: d.id });
    expect(await deliver(h.ctx, (await of('空号')).id, processChannels(h.ctx))).toBe('failed');
    expect((await of('空号')).reason).toBe('sms:sms_isv.MOBILE_NUMBER_ILLEGAL');
    // Signed with the wrong secret, the stand-in refuses it: it really checks.
    const wrong = smsChannel({ ...h.ctx, config: { ...h.ctx.config, sms: { ...h.ctx.config.sms!, secretKey: 'not-the-secret-000' } } });
    await expect(wrong.send({ deliveryId: d.id, workerId: w['短信一']!.id, text: 'x' })).rejects.toThrow(/SignatureDoesNotMatch/);
    expect(sms.refused.at(-1)).toBe('signature mismatch');
  });

  it('takes TD from Alibaba Cloud’s reply push', async () => {
    const res = await request(appOf(h)).post(`/api/v1/sms/inbound?token=${CALLBACK}`).send([{ phone_number: w['短信一']!.phone, content: 'TD', send_time: '2026-06-01 12:00:00', sign_name: '元阳就业', dest_code: '1234', sequence_id: 1 }]);
    expect(res.body).toMatchObject({ code: 0, optedOut: 1 });
    const [sub] = await h.ctx.db.select().from(subscriptions).where(eq(subscriptions.workerId, w['短信一']!.id));
    expect(sub!.smsOptOut).toBe(true);
  });
});
