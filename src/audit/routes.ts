import { and, count, desc, eq, gte, like, lte } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { auditLog } from '../db/schema';
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
    action: z.string(),
    entity: z.string().nullable(),
    entityId: z.string().nullable(),
    regionCode: z.string().nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });

/** Administrators read the audit log of their region; entries without a region only the system administrator. */
export function auditRoutes(api: Api, ctx: AppContext): void {
  api.route({
    method: 'get',
    path: '/audit',
    summary: 'Audit log of writes, sign-ins and unmasked reads in your region (administrators)',
    tags: ['audit'],
    auth: 'staff',
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
      const rows = await ctx.db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).offset((query.page - 1) * query.pageSize).limit(query.pageSize);
      return {
        items: rows.map((r) => ({ ...r, at: r.at.toISOString(), details: r.details ?? null })),
        page: query.page,
        pageSize: query.pageSize,
        total: total?.n ?? 0,
      };
    },
  });
}
