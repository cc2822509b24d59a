import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { deliveries, providerReports } from '../db/schema/outreach';
import { notify } from '../notices';
import { staffAccounts } from '../access';
import { people } from '../registry';
import type { ChannelName } from './schemas';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'logger' | 'noticePorts'>;

/** One report from a provider of a message it was handed. */
export interface ProviderReport {
  channel: ChannelName;
  /** The recipient as the provider names them: an openid, or the keyed hash of a phone number. */
  address?: string | null;
  /** The provider's message id (msgid, serial number, BizId) or ours (SMS SessionContext / OutId). */
  ref?: string | null;
  delivered: boolean;
  code?: string | null;
  reportedAt: Date;
}

/** Reports are kept, then matched; a report may arrive before the delivery is known to be in doubt. */
export async function recordReports(ctx: Ctx, reports: ProviderReport[]): Promise<number> {
  if (!reports.length) return 0;
  const rows = await ctx.db
    .insert(providerReports)
    .values(reports.map((r) => ({ channel: r.channel, address: r.address ?? null, ref: r.ref ?? null, delivered: r.delivered, code: r.code?.slice(0, 80) ?? null, reportedAt: r.reportedAt, createdAt: ctx.clock.now() })))
    .returning({ id: providerReports.id });
  // Only these reports are matched now (a report arrives with every message sent); the settling job
  // matches whatever is left, such as a report that came before its delivery was known to be in doubt.
  return (await settleByReports(ctx, rows.map((r) => r.id))).settled;
}

/**
 * Matches reports to deliveries. First by the provider's id or ours (a report of a message whose answer
 * came back is used up, and one saying it never reached the phone turns that `sent` into `failed`); then an `unknown` delivery takes the earliest unused report for the same
 * recipient on the same channel from around the time it was sent.
 */
export async function settleByReports(ctx: Pick<AppContext, 'db' | 'clock'>, only?: string[]): Promise<{ settled: number }> {
  let settled = 0;
  // Each pass pairs each report and each delivery at most once; repeat while pairs are found.
  for (let pass = 0; pass < 50; pass++) {
    const n = await matchOnce(ctx, only);
    settled += n;
    if (!n) break;
  }
  return { settled };
}

async function matchOnce(ctx: Pick<AppContext, 'db' | 'clock'>, only?: string[]): Promise<number> {
  const now = ctx.clock.now();
  // By id: the delivery (whatever its state) uses the report up; an unknown one is settled by it.
  const byRef = rowsOf<{ id: string }>(
    await ctx.db.execute(sql`
      with open as (
        select r.id, r.channel, r.ref, r.delivered, r.code from provider_reports r
        where r.delivery_id is null and r.ref is not null ${only ? sql`and r.id = any(${`{${only.join(',')}}`}::uuid[])` : sql``}
      ),
      found as (
        -- The provider's message id, or ours (a delivery id) where the provider hands it back.
        select o.id as report_id, d.id as delivery_id, d.created_at, o.delivered, o.code from open o
        join deliveries d on d.channel = o.channel and d.provider_ref = o.ref
        union all
        select o.id, d.id, d.created_at, o.delivered, o.code from open o
        join deliveries d on d.channel = o.channel and d.id = (case when o.ref ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then o.ref::uuid end)
      ),
      m as (
        select distinct on (report_id) report_id, delivery_id, delivered, code from found order by report_id, created_at
      ),
      used as (update provider_reports r set delivery_id = m.delivery_id from m where r.id = m.report_id returning r.id)
      update deliveries d set status = case when m.delivered then 'sent' else 'failed' end::delivery_status,
        reason = case when m.delivered then null else coalesce(m.code, 'provider') end,
        sent_at = case when m.delivered then ${now.toISOString()}::timestamptz else d.sent_at end, doubt_since = null, updated_at = ${now.toISOString()}::timestamptz
      from m where d.id = m.delivery_id and (d.status = 'unknown' or (d.status = 'sent' and not m.delivered))
      returning d.id`),
  );
  // By recipient: the unknown deliveries, oldest first, each with the earliest unused report sent to
  // the same person on its channel no earlier than a few minutes before it was claimed.
  const byAddress = rowsOf<{ id: string }>(
    await ctx.db.execute(sql`
      with doubt as (
        select d.id, d.channel, d.updated_at, d.doubt_since,
          case d.channel
            when 'mini_program' then (select i.value from identities i where i.worker_id = d.worker_id and i.kind = 'mp_openid' limit 1)
            when 'official_account' then (select i.value from identities i where i.worker_id = d.worker_id and i.kind = 'oa_openid' order by i.last_inbound_at desc nulls last limit 1)
            when 'sms' then coalesce((select people.phone_hash from ${people} where people.id = d.worker_id), (select staff_accounts.contact_phone_hash from ${staffAccounts} where staff_accounts.id = d.account_id))
          end as address
        from deliveries d where d.status = 'unknown' and d.doubt_since is not null and d.channel in ('mini_program', 'official_account', 'sms')
        order by d.doubt_since limit 2000
      ),
      pairs as (
        select doubt.id as delivery_id, r.id as report_id, r.delivered, r.code,
          row_number() over (partition by doubt.id order by r.reported_at, r.id) as nth_report,
          row_number() over (partition by r.id order by doubt.doubt_since, doubt.id) as nth_delivery
        from doubt join provider_reports r on r.channel = doubt.channel and r.address = doubt.address and r.delivery_id is null ${only ? sql`and r.id = any(${`{${only.join(',')}}`}::uuid[])` : sql``}
          and r.reported_at >= coalesce(doubt.doubt_since, doubt.updated_at) - interval '10 minutes'
      ),
      m as (select * from pairs where nth_report = 1 and nth_delivery = 1),
      used as (update provider_reports r set delivery_id = m.delivery_id from m where r.id = m.report_id returning r.id)
      update deliveries d set status = case when m.delivered then 'sent' else 'failed' end::delivery_status,
        reason = case when m.delivered then null else coalesce(m.code, 'provider') end,
        sent_at = case when m.delivered then ${now.toISOString()}::timestamptz else d.sent_at end, doubt_since = null, updated_at = ${now.toISOString()}::timestamptz
      from m where d.id = m.delivery_id and d.status = 'unknown'
      returning d.id`),
  );
  return byRef.length + byAddress.length;
}

