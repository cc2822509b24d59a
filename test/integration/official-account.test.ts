import { createHash } from 'node:crypto';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { deliveries, identities } from '../../src/db/schema';
import { translator } from '../../src/i18n';
import { menu } from '../../bots/conversation';
import { processChannels } from '../../src/outreach/registry';
import { deliver, fanOut } from '../../src/outreach/service';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeWechat, wechatPost, type FakeWechat } from '../helpers/fake-wechat';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const APP_ID = 'wxoa1234567890abcd';
const SECRET = 'oa-secret-0123456789abcdef';
const TOKEN = 'bangfuOaToken2026';
const OPENID = 'oOA-follower-0001';

let now = () => new Date();
function signed(extra: Record<string, string> = {}, token = TOKEN, at = now()): string {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const signature = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return new URLSearchParams({ signature, timestamp, nonce, ...extra }).toString();
}

let msgId = 1000;
function text(content: string, from = OPENID): string {
  return `<xml><ToUserName><![CDATA[gh_bangfu]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1780000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${++msgId}</MsgId></xml>`;
}

/**
 * The official-account door (服务号, seed 002 §2.8 names official accounts among the channels people use):
 * the same conversation as chat, free replies within 48 hours of the person's last message, and an approved
 * template message outside that window.
 */
