import { and, asc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import { aliyunSms, tencentSms } from '../shared/libraries';
import { z } from 'zod';
import type { AppContext } from '../context';
import { staffPhonesOf } from '../access';
import { deliveries } from '../db/schema/outreach';
import { phonesOf } from '../registry';
import { normalizePhone } from '../pii/phone';
import { recordReports, type ProviderReport } from './settle';

type Ctx = Pick<AppContext, 'db' | 'pii' | 'clock' | 'config' | 'logger' | 'noticePorts'>;
type Sms = NonNullable<AppContext['config']['sms']>;

/**
 * What a report says of a message that did not arrive, stored as the delivery's reason (the provider's own
 * code stays in its report). Staff read it as "the carrier reports it was not delivered".
 */
export const UNDELIVERED = 'undelivered';

/** One status as Tencent Cloud posts it to the status callback (短信下发状态通知). */
const TencentStatus = z
  .object({
    mobile: z.string().max(20),
    nationcode: z.string().max(6).optional(),
    report_status: z.enum(['SUCCESS', 'FAIL']),
    user_receive_time: z.string().max(40).optional(),
    errmsg: z.string().max(80).optional(),
    description: z.string().max(200).optional(),
    sid: z.string().max(80).optional(),
  })
  .passthrough();
/** One status as Alibaba Cloud pushes it (SmsReport, HTTP batch push). */
const AliyunStatus = z
  .object({
    phone_number: z.string().max(20),
    success: z.boolean(),
    report_time: z.string().max(40).optional(),
    send_time: z.string().max(40).optional(),
    err_code: z.string().max(80).optional(),
    err_msg: z.string().max(200).optional(),
    biz_id: z.string().max(80).optional(),
    out_id: z.string().max(80).optional(),
  })
  .passthrough();
const Status = z.union([TencentStatus, AliyunStatus]);
export const StatusBody = z.union([Status, z.array(Status).max(1000)]);

/** "2026-12-02 09:30:00" in Beijing time (both providers write it so), or now when absent or unreadable. */
function beijingTime(text: string | undefined, now: Date): Date {
  const m = text ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim()) : null;
  if (!m) return now;
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(at.getTime()) ? now : at;
}

function addressOf(ctx: Pick<AppContext, 'pii'>, mobile: string): string | null {
  const phone = normalizePhone(mobile.replace(/^\+?86/, ''));
  return phone ? ctx.pii.index('phone', phone) : null;
}

/**
 * Delivery reports posted by the SMS provider: each says whether the carrier handed the text to the phone.
 * A report names our delivery (Alibaba Cloud's out_id), or the provider's serial number, and the number; a
 * delivery in doubt is settled by it, and one already counted sent that the carrier could not deliver
 * becomes failed, so staff phone that person.
 */
export async function statusReports(ctx: Ctx, body: z.infer<typeof StatusBody>): Promise<{ result: 0; errmsg: 'OK'; code: 0; msg: 'OK'; settled: number }> {
  const now = ctx.clock.now();
  const reports: ProviderReport[] = (Array.isArray(body) ? body : [body]).map((item) => {
    if ('report_status' in item) {
      const s = item as z.infer<typeof TencentStatus>;
      const delivered = s.report_status === 'SUCCESS';
      return { channel: 'sms', address: addressOf(ctx, s.mobile), ref: s.sid ?? null, delivered, code: delivered ? null : UNDELIVERED, reportedAt: beijingTime(s.user_receive_time, now) };
    }
    const s = item;
    return { channel: 'sms', address: addressOf(ctx, s.phone_number), ref: s.out_id || s.biz_id || null, delivered: s.success, code: s.success ? null : UNDELIVERED, reportedAt: beijingTime(s.report_time, now) };
  });
  const settled = await recordReports(ctx, reports);
  return { result: 0, errmsg: 'OK', code: 0, msg: 'OK', settled };
}

/** Tencent Cloud: PullSmsSendStatus hands out each status once, up to 100 a call, until none are left. */
async function pullTencent(ctx: Ctx, c: Sms): Promise<ProviderReport[]> {
  const base = new URL(c.apiBase);
  const client = new (tencentSms().v20210111.Client)({ credential: { secretId: c.secretId, secretKey: c.secretKey }, region: c.region, profile: { httpProfile: { endpoint: base.host, protocol: `${base.protocol}//`, reqTimeout: Math.max(1, Math.round(c.timeoutMs / 1000)) } } });
  const out: ProviderReport[] = [];
  const now = ctx.clock.now();
  for (let round = 0; round < 20; round++) {
    const answer = await client.PullSmsSendStatus({ Limit: 100, SmsSdkAppId: c.sdkAppId });
    const set = answer.PullSmsSendStatusSet ?? [];
    for (const s of set) {
      if (s.ReportStatus !== 'SUCCESS' && s.ReportStatus !== 'FAIL') continue;
      const delivered = s.ReportStatus === 'SUCCESS';
      out.push({
        channel: 'sms',
        address: addressOf(ctx, s.SubscriberNumber ?? s.PhoneNumber ?? ''),
        // Our own id travels as the session context; the serial number matches a send whose answer came back.
        ref: s.SessionContext || s.SerialNo || null,
        delivered,
        code: delivered ? null : UNDELIVERED,
        reportedAt: s.UserReceiveTime ? new Date(s.UserReceiveTime * 1000) : now,
      });
    }
    if (set.length < 100) break;
  }
  return out;
}

