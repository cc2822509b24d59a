import { and, eq } from 'drizzle-orm';
import { deliveries, subscriptions, workers } from '../../src/db/schema';
import { logChannel, type OutgoingMessage } from '../../src/outreach/channels';
import { deliver, fanOut } from '../../src/outreach/service';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const NOON = '2026-06-01T04:00:00Z'; // 12:00 in Asia/Shanghai

describe('a broadcast is shown before it is sent, exactly as it will arrive', () => {
  let h: Harness;
  let station: Staff;
  const ids: Record<string, string> = {};
  const audience = { regionCode: REGIONS.countyA.code };

  beforeAll(async () => {
    h = await createHarness({
      clock: new ManualClock(NOON),
      env: {
        SMS_PROVIDER: 'tencent', SMS_SECRET_ID: 'AKIDtest0001', SMS_SECRET_KEY: 'secret-key-0001', SMS_SDK_APP_ID: '1400000000', SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: '123456',
        SMS_CONTACT: '0873-5621234', SMS_TEMPLATE_TEXT: '{1}，详询{2}', SMS_PRICE_FEN: '5',
      },
    });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    for (const [name, channel, consent] of [['杨阿妹', 'log', true], ['李老三', 'sms', true], ['王不同意', 'log', false]] as const) {
      const w = await station.post('/api/v1/workers', workerInput({ name, consent }));
      if (w.status !== 201) throw new Error(JSON.stringify(w.body));
      ids[name] = w.body.id;
      await h.ctx.db.insert(subscriptions).values({ workerId: w.body.id, channel, updatedAt: new Date(NOON) });
    }
  });
  afterAll(() => h.close());

  it('counts the audience by channel, estimates the text messages, and shows one person’s message on each channel', async () => {
    const res = await station.post('/api/v1/broadcasts/preview', { audience, message: { 'zh-CN': '{{name}}您好：{{village}}明天有招聘会' }, recipientId: ids['李老三'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ count: 2, byChannel: { log: 1, sms: 1, chat: 0 }, heldBack: { noConsent: 1, unsubscribed: 0 }, sendable: true, variables: { used: ['name', 'village'], missing: [] } });
    const sms = '【元阳就业】李老三您好：南沙村委会明天有招聘会，详询0873-5621234';
    expect(res.body.sms).toMatchObject({ configured: true, recipients: 1, pieces: 1, messages: 1, priceFen: 5, costFen: 5, fallbackMaxMessages: 2 });
    expect(res.body.sample).toMatchObject({ workerId: ids['李老三'], name: '李老三', channel: 'sms' });
    const views = res.body.sample.views as Array<{ channel: string; form: string; text: string }>;
    expect(views).toContainEqual({ channel: 'chat', form: 'message', text: '李老三您好：南沙村委会明天有招聘会' });
    expect(views).toContainEqual({ channel: 'mini_program', form: 'card', text: '李老三您好：南沙村委会明天有招聘会' });
    expect(views).toContainEqual({ channel: 'sms', form: 'message', text: sms });
  });

  it('names a variable some people would get empty, refuses to send it, and sends it with a default', async () => {
    // Someone registered at the township, not a village: no village name to put in the message.
    await h.ctx.db.update(workers).set({ regionCode: REGIONS.townA.code }).where(eq(workers.id, ids['杨阿妹']!));
    const message = { 'zh-CN': '{{name}}您好：{{village}}明天有招聘会，{{place}}集合' };
    const p = (await station.post('/api/v1/broadcasts/preview', { audience, message })).body;
    expect(p.sendable).toBe(false);
    expect(p.variables.missing).toEqual([{ name: 'village', recipients: 1, groups: 0 }, { name: 'place', recipients: 2, groups: 0 }]);
    const refused = await station.post('/api/v1/broadcasts', { audience, message });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { variable: string }) => d.variable)).toEqual(['village', 'place']);
    expect(refused.body.error.details[0].message).toContain('village');
    const ok = await station.post('/api/v1/broadcasts', { audience, message, variables: { village: '本村', place: '村委会门口' } });
    expect(ok.status).toBe(201);
    // What arrives is what the preview showed for that person.
    const shown = (await station.post('/api/v1/broadcasts/preview', { audience, message, variables: { village: '本村', place: '村委会门口' }, recipientId: ids['杨阿妹'] })).body;
    const expected = shown.sample.views.find((v: { channel: string }) => v.channel === 'chat').text;
    expect(expected).toBe('杨阿妹您好：本村明天有招聘会，村委会门口集合');
    await fanOut(h.ctx, ok.body.id);
    const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, ok.body.id), eq(deliveries.workerId, ids['杨阿妹']!)));
    const sink: OutgoingMessage[] = [];
    expect(await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger, sink)]]))).toBe('sent');
    expect(sink.map((m) => m.text)).toEqual([expected]);
    // The one whose village is known gets its name, not the default.
    const [other] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, ok.body.id), eq(deliveries.workerId, ids['李老三']!)));
    expect(other).toBeDefined();
    const again = (await station.post('/api/v1/broadcasts/preview', { audience, message, variables: { village: '本村', place: '村委会门口' }, recipientId: ids['李老三'] })).body;
    expect(again.sample.views[0].text).toBe('李老三您好：南沙村委会明天有招聘会，村委会门口集合');
  });

  it('takes a variable named like a built-in of every object ({{constructor}}) for what it is: no value, so refused', async () => {
    const message = { 'zh-CN': '{{constructor}}您好，{{toString}}明天有招聘会' };
    const p = (await station.post('/api/v1/broadcasts/preview', { audience, message })).body;
    expect(p.variables.missing.map((m: { name: string }) => m.name)).toEqual(['constructor', 'toString']);
    expect(p.sample.views[0].text).toBe('您好，明天有招聘会');
    const refused = await station.post('/api/v1/broadcasts', { audience, message });
    expect(refused.status).toBe(400);
    const given = await station.post('/api/v1/broadcasts/preview', { audience, message, variables: { constructor: '各位乡亲', toString: '镇上' } });
    expect(given.body.sample.views[0].text).toBe('各位乡亲您好，镇上明天有招聘会');
  });

  it('previews a fair’s announcement before it goes out', async () => {
    const fair = await station.post('/api/v1/fairs', { kind: 'on_site', title: '南沙镇春风行动招聘会', startsAt: '2026-06-10T01:00:00Z', endsAt: '2026-06-10T06:00:00Z', address: '南沙镇政府广场', audience });
    expect(fair.status).toBe(201);
    const p = await station.post(`/api/v1/fairs/${fair.body.id}/announce/preview`, {});
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ count: 2, byChannel: { log: 1, sms: 1 }, sendable: true });
    expect(p.body.sample.views[0].text).toContain('南沙镇春风行动招聘会');
    // Previewing sends nothing: the fair is still a draft.
    expect((await station.get(`/api/v1/fairs/${fair.body.id}`)).body.status).toBe('draft');
  });
});
