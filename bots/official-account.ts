import { createHash, randomInt } from 'node:crypto';
import Router from '@koa/router';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type Koa from 'koa';
import type { AppContext } from '../src/context';
import type { RequestState } from '../src/http/state';
import { translator } from '../src/i18n';
import { rememberInbound, sendCustomText, recordReports, readRawBody, signatureOk } from '../src/outreach';
import { Conversation, MAX_INBOUND_CHARS, menu, type Incoming } from './conversation';
import { aesKeyOf, decryptMessage, encryptMessage, msgSignature, msgSignatureOk } from './oa-crypto';

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
  /** LOCATION event: where the person is, reported when they open the conversation (if they allowed it). */
  Latitude?: string;
  Longitude?: string;
  /** TEMPLATESENDJOBFINISH: the template message's id and how it ended. */
  MsgID?: string;
  Status?: string;
  CreateTime?: string;
  /** A voice message's text, when speech recognition is on for the account (语音识别结果). */
  Recognition?: string;
}

/** What the door may be given besides the context: when to stop waiting for an answer (tests pass their own). */
export interface DoorOptions {
  /** Resolves when the answer has taken too long and WeChat should be told "success" now; default OA_REPLY_WITHIN_MS. */
  deadline?: () => { passed: Promise<void>; cancel(): void };
}

function timer(ms: number): { passed: Promise<void>; cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const passed = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, ms);
    handle.unref();
  });
  return { passed, cancel: () => clearTimeout(handle) };
}

/**
 * The official-account door (服务号): WeChat checks the address with a signed GET, then posts each
 * follower's message as signed XML — in plain mode as it is, in 兼容模式 and 安全模式 encrypted with the
 * EncodingAESKey (OA_ENCODING_AES_KEY) and signed over the ciphertext (msg_signature). Messages go
 * through the same conversation as chat, the follower's openid standing for them; the answer is returned
 * in the response (被动回复, encrypted when the message was), all replies in one. WeChat waits five seconds
 * and then asks again: an answer not ready within OA_REPLY_WITHIN_MS is sent afterwards as a
 * customer-service message, and WeChat is told "success" in time.
 */
