import { and, desc, eq, isNull, like, sql } from 'drizzle-orm';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { exportApprovals } from '../db/schema/registry';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import type { RegistryProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

/** An approved export may be used once within this many hours. */
export const APPROVAL_HOURS = 24;

function present(a: typeof exportApprovals.$inferSelect) {
  return {
    id: a.id,
    requestedBy: a.requestedBy,
    regionCode: a.regionCode,
    filter: a.filter,
    purpose: a.purpose,
    status: a.status,
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    expiresAt: a.expiresAt?.toISOString() ?? null,
    usedAt: a.usedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}

function mayReveal(actor: Actor) {
  if (!actor.canRevealPii || actor.role === 'station') throw new Forbidden('may not reveal personal data', [{ path: 'account', message: 'errors:detail.export.no_permission' }]);
}

export async function requestExport({ ctx, actor, meta }: RegistryProps<Ctx>, input: { regionCode?: string; category?: string; laborCapacity?: string; employed?: boolean; purpose: string }
) {
  mayReveal(actor);
  const region = input.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  const filter = { ...(input.category ? { category: input.category } : {}), ...(input.laborCapacity ? { laborCapacity: input.laborCapacity } : {}), ...(input.employed === undefined ? {} : { employed: input.employed }) };
  const a = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [a] = await tx.insert(exportApprovals).values({ requestedBy: actor.accountId, regionCode: region, filter, purpose: input.purpose, createdAt: ctx.clock.now() }).returning();
    audit({ action: 'export.request', entity: 'export_approval', entityId: a!.id, regionCode: region, details: { purpose: input.purpose, filter } });
    return a!;
  });
  return present(a);
}

export async function listExportRequests(ctx: Pick<AppContext, 'db'>, actor: Actor) {
  const rows = await ctx.db.select().from(exportApprovals).where(like(exportApprovals.regionCode, `${actor.regionCode}%`)).orderBy(desc(exportApprovals.createdAt)).limit(200);
  return { items: rows.map(present) };
}

/** A second administrator, who may reveal and whose region holds the request's, approves or refuses it. */
export async function decideExport({ ctx, actor, meta }: RegistryProps<Ctx>, id: string, approve: boolean) {
  mayReveal(actor);
  const [a] = await ctx.db.select().from(exportApprovals).where(eq(exportApprovals.id, id));
  if (!a) throw new NotFound('export request', id);
  assertInScope(actor, a.regionCode, 'export request', id);
  if (a.requestedBy === actor.accountId) throw new Forbidden('a second person must approve', [{ path: 'account', message: 'errors:detail.export.same_person' }]);
  const now = ctx.clock.now();
  const done = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [done] = await tx
      .update(exportApprovals)
      .set({ status: approve ? 'approved' : 'rejected', decidedBy: actor.accountId, decidedAt: now, ...(approve ? { expiresAt: new Date(now.getTime() + APPROVAL_HOURS * 3600_000) } : {}) })
      .where(and(eq(exportApprovals.id, id), eq(exportApprovals.status, 'pending')))
      .returning();
    if (!done) throw new Conflict('already decided', [{ path: 'exportRequest', message: 'errors:detail.export.decided' }]);
    audit({ action: approve ? 'export.approve' : 'export.reject', entity: 'export_approval', entityId: id, regionCode: a.regionCode, details: { requestedBy: a.requestedBy, purpose: a.purpose } });
    return done;
  });
  return present(done);
}

/**
 * Takes an approval for the export about to run: approved, unused, not expired, and asked for by
 * this same person. It is used up in the same statement, so it serves exactly one export.
 */
export async function useApproval(ctx: Ctx, actor: Actor, id: string) {
  const now = ctx.clock.now();
  const [used] = await ctx.db
    .update(exportApprovals)
    .set({ status: 'used', usedAt: now })
    .where(and(eq(exportApprovals.id, id), eq(exportApprovals.status, 'approved'), eq(exportApprovals.requestedBy, actor.accountId), isNull(exportApprovals.usedAt), sql`${exportApprovals.expiresAt} > ${now.toISOString()}::timestamptz`))
    .returning();
  if (!used) throw new Forbidden('no usable approval', [{ path: 'query.approval', message: 'errors:detail.export.no_approval' }]);
  return used;
}
