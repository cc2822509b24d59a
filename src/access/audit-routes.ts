import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { accounts } from '../db/schema/access';
import type { Api } from '../http/api';
import { PageQuery, pageOf } from '../http/pagination';
import { auditPage } from '../audit/read';
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

/** The display name and role of each of these staff accounts, in one query (ids not known are left out). */
async function actorsOf(ctx: Pick<AppContext, 'db'>, ids: ReadonlyArray<string | null>): Promise<Map<string, { name: string; role: string }>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await ctx.db.select({ id: accounts.id, name: accounts.displayName, role: accounts.role }).from(accounts).where(inArray(accounts.id, wanted));
  return new Map(rows.map((r) => [r.id, { name: r.name, role: r.role }]));
}

/**
 * Administrators read the audit log of their region; entries without a region only the system administrator.
 * The log is the kernel's; who may read it and the names of the staff in it are access's.
 */
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
      const { page, pageSize, ...filters } = query;
      const { rows, total, labels } = await auditPage(ctx, { ...filters, regionCode: actor.role === 'system' ? null : actor.regionCode }, { page, pageSize });
      const actors = await actorsOf(ctx, rows.map((r) => r.actorId));
      return {
        items: rows.map((r) => {
          const by = r.actorId ? actors.get(r.actorId) : undefined;
          return { ...r, actorName: by?.name ?? null, actorRole: by?.role ?? null, entityLabel: labels.get(`${r.entity}:${r.entityId}`) ?? null, at: r.at.toISOString(), details: r.details ?? null };
        }),
        page,
        pageSize,
        total,
      };
    },
  });
}
