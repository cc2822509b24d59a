import { eq } from 'drizzle-orm';
import { aliyunSms, tencentSms } from '../shared/libraries';
import { z } from 'zod';
import type { AppContext } from '../context';
import { optOutStaffPhone, staffPhoneOf } from '../access';
import { subscriptions } from '../db/schema/outreach';
import { phoneOf, workersWithPhone } from '../registry';
import { normalizePhone } from '../pii/phone';
import { InDoubt, mayHaveArrived, type Channel } from './channels';
import { smsParams } from './render';

class SmsTransient extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmsTransient';
  }
}

/** Provider answers that will not change on a retry: the number, the template, the person's own limits. */
const PERMANENT = /^(InvalidParameterValue|InvalidParameter|UnsupportedOperation|FailedOperation\.(PhoneNumberInBlacklist|PhoneNumberOnBlacklist|ContainSensitiveWord|TemplateIncorrectOrUnapproved|SignatureIncorrectOrUnapproved|MissingTemplateToModify|JsonParseFail)|LimitExceeded\.(PhoneNumberDailyLimit|PhoneNumberOneHourLimit|PhoneNumberThirtySecondLimit|PhoneNumberSameContentDailyLimit|DailyLimit)|UnauthorizedOperation)/;

export { gist } from './render';

type Sms = NonNullable<AppContext['config']['sms']>;
/** What a provider answers for one text: sent, refused for good (with its code), or it throws to be retried. */
type Outcome = { ok: true; ref?: string } | { ok: false; code: string };

/** Alibaba Cloud's answers that will not change on a retry. */
const ALIYUN_PERMANENT = /^isv\.(MOBILE_NUMBER_ILLEGAL|MOBILE_COUNT_OVER_LIMIT|BLACK_KEY_CONTROL_LIMIT|BUSINESS_LIMIT_CONTROL|DAY_LIMIT_CONTROL|SMS_TEMPLATE_ILLEGAL|SMS_SIGNATURE_ILLEGAL|TEMPLATE_MISSING_PARAMETERS|INVALID_PARAMETERS|PARAM_LENGTH_LIMIT|DENY_IP_RANGE|SMS_CONTENT_ILLEGAL|SMS_SIGN_ILLEGAL)/;

/** Tencent Cloud SMS (SendSms, 2021-01-11) through its SDK: the template's parameters in order. */
async function sendTencent(c: Sms, phone: string, params: [string, string], deliveryId: string): Promise<Outcome> {
  const base = new URL(c.apiBase);
  const client = new (tencentSms().v20210111.Client)({ credential: { secretId: c.secretId, secretKey: c.secretKey }, region: c.region, profile: { httpProfile: { endpoint: base.host, protocol: `${base.protocol}//`, reqTimeout: Math.max(1, Math.round(c.timeoutMs / 1000)) } } });
  let answer;
  try {
    answer = await client.SendSms({ PhoneNumberSet: [`+86${phone}`], SmsSdkAppId: c.sdkAppId, SignName: c.signName, TemplateId: c.templateId, TemplateParamSet: params, SessionContext: deliveryId });
  } catch (err) {
    const e = err as { code?: string; requestId?: string; httpCode?: number };
    const code = e.code ?? '';
    if (PERMANENT.test(code)) return { ok: false, code };
    // An answer from the API (it has a request id) is definite; a lost or failed exchange may have been sent.
    if (!e.requestId && (e.httpCode || mayHaveArrived(err))) throw new InDoubt(`sms ${e.httpCode ? `HTTP ${e.httpCode}` : (err as Error).message}`.slice(0, 160));
    throw new SmsTransient(`sms request failed: ${code || (err as Error).message}`.slice(0, 200));
  }
  const status = answer.SendStatusSet?.[0];
  const code = status?.Code ?? 'no_status';
  if (code === 'Ok') return { ok: true, ...(status?.SerialNo ? { ref: status.SerialNo } : {}) };
  if (PERMANENT.test(code)) return { ok: false, code };
  throw new SmsTransient(`sms not accepted: ${code}`);
}

/** Alibaba Cloud SMS (SendSms, 2017-05-25) through its SDK: the template's variables ${gist} and ${contact}. */
async function sendAliyun(c: Sms, phone: string, params: [string, string], deliveryId: string): Promise<Outcome> {
  const base = new URL(c.apiBase);
  const { Client, Config, SendSmsRequest } = aliyunSms();
  const client = new Client(new Config({ accessKeyId: c.secretId, accessKeySecret: c.secretKey, endpoint: base.host, protocol: base.protocol.replace(':', ''), readTimeout: c.timeoutMs, connectTimeout: Math.min(5_000, c.timeoutMs) }));
  let answer;
  try {
    answer = await client.sendSms(new SendSmsRequest({ phoneNumbers: phone, signName: c.signName, templateCode: c.templateId, templateParam: JSON.stringify({ gist: params[0], contact: params[1] }), outId: deliveryId }));
  } catch (err) {
    const e = err as { code?: string; data?: { RequestId?: string; statusCode?: number } };
    const code = e.code ?? '';
    if (ALIYUN_PERMANENT.test(code)) return { ok: false, code };
    if (!e.data?.RequestId && mayHaveArrived(err)) throw new InDoubt(`sms ${(err as Error).message}`.slice(0, 160));
    throw new SmsTransient(`sms request failed: ${code || (err as Error).message}`.slice(0, 200));
  }
  const code = answer.body?.code ?? 'no_status';
  if (code === 'OK') return { ok: true, ...(answer.body?.bizId ? { ref: answer.body.bizId } : {}) };
  if (ALIYUN_PERMANENT.test(code)) return { ok: false, code };
  throw new SmsTransient(`sms not accepted: ${code}`);
}

