import Koa from 'koa';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { helpRequests, identities } from '../../src/db/schema';
import { translator } from '../../src/i18n';
import { menu } from '../../bots/conversation';
import { officialAccountDoor } from '../../bots/official-account';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeWechat, wechatOpenReply, wechatPost, type FakeWechat, type OaAccount } from '../helpers/fake-wechat';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';
import { until } from '../helpers/wait';

const ACCOUNT: OaAccount = { appId: 'wxoa5ecure0000abcd', token: 'bangfuSecureToken', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const SECRET = 'oa-secret-0123456789abcdef';
const OPENID = 'oOA-secure-follower-01';

let msgId = 5000;
function textXml(content: string, from = OPENID, id = ++msgId): string {
  return `<xml><ToUserName><![CDATA[gh_bangfu]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1780000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${id}</MsgId></xml>`;
}
function voiceXml(recognition: string | undefined, from = OPENID): string {
  const heard = recognition === undefined ? '' : `<Recognition><![CDATA[${recognition}]]></Recognition>`;
  return `<xml><ToUserName><![CDATA[gh_bangfu]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1780000000</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media-1]]></MediaId><Format><![CDATA[amr]]></Format>${heard}<MsgId>${++msgId}</MsgId></xml>`;
}
const contentOf = (xml: string) => /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(xml)?.[1];

/**
 * The official account in 兼容模式 and 安全模式 (security reviews of government accounts ask for them):
 * messages arrive encrypted with the EncodingAESKey and signed over the ciphertext, replies go back
 * encrypted the same way, and an answer too slow for WeChat's five seconds comes as a customer-service message.
 */
describe('the official account door in secure mode', () => {
  let h: Harness;
  let wx: FakeWechat;
  let app: ReturnType<typeof appOf>;
  let station: Staff;
  const clock = new ManualClock('2026-06-01T04:00:00Z');
  const post = (xml: string, opts: { mode?: 'plain' | 'compatible' | 'safe'; appId?: string; forge?: boolean } = {}, to: Parameters<typeof request>[0] = app) => {
    const { query, body } = wechatPost(ACCOUNT, xml, { mode: opts.mode ?? 'safe', at: clock.now(), appId: opts.appId, forge: opts.forge });
    return request(to).post(`/wechat/oa?${query}`).set('Content-Type', 'text/xml').send(body);
  };
  const answerOf = (res: { text: string }) => contentOf(wechatOpenReply(ACCOUNT, res.text));
  const bound = () => h.ctx.db.select().from(identities).where(and(eq(identities.kind, 'oa_openid'), eq(identities.value, OPENID)));

  beforeAll(async () => {
    wx = await fakeWechat(ACCOUNT.appId, SECRET);
    h = await createHarness({ clock, env: { OA_APP_ID: ACCOUNT.appId, OA_APP_SECRET: SECRET, OA_TOKEN: ACCOUNT.token, OA_ENCODING_AES_KEY: ACCOUNT.encodingAesKey!, OA_API_BASE: wx.url } });
    await seedRegions(h.ctx.db);
    app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
  });
  afterAll(async () => {
    await h.close();
    await wx.close();
  });

  it('reads an encrypted message and answers it encrypted, in 安全模式 and in 兼容模式', async () => {
    const t = translator('zh-CN');
    const safe = await post(textXml('帮助'), { mode: 'safe' });
    expect(safe.status).toBe(200);
    expect(safe.text).not.toContain('<Content>');
    expect(answerOf(safe)).toBe(menu(t, false));
    expect(wechatOpenReply(ACCOUNT, safe.text)).toContain(`<ToUserName><![CDATA[${OPENID}]]></ToUserName>`);
    const compatible = await post(textXml('帮助'), { mode: 'compatible' });
    expect(answerOf(compatible)).toBe(menu(t, false));
  });

  it('refuses a forged signature and a message for another account, and nothing they said is acted on', async () => {
    const w = await station.post('/api/v1/workers', workerInput({ name: '杨秀兰' }));
    const code = (await station.post(`/api/v1/workers/${w.body.id}/binding-code`)).body.code as string;
    // Each refused message would have started binding and then bound the follower.
    const forgedAsk = textXml('绑定');
    expect((await post(forgedAsk, { forge: true })).status).toBe(403);
    expect((await post(textXml('绑定'), { appId: 'wxanother0000account' })).status).toBe(403);
    // A plain post to an account in secure mode is refused too: its body is covered by no signature.
    expect((await post(textXml('绑定'), { mode: 'plain' })).status).toBe(403);
    expect(answerOf(await post(textXml(code)))).not.toContain('绑定成功');
    expect(await bound()).toEqual([]);
    // The forged message's id was not taken: WeChat's genuine message with that id is answered.
    const genuineAsk = await post(forgedAsk);
    expect(answerOf(genuineAsk)).toContain('6位绑定码');
    expect(answerOf(await post(textXml(code)))).toContain('绑定成功！杨**');
    expect(await bound()).toHaveLength(1);
  });

  it('counts a follower’s failed binding tries as theirs', async () => {
    const from = 'oOA-secure-follower-03';
    await post(textXml('绑定', from));
    expect(answerOf(await post(textXml('000000', from)))).toContain('这一小时还可以试 4 次');
    expect(answerOf(await post(textXml('000001', from)))).toContain('这一小时还可以试 3 次');
  });

  it('shows a follower not yet bound the posts of the place they name, not of the whole deployment', async () => {
    const employer = await verifiedEmployer(station, { name: '南沙镇梯田合作社' });
    expect((await station.post('/api/v1/vacancies', { employerId: employer.id, kind: 'regular', title: '梯田管护员', regionCode: REGIONS.townA.code, payMinFen: 300000, payMaxFen: 350000, payUnit: 'month', headcount: 4 })).status).toBe(201);
    const from = 'oOA-secure-visitor-01';
    const here = answerOf(await post(textXml('南沙镇有活吗', from)))!;
    expect(here.split('\n')[0]).toBe('南沙镇正在招人的岗位：');
    expect(here).toContain('1. 梯田管护员');
    expect(answerOf(await post(textXml('迤萨镇有活吗', from)))).toBe('迤萨镇暂时没有正在招人的岗位。回复“绑定”后，有新岗位时可以第一时间告诉您。');
  });

  it('notes where a follower not yet bound is when WeChat reports it, answers nothing to it, and finds gigs near there', async () => {
    const employer = await verifiedEmployer(station, { name: '南沙镇集市管理所' });
    expect((await station.post('/api/v1/vacancies', gig(employer.id, { title: '集市搬运零工', requiredSkills: [], ...north(1) }))).status).toBe(201);
    const from = 'oOA-secure-visitor-02';
    expect((await post(textXml('附近有零工吗', from))).text).toContain('Encrypt');
    const reported = await post(`<xml><ToUserName><![CDATA[gh_bangfu]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1780000100</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>${HOME.lat}</Latitude><Longitude>${HOME.lng}</Longitude><Precision>30.0</Precision></xml>`);
    expect(reported.text).toBe('success');
    const near = answerOf(await post(textXml('附近有零工吗', from)))!;
    expect(near).toContain('集市搬运零工（距离 1.0 公里');
    expect(near).not.toContain('发送您的位置');
  });

  it('reads the speech recognition WeChat sends with a voice message as if it were typed', async () => {
    const typed = answerOf(await post(textXml('我的')));
    const spoken = answerOf(await post(voiceXml('我的')));
    expect(spoken).toBe(typed);
    expect(spoken).toContain('杨**');
    // Without recognition the voice is handed to staff, and the person told that typing works.
    expect(answerOf(await post(voiceXml(undefined)))).toBe(translator('zh-CN')('bot:voice.reply'));
    const [help] = await h.ctx.db.select().from(helpRequests).where(eq(helpRequests.contact, OPENID));
    expect(help?.context.at(-1)?.text).toBe(translator('zh-CN')('bot:voice.note'));
  });

  it('says “success” at once when the answer is late, sends it as a customer-service message, and answers WeChat’s retry once', async () => {
    // The same door whose answer is always too late: its deadline has passed before any answer can be ready.
    const late = new Koa().use(officialAccountDoor(h.ctx, { deadline: () => ({ passed: Promise.resolve(), cancel: () => undefined }) }).routes()).callback();
    const xml = textXml('帮助', 'oOA-secure-follower-02');
    const first = await post(xml, {}, late);
    expect(first.status).toBe(200);
    expect(first.text).toBe('success');
    const sends = await until(async () => wx.customSends.filter((s) => s.touser === 'oOA-secure-follower-02'), (s) => s.length > 0);
    expect(sends).toEqual([{ touser: 'oOA-secure-follower-02', msgtype: 'text', text: { content: menu(translator('zh-CN'), false) } }]);

    // WeChat asks again with the same MsgId (newly signed): answered "success", not a second time.
    expect((await post(xml)).text).toBe('success');
    expect((await post(xml, {}, late)).text).toBe('success');
    // A later message is answered late too; by the time it arrives, the retries have sent nothing.
    await post(textXml('我的', 'oOA-secure-follower-02'), {}, late);
    const after = await until(async () => wx.customSends.filter((s) => s.touser === 'oOA-secure-follower-02'), (s) => s.length > 1);
    expect(after).toHaveLength(2);
    expect(after[1]!.text.content).not.toBe(menu(translator('zh-CN'), false));
  });
});
