import { and, eq, gt, sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import { identities, subscribeConsents } from '../db/schema/outreach';
import { InDoubt, postJson, type Channel, type SendResult } from './channels';
import { cardLine } from './render';

const TOKEN_KEY = 'wechat:access_token';

/** Errors WeChat answers when the access token is no longer good: fetch a new one and retry. */
export const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

export class WechatTransient extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatTransient';
  }
}

/** A WeChat app (the mini-program, the official account): where its API is, its credentials, where its token is cached. */
export interface WechatApp {
  apiBase: string;
  appId: string;
  appSecret: string;
  cacheKey: string;
}

/**
 * An app's access token, fetched from WeChat and cached in Redis until shortly before it expires, so all
 * processes share one (WeChat limits how often it may be fetched).
 */
export async function appAccessToken(ctx: Pick<AppContext, 'redis'>, app: WechatApp, fresh = false): Promise<string> {
  if (!fresh) {
    const cached = await ctx.redis.kv.get(app.cacheKey);
    if (cached) return cached;
  }
  const url = new URL('/cgi-bin/token', app.apiBase);
  url.searchParams.set('grant_type', 'client_credential');
  url.searchParams.set('appid', app.appId);
  url.searchParams.set('secret', app.appSecret);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; errcode?: number };
  if (!res.ok || !body.access_token) throw new WechatTransient(`token request failed: ${res.status} ${body.errcode ?? ''}`);
  await ctx.redis.kv.set(app.cacheKey, body.access_token, 'EX', Math.max(60, (body.expires_in ?? 7200) - 300));
  return body.access_token;
}

/** The mini-program's access token. */
export async function accessToken(ctx: Pick<AppContext, 'redis' | 'config'>, fresh = false): Promise<string> {
  const wx = ctx.config.wechat!;
  return appAccessToken(ctx, { apiBase: wx.apiBase, appId: wx.appId, appSecret: wx.appSecret, cacheKey: TOKEN_KEY }, fresh);
}

/**
 * Mini-program subscribe messages (订阅消息) through WeChat's HTTP API, to the person's openid. A person
 * who has not (or no longer) agreed to the template is a permanent failure, so the fallback is tried.
 */
export function miniProgramChannel(ctx: Pick<AppContext, 'db' | 'redis' | 'config'>): Channel {
  return {
    name: 'mini_program',
    async send(msg) {
      const wx = ctx.config.wechat!;
      if (!msg.workerId) return { ok: false, permanent: true, reason: 'not_bound' };
      const [bound] = await ctx.db
        .select({ value: identities.value })
        .from(identities)
        .where(and(eq(identities.workerId, msg.workerId), eq(identities.kind, 'mp_openid')))
        .limit(1);
      if (!bound) return { ok: false, permanent: true, reason: 'not_bound' };
      // Each message spends one of the person's one-time consents to the template (一次性订阅消息).
      const [spent] = await ctx.db
        .update(subscribeConsents)
        .set({ remaining: sql`${subscribeConsents.remaining} - 1`, updatedAt: new Date() })
        .where(and(eq(subscribeConsents.workerId, msg.workerId), eq(subscribeConsents.templateId, wx.templateId ?? ''), gt(subscribeConsents.remaining, 0)))
        .returning({ remaining: subscribeConsents.remaining });
      if (!spent) return { ok: false, permanent: true, reason: 'no_consent_left' };
      const giveBack = () =>
        ctx.db
          .update(subscribeConsents)
          .set({ remaining: sql`${subscribeConsents.remaining} + 1` })
          .where(and(eq(subscribeConsents.workerId, msg.workerId), eq(subscribeConsents.templateId, wx.templateId ?? '')));
      try {
        return await sendOnce(msg, bound.value);
      } catch (err) {
        // It may have reached WeChat: the consent stays spent. Otherwise it is given back for the retry.
        if (!(err instanceof InDoubt)) await giveBack();
        throw err;
      }
    },
  };

  async function sendOnce(msg: { deliveryId: string; text: string }, openid: string): Promise<SendResult> {
    const wx = ctx.config.wechat!;
    for (const fresh of [false, true]) {
      const url = new URL('/cgi-bin/message/subscribe/send', wx.apiBase);
      url.searchParams.set('access_token', await accessToken(ctx, fresh));
      // A subscribe message's "thing" field holds at most 20 characters; the page shows the rest.
      const body = await postJson<{ errcode?: number; errmsg?: string; msgid?: number | string }>(
        url,
        { touser: openid, template_id: wx.templateId, page: `pages/messages/index?delivery=${msg.deliveryId}`, data: { thing1: { value: cardLine(msg.text) } } },
        ctx.config.delivery.providerTimeoutMs,
      );
      if (!body.errcode) return { ok: true, ...(body.msgid !== undefined ? { ref: String(body.msgid) } : {}) };
      if (TOKEN_ERRORS.has(body.errcode)) {
        await ctx.redis.kv.del(TOKEN_KEY);
        continue;
      }
      if (body.errcode === 43101) return { ok: false, permanent: true, reason: 'no_consent' };
      // WeChat answered that it did not take it: a retry is safe.
      if (body.errcode === -1) throw new WechatTransient('wechat busy');
      return { ok: false, permanent: true, reason: `wechat_${body.errcode}` };
    }
    throw new WechatTransient('token refused twice');
  }
}
