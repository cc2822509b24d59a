import { eq } from 'drizzle-orm';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { z } from 'zod';
import type { AppContext } from '../context';
import { subscriptions, workers } from '../db/schema';
import { normalizePhone } from '../pii/phone';
import type { Channel } from './channels';

class SmsTransient extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmsTransient';
  }
}

/** Provider answers that will not change on a retry: the number, the template, the person's own limits. */
const PERMANENT = /^(InvalidParameterValue|InvalidParameter|UnsupportedOperation|FailedOperation\.(PhoneNumberInBlacklist|PhoneNumberOnBlacklist|ContainSensitiveWord|TemplateIncorrectOrUnapproved|SignatureIncorrectOrUnapproved|MissingTemplateToModify|JsonParseFail)|LimitExceeded\.(PhoneNumberDailyLimit|PhoneNumberOneHourLimit|PhoneNumberThirtySecondLimit|PhoneNumberSameContentDailyLimit|DailyLimit)|UnauthorizedOperation)/;

/** The gist of a message for the template's first parameter: one line, at most `max` characters. */
export function gist(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

function client(ctx: Pick<AppContext, 'config'>) {
  const c = ctx.config.sms!;
  const base = new URL(c.apiBase);
  return new sms.v20210111.Client({
    credential: { secretId: c.secretId, secretKey: c.secretKey },
    region: c.region,
    profile: { httpProfile: { endpoint: base.host, protocol: `${base.protocol}//`, reqTimeout: 10 } },
  });
}

/**
 * SMS (短信) through Tencent Cloud's SMS API with the approved template: the message's gist and where to
 * ask. For people without WeChat, and the last fallback. Someone who replied 回T退订 gets none; a number
 * the provider refuses is a permanent failure, a provider or network hiccup a retry.
 */
export function smsChannel(ctx: Pick<AppContext, 'db' | 'pii' | 'config'>): Channel {
  return {
    name: 'sms',
    async send(msg) {
      const c = ctx.config.sms!;
      const [w] = await ctx.db.select({ phoneEnc: workers.phoneEnc, optOut: subscriptions.smsOptOut }).from(workers).leftJoin(subscriptions, eq(subscriptions.workerId, workers.id)).where(eq(workers.id, msg.workerId));
      if (!w?.phoneEnc) return { ok: false, permanent: true, reason: 'no_phone' };
      if (w.optOut) return { ok: false, permanent: true, reason: 'sms_opt_out' };
      const phone = ctx.pii.decrypt(w.phoneEnc);
      if (!/^1[3-9]\d{9}$/.test(phone)) return { ok: false, permanent: true, reason: 'not_mobile' };
      let answer;
      try {
        answer = await client(ctx).SendSms({
          PhoneNumberSet: [`+86${phone}`],
          SmsSdkAppId: c.sdkAppId,
          SignName: c.signName,
          TemplateId: c.templateId,
          TemplateParamSet: [gist(msg.text, c.paramMax), c.contact],
          SessionContext: msg.deliveryId,
        });
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (PERMANENT.test(code)) return { ok: false, permanent: true, reason: `sms_${code}`.slice(0, 80) };
        throw new SmsTransient(`sms request failed: ${code || (err as Error).message}`.slice(0, 200));
      }
      const status = answer.SendStatusSet?.[0];
      if (status?.Code === 'Ok') return { ok: true };
      const code = status?.Code ?? 'no_status';
      if (PERMANENT.test(code)) return { ok: false, permanent: true, reason: `sms_${code}`.slice(0, 80) };
      throw new SmsTransient(`sms not accepted: ${code}`);
    },
  };
}

/** One reply as Tencent Cloud posts it to the reply callback (短信回复回调). */
const Reply = z.object({ mobile: z.string().max(20), nationcode: z.string().max(6).optional(), text: z.string().max(500), sign: z.string().max(50).optional(), time: z.number().optional(), extend: z.string().max(50).optional() }).passthrough();
export const InboundBody = z.union([Reply, z.array(Reply).max(1000)]);

/** 回T退订: a reply T, TD, N or 退订 stops text messages to everyone registered under that number. */
export async function inboundSms(ctx: Pick<AppContext, 'db' | 'pii' | 'clock' | 'logger'>, body: z.infer<typeof InboundBody>): Promise<{ result: 0; errmsg: 'OK'; optedOut: number }> {
  const replies = Array.isArray(body) ? body : [body];
  let optedOut = 0;
  for (const r of replies) {
    if (!/^\s*(t|td|n|退订|退定|取消)\s*$/i.test(r.text)) continue;
    const phone = normalizePhone(r.mobile);
    if (!phone) continue;
    const found = await ctx.db.select({ id: workers.id }).from(workers).where(eq(workers.phoneHash, ctx.pii.index('phone', phone)));
    if (!found.length) continue;
    const ids = found.map((f) => f.id);
    const now = ctx.clock.now();
    await ctx.db.insert(subscriptions).values(ids.map((workerId) => ({ workerId, smsOptOut: true, updatedAt: now }))).onConflictDoUpdate({ target: subscriptions.workerId, set: { smsOptOut: true, updatedAt: now } });
    optedOut += ids.length;
    ctx.logger.info({ workers: ids.length }, 'sms opt-out (回T退订)');
  }
  return { result: 0, errmsg: 'OK', optedOut };
}
