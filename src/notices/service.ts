import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import type { Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { staffNoticeReads, staffNotices } from '../db/schema/notices';
import { NotFound } from '../shared/errors';
import { enqueueDeliveries } from '../queues/deliveries';
import type { ChannelName } from '../queues/deliveries';
import type { Queues } from '../queues/queues';

export interface NewNotice {
  kind: string;
  regionCode: string;
  reach: 'region_and_above' | 'region_and_below';
  audience?: 'administrators' | 'staff';
  params?: Record<string, string | number | null>;
  link?: { entity: string; id: string };
  dedupeKey: string;
}

/**
 * The kinds that cannot wait for someone to open the console: besides the inbox, each is pushed to every
 * member of staff who sees it there and has a contact (their own WeChat first, else SMS), and did not opt out. A policy ending with
 * nothing to carry it forward (seed 000 national 三(三): keep the policy lists known), a report due or
 * overdue (seed 002 §3: 日报告·周调度·月通报 on time), a region's figures past the warning line (seed 000
 * national §3.2: 早发现、早干预), and a sending account that can no longer reach people.
 */
export const PUSHED_KINDS: ReadonlySet<string> = new Set(['policy_ending', 'report_due', 'report_overdue', 'region_decline', 'account_offline', 'account_blocked']);

/**
 * Tells staff of something once: a second call with the same key changes nothing. A notice of a pushed
 * kind writes, in the same statement, one delivery per member of staff of its audience who has a contact
 * (once per notice and account; on the chat channel for a bound WeChat, SMS the fallback when it is sent): outreach
 * writes them, through the statement the context's noticePorts hands in. With `queues` they are queued at once,
 * otherwise the sweeper queues them within a couple of minutes.
 */
export async function notify(ctx: Pick<AppContext, 'db' | 'noticePorts'>, at: Date, n: NewNotice, queues?: Queues): Promise<string | null> {
  const pushed = PUSHED_KINDS.has(n.kind);
  const pushes = pushed ? sql`, pushes as (${ctx.noticePorts.staffNoticePushes(sql`made`, at)})` : sql``;
  const [made] = rowsOf<{ id: string | null; pushes: Array<{ id: string; channel: ChannelName }> | string | null }>(
    await ctx.db.execute(sql`
      with made as (
        insert into ${staffNotices} (kind, region_code, reach, audience, params, link, dedupe_key, created_at)
        values (${n.kind}, ${n.regionCode}, ${n.reach}::notice_reach, ${n.audience ?? 'administrators'}::notice_audience, ${JSON.stringify(n.params ?? {})}::jsonb,
          ${n.link ? JSON.stringify(n.link) : null}::jsonb, ${n.dedupeKey}, ${at.toISOString()}::timestamptz)
        on conflict (dedupe_key) do nothing
        returning id, region_code, reach, audience
      )${pushes}
      select (select id from made) as id, ${pushed ? sql`(select json_agg(json_build_object('id', id, 'channel', channel)) from pushes)` : sql`null`} as pushes`),
  );
  const list = typeof made?.pushes === 'string' ? (JSON.parse(made.pushes) as Array<{ id: string; channel: ChannelName }>) : (made?.pushes ?? []);
  // A failure here loses nothing: the deliveries are written, and the sweeper queues them.
  if (queues && list.length) await enqueueDeliveries(queues, list).catch(() => undefined);
  return made?.id ?? null;
}

/**
 * Whether an account (alias `a`: its region_code and role) is in a notice's audience (alias `n`: its region_code,
 * reach and audience): what its inbox shows, and so who a pushed notice goes to.
 */
export function audienceOf(n: SQL, a: SQL): SQL {
  return sql`(${n}.region_code like ${a}.region_code || '%' or (${n}.reach = 'region_and_below' and ${a}.region_code like ${n}.region_code || '%'))
    and (${n}.audience = 'staff' or ${a}.role <> 'station')`;
}

/** The notices an account may see: its region and below, or above it for what reaches down; administrators' ones only for administrators. */
function visibleTo(actor: Actor, alias = 'n') {
  const admin = actor.role !== 'station';
  const n = sql.raw(alias);
  return sql`(${n}.region_code like ${`${actor.regionCode}%`} or (${n}.reach = 'region_and_below' and ${actor.regionCode} like ${n}.region_code || '%'))
    and (${n}.audience = 'staff' or ${admin})`;
}

export async function listNotices(ctx: Pick<AppContext, 'db'>, actor: Actor, t: TFunction, q: { unread?: boolean; page: number; pageSize: number }) {
  const unread = q.unread ? sql`and r.notice_id is null` : sql``;
  const rows = rowsOf<{ id: string; kind: string; region_code: string; params: Record<string, string | number | null>; link: { entity: string; id: string } | null; created_at: Date; read_at: Date | null }>(
    await ctx.db.execute(sql`
      select n.id, n.kind, n.region_code, n.params, n.link, n.created_at, r.read_at
      from staff_notices n
      left join staff_notice_reads r on r.notice_id = n.id and r.account_id = ${actor.accountId}
      where ${visibleTo(actor)} ${unread}
      order by n.created_at desc, n.id desc
      offset ${(q.page - 1) * q.pageSize} limit ${q.pageSize}`),
  );
  const [counts] = rowsOf<{ total: number; unread: number }>(
    await ctx.db.execute(sql`
      select count(*)::int as total, count(*) filter (where r.notice_id is null)::int as unread
      from staff_notices n
      left join staff_notice_reads r on r.notice_id = n.id and r.account_id = ${actor.accountId}
      where ${visibleTo(actor)}`),
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      regionCode: r.region_code,
      text: t(`common:notice.${r.kind}`, { ...r.params, defaultValue: r.kind }),
      params: r.params,
      link: r.link,
      createdAt: new Date(r.created_at).toISOString(),
      readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
    })),
    page: q.page,
    pageSize: q.pageSize,
    total: q.unread ? (counts?.unread ?? 0) : (counts?.total ?? 0),
    unread: counts?.unread ?? 0,
  };
}

export async function markRead(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, id: string) {
  const [n] = await ctx.db.select({ id: staffNotices.id }).from(staffNotices).where(and(eq(staffNotices.id, id), visibleTo(actor, 'staff_notices')));
  if (!n) throw new NotFound('notice', id);
  await ctx.db.insert(staffNoticeReads).values({ noticeId: id, accountId: actor.accountId, readAt: ctx.clock.now() }).onConflictDoNothing();
  return { id, read: true };
}

/** Marks every notice the account can see as read. */
export async function markAllRead(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor) {
  const done = rowsOf<{ notice_id: string }>(
    await ctx.db.execute(sql`
      insert into ${staffNoticeReads} (notice_id, account_id, read_at)
      select n.id, ${actor.accountId}, ${ctx.clock.now()} from staff_notices n where ${visibleTo(actor)}
      on conflict do nothing
      returning notice_id`),
  );
  return { marked: done.length };
}
