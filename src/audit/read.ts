import { and, count, desc, eq, gte, like, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import { auditLog } from '../db/schema/audit';
import { rowsOf } from '../db/client';

/**
 * Names for the things entries are about, looked up in one statement: a person's name, a fair's or a
 * post's title, a broadcast's first words, a region's name. Kinds without a name keep their id only.
 * The log is written by every module, so naming what it is about reads every module's tables: a kernel
 * read, like a backup's, of names only.
 */
async function labelsOf(ctx: Pick<AppContext, 'db'>, entries: Array<{ entity: string | null; entityId: string | null }>): Promise<Map<string, string>> {
  const keys = [...new Map(entries.filter((e) => e.entity && e.entityId).map((e) => [`${e.entity}:${e.entityId}`, e])).values()];
  if (!keys.length) return new Map();
  const found = rowsOf<{ entity: string; id: string; label: string | null }>(
    await ctx.db.execute(sql`
      select e.entity, e.id, case e.entity
        when 'worker' then (select w.name from workers w where w.id::text = e.id)
        when 'job_fair' then (select f.title from job_fairs f where f.id::text = e.id)
        when 'vacancy' then (select v.title from vacancies v where v.id::text = e.id)
        when 'training_session' then (select s.title from training_sessions s where s.id::text = e.id)
        when 'employer' then (select m.name from employers m where m.id::text = e.id)
        when 'account' then (select a.display_name from accounts a where a.id::text = e.id)
        when 'station' then (select s.name from stations s where s.id::text = e.id)
        when 'policy' then (select p.title ->> 'zh-CN' from policies p where p.id::text = e.id or p.key = e.id limit 1)
        when 'broadcast' then (select left(b.message ->> 'zh-CN', 24) from broadcasts b where b.id::text = e.id)
        when 'region' then (select r.name from regions r where r.code = e.id)
        when 'household' then (select string_agg(w.name, '、' order by w.name) from workers w where w.household_id::text = e.id)
      end as label
      from unnest(${sql.param(keys.map((k) => k.entity!))}::text[], ${sql.param(keys.map((k) => k.entityId!))}::text[]) as e(entity, id)`),
  );
  return new Map(found.filter((f) => f.label).map((f) => [`${f.entity}:${f.id}`, f.label!]));
}

export type AuditRow = typeof auditLog.$inferSelect;

/** Which entries to read: the region they lie under (null: all, for the system administrator) and the filters asked for. */
export interface AuditFilter {
  regionCode: string | null;
  action?: string | undefined;
  actorId?: string | undefined;
  entityId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * One page of the audit log, newest first, with how many entries match and a name for what each is
 * about. The kernel keeps the log; who may read it, and the names of the staff who wrote it, are access's.
 */
export async function auditPage(ctx: Pick<AppContext, 'db'>, f: AuditFilter, page: { page: number; pageSize: number }): Promise<{ rows: AuditRow[]; total: number; labels: Map<string, string> }> {
  const where = and(
    f.regionCode === null ? undefined : like(auditLog.regionCode, `${f.regionCode}%`),
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.actorId ? eq(auditLog.actorId, f.actorId) : undefined,
    f.entityId ? eq(auditLog.entityId, f.entityId) : undefined,
    f.from ? gte(auditLog.at, new Date(f.from)) : undefined,
    f.to ? lte(auditLog.at, new Date(f.to)) : undefined,
  );
  const [total] = await ctx.db.select({ n: count() }).from(auditLog).where(where);
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .offset((page.page - 1) * page.pageSize)
    .limit(page.pageSize);
  return { rows, total: total?.n ?? 0, labels: await labelsOf(ctx, rows) };
}
