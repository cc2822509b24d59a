import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { deliveries, subscriptions } from '../../src/db/schema';
import type { Channel } from '../../src/outreach/channels';
import { processChannels } from '../../src/outreach/registry';
import { deliver, fanOut } from '../../src/outreach/service';
import { smsChannel } from '../../src/outreach/sms';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeTencentSms, type FakeTencentSms } from '../helpers/fake-tencent-sms';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const SECRET_ID = 'AKIDfakefakefakefake';
const SECRET_KEY = 'fake-secret-key-0123456789';
const CALLBACK = 'callback-token-0123456789abcdef';

/**
 * Text messages for people without WeChat and as the last fallback, through Tencent Cloud SMS with an
 * approved template; 回T退订 honoured (seed 000 national §3.3: reach people through the channels they use).
 */
describe('SMS', () => {
  let h: Harness;
  let sms: FakeTencentSms;
  let station: Staff;
  const clock = new ManualClock('2026-06-01T04:00:00Z'); // noon in Beijing
  const w: Record<string, { id: string; phone: string }> = {};

  beforeAll(async () => {
    sms = await fakeTencentSms(SECRET_ID, SECRET_KEY);
    h = await createHarness({
      clock,
      env: { SMS_PROVIDER: 'tencent', SMS_SECRET_ID: SECRET_ID, SMS_SECRET_KEY: SECRET_KEY, SMS_SDK_APP_ID: '1400000001', SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: '2000001', SMS_API_BASE: sms.url, SMS_CONTACT: '0873-5621234', SMS_PARAM_MAX: '12', SMS_CALLBACK_TOKEN: CALLBACK },
    });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    for (const name of ['无微信', '未绑定', '拉黑号']) {
      const input = workerInput({ name });
      const res = await station.post('/api/v1/workers', input);
      w[name] = { id: res.body.id, phone: input.phone as string };
    }
    await station.put(`/api/v1/workers/${w['无微信']!.id}/subscription`, { channel: 'sms' });
    await station.put(`/api/v1/workers/${w['拉黑号']!.id}/subscription`, { channel: 'sms' });
    sms.statusFor.set(`+86${w['拉黑号']!.phone}`, 'FailedOperation.PhoneNumberInBlacklist');
  });
  afterAll(async () => {
    await h.close();
    await sms.close();
  });

  const deliveryOf = async (broadcastId: string, workerId: string) => (await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, broadcastId), eq(deliveries.workerId, workerId))))[0]!;
  const broadcast = async (text: string) => {
    const b = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': text } });
    await fanOut(h.ctx, b.body.id);
    return b.body.id as string;
  };
  /** WeChat chat as the bot holds it, for a person whose WeChat is not bound. */
  const chatNotBound: Channel = { name: 'chat', send: async () => ({ ok: false, permanent: true, reason: 'not_bound' }) };

  it('texts someone without WeChat through the approved template, signed as Tencent Cloud checks', async () => {
    const id = await broadcast('明天上午9点在南沙镇政府举办招聘会，有20多家企业');
    const d = await deliveryOf(id, w['无微信']!.id);
    expect(d.channel).toBe('sms');
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('sent');
    expect(sms.refused).toEqual([]);
    expect(sms.sends).toEqual([
      { PhoneNumberSet: [`+86${w['无微信']!.phone}`], SmsSdkAppId: '1400000001', SignName: '元阳就业', TemplateId: '2000001', TemplateParamSet: ['明天上午9点在南沙镇政…', '0873-5621234'], SessionContext: d.id },
    ]);
    expect((await deliveryOf(id, w['无微信']!.id)).status).toBe('sent');
  });

  it('falls back to a text when WeChat cannot reach the person, and says why a refused number failed', async () => {
    const id = await broadcast('县人社局通知：本周六开展技能培训报名');
    const unbound = await deliveryOf(id, w['未绑定']!.id);
    expect(unbound.channel).toBe('chat');
    const channels = new Map<string, Channel>([['chat', chatNotBound], ['sms', smsChannel(h.ctx)]]);
    expect(await deliver(h.ctx, unbound.id, channels)).toBe('sent');
    expect(await deliveryOf(id, w['未绑定']!.id)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(sms.sends.at(-1)!.PhoneNumberSet).toEqual([`+86${w['未绑定']!.phone}`]);

    const refused = await deliveryOf(id, w['拉黑号']!.id);
    expect(await deliver(h.ctx, refused.id, channels)).toBe('failed');
    expect((await deliveryOf(id, w['拉黑号']!.id)).reason).toBe('sms:sms_FailedOperation.PhoneNumberInBlacklist');
  });

  it('a provider that fails with HTTP 500 may have taken the text: the outcome is unknown and it is never sent again', async () => {
    const id = await broadcast('零工驿站：明天有搬运零活');
    const d = await deliveryOf(id, w['无微信']!.id);
    const before = sms.sends.length;
    sms.failNext(1);
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('unknown');
    expect(await deliveryOf(id, w['无微信']!.id)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('in_doubt') });
    // The job running again (a retry, a requeue) sends nothing.
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('unknown');
    expect(sms.sends.length).toBe(before);
  });

  it('honours 回T退订 from the provider’s reply callback, and refuses a wrong token or a malformed body', async () => {
    const app = appOf(h);
    const phone = w['无微信']!.phone;
    expect((await request(app).post('/api/v1/sms/inbound?token=wrong-token-000000').send({ mobile: phone, text: 'T' })).status).toBe(404);
    expect((await request(app).post(`/api/v1/sms/inbound?token=${CALLBACK}`).send({ mobile: 12345 })).status).toBe(400);
    const other = await request(app).post(`/api/v1/sms/inbound?token=${CALLBACK}`).send({ mobile: phone, nationcode: '86', text: '好的谢谢', time: 1780000000 });
    expect(other.body).toEqual({ result: 0, errmsg: 'OK', code: 0, msg: 'OK', optedOut: 0 });
    const stop = await request(app).post(`/api/v1/sms/inbound?token=${CALLBACK}`).send([{ mobile: phone, nationcode: '86', text: ' T ', sign: '元阳就业', time: 1780000000 }]);
    expect(stop.body).toEqual({ result: 0, errmsg: 'OK', code: 0, msg: 'OK', optedOut: 1 });
    const [sub] = await h.ctx.db.select().from(subscriptions).where(eq(subscriptions.workerId, w['无微信']!.id));
    expect(sub).toMatchObject({ smsOptOut: true, channel: 'sms', unsubscribedAll: false });

    const before = sms.sends.length;
    const id = await broadcast('又一条通知');
    const d = await deliveryOf(id, w['无微信']!.id);
    expect(await deliver(h.ctx, d.id, processChannels(h.ctx))).toBe('failed');
    expect((await deliveryOf(id, w['无微信']!.id)).reason).toBe('sms:sms_opt_out');
    expect(sms.sends.length).toBe(before);
  });

  it('is refused by the provider when signed with the wrong key (so the stand-in really checks)', async () => {
    const wrong = smsChannel({ ...h.ctx, config: { ...h.ctx.config, sms: { ...h.ctx.config.sms!, secretKey: 'not-the-right-key-000' } } });
    await expect(wrong.send({ deliveryId: '00000000-0000-0000-0000-000000000001', workerId: w['未绑定']!.id, text: 'x' })).rejects.toThrow(/AuthFailure.SignatureFailure/);
    expect(sms.refused.at(-1)).toBe('signature mismatch');
  });
});