describe('the official account door', () => {
  let h: Harness;
  let wx: FakeWechat;
  let station: Staff;
  let app: ReturnType<typeof appOf>;
  const clock = new ManualClock('2026-06-01T04:00:00Z');
  const post = (body: string, query = signed()) => request(app).post(`/wechat/oa?${query}`).set('Content-Type', 'text/xml').send(body);
  const replyOf = (xml: string) => /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(xml)?.[1];

  beforeAll(async () => {
    now = () => clock.now();
    wx = await fakeWechat(APP_ID, SECRET);
    h = await createHarness({ clock, env: { OA_APP_ID: APP_ID, OA_APP_SECRET: SECRET, OA_TOKEN: TOKEN, OA_TEMPLATE_ID: 'TPL-oa-notice-01', OA_API_BASE: wx.url } });
    await seedRegions(h.ctx.db);
    app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
  });
  afterAll(async () => {
    await h.close();
    await wx.close();
  });

  it('answers WeChat’s address check only when signed with the token', async () => {
    expect((await request(app).get(`/wechat/oa?${signed({ echostr: 'hello-wechat' })}`)).text).toBe('hello-wechat');
    expect((await request(app).get(`/wechat/oa?${signed({ echostr: 'x' }, 'wrongToken')}`)).status).toBe(403);
    expect((await request(app).get('/wechat/oa?echostr=x')).status).toBe(403);
    expect((await post(text('帮助'), signed({}, 'wrongToken'))).status).toBe(403);
    // A signed address copied from a log replays nothing: a used nonce, or a timestamp ten minutes old.
    const query = signed();
    expect((await post(text('帮助'), query)).status).toBe(200);
    expect((await post(text('帮助'), query)).status).toBe(403);
    expect((await post(text('帮助'), signed({}, TOKEN, new Date(clock.now().getTime() - 600_000)))).status).toBe(403);
  });

  it('greets a new follower with the menu, and talks as the chat bot does', async () => {
    const hello = await post(`<xml><ToUserName><![CDATA[gh_bangfu]]></ToUserName><FromUserName><![CDATA[${OPENID}]]></FromUserName><CreateTime>1780000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>`);
    expect(hello.headers['content-type']).toMatch(/xml/);
    expect(replyOf(hello.text)).toBe(menu(translator('zh-CN'), false));
    expect(hello.text).toContain(`<ToUserName><![CDATA[${OPENID}]]></ToUserName>`);
    expect(hello.text).toContain('<FromUserName><![CDATA[gh_bangfu]]></FromUserName>');
    expect(replyOf((await post(text('帮助'))).text)).toBe(menu(translator('zh-CN'), false));
  });

  it('binds the follower, then writes freely within 48 hours and by template outside them', async () => {
    const w = await station.post('/api/v1/workers', workerInput({ name: '马春梅' }));
    await station.put(`/api/v1/workers/${w.body.id}/subscription`, { channel: 'official_account' });
    const code = (await station.post(`/api/v1/workers/${w.body.id}/binding-code`)).body.code as string;
    expect(replyOf((await post(text('绑定'))).text)).toContain('6位绑定码');
    expect(replyOf((await post(text(code))).text)).toContain('绑定成功！马**');
    const [id] = await h.ctx.db.select().from(identities).where(and(eq(identities.workerId, w.body.id), eq(identities.kind, 'oa_openid')));
    expect(id).toMatchObject({ value: OPENID, lastInboundAt: clock.now() });

    const send = async (message: string) => {
      station = await signIn(h, app, { regionCode: REGIONS.countyA.code }); // staff sessions last 12 hours
      const b = await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': message } });
      await fanOut(h.ctx, b.body.id);
      const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b.body.id), eq(deliveries.workerId, w.body.id)));
      return deliver(h.ctx, d!.id, processChannels(h.ctx));
    };
    clock.advance(47 * 3600_000);
    expect(await send('南沙镇周六有招聘会，上午九点开始，二十多家企业')).toBe('sent');
    expect(wx.customSends).toEqual([{ touser: OPENID, msgtype: 'text', text: { content: '南沙镇周六有招聘会，上午九点开始，二十多家企业' } }]);
    expect(wx.templateSends).toEqual([]);

    clock.advance(2 * 3600_000); // 49 hours since the last message
    expect(await send('县里新开了电工培训班，补贴一千二百元，名额有限请尽快报名')).toBe('sent');
    expect(wx.customSends).toHaveLength(1);
    expect(wx.templateSends).toEqual([{ touser: OPENID, template_id: 'TPL-oa-notice-01', data: { thing1: { value: '县里新开了电工培训班，补贴一千二百元，…' } } }]);

    // A message from the person opens the window again.
    await post(text('我的'));
    expect(await send('明天有零工')).toBe('sent');
    expect(wx.customSends).toHaveLength(2);
  });

  it('while an account is switched to 兼容模式 before OA_ENCODING_AES_KEY is set, reads the plain copy; a 安全模式 message it cannot read changes nothing', async () => {
    const account = { appId: APP_ID, token: TOKEN, encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
    const compatible = wechatPost(account, text('帮助', 'oOA-compat-0001'), { mode: 'compatible', at: clock.now() });
    const res = await request(app).post(`/wechat/oa?${compatible.query}`).set('Content-Type', 'text/xml').send(compatible.body);
    expect(replyOf(res.text)).toBe(menu(translator('zh-CN'), false));
    const safe = wechatPost(account, text('帮助'), { mode: 'safe', at: clock.now() });
    const unread = await request(app).post(`/wechat/oa?${safe.query}`).set('Content-Type', 'text/xml').send(safe.body);
    expect([unread.status, unread.text]).toEqual([200, 'success']);
    expect(h.logs.text()).toContain('OA_ENCODING_AES_KEY is not set');
  });

  it('answers each message once though WeChat repeats it, and ignores what is not a message', async () => {
    const body = text('帮助');
    const first = await post(body);
    expect(replyOf(first.text)).toBeDefined();
    const again = await post(body);
    expect(again.text).toBe('success');
    for (const junk of ['not xml at all', '<xml><MsgType>text</MsgType></xml>', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><FromUserName>a</FromUserName><ToUserName>b</ToUserName><MsgType>text</MsgType><Content>&e;</Content></xml>', 'x'.repeat(70 * 1024)]) {
      const res = await post(junk);
      expect(res.status).toBe(200);
      expect(res.text === 'success' || !res.text.includes('root:')).toBe(true);
    }
  });
});
