import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { startBot, type Bot } from '../../bots/bot';
import { Conversation, INBOUND_PER_MINUTE } from '../../bots/conversation';
import { broadcasts, deliveries, digestItems, digests, identities, subscriptions, workers } from '../../src/db/schema';
import { composeDueDigests } from '../../src/market/digests';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { appOf, signIn, type Staff } from '../helpers/api';
import { MockUser } from '../helpers/chat';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';
import { until } from '../helpers/wait';

const NOON = '2026-06-01T04:00:00Z'; // 12:00 in Asia/Shanghai: outside quiet hours

describe('workers use the service by WeChat chat', () => {
  let h: Harness;
  let bot: Bot;
  let running: Workers;
  let station: Staff;
  let employer: { id: string };
  const clock = new ManualClock(NOON);

  beforeAll(async () => {
    h = await createHarness({ clock, env: { CHAT_SEND_INTERVAL_MS: '20' } });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    employer = await verifiedEmployer(station);
    bot = await startBot(h.ctx);
    // The bot process consumes the chat queue; a worker process fans broadcasts out.
    running = startWorkers(h.ctx, { only: ['outreach', 'deliveries-chat'] });
  });
  afterAll(async () => {
    await running.close();
    await bot.stop();
    await h.close();
  });

  const person = async (over: Record<string, unknown> = {}) => {
    const input = workerInput({ name: '李秀英', homeLat: HOME.lat, homeLng: HOME.lng, ...over });
    const res = await station.post('/api/v1/workers', input);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return { id: res.body.id as string, idNumber: input.idNumber as string, phone: input.phone as string };
  };

  /** The announcement of a new post, once its fan-out is done: everyone who is to hear of it has a delivery or a digest item by then. */
  const announced = async (vacancyId: string) => {
    const news = await until(
      async () => (await h.ctx.db.select().from(broadcasts).where(sql`${broadcasts.subject}->>'id' = ${vacancyId}`))[0],
      (b) => b?.status === 'sending' || b?.status === 'done',
    );
    if (news?.status !== 'sending' && news?.status !== 'done') throw new Error(`the announcement of ${vacancyId} was not sent out (${news?.status ?? 'none'})`);
    return news;
  };

  it('binds with a code from the station, subscribes, hears of a new gig near home, and applies by number', async () => {
    const p = await person();
    const code = await station.post(`/api/v1/workers/${p.id}/binding-code`);
    expect(code.status).toBe(201);
    const user = new MockUser(bot, '李秀英');

    expect((await user.say('绑定'))[0]).toContain('6位绑定码');
    const [bound] = await user.say(code.body.code);
    expect(bound).toContain('绑定成功！李**');
    expect(bound).not.toContain(p.idNumber);
    expect(bound).toContain(`${p.idNumber.slice(0, 6)}********${p.idNumber.slice(14)}`);

    expect((await user.say('订阅'))[0]).toContain('1 附近零工');
    expect((await user.say('1'))[0]).toContain('订阅好了：零工');

    // A gig for tomorrow morning cannot wait for the next digest: it is told at once.
    const post = await station.post('/api/v1/vacancies', gig(employer.id, { title: '南沙镇集市保洁', ...north(1), details: { date: '2026-06-02', startTime: '08:00', endTime: '17:00', paymentDueDays: 2 } }));
    expect(post.status).toBe(201);
    const pushed = await until(async () => user.received.find((m) => m.includes('附近有新零工')), Boolean, 20_000);
    expect(pushed).toContain('南沙镇集市保洁');

    const [list] = await user.say('零工');
    expect(list).toContain('1. 南沙镇集市保洁');
    const [applied] = await user.say('报名 1');
    expect(applied).toBe('已帮您报名“南沙镇集市保洁”，工作站会尽快联系您。回复“我的”查看进度。');

    const apps = await station.get(`/api/v1/vacancies/${post.body.id}/applications`);
    expect(apps.body.items).toEqual([expect.objectContaining({ workerId: p.id, source: 'chat', status: 'applied' })]);
    expect((await user.say('我的'))[0]).toContain('· 南沙镇集市保洁：已报名，等待联系');
  });

  it('binds by name and ID number, and locks a chat account after 5 failed tries in an hour', async () => {
    const p = await person({ name: '赵大山' });
    const guesser = new MockUser(bot, '陌生人');
    await guesser.say('绑定');
    expect((await guesser.say(`赵小山 ${p.idNumber}`))[0]).toContain('还可以试 4 次');
    expect((await guesser.say('123456'))[0]).toContain('还可以试 3 次');
    const wrongCheck = p.idNumber.endsWith('0') ? '1' : '0';
    expect((await guesser.say(`赵大山 ${p.idNumber.slice(0, 17)}${wrongCheck}`))[0]).toMatch(/身份证号好像不对|没有找到/);
    await guesser.say(`钱大山 ${validIdNumber()}`);
    expect((await guesser.say(`孙大山 ${validIdNumber()}`))[0]).toBe('尝试次数太多了，请一小时后再试，或带上身份证到工作站办理。');
    await guesser.say('绑定');
    expect((await guesser.say(`赵大山 ${p.idNumber}`))[0]).toBe('尝试次数太多了，请一小时后再试，或带上身份证到工作站办理。');
    expect(await h.ctx.db.select().from(identities).where(eq(identities.workerId, p.id))).toHaveLength(0);

    // Another chat account is not held back by the first one's failures; full-width and spaces are read.
    const owner = new MockUser(bot, '赵大山');
    await owner.say('９');
    const [ok] = await owner.say(`赵 大 山，${p.idNumber.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}`);
    expect(ok).toContain('绑定成功！赵**');
  });

  it('reads numbers, traditional characters and extra words, and never shows ID or phone numbers in full', async () => {
    const p = await person({ name: '周明' });
    const user = new MockUser(bot, '周明');
    await user.say('绑定');
    await user.say((await station.post(`/api/v1/workers/${p.id}/binding-code`)).body.code);
    const post = await station.post('/api/v1/vacancies', gig(employer.id, { title: '梯田除草', ...north(2) }));
    expect(post.status).toBe(201);
    // Without a subscription of their own a person hears of everything, in the next morning's digest:
    // once the announcement is out, no push can come between the questions and answers below.
    const news = await announced(post.body.id as string);
    expect(await h.ctx.db.select().from(digestItems).where(and(eq(digestItems.broadcastId, news.id), eq(digestItems.workerId, p.id)))).toHaveLength(1);
    expect(await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, news.id), eq(deliveries.workerId, p.id)))).toHaveLength(0);
    const [list] = await user.say('我想找附近的零工');
    expect(list).toContain('梯田除草');
    const [detail] = await user.say('看看第一个');
    expect(detail).toContain('【');
    const [applied] = await user.say('報名');
    expect(applied).toContain('已帮您报名');
    const [mine] = await user.say('４');
    expect(mine).toContain('周*');
    expect(mine).not.toContain(p.idNumber);
    expect(mine).not.toContain(p.phone);
    expect(mine).toContain(`${p.phone.slice(0, 3)}****${p.phone.slice(7)}`);
  });

  it('stops pushes at once on 退订', async () => {
    const chat = new Conversation(h.ctx);
    const say = async (senderId: string, text: string) => (await chat.respond({ kind: 'text', text, senderId })).join('\n');
    const subscribed = async (name: string, senderId: string) => {
      const p = await person({ name });
      await say(senderId, '绑定');
      expect(await say(senderId, (await station.post(`/api/v1/workers/${p.id}/binding-code`)).body.code)).toContain('绑定成功');
      expect(await say(senderId, '订阅')).toContain('1 附近零工');
      expect(await say(senderId, '零工')).toContain('订阅好了：零工');
      return p;
    };
    const leaving = await subscribed('吴芳', 'wxid-wu-fang');
    // A neighbour with the same subscription who stays: the gig does reach people like her.
    const staying = await subscribed('吴桂香', 'wxid-wu-guixiang');
    expect(await say('wxid-wu-fang', '退订')).toBe('已退订，不会再给您发消息。想恢复请回复“订阅”。');
    const [sub] = await h.ctx.db.select().from(subscriptions).where(eq(subscriptions.workerId, leaving.id));
    expect(sub!.unsubscribedAll).toBe(true);

    // Tomorrow morning: it cannot wait for a digest, so a subscriber hears of it at once.
    const post = await station.post('/api/v1/vacancies', gig(employer.id, { title: '退订后的零工', ...north(1), details: { date: '2026-06-02', startTime: '08:00', endTime: '17:00', paymentDueDays: 2 } }));
    expect(post.status).toBe(201);
    const news = await announced(post.body.id as string);
    expect(await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, news.id), eq(deliveries.workerId, staying.id)))).toHaveLength(1);
    expect(await h.ctx.db.select().from(deliveries).where(eq(deliveries.workerId, leaving.id))).toHaveLength(0);
    expect(await h.ctx.db.select().from(digestItems).where(eq(digestItems.workerId, leaving.id))).toHaveLength(0);
  });

  it('hands 人工 to the station with the conversation, and 工资 opens a wage case', async () => {
    const p = await person({ name: '郑强' });
    const user = new MockUser(bot, '郑强');
    await user.say('绑定');
    await user.say((await station.post(`/api/v1/workers/${p.id}/binding-code`)).body.code);
    await user.say('工资');
    // The description may itself contain the word for wages: it is read as the answer, not as the command again.
    expect((await user.say('在县城工地干了两个月，老板拖欠工资6000元，电话13912345678'))[0]).toContain('12333');
    const cases = (await station.get('/api/v1/wage-cases')).body.items.filter((c: { workerId: string }) => c.workerId === p.id);
    expect(cases).toEqual([expect.objectContaining({ reason: 'reported_by_chat', status: 'open' })]);
    expect(cases[0].description).toContain('老板拖欠工资6000元');
    expect(cases[0].description).not.toContain('13912345678');

    expect((await user.say('转人工'))[0]).toBe('已通知工作人员，他们会尽快通过微信或电话联系您。');
    expect((await user.say('人工'))[0]).toBe('您之前的请求还在处理中，我已把最新情况转给工作人员。');
    const listed = (await station.get('/api/v1/help-requests?status=open')).body;
    expect(listed.total).toBe(listed.items.length);
    const open = listed.items.filter((r: { workerId: string }) => r.workerId === p.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ workerName: '郑强', status: 'open' });
    expect(open[0].context.map((c: { text: string }) => c.text)).toEqual(expect.arrayContaining(['工资', '转人工']));
    expect(JSON.stringify(open[0].context)).not.toContain('13912345678');
    const closed = await station.post(`/api/v1/help-requests/${open[0].id}/close`, { note: '已电话联系，协助讨薪' });
    expect(closed.status).toBe(200);
    expect((await station.post(`/api/v1/help-requests/${open[0].id}/close`, { note: '再关一次' })).status).toBe(409);
  });

  it('keeps its place in Redis across a restart of the bot, and saves a shared location as home', async () => {
    const p = await person({ name: '冯雪', homeLat: null, homeLng: null });
    await h.ctx.db.insert(identities).values({ workerId: p.id, kind: 'wechat_contact', value: 'wxid-feng' });
    const before = new Conversation(h.ctx);
    expect((await before.respond({ kind: 'text', text: '零工', senderId: 'wxid-feng' })).join('\n')).toContain('发送您家的位置');
    expect(await before.respond({ kind: 'location', text: '', senderId: 'wxid-feng', location: { lat: HOME.lat, lng: HOME.lng } })).toEqual(['记住您家的位置了。回复“零工”看附近的活。']);
    const [w] = await h.ctx.db.select().from(workers).where(eq(workers.id, p.id));
    expect([w!.homeLat, w!.homeLng]).toEqual([HOME.lat, HOME.lng]);

    const [list] = await before.respond({ kind: 'text', text: '零工', senderId: 'wxid-feng' });
    expect(list).toContain('1. ');
    // A new process: the list is still there, so "1" shows the first item's details, not the menu.
    const after = new Conversation(h.ctx);
    const [detail] = await after.respond({ kind: 'text', text: '1', senderId: 'wxid-feng' });
    expect(detail).toContain('【');
  });

  it('gets ready by answering the common turns once for no one, and leaves no conversation or count behind', async () => {
    const prefix = (h.ctx.redis.kv.options as { keyPrefix?: string }).keyPrefix ?? '';
    const botKeys = async () => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await h.ctx.redis.kv.scan(cursor, 'MATCH', `${prefix}bot:*`, 'COUNT', 1000);
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
      return found.sort();
    };
    const before = await botKeys();
    await new Conversation(h.ctx).ready();
    expect(await botKeys()).toEqual(before);
  });

  it('answers a flood from one chat account once and then ignores it, without holding up others', async () => {
    const c = new Conversation(h.ctx);
    const answers: string[][] = [];
    for (let i = 0; i < INBOUND_PER_MINUTE + 10; i++) answers.push(await c.respond({ kind: 'text', text: '帮助', senderId: 'wxid-flood' }));
    expect(answers.slice(0, INBOUND_PER_MINUTE).every((a) => a.length === 1)).toBe(true);
    expect(answers[INBOUND_PER_MINUTE]).toEqual(['您发得太快了，请等一分钟再发。']);
    expect(answers.slice(INBOUND_PER_MINUTE + 1).every((a) => a.length === 0)).toBe(true);
    // The count ends with its minute (it is kept under a hash of the contact, never the contact itself).
    const ttl = await h.ctx.redis.kv.pttl(`bot:rate:${createHash('sha256').update('wxid-flood').digest('base64url')}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect((await c.respond({ kind: 'text', text: '帮助', senderId: 'wxid-calm' }))[0]).toContain('帮扶小助手');
  });

  it('asks an unbound person to bind before anything personal, and still answers 找工作, 政策 and 人工', async () => {
    const user = new MockUser(bot, '路人');
    // Open posts are public notices: the area's list (or that there is none), and binding to apply.
    const jobs = (await user.say('找工作'))[0]!;
    expect(jobs).not.toContain('这个功能需要先绑定身份');
    expect(jobs).toContain('回复“绑定”后');
    // The policies in force today, from the catalogue (the transition period's transport subsidy ended 2025-12-31).
    const policy = (await user.say('政策'))[0]!;
    expect(policy).toContain('社会保险补贴');
    expect(policy).not.toContain('一次性交通补助');
    expect(policy).toContain('回复 8 找人帮您办');
    expect((await user.say('帮助'))[0]).toContain('第一次用？请先回复“绑定”');
    const switched = await user.say('English');
    expect(switched[0]).toBe('OK, I will write in English from now on.');
    expect(switched[1]).toContain('2 Gigs near home');
    const english = (await user.say('找工作'))[0]!;
    expect(english).toMatch(/^(Jobs open in this area:|No jobs open in this area right now\.)/);
    expect(english).toContain('Reply "绑定" (bind)');
    expect((await user.say('中文'))[0]).toBe('好的，以后用中文和您说。');
  });

  it('shows an unbound person the open gigs of the area with an invitation to bind, and still asks them to bind to apply', async () => {
    const post = await station.post('/api/v1/vacancies', gig(employer.id, { title: '村口修路零工', requiredSkills: [], payMinFen: 30000, payMaxFen: 30000, ...north(1) }));
    expect(post.status).toBe(201);
    const user = new MockUser(bot, '过路人');
    for (const text of ['附近有零工吗', '我想找离家近的活']) {
      const [list] = await user.say(text);
      const lines = list!.split('\n');
      expect(lines[0]).toBe('本地正在招人的零工：');
      expect(lines).toContain('1. 村口修路零工（县内 · 日薪 300 元）');
      expect(lines.length).toBeLessThanOrEqual(6);
      expect(lines.at(-1)).toBe('回复数字看详情。回复“绑定”后就能报名。');
    }
    expect((await user.say('报名 1'))[0]).toBe('这个功能需要先绑定身份。请回复“绑定”。');
    expect((await user.say('我的'))[0]).toBe('这个功能需要先绑定身份。请回复“绑定”。');
    expect((await user.say('订阅'))[0]).toBe('这个功能需要先绑定身份。请回复“绑定”。');
    expect(await station.get(`/api/v1/vacancies/${post.body.id}/applications`).then((r) => r.body.items)).toEqual([]);
  });

  it('answers small talk while a wage question waits, and records only the description', async () => {
    const p = await person({ name: '何平' });
    const user = new MockUser(bot, '何平');
    await user.say('绑定');
    await user.say((await station.post(`/api/v1/workers/${p.id}/binding-code`)).body.code);
    const ask = '请简单说说：在哪里干的活、哪个老板或单位、欠多少钱。说完发给我，工作站会联系您。';
    expect(await user.say('工资')).toEqual([ask]);
    expect(await user.say('谢谢！')).toEqual(['不客气！还要找活，回复“找活”就行。', ask]);
    expect(await user.say('在吗')).toEqual(['在的！您想找活、学技术还是问补贴？直接说就行。', ask]);
    const mineCases = async () => (await station.get('/api/v1/wage-cases')).body.items.filter((c: { workerId: string }) => c.workerId === p.id);
    expect(await mineCases()).toEqual([]);
    expect((await user.say('在镇上砖厂干了一个月，老板欠我三千块，谢谢'))[0]).toContain('12333');
    const cases = await mineCases();
    expect(cases).toHaveLength(1);
    expect(cases[0].description).toContain('砖厂');
  });

  it('posts a broadcast into the WeChat groups a station registered, once each, and says which failed', async () => {
    const villager = new MockUser(bot, '村民甲');
    const room = bot.mocker!.createRoom({ topic: '南沙村就业群', memberIdList: [bot.self!.id, villager.contact.id] });
    const heard: string[] = [];
    room.on('message', (msg) => {
      if (msg.payload.talkerId === bot.self!.id) heard.push(msg.payload.text ?? '');
    });
    expect((await station.post('/api/v1/chat-groups', { name: '南沙村就业群', regionCode: REGIONS.villageA.code })).status).toBe(201);
    expect((await station.post('/api/v1/chat-groups', { name: '南沙村就业群', regionCode: REGIONS.villageA.code })).status).toBe(409);
    // A group the bot is not in: the post fails with the reason, the others go out.
    expect((await station.post('/api/v1/chat-groups', { name: '没有拉机器人的群', regionCode: REGIONS.townA.code })).status).toBe(201);
    const b = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '明天上午九点村委会招聘会，{{count}}家企业' }, variables: { count: 12 }, toGroups: true });
    expect(b.status).toBe(201);
    const done = await until(async () => (await station.get(`/api/v1/broadcasts/${b.body.id}`)).body, (x) => x.groups?.length === 2 && x.groups.every((g: { status: string }) => g.status !== 'queued'), 20_000);
    expect(done.groups).toEqual(
      expect.arrayContaining([
        { name: '南沙村就业群', status: 'sent', reason: null },
        { name: '没有拉机器人的群', status: 'failed', reason: 'group_not_found' },
      ]),
    );
    expect(heard).toEqual(['明天上午九点村委会招聘会，12家企业']);
  });
  it('keeps twelve gigs posted overnight for one digest at 08:30 with the best five, and 报名 N applies from it', async () => {
    clock.set('2026-06-01T14:00:00Z'); // 22:00 in Beijing
    const p = await person({ name: '周桂兰', skills: ['保洁'] });
    const user = new MockUser(bot, '周桂兰');
    await h.ctx.db.insert(identities).values({ workerId: p.id, kind: 'wechat_contact', value: user.contact.id });
    await station.put(`/api/v1/workers/${p.id}/subscription`, { topics: ['gig'] });
    const fits = ['集市保洁一', '集市保洁二', '集市保洁三', '集市保洁四', '集市保洁五'];
    const later = { date: '2026-06-10', startTime: '08:00', endTime: '17:00', paymentDueDays: 2 };
    for (const [i, title] of fits.entries()) await station.post('/api/v1/vacancies', gig(employer.id, { title, ...north(0.5 + i * 0.3), details: later }));
    for (let i = 0; i < 7; i++) await station.post('/api/v1/vacancies', gig(employer.id, { title: `电焊零活${i + 1}`, requiredSkills: ['电焊'], payMinFen: 15000, payMaxFen: 15000, ...north(3 + i * 0.2), details: later }));
    const waiting = async () => (await h.ctx.db.select().from(digestItems).where(eq(digestItems.workerId, p.id))).length;
    expect(await until(waiting, (n) => n === 12, 20_000)).toBe(12);
    // Nothing at night, and nothing before the window.
    expect(await composeDueDigests(h.ctx)).toBe(0);
    clock.set('2026-06-02T00:29:00Z');
    expect(await composeDueDigests(h.ctx)).toBe(0);
    expect(user.received.filter((m) => m.includes('零工') || m.includes('保洁'))).toEqual([]);

    clock.set('2026-06-02T00:30:00Z'); // 08:30
    expect(await composeDueDigests(h.ctx)).toBeGreaterThanOrEqual(1); // hers, and those of people from the tests above
    expect(await composeDueDigests(h.ctx)).toBe(0);
    expect(await h.ctx.db.select().from(digests).where(eq(digests.workerId, p.id))).toHaveLength(1);
    const digest = await until(async () => user.received.find((m) => m.startsWith('今日新岗位')), Boolean, 20_000);
    expect(digest).toContain('今日新岗位（共 12 个）');
    const listed = [...digest!.matchAll(/^(\d)\. (\S+?)（/gm)].map((m) => m[2]);
    expect(listed.sort()).toEqual([...fits].sort());
    expect(digest).toContain('另有 7 个');
    expect(digest).toContain('回复“报名 序号”直接报名');
    expect(user.received.filter((m) => m.startsWith('今日新岗位'))).toHaveLength(1);
    const [, second] = /^2\. (\S+?)（/m.exec(digest!)!;
    const [applied] = await user.say('报名 2');
    expect(applied).toBe(`已帮您报名“${second}”，工作站会尽快联系您。回复“我的”查看进度。`);
    // One delivery for the twelve, sent at 08:30.
    const sent = await h.ctx.db.select().from(deliveries).where(eq(deliveries.workerId, p.id));
    expect(sent).toEqual([expect.objectContaining({ status: 'sent', sentAt: new Date('2026-06-02T00:30:00Z') })]);
    clock.set(NOON);
    // Sessions of staff last 12 hours: the clock went past that.
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });

  it('sends each match at once to someone who asked for that instead of a digest', async () => {
    const p = await person({ name: '吴国强' });
    const user = new MockUser(bot, '吴国强');
    await h.ctx.db.insert(identities).values({ workerId: p.id, kind: 'wechat_contact', value: user.contact.id });
    const said = await user.say('订阅 零工 汇总 9点半');
    expect(said.join('\n')).toContain('新岗位每天 9:30 汇总成一条发给您');
    expect(said.join('\n')).toContain('订阅好了：零工。\n新岗位每天 9:30 汇总成一条；每天最多 5 条');
    expect((await user.say('订阅 零工 逐条')).join('\n')).toContain('新岗位会一条一条马上告诉您');
    const [sub] = await h.ctx.db.select().from(subscriptions).where(eq(subscriptions.workerId, p.id));
    expect(sub!.digestAt).toBeNull();
    await station.post('/api/v1/vacancies', gig(employer.id, { title: '逐条通知的零工', ...north(1) }));
    const pushed = await until(async () => user.received.find((m) => m.includes('逐条通知的零工')), Boolean, 20_000);
    expect(pushed).toContain('附近有新零工');
    expect((await h.ctx.db.select().from(digestItems).where(eq(digestItems.workerId, p.id)))).toEqual([]);
  });
});
