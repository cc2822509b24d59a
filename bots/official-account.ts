import Router from '@koa/router';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { AppContext } from '../src/context';
import type { RequestState } from '../src/http/state';
import { translator } from '../src/i18n';
import { rememberInbound } from '../src/outreach/official-account';
import { recordReports } from '../src/outreach/settle';
import { readRawBody, signatureOk } from '../src/outreach/wechat-push';
import { Conversation, MAX_INBOUND_CHARS, menu, type Incoming } from './conversation';

/** The callback WeChat posts to: kept small, as WeChat's messages are. */
const MAX_BODY_BYTES = 64 * 1024;

/** How far a call's timestamp may be from now; older calls are refused (a signed address copied from a log replays nothing). */
const MAX_SKEW_S = 300;

export { signatureOk };

const parser = new XMLParser({ processEntities: false, parseTagValue: false, trimValues: true });
const builder = new XMLBuilder({ cdataPropName: '__cdata' });

interface OaMessage {
  ToUserName?: string;
  FromUserName?: string;
  MsgType?: string;
  Content?: string;
  Event?: string;
  MsgId?: string;
  Location_X?: string;
  Location_Y?: string;
  /** TEMPLATESENDJOBFINISH: the template message's id and how it ended. */
  MsgID?: string;
  Status?: string;
  CreateTime?: string;
  /** A voice message's text, when speech recognition is on for the account (语音识别结果). */
  Recognition?: string;
}

/**
 * The official-account door (服务号): WeChat checks the address with a signed GET, then posts each
 * follower's message as signed XML. Messages go through the same conversation as chat, the follower's
 * openid standing for them; the answer is returned in the response (被动回复), all replies in one.
 */
export function officialAccountDoor(ctx: AppContext): Router<RequestState> {
  const router = new Router<RequestState>();
  const conversation = new Conversation(ctx);
  const oa = ctx.config.officialAccount;
  router.get('/wechat/oa', (koa) => {
    if (!oa || !signatureOk(oa.token, koa.query)) {
      koa.status = 403;
      koa.body = 'forbidden';
      return;
    }
    koa.type = 'text/plain';
    koa.body = typeof koa.query.echostr === 'string' ? koa.query.echostr : '';
  });
  router.post('/wechat/oa', async (koa) => {
    const stamp = Number(koa.query.timestamp);
    const fresh = Number.isFinite(stamp) && Math.abs(ctx.clock.now().getTime() / 1000 - stamp) <= MAX_SKEW_S;
    // Each signed call is taken once: a nonce seen within the window is a replay.
    const once = fresh && oa && signatureOk(oa.token, koa.query) ? (await ctx.redis.kv.set(`oa:nonce:${String(koa.query.nonce)}:${stamp}`, '1', 'EX', 2 * MAX_SKEW_S, 'NX')) === 'OK' : false;
    if (!oa || !once) {
      koa.status = 403;
      koa.body = 'forbidden';
      return;
    }
    const raw = await readRawBody(koa, MAX_BODY_BYTES);
    let m: OaMessage | undefined;
    try {
      m = raw ? ((parser.parse(raw) as { xml?: OaMessage }).xml ?? undefined) : undefined;
    } catch {
      m = undefined;
    }
    // WeChat wants "success" for anything it should not retry; bad input changes nothing.
    koa.type = 'text/plain';
    koa.body = 'success';
    if (!m?.FromUserName || !m.ToUserName || typeof m.FromUserName !== 'string') return;
    if (m.MsgType === 'event' && m.Event === 'TEMPLATESENDJOBFINISH') {
      // The report of a template message: it settles a send whose answer was lost.
      const at = Number(m.CreateTime);
      await recordReports(ctx, [{ channel: 'official_account', address: m.FromUserName, ref: m.MsgID ? String(m.MsgID).slice(0, 64) : null, delivered: m.Status === 'success', code: m.Status === 'success' ? null : `wechat_${String(m.Status ?? '')}`.slice(0, 80), reportedAt: Number.isFinite(at) && at > 0 ? new Date(at * 1000) : ctx.clock.now() }]);
      return;
    }
    // WeChat retries a message it got no answer to in 5 seconds: each is answered once.
    if (m.MsgId && (await ctx.redis.kv.set(`oa:msg:${m.MsgId}`, '1', 'EX', 300, 'NX')) !== 'OK') return;
    const t = translator(ctx.config.locale.default);
    let replies: string[] = [];
    const base = { senderId: m.FromUserName, door: 'oa_openid' as const };
    if (m.MsgType === 'event' && m.Event === 'subscribe') replies = [menu(t, false)];
    else if (m.MsgType === 'text' && typeof m.Content === 'string') {
      const incoming: Incoming = { ...base, kind: 'text', text: m.Content };
      replies = m.Content.length > MAX_INBOUND_CHARS ? [t('bot:too_long')] : await conversation.respond(incoming);
    } else if (m.MsgType === 'voice') {
      // WeChat's own recognition of the voice, when it has one, is read as if typed; else staff are asked to call.
      const heard = typeof m.Recognition === 'string' ? m.Recognition.trim() : '';
      replies = heard && heard.length <= MAX_INBOUND_CHARS ? await conversation.respond({ ...base, kind: 'text', text: heard }) : await conversation.respond({ ...base, kind: 'voice', text: '' });
    } else if (m.MsgType === 'location' && Number.isFinite(Number(m.Location_X)) && Number.isFinite(Number(m.Location_Y))) {
      replies = await conversation.respond({ ...base, kind: 'location', text: '', location: { lat: Number(m.Location_X), lng: Number(m.Location_Y) } });
    } else if (m.MsgType !== 'event') {
      replies = await conversation.respond({ ...base, kind: 'other', text: '' });
    }
    await rememberInbound(ctx, m.FromUserName);
    if (!replies.length) return;
    koa.type = 'application/xml';
    koa.body = builder.build({
      xml: {
        ToUserName: { __cdata: m.FromUserName },
        FromUserName: { __cdata: m.ToUserName },
        CreateTime: Math.floor(ctx.clock.now().getTime() / 1000),
        MsgType: { __cdata: 'text' },
        // A CDATA section cannot hold its own end marker.
        Content: { __cdata: replies.join('\n\n').replaceAll(']]>', ']] >') },
      },
    });
  });
  return router;
}