/**
 * What an outcome in doubt becomes when no report came within DELIVERY_SETTLE_MINUTES: sent (assumed),
 * or failed and on the call list. Never sent again.
 * - mini-program with its message push set up: WeChat reports every send, so none means not received;
 *   without the push: assumed sent.
 * - SMS and the official account: assumed sent (their reports settle it sooner where set up).
 * - WeChat chat: the bot asked its own record at the time; what it could not confirm is not confirmed.
 * - the log channel (development): sent.
 */
export function ruleFor(ctx: Pick<AppContext, 'config'>, channel: ChannelName): 'sent' | 'failed' {
  if (channel === 'mini_program') return ctx.config.wechat?.pushToken ? 'failed' : 'sent';
  if (channel === 'chat') return 'failed';
  return 'sent';
}

/** The settling job (every minute): reports first, then the channel's rule for what waited long enough. */
export async function settleDeliveries(ctx: Ctx): Promise<{ byReport: number; byRule: number }> {
  const { settled } = await settleByReports(ctx);
  const now = ctx.clock.now();
  const before = new Date(now.getTime() - ctx.config.delivery.settleMinutes * 60_000);
  const due = await ctx.db
    .select({ id: deliveries.id, channel: deliveries.channel, broadcastId: deliveries.broadcastId, staff: sql<boolean>`${deliveries.accountId} is not null`, regionCode: sql<string>`coalesce((select b.region_code from broadcasts b where b.id = ${deliveries.broadcastId}), (select people.region_code from ${people} where people.id = ${deliveries.workerId}), (select staff_accounts.region_code from ${staffAccounts} where staff_accounts.id = ${deliveries.accountId}))` })
    .from(deliveries)
    .where(and(eq(deliveries.status, 'unknown'), lt(deliveries.doubtSince, before)))
    .limit(5000);
  const groups = new Map<string, { ids: string[]; channel: ChannelName; regionCode: string; outcome: 'sent' | 'failed'; staff: boolean }>();
  for (const d of due) {
    const outcome = ruleFor(ctx, d.channel);
    const staff = Boolean(d.staff);
    const key = `${d.channel}:${d.regionCode.slice(0, 6)}:${outcome}:${staff}`;
    const g = groups.get(key) ?? { ids: [], channel: d.channel, regionCode: d.regionCode.slice(0, 6), outcome, staff };
    g.ids.push(d.id);
    groups.set(key, g);
  }
  let byRule = 0;
  for (const g of groups.values()) {
    const done = await ctx.db
      .update(deliveries)
      .set({ status: g.outcome, reason: g.outcome === 'sent' ? 'assumed_sent' : g.channel === 'chat' ? 'unconfirmed' : 'no_report', doubtSince: null, updatedAt: now, ...(g.outcome === 'sent' ? { sentAt: now } : {}) })
      .where(and(inArray(deliveries.id, g.ids), eq(deliveries.status, 'unknown')))
      .returning({ id: deliveries.id });
    byRule += done.length;
    if (!done.length || g.channel === 'log') continue;
    // An urgent notice pushed to staff and taken as sent needs nothing more: it stays in their inbox, and
    // sending it again could bring it twice. One that may not have arrived is said in staff's own words
    // (no one to phone among the people the service helps; the notice waits in the holder's inbox).
    if (g.staff && g.outcome === 'sent') continue;
    // Staff are told, so they can phone whoever it matters for.
    await notify(ctx, now, {
      kind: g.staff ? 'staff_pushes_unconfirmed' : g.outcome === 'sent' ? 'deliveries_assumed' : 'deliveries_unconfirmed',
      regionCode: g.regionCode,
      reach: 'region_and_above',
      audience: 'staff',
      params: { count: done.length, channel: g.channel },
      dedupeKey: `settle:${g.channel}:${g.regionCode}:${g.outcome}:${g.staff ? 'staff:' : ''}${now.toISOString()}`,
    });
    ctx.logger.warn({ channel: g.channel, count: done.length, outcome: g.outcome }, 'deliveries settled by rule without a provider report');
  }
  // Reports nobody claimed in a day never will be.
  await ctx.db.delete(providerReports).where(and(isNull(providerReports.deliveryId), lt(providerReports.createdAt, new Date(now.getTime() - 86400_000))));
  return { byReport: settled, byRule };
}
