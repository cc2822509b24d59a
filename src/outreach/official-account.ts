import { and, desc, eq } from 'drizzle-orm';
import type { AppContext } from '../context';
import { identities } from '../db/schema/outreach';
import { postJson, type Channel, type SendResult } from './channels';
import { appAccessToken, TOKEN_ERRORS, WechatTransient, type WechatApp } from './mini-program';
import { gist } from './sms';

/** An official account may write freely to a person for 48 hours after the person's last message (客服消息). */
export const FREE_REPLY_HOURS = 48;

const OUT_OF_WINDOW = 45015;

function app(ctx: Pick<AppContext, 'config'>): WechatApp {
  const oa = ctx.config.officialAccount!;
  return { apiBase: oa.apiBase, appId: oa.appId, appSecret: oa.appSecret, cacheKey: 'wechat:oa:access_token' };
}

/** Posts to the official account's API with its token, fetching a new token once when WeChat says it expired. */
async function call(ctx: Pick<AppContext, 'redis' | 'config'>, path: string, body: object): Promise<{ errcode?: number; errmsg?: string; msgid?: number | string }> {
  for (const fresh of [false, true]) {
    const url = new URL(path, ctx.config.officialAccount!.apiBase);
    url.searchParams.set('access_token', await appAccessToken(ctx, app(ctx), fresh));
    // Failing after the request was written throws InDoubt: the message is not sent a second time.
    const answer = await postJson<{ errcode?: number; errmsg?: string; msgid?: number | string }>(url, body, ctx.config.delivery.providerTimeoutMs);
    if (answer.errcode && TOKEN_ERRORS.has(answer.errcode)) {
      await ctx.redis.kv.del(app(ctx).cacheKey);
      continue;
    }
    if (answer.errcode === -1) throw new WechatTransient('wechat busy');
    return answer;
  }
  throw new WechatTransient('token refused twice');
}

/**
 * The official account (服务号) as a channel. Within 48 hours of the person's last message the text goes
 * as a customer-service message; outside it only an approved template message may be sent, so the gist
 * goes in the template (OA_TEMPLATE_ID; a reply opens the window again for the rest); with no template
 * set, the delivery moves on to the next channel.
 */
export function officialAccountChannel(ctx: Pick<AppContext, 'db' | 'redis' | 'config' | 'clock'>): Channel {
  return {
    name: 'official_account',
    async send(msg): Promise<SendResult> {
      const oa = ctx.config.officialAccount!;
      if (!msg.workerId) return { ok: false, permanent: true, reason: 'not_bound' };
      const [bound] = await ctx.db
        .select({ openid: identities.value, lastInboundAt: identities.lastInboundAt })
        .from(identities)
        .where(and(eq(identities.workerId, msg.workerId), eq(identities.kind, 'oa_openid')))
        .orderBy(desc(identities.lastInboundAt))
        .limit(1);
      if (!bound) return { ok: false, permanent: true, reason: 'not_bound' };
      const inWindow = bound.lastInboundAt !== null && ctx.clock.now().getTime() - bound.lastInboundAt.getTime() < FREE_REPLY_HOURS * 3600_000;
      if (inWindow) {
        const answer = await call(ctx, '/cgi-bin/message/custom/send', { touser: bound.openid, msgtype: 'text', text: { content: msg.text } });
        if (!answer.errcode) return { ok: true };
        if (answer.errcode !== OUT_OF_WINDOW) return { ok: false, permanent: true, reason: `wechat_${answer.errcode}` };
        // WeChat counts the window differently than we do: the template is the way.
      }
      if (!oa.templateId) return { ok: false, permanent: true, reason: 'outside_window_no_template' };
      const answer = await call(ctx, '/cgi-bin/message/template/send', {
        touser: bound.openid,
        template_id: oa.templateId,
        // A template field of the thing kind holds at most 20 characters.
        data: { [oa.templateField]: { value: gist(msg.text, 20) } },
      });
      // The msgid comes back in TEMPLATESENDJOBFINISH, which settles a send whose answer was lost.
      if (!answer.errcode) return { ok: true, ...(answer.msgid !== undefined ? { ref: String(answer.msgid) } : {}) };
      return { ok: false, permanent: true, reason: `wechat_template_${answer.errcode}` };
    },
  };
}

/**
 * A customer-service text message to a follower who has just written (the answer that was not ready within
 * WeChat's five seconds). False when WeChat refused it; its code is returned for the log, never the text.
 */
export async function sendCustomText(ctx: Pick<AppContext, 'redis' | 'config'>, openid: string, content: string): Promise<{ ok: true } | { ok: false; code: number }> {
  const answer = await call(ctx, '/cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content } });
  return answer.errcode ? { ok: false, code: answer.errcode } : { ok: true };
}

/** Notes that a person wrote through the official account: the 48-hour window opens again. */
export async function rememberInbound(ctx: Pick<AppContext, 'db' | 'clock'>, openid: string): Promise<void> {
  await ctx.db.update(identities).set({ lastInboundAt: ctx.clock.now() }).where(and(eq(identities.kind, 'oa_openid'), eq(identities.value, openid)));
}