export function officialAccountDoor(ctx: AppContext, opts: DoorOptions = {}): Router<RequestState> {
  const router = new Router<RequestState>();
  const conversation = new Conversation(ctx);
  const oa = ctx.config.officialAccount;
  const aesKey = oa?.encodingAesKey ? aesKeyOf(oa.encodingAesKey) : undefined;
  const deadline = opts.deadline ?? (() => timer(oa?.replyWithinMs ?? 4000));
  const forbid = (koa: Koa.ParameterizedContext<RequestState>) => {
    koa.status = 403;
    koa.body = 'forbidden';
  };
  router.get('/wechat/oa', (koa) => {
    if (!oa || !signatureOk(oa.token, koa.query)) return forbid(koa);
    koa.type = 'text/plain';
    koa.body = typeof koa.query.echostr === 'string' ? koa.query.echostr : '';
  });
  router.post('/wechat/oa', async (koa) => {
    // WeChat's five seconds run from its request: the wait is counted from here.
    const wait = deadline();
    try {
      await receive(koa, wait.passed);
    } finally {
      wait.cancel();
    }
  });
  const receive = async (koa: Koa.ParameterizedContext<RequestState>, late: Promise<void>) => {
    const stamp = Number(koa.query.timestamp);
    const fresh = Number.isFinite(stamp) && Math.abs(ctx.clock.now().getTime() / 1000 - stamp) <= MAX_SKEW_S;
    const encrypted = koa.query.encrypt_type === 'aes';
    // With a key set the account is in 兼容模式 or 安全模式: a plain post is refused, and in 兼容模式 only the
    // ciphertext is read (the plain copy beside it is covered by no signature over the body). Without a key,
    // 兼容模式's plain copy is read as in plain mode, which is how an account is switched over.
    if (!oa || !fresh || (aesKey && !encrypted)) return forbid(koa);
    const raw = await readRawBody(koa, MAX_BODY_BYTES);
    let m: OaMessage | undefined;
    if (aesKey) {
      const envelope = parseXml(raw) as { Encrypt?: unknown } | undefined;
      const cipher = typeof envelope?.Encrypt === 'string' ? envelope.Encrypt : '';
      if (!cipher || !msgSignatureOk(oa.token, String(koa.query.timestamp), String(koa.query.nonce ?? ''), cipher, koa.query.msg_signature)) return forbid(koa);
      if (!(await takeNonce(ctx, koa.query.nonce, stamp))) return forbid(koa);
      const opened = decryptMessage(aesKey, cipher, oa.appId);
      // Signed with our token but not for this account, or not readable: nothing is done with it.
      if (!opened.ok) return forbid(koa);
      m = parseXml(opened.message) as OaMessage | undefined;
    } else {
      if (!signatureOk(oa.token, koa.query) || !(await takeNonce(ctx, koa.query.nonce, stamp))) return forbid(koa);
      m = parseXml(raw) as OaMessage | undefined;
    }
    // WeChat wants "success" for anything it should not retry; bad input changes nothing.
    koa.type = 'text/plain';
    koa.body = 'success';
    if (!m?.FromUserName || !m.ToUserName || typeof m.FromUserName !== 'string') {
      if (!aesKey && encrypted) ctx.logger.warn('official account sends only encrypted messages (安全模式) but OA_ENCODING_AES_KEY is not set');
      return;
    }
    if (m.MsgType === 'event' && m.Event === 'TEMPLATESENDJOBFINISH') {
      // The report of a template message: it settles a send whose answer was lost.
      const at = Number(m.CreateTime);
      await recordReports(ctx, [{ channel: 'official_account', address: m.FromUserName, ref: m.MsgID ? String(m.MsgID).slice(0, 64) : null, delivered: m.Status === 'success', code: m.Status === 'success' ? null : `wechat_${String(m.Status ?? '')}`.slice(0, 80), reportedAt: Number.isFinite(at) && at > 0 ? new Date(at * 1000) : ctx.clock.now() }]);
      return;
    }
    // WeChat retries a message it got no answer to in 5 seconds: each is answered once (an event, which has
    // no MsgId, by its sender and time, as WeChat advises).
    const once = m.MsgId ? `oa:msg:${String(m.MsgId)}` : `oa:event:${createHash('sha256').update(`${m.FromUserName}|${String(m.CreateTime ?? '')}|${String(m.Event ?? '')}`).digest('base64url')}`;
    if ((await ctx.redis.kv.set(once, '1', 'EX', 300, 'NX')) !== 'OK') return;
    const from = m.FromUserName;
    const to = m.ToUserName;
    const work = answer(ctx, conversation, m, from);
    const ready = await Promise.race([work.then((replies) => ({ replies })), late.then(() => undefined)]);
    if (!ready) {
      // Too slow for a passive reply: WeChat hears "success" now, the person gets the answer as a customer-service message.
      void work.then((replies) => sendLater(ctx, from, replies)).catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'official account answer failed after the deadline'));
      return;
    }
    if (!ready.replies.length) return;
    const reply = builder.build({
      xml: {
        ToUserName: { __cdata: from },
        FromUserName: { __cdata: to },
        CreateTime: Math.floor(ctx.clock.now().getTime() / 1000),
        MsgType: { __cdata: 'text' },
        // A CDATA section cannot hold its own end marker.
        Content: { __cdata: joined(ready.replies).replaceAll(']]>', ']] >') },
      },
    });
    koa.type = 'application/xml';
    if (!aesKey) {
      koa.body = reply;
      return;
    }
    const timestamp = String(Math.floor(ctx.clock.now().getTime() / 1000));
    const nonce = String(randomInt(1e9, 1e10));
    const sealed = encryptMessage(aesKey, reply, oa.appId);
    koa.body = builder.build({ xml: { Encrypt: { __cdata: sealed }, MsgSignature: { __cdata: msgSignature(oa.token, timestamp, nonce, sealed) }, TimeStamp: timestamp, Nonce: { __cdata: nonce } } });
  };
  return router;
}

function parseXml(raw: string | undefined): unknown {
  if (!raw) return undefined;
  try {
    return (parser.parse(raw) as { xml?: unknown }).xml ?? undefined;
  } catch {
    return undefined;
  }
}

/** Each signed call is taken once: a nonce seen within the window is a replay. */
async function takeNonce(ctx: AppContext, nonce: unknown, stamp: number): Promise<boolean> {
  return (await ctx.redis.kv.set(`oa:nonce:${String(nonce)}:${stamp}`, '1', 'EX', 2 * MAX_SKEW_S, 'NX')) === 'OK';
}

function joined(replies: string[]): string {
  return replies.join('\n\n');
}

/** The conversation's answer to one message, and the 48-hour window noted as open again. */
async function answer(ctx: AppContext, conversation: Conversation, m: OaMessage, from: string): Promise<string[]> {
  const t = translator(ctx.config.locale.default);
  let replies: string[] = [];
  const base = { senderId: from, door: 'oa_openid' as const };
  if (m.MsgType === 'event' && m.Event === 'subscribe') replies = [menu(t, false)];
  else if (m.MsgType === 'event' && m.Event === 'LOCATION') {
    // Reported, not said: noted for gigs nearby, and never answered (WeChat takes only "success" to it).
    const [lat, lng] = [Number(m.Latitude), Number(m.Longitude)];
    if (Number.isFinite(lat) && Number.isFinite(lng)) await conversation.noteWhereabouts(from, 'oa_openid', { lat, lng });
    return [];
  }
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
  await rememberInbound(ctx, from);
  return replies;
}

/** The late answer as one customer-service message; a refusal is logged by its code (never the text or the openid). */
async function sendLater(ctx: AppContext, openid: string, replies: string[]): Promise<void> {
  if (!replies.length) return;
  const sent = await sendCustomText(ctx, openid, joined(replies));
  if (!sent.ok) ctx.logger.warn({ code: sent.code }, 'official account late answer refused');
}
