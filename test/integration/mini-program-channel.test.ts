import { and, eq } from 'drizzle-orm';
import { deliveries, identities, subscribeConsents } from '../../src/db/schema';
import { deliver, fanOut } from '../../src/outreach/service';
import { processChannels } from '../../src/outreach/registry';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers } from '../../jobs/workers';
import { until } from '../helpers/wait';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeWechat, type FakeWechat } from '../helpers/fake-wechat';

const APP_ID = 'wx0123456789abcdef';
const SECRET = 'secret-0123456789abcdef';

describe('the mini-program subscribe-message channel, against a local stand-in for WeChat', () => {
  let h: Harness;
  let wx: FakeWechat;
  let station: Staff;

  beforeAll(async () => {
    wx = await fakeWechat(APP_ID, SECRET);
    h = await createHarness({ clock: new ManualClock('2026-06-01T04:00:00Z'), env: { WECHAT_API_BASE: wx.url, WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: SECRET, WECHAT_TEMPLATE_ID: 'tmpl-job-notice-01', MINI_PROGRAM_SENDS_PER_SECOND: '3' } });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(async () => {
    await h.close();
    await wx.close();
  });

  async function personWith(openid: string | null, fallback?: string) {
    const w = (await station.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageA.code }))).body;
    if (openid) {
      await h.ctx.db.insert(identities).values({ workerId: w.id, kind: 'mp_openid', value: openid });
      // The person accepted the template often enough for what these tests send.
      await h.ctx.db.insert(subscribeConsents).values({ workerId: w.id, templateId: 'tmpl-job-notice-01', remaining: 10 });
    }
    await station.put(`/api/v1/workers/${w.id}/subscription`, { channel: 'mini_program', ...(fallback ? { fallbackChannel: fallback } : {}) });
    return w.id as string;
  }

  it('sends to the openid with the template, fetching the token once and caching it in Redis', async () => {
    const a = await personWith('openid-a');
    const b = await personWith('openid-b');
    const refused = await personWith('openid-refused', 'log');
    const unbound = await personWith(null);
    wx.refuse.set('openid-refused', 43101);
    const bc = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.townA.code }, message: { 'zh-CN': '南沙镇集市保洁零工，日薪180元，明早八点集合，请准时到达' } })).body;
    await fanOut(h.ctx, bc.id);
    const rows = await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, bc.id));
    const byWorker = new Map(rows.map((r) => [r.workerId, r.id]));
    const channels = processChannels(h.ctx);
    expect(await deliver(h.ctx, byWorker.get(a)!, channels)).toBe('sent');
    expect(await deliver(h.ctx, byWorker.get(b)!, channels)).toBe('sent');
    expect(wx.tokenRequests).toHaveLength(1);
    expect(await h.ctx.redis.kv.get('wechat:access_token')).toBe('token-1');
    expect(wx.sends[0]!.body).toMatchObject({ touser: 'openid-a', template_id: 'tmpl-job-notice-01', data: { thing1: { value: '南沙镇集市保洁零工，日薪180元，明早八' } } });
    expect([...wx.sends[0]!.body.data.thing1!.value]).toHaveLength(20);

    // No consent left for the template: the fallback channel takes it.
    expect(await deliver(h.ctx, byWorker.get(refused)!, channels)).toBe('sent');
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, byWorker.get(refused)!)))[0]).toMatchObject({ channel: 'log', status: 'sent' });
    // Not in the mini-program at all and no fallback chosen: the message goes to the bot's queue for chat.
    expect(await deliver(h.ctx, byWorker.get(unbound)!, channels)).toBe('handed_off');
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, byWorker.get(unbound)!)))[0]).toMatchObject({ channel: 'chat', status: 'queued', reason: 'handed_off: mini_program:not_bound' });
    expect(await (await h.ctx.queues.queue('deliveries-chat').getJob(byWorker.get(unbound)!))?.getState()).toBe('waiting');
  });

  it('fetches a new token when WeChat says the old one expired, and sends once', async () => {
    const c = await personWith('openid-c');
    const bc = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.townA.code }, message: { 'zh-CN': '培训报名开始了' } })).body;
    await fanOut(h.ctx, bc.id);
    const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, bc.id), eq(deliveries.workerId, c)));
    const before = wx.sends.length;
    wx.expireNext();
    expect(await deliver(h.ctx, d!.id, processChannels(h.ctx))).toBe('sent');
    expect(wx.tokenRequests).toHaveLength(2);
    expect(wx.sends.length - before).toBe(1);
  });

  it('travels on its own queue, with its own rate limit, apart from the bot and the log channel', async () => {
    const d = await personWith('openid-d');
    const bc = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.townA.code }, message: { 'zh-CN': '明天村委会招聘会' } })).body;
    await fanOut(h.ctx, bc.id);
    const [row] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, bc.id), eq(deliveries.workerId, d)));
    expect(await h.ctx.queues.queue('deliveries-mp').getJob(row!.id)).toBeDefined();
    expect(await h.ctx.queues.queue('deliveries').getJob(row!.id)).toBeUndefined();
    expect(await h.ctx.queues.queue('deliveries-chat').getJob(row!.id)).toBeUndefined();
    const running = startWorkers(h.ctx, { only: ['deliveries-mp'] });
    try {
      expect(running.workers[0]!.opts.limiter).toEqual({ max: 3, duration: 1000 });
      await until(async () => (await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, row!.id)))[0]!.status, (s) => s === 'sent', 20_000);
      expect(wx.sends.filter((x) => x.body.touser === 'openid-d')).toHaveLength(1);
    } finally {
      await running.close();
    }
  });
});
