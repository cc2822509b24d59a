import type { AppContext } from '../context';
import { accessToken } from '../outreach';
import { Unavailable, ValidationFailed } from '../shared/errors';

type Ctx = Pick<AppContext, 'config' | 'redis'>;

function wechat(ctx: Pick<AppContext, 'config'>) {
  const wx = ctx.config.wechat;
  if (!wx) throw new Unavailable('mini-program not configured', [{ path: 'config', message: 'errors:detail.me.not_configured' }]);
  return wx;
}

/** WeChat errors that mean the code from wx.login (or the phone button) is wrong, used or expired. */
const BAD_CODE = new Set([40029, 40163, 40226, 45011, 40013]);

/**
 * code2Session: the code from `wx.login` becomes the person's openid (and unionid when the mini-program
 * belongs to an open-platform account). The session key is not kept: this service never decrypts data.
 */
export async function code2Session(ctx: Pick<AppContext, 'config'>, code: string): Promise<{ openid: string; unionid: string | null }> {
  const wx = wechat(ctx);
  const url = new URL('/sns/jscode2session', wx.apiBase);
  url.searchParams.set('appid', wx.appId);
  url.searchParams.set('secret', wx.appSecret);
  url.searchParams.set('js_code', code);
  url.searchParams.set('grant_type', 'authorization_code');
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  const body = (await res?.json().catch(() => undefined)) as { openid?: string; unionid?: string; errcode?: number } | undefined;
  if (body?.openid && !body.errcode) return { openid: body.openid, unionid: body.unionid ?? null };
  if (body?.errcode && BAD_CODE.has(body.errcode)) throw new ValidationFailed('bad code', [{ path: 'body.code', message: 'errors:detail.me.bad_code' }]);
  throw new Unavailable('wechat login failed', [{ path: 'wechat', message: 'errors:detail.me.wechat_unavailable' }]);
}

/** The phone number the person chose with the mini-program's phone button (getuserphonenumber). */
export async function phoneNumber(ctx: Ctx, code: string): Promise<string> {
  const wx = wechat(ctx);
  for (const fresh of [false, true]) {
    const url = new URL('/wxa/business/getuserphonenumber', wx.apiBase);
    url.searchParams.set('access_token', await accessToken(ctx, fresh));
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }), signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as { errcode?: number; phone_info?: { purePhoneNumber?: string; countryCode?: string } } | undefined;
    if (body && !body.errcode && body.phone_info?.purePhoneNumber) return body.phone_info.purePhoneNumber;
    if (body?.errcode === 40001 || body?.errcode === 42001) {
      await ctx.redis.kv.del('wechat:access_token');
      continue;
    }
    if (body?.errcode && BAD_CODE.has(body.errcode)) throw new ValidationFailed('bad code', [{ path: 'body.code', message: 'errors:detail.me.bad_code' }]);
    break;
  }
  throw new Unavailable('wechat phone failed', [{ path: 'wechat', message: 'errors:detail.me.wechat_unavailable' }]);
}