/** Beijing's calendar day of an instant, as yyyyMMdd. */
const beijingDay = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * The oldest texts in doubt whose recipient still has a number (a registered person's, or the contact a member
 * of staff set), at most `limit`: deliveries read in pages, the numbers of each page looked up in two queries.
 */
async function textsInDoubt(ctx: Ctx, limit: number) {
  const out: Array<{ id: string; ref: string | null; since: Date | null; updatedAt: Date; phoneEnc: string }> = [];
  let after: { since: Date | null; id: string } | undefined;
  for (;;) {
    const page = await ctx.db
      .select({ id: deliveries.id, ref: deliveries.providerRef, since: deliveries.doubtSince, updatedAt: deliveries.updatedAt, workerId: deliveries.workerId, accountId: deliveries.accountId })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.channel, 'sms'),
          eq(deliveries.status, 'unknown'),
          after === undefined
            ? undefined
            : after.since === null
              ? and(sql`${deliveries.doubtSince} is null`, gt(deliveries.id, after.id))
              : or(gt(deliveries.doubtSince, after.since), and(eq(deliveries.doubtSince, after.since), gt(deliveries.id, after.id)), sql`${deliveries.doubtSince} is null`),
        ),
      )
      .orderBy(sql`${deliveries.doubtSince} asc nulls last`, asc(deliveries.id))
      .limit(limit * 4);
    const [people, staff] = await Promise.all([
      phonesOf(ctx.db, page.flatMap((d) => (d.workerId ? [d.workerId] : []))),
      staffPhonesOf(ctx.db, page.flatMap((d) => (d.accountId ? [d.accountId] : []))),
    ]);
    for (const d of page) {
      const phoneEnc = (d.workerId ? people.get(d.workerId) : undefined) ?? (d.accountId ? staff.get(d.accountId) : undefined);
      if (phoneEnc) out.push({ id: d.id, ref: d.ref, since: d.since, updatedAt: d.updatedAt, phoneEnc });
      if (out.length === limit) return out;
    }
    if (page.length < limit * 4) return out;
    const last = page[page.length - 1]!;
    after = { since: last.since, id: last.id };
  }
}

/**
 * Alibaba Cloud: QuerySendDetails for each text in doubt (by number and day; our delivery id comes back
 * as OutId). Status 1 is still waiting for the carrier and is asked again on the next pass.
 */
async function pullAliyun(ctx: Ctx, c: Sms): Promise<ProviderReport[]> {
  const doubt = await textsInDoubt(ctx, 50);
  if (!doubt.length) return [];
  const base = new URL(c.apiBase);
  const { Client, Config, QuerySendDetailsRequest } = aliyunSms();
  const client = new Client(new Config({ accessKeyId: c.secretId, accessKeySecret: c.secretKey, endpoint: base.host, protocol: base.protocol.replace(':', ''), readTimeout: c.timeoutMs, connectTimeout: Math.min(5_000, c.timeoutMs) }));
  const out: ProviderReport[] = [];
  for (const d of doubt) {
    const phone = ctx.pii.decrypt(d.phoneEnc);
    const answer = await client.querySendDetails(new QuerySendDetailsRequest({ phoneNumber: phone, sendDate: beijingDay(d.since ?? d.updatedAt), pageSize: 50, currentPage: 1, ...(d.ref ? { bizId: d.ref } : {}) }));
    const found = (answer.body?.smsSendDetailDTOs?.smsSendDetailDTO ?? []).find((x) => x.outId === d.id);
    if (!found || (found.sendStatus !== 2 && found.sendStatus !== 3)) continue;
    const delivered = found.sendStatus === 3;
    out.push({ channel: 'sms', address: ctx.pii.index('phone', phone), ref: d.id, delivered, code: delivered ? null : UNDELIVERED, reportedAt: beijingTime(found.receiveDate, ctx.clock.now()) });
  }
  return out;
}

/**
 * Asks the SMS provider for delivery reports (for deployments the provider cannot call back), and settles
 * what they answer. Run by the settling job; a provider that cannot be reached is asked again next time.
 */
export async function pullSmsReports(ctx: Ctx): Promise<{ pulled: number; settled: number }> {
  const c = ctx.config.sms;
  if (!c?.statusPull) return { pulled: 0, settled: 0 };
  // Nothing to ask Alibaba Cloud about while no text is in doubt; Tencent Cloud's pull also turns up
  // texts counted sent that the carrier could not deliver, so it is asked every time.
  if (c.provider === 'aliyun') {
    const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(deliveries).where(and(eq(deliveries.channel, 'sms'), inArray(deliveries.status, ['unknown'])));
    if (!row?.n) return { pulled: 0, settled: 0 };
  }
  let reports: ProviderReport[];
  try {
    reports = c.provider === 'aliyun' ? await pullAliyun(ctx, c) : await pullTencent(ctx, c);
  } catch (err) {
    ctx.logger.warn({ provider: c.provider, err: (err as Error).message }, 'could not pull SMS delivery reports');
    return { pulled: 0, settled: 0 };
  }
  return { pulled: reports.length, settled: await recordReports(ctx, reports) };
}
