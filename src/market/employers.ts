import { and, asc, count, eq, isNotNull, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { employers } from '../db/schema/market';
import { maskPhone, normalizePhone } from '../pii/phone';
import { inRegion, regionExists } from '../registry';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { presentEmployer } from './present';
import type { EmployerCreate, EmployerListQuery } from './schemas';
import type { MarketProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'pii' | 'clock'>;

/** GB 32100 check character of a unified social credit code (统一社会信用代码). */
export function creditCodeValid(code: string): boolean {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = chars.indexOf(code[i]!);
    if (v < 0) return false;
    sum += v * weights[i]!;
  }
  return chars[(31 - (sum % 31)) % 31] === code[17];
}

export async function scopedEmployer(ctx: Pick<AppContext, 'db'>, actor: Actor, id: string) {
  const [e] = await ctx.db.select().from(employers).where(eq(employers.id, id)).limit(1);
  if (!e) throw new NotFound('employer', id);
  assertInScope(actor, e.regionCode, 'employer', id);
  return e;
}

export async function createEmployer({ ctx, actor, meta }: MarketProps<Ctx>, input: EmployerCreate) {
  if (!inScope(actor, input.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (!(await regionExists(ctx.db, input.regionCode))) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  if (input.creditCode && !creditCodeValid(input.creditCode)) {
    throw new ValidationFailed('bad credit code', [{ path: 'body.creditCode', message: 'errors:detail.market.credit_code' }]);
  }
  const phone = input.contactPhone ? normalizePhone(input.contactPhone) : undefined;
  if (input.contactPhone && !phone) throw new ValidationFailed('bad phone', [{ path: 'body.contactPhone', message: 'errors:detail.phone' }]);
  if ((input.lat == null) !== (input.lng == null)) throw new ValidationFailed('location pair', [{ path: 'body.lat', message: 'errors:detail.location_pair' }]);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(employers)
      .values({
        name: input.name,
        kind: input.kind,
        creditCode: input.creditCode ?? null,
        regionCode: input.regionCode,
        address: input.address ?? null,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        contactName: input.contactName ?? null,
        contactPhoneEnc: phone ? ctx.pii.encrypt(phone) : null,
        contactPhoneMasked: phone ? maskPhone(phone) : null,
        workshopTier: input.workshopTier ?? null,
        createdBy: actor.accountId,
      })
      .onConflictDoNothing({ target: employers.creditCode })
      .returning();
    if (!row) throw new Conflict('credit code taken', [{ path: 'body.creditCode', message: 'errors:detail.market.credit_code_taken' }]);
    audit({ action: 'employer.create', entity: 'employer', entityId: row.id, regionCode: row.regionCode });
    return row;
  });
  return presentEmployer(row);
}

/** A station checks an employer's papers and marks it verified; only then may its posts be opened. */
export async function verifyEmployer({ ctx, actor, meta }: MarketProps<Ctx>, id: string) {
  const e = await scopedEmployer(ctx, actor, id);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx.update(employers).set({ verifiedAt: ctx.clock.now(), verifiedBy: actor.accountId }).where(eq(employers.id, e.id)).returning();
    audit({ action: 'employer.verify', entity: 'employer', entityId: id, regionCode: e.regionCode });
    return row;
  });
  return presentEmployer(row!);
}

export async function getEmployer(ctx: Ctx, actor: Actor, id: string) {
  return presentEmployer(await scopedEmployer(ctx, actor, id));
}

export async function listEmployers(ctx: Ctx, actor: Actor, q: z.infer<typeof EmployerListQuery>) {
  const scope = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, scope)) return { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const where = and(
    inRegion(employers.regionCode, scope),
    q.kind ? eq(employers.kind, q.kind) : undefined,
    q.verified === undefined ? undefined : q.verified ? isNotNull(employers.verifiedAt) : isNull(employers.verifiedAt),
  );
  const [total] = await ctx.db.select({ n: count() }).from(employers).where(where);
  const rows = await ctx.db.select().from(employers).where(where).orderBy(asc(employers.name), asc(employers.id)).offset((q.page - 1) * q.pageSize).limit(q.pageSize);
  return { items: rows.map(presentEmployer), page: q.page, pageSize: q.pageSize, total: total?.n ?? 0 };
}
