import { and, count, desc, eq, gte, like, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { accounts } from '../db/schema/access';
import { auditLog } from '../db/schema/audit';
import { rowsOf } from '../db/client';
import type { Api } from '../http/api';
import { PageQuery, pageOf } from '../http/pagination';
import { Forbidden } from '../shared/errors';

const AuditQuery = z
  .object({
    action: z.string().max(60).optional(),
    actorId: z.uuid().optional(),
    entityId: z.string().max(60).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    ...PageQuery,
  })
  .strict();

const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable().meta({ description: 'The member of staff who did it (their display name)' }),
    actorRole: z.string().nullable(),
    action: z.string(),
    entity: z.string().nullable(),
    entityId: z.string().nullable(),
    entityLabel: z.string().nullable().meta({ description: 'What the entry is about, as people name it: a person, a fair, a post, a region…' }),
    regionCode: z.string().nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });

/**
 * Names for the things entries are about, looked up in one statement: a person's name, a fair's or a
 * post's title, a broadcast's first words, a region's name. Kinds without a name keep their id only.
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

/** Administrators read the audit log of their region; entries without a region only the system administrator. */
export function auditRoutes(api: Api, ctx: AppContext): void {
  api.route({
    method: 'get',
    path: '/audit',
    summary: 'Audit log of writes, sign-ins and unmasked reads in your region (administrators)',
    tags: ['audit'],
    auth: 'staff', reads: 'replica',
    query: AuditQuery,
    response: pageOf(AuditEntry),
    handler: async ({ actor, query }) => {
      if (actor.role === 'station') throw new Forbidden('administrators only');
      const where = and(
        actor.role === 'system' ? undefined : like(auditLog.regionCode, `${actor.regionCode}%`),
        query.action ? eq(auditLog.action, query.action) : undefined,
        query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
        query.entityId ? eq(auditLog.entityId, query.entityId) : undefined,
        query.from ? gte(auditLog.at, new Date(query.from)) : undefined,
        query.to ? lte(auditLog.at, new Date(query.to)) : undefined,
      );
      const [total] = await ctx.db.select({ n: count() }).from(auditLog).where(where);
      const rows = await ctx.db
        .select({ entry: auditLog, actorName: accounts.displayName, actorRole: accounts.role })
        .from(auditLog)
        .leftJoin(accounts, eq(accounts.id, auditLog.actorId))
        .where(where)
        .orderBy(desc(auditLog.id))
        .offset((query.page - 1) * query.pageSize)
        .limit(query.pageSize);
      const labels = await labelsOf(ctx, rows.map((r) => r.entry));
      return {
        items: rows.map(({ entry: r, actorName, actorRole }) => ({ ...r, actorName, actorRole, entityLabel: labels.get(`${r.entity}:${r.entityId}`) ?? null, at: r.at.toISOString(), details: r.details ?? null })),
        page: query.page,
        pageSize: query.pageSize,
        total: total?.n ?? 0,
      };
    },
  });
}
