import Router from '@koa/router';
import { createHash, timingSafeEqual } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { AppContext } from '../context';
import type { RequestState } from '../http/state';
import { recordReports, type ProviderReport } from './settle';


/** A field of WeChat's push as text: its string or number, or empty for anything else. */
const scalar = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? String(v) : '');
/** How far a call's timestamp may be from now; older calls are refused. */
export const MAX_SKEW_S = 300;
const MAX_BODY_BYTES = 256 * 1024;

/** WeChat signs each push with the token set in its console: sha1 of the sorted token, timestamp and nonce. */
export function signatureOk(token: string, q: Record<string, unknown>): boolean {
  const [signature, timestamp, nonce] = [q.signature, q.timestamp, q.nonce].map((v) => (typeof v === 'string' ? v : ''));
  if (!signature || !timestamp || !nonce) return false;
  const expected = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

/** A signed push that is fresh and not seen before (a nonce is taken once within the window). */
export async function freshSignedCall(ctx: Pick<AppContext, 'clock' | 'redis'>, token: string, q: Record<string, unknown>, door: string): Promise<boolean> {
  const stamp = Number(q.timestamp);
  if (!Number.isFinite(stamp) || Math.abs(ctx.clock.now().getTime() / 1000 - stamp) > MAX_SKEW_S || !signatureOk(token, q)) return false;
  return (await ctx.redis.kv.set(`${door}:nonce:${String(q.nonce)}:${stamp}`, '1', 'EX', 2 * MAX_SKEW_S, 'NX')) === 'OK';
}

export function readRawBody(koa: { req: NodeJS.ReadableStream }, max = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    koa.req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) resolve(undefined);
      else chunks.push(c);
    });
    koa.req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    koa.req.on('error', reject);
  });
}

const parser = new XMLParser({ processEntities: false, parseTagValue: false, trimValues: true });

interface SentEvent {
  FromUserName?: unknown;
  CreateTime?: unknown;
  MsgType?: unknown;
  Event?: unknown;
  SubscribeMsgSentEvent?: { List?: unknown };
}

/**
 * subscribe_msg_sent_event (发送订阅消息结果推送): one entry per message WeChat was handed, with its
 * MsgID and ErrorCode (0 delivered). JSON or XML, as set for the message push.
 */
export function sentEventReports(e: SentEvent): ProviderReport[] {
  if (e.MsgType !== 'event' || e.Event !== 'subscribe_msg_sent_event' || typeof e.FromUserName !== 'string') return [];
  const list = e.SubscribeMsgSentEvent?.List;
  const items = (Array.isArray(list) ? list : list ? [list] : []) as Array<{ MsgID?: unknown; ErrorCode?: unknown; ErrorStatus?: unknown }>;
  const at = Number(e.CreateTime);
  return items.map((i) => ({
    channel: 'mini_program' as const,
    address: e.FromUserName as string,
    ref: i.MsgID === undefined ? null : scalar(i.MsgID).slice(0, 64),
    delivered: scalar(i.ErrorCode) === '0',
    code: scalar(i.ErrorCode) === '0' ? null : `wechat_${scalar(i.ErrorCode)}${i.ErrorStatus ? ` ${scalar(i.ErrorStatus)}` : ''}`.slice(0, 80),
    reportedAt: Number.isFinite(at) && at > 0 ? new Date(at * 1000) : new Date(),
  }));
}

/**
 * The mini-program's message push (消息推送), set up with WECHAT_PUSH_TOKEN: WeChat checks the address
 * with a signed GET, then posts events signed the same way. It carries the report of each subscribe
 * message, which settles a delivery whose answer was lost.
 */
export function miniProgramPushDoor(ctx: AppContext): Router<RequestState> {
  const router = new Router<RequestState>();
  const token = ctx.config.wechat?.pushToken;
  router.get('/wechat/mp/events', (koa) => {
    if (!token || !signatureOk(token, koa.query)) {
      koa.status = 403;
      koa.body = 'forbidden';
      return;
    }
    koa.type = 'text/plain';
    koa.body = typeof koa.query.echostr === 'string' ? koa.query.echostr : '';
  });
  router.post('/wechat/mp/events', async (koa) => {
    if (!token || !(await freshSignedCall(ctx, token, koa.query, 'mp'))) {
      koa.status = 403;
      koa.body = 'forbidden';
      return;
    }
    const parsed = (koa.request as { body?: unknown }).body;
    let event: SentEvent | undefined;
    if (parsed && typeof parsed === 'object' && Object.keys(parsed).length) event = parsed;
    else {
      try {
        const raw = await readRawBody(koa);
        event = raw ? ((parser.parse(raw) as { xml?: SentEvent }).xml ?? undefined) : undefined;
      } catch {
        event = undefined;
      }
    }
    const reports = event ? sentEventReports(event) : [];
    // A database that does not answer makes WeChat push again later: nothing is lost.
    if (reports.length) await recordReports(ctx, reports);
    koa.type = 'text/plain';
    koa.body = 'success';
  });
  return router;
}