/**
 * SMS (短信) through the provider chosen by SMS_PROVIDER (Tencent Cloud or Alibaba Cloud, each through its
 * own SDK) with the approved template: the message's gist and where to ask. For people without WeChat,
 * and the last fallback. Someone who replied 回T退订 gets none; a number the provider refuses is a
 * permanent failure, a provider or network hiccup a retry.
 */
/** A registered person's phone and their own 回T opt-out (kept with their subscription). */
async function personPhone(ctx: Pick<AppContext, 'db'>, workerId: string): Promise<{ phoneEnc: string | null; optOut: boolean | null }> {
  const phoneEnc = await phoneOf(ctx.db, workerId);
  if (!phoneEnc) return { phoneEnc: null, optOut: null };
  const [sub] = await ctx.db.select({ optOut: subscriptions.smsOptOut }).from(subscriptions).where(eq(subscriptions.workerId, workerId));
  return { phoneEnc, optOut: sub?.optOut ?? null };
}

export function smsChannel(ctx: Pick<AppContext, 'db' | 'pii' | 'config'>): Channel {
  return {
    name: 'sms',
    async send(msg) {
      const c = ctx.config.sms!;
      // A member of staff: the contact they set themselves, and their own opt-out.
      const w = msg.workerId === undefined ? await staffPhoneOf(ctx.db, msg.accountId) : await personPhone(ctx, msg.workerId);
      if (!w?.phoneEnc) return { ok: false, permanent: true, reason: 'no_phone' };
      if (w.optOut) return { ok: false, permanent: true, reason: 'sms_opt_out' };
      const phone = ctx.pii.decrypt(w.phoneEnc);
      if (!/^1[3-9]\d{9}$/.test(phone)) return { ok: false, permanent: true, reason: 'not_mobile' };
      const params = smsParams(msg.text, c);
      const outcome = await (c.provider === 'aliyun' ? sendAliyun : sendTencent)(c, phone, params, msg.deliveryId);
      return outcome.ok ? { ok: true, ...(outcome.ref ? { ref: outcome.ref } : {}) } : { ok: false, permanent: true, reason: `sms_${outcome.code}`.slice(0, 80) };
    },
  };
}

/** One reply as Tencent Cloud posts it to the reply callback (短信回复回调). */
const TencentReply = z.object({ mobile: z.string().max(20), nationcode: z.string().max(6).optional(), text: z.string().max(500), sign: z.string().max(50).optional(), time: z.number().optional(), extend: z.string().max(50).optional() }).passthrough();
/** One reply as Alibaba Cloud pushes it (上行短信 SmsUp). */
const AliyunReply = z.object({ phone_number: z.string().max(20), content: z.string().max(500), send_time: z.string().max(40).optional(), sign_name: z.string().max(50).optional(), dest_code: z.string().max(40).optional(), sequence_id: z.union([z.number(), z.string()]).optional() }).passthrough();
const Reply = z.union([TencentReply, AliyunReply]);
export const InboundBody = z.union([Reply, z.array(Reply).max(1000)]);

export async function inboundSms(ctx: Pick<AppContext, 'db' | 'pii' | 'clock' | 'logger'>, body: z.infer<typeof InboundBody>): Promise<{ result: 0; errmsg: 'OK'; code: 0; msg: 'OK'; optedOut: number }> {
  const replies = (Array.isArray(body) ? body : [body]).map((r) => {
    const x = r as { mobile?: string; text?: string; phone_number?: string; content?: string };
    return { mobile: x.mobile ?? x.phone_number ?? '', text: x.text ?? x.content ?? '' };
  });
  let optedOut = 0;
  for (const r of replies) {
    if (!/^\s*(t|td|n|退订|退定|取消)\s*$/i.test(r.text)) continue;
    const phone = normalizePhone(r.mobile);
    if (!phone) continue;
    const hash = ctx.pii.index('phone', phone);
    // A member of staff who replies 回T gets the inbox only from then on.
    const staff = await optOutStaffPhone(ctx.db, hash);
    optedOut += staff.length;
    if (staff.length) ctx.logger.info({ accounts: staff.length }, 'staff push opt-out (回T退订)');
    const ids = await workersWithPhone(ctx.db, hash);
    if (!ids.length) continue;
    const now = ctx.clock.now();
    await ctx.db.insert(subscriptions).values(ids.map((workerId) => ({ workerId, smsOptOut: true, updatedAt: now }))).onConflictDoUpdate({ target: subscriptions.workerId, set: { smsOptOut: true, updatedAt: now } });
    optedOut += ids.length;
    ctx.logger.info({ workers: ids.length }, 'sms opt-out (回T退订)');
  }
  // Each provider reads its own field of the answer: Tencent Cloud result/errmsg, Alibaba Cloud code/msg.
  return { result: 0, errmsg: 'OK', code: 0, msg: 'OK', optedOut };
}
