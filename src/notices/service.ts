import { and, eq, sql } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor';
import type { AppContext } from '../context';
import { rowsOf, type Db } from '../db/client';
import { staffNoticeReads, staffNotices } from '../db/schema';
import { NotFound } from '../shared/errors';

export interface NewNotice {
  kind: string;
  regionCode: string;
  reach: 'region_and_above' | 'region_and_below';
  audience?: 'administrators' | 'staff';
  params?: Record<string, string | number | null>;
  link?: { entity: string; id: string };
  dedupeKey: string;
}

/** Tells staff of something once: a second call with the same key changes nothing. */
export async function notify(db: Db, at: Date, n: NewNotice): Promise<string | null> {
  const [made] = await db
    .insert(staffNotices)
    .values({ kind: n.kind, regionCode: n.regionCode, reach: n.reach, audience: n.audience ?? 'administrators', params: n.params ?? {}, link: n.link ?? null, dedupeKey: n.dedupeKey, createdAt: at })
    .onConflictDoNothing()
    .returning({ id: staffNotices.id });
  return made?.id ?? null;
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
