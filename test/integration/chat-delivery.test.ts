import { and, eq } from 'drizzle-orm';
import { startBot, type Bot } from '../../bots/bot';
import { deliveries, identities } from '../../src/db/schema';
import { fanOut } from '../../src/outreach/service';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { MockUser } from '../helpers/chat';
import { until } from '../helpers/wait';

describe('broadcasts reach people on WeChat through the bot', () => {
  let h: Harness;
  let bot: Bot;
  let chat: Workers;
  let station: Staff;

  beforeAll(async () => {
    h = await createHarness({ clock: new ManualClock('2026-06-01T04:00:00Z'), env: { CHAT_SEND_INTERVAL_MS: '20' } });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    bot = await startBot(h.ctx);
    chat = startWorkers(h.ctx, { only: ['deliveries-chat'] });
  });
  afterAll(async () => {
    await chat.close();
    await bot.stop();
    await h.close();
  });

  it('sends the broadcast to the bound WeChat contact in their language, and fails clearly for the unbound', async () => {
    const user = new MockUser(bot, '老李');
    const bound = (await station.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageA.code }))).body;
    const unbound = (await station.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageA.code, preferredLanguage: 'en' }))).body;
    await h.ctx.db.insert(identities).values({ workerId: bound.id, kind: 'wechat_contact', value: user.contact.id });
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.townA.code }, message: { 'zh-CN': '{{place}}明天上午有招聘会', en: 'Job fair tomorrow in {{place}}' }, variables: { place: '南沙镇' } })).body;
    await fanOut(h.ctx, b.id);
    await until(async () => user.received.length, (n) => n > 0, 10_000);
    expect(user.received).toEqual(['南沙镇明天上午有招聘会']);
    const done = await until(async () => (await station.get(`/api/v1/broadcasts/${b.id}`)).body, (x) => x.status === 'done', 10_000);
    expect(done.counts).toMatchObject({ sent: 1, failed: 1 });
    const [failed] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b.id), eq(deliveries.workerId, unbound.id)));
    expect(failed).toMatchObject({ status: 'failed', reason: 'chat:not_bound', channel: 'chat' });
  });
});
