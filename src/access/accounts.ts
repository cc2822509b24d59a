import { and, asc, count, eq, like } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { accounts, sessions, stations } from '../db/schema/access';
import { PageQuery } from '../http/pagination';
import { findRegion, RegionCode } from '../regions';
import { command } from '../shared/command';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { assertInScope, inScope, type Actor, type StaffRole } from '../shared/actor';
import { hashCost, hashPassword } from './password';
import { clearAccount } from './throttle';
import { contactColumns, mobileOf } from './contact';
import type { AccessProps } from './props';

const ROLE_RANK: Record<StaffRole, number> = { station: 1, county: 2, prefecture: 3, province: 4, system: 5 };
/** Which region levels (code lengths) each role may be bound to. */
const ROLE_REGION_LENGTHS: Record<StaffRole, number[]> = {
  station: [6, 9, 12],
  county: [6],
  prefecture: [4],
  province: [2],
  system: [2, 4, 6],
};
const STAFF_ROLES = ['station', 'county', 'prefecture', 'province', 'system'] as const;

export const AccountCreate = z
  .object({
    username: z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9._-]+$/, 'errors:detail.username'),
    password: z.string().min(10).max(256),
    displayName: z.string().trim().min(1).max(50),
    role: z.enum(STAFF_ROLES),
    regionCode: RegionCode,
    stationId: z.uuid().nullish(),
    canRevealPii: z.boolean().default(false),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  })
  .strict()
  .meta({ id: 'AccountCreate' });
export type AccountCreate = z.infer<typeof AccountCreate>;

export const AccountPatch = z
  .object({
    displayName: z.string().trim().min(1).max(50).optional(),
    password: z.string().min(10).max(256).optional(),
    disabled: z.boolean().optional(),
    canRevealPii: z.boolean().optional(),
    locale: z.enum(['zh-CN', 'en']).optional(),
    contactPhone: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .nullable()
      .optional()
      .meta({ description: 'The push contact: only its holder sets a number (PATCH /auth/me/contact does the same); an administrator may remove one (null), e.g. a number no longer theirs' }),
  })
  .strict()
  .meta({ id: 'AccountPatch' });
export type AccountPatch = z.infer<typeof AccountPatch>;

export const AccountListQuery = z.object({ regionCode: RegionCode.optional(), ...PageQuery }).strict();

export const StaffAccountView = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(STAFF_ROLES),
    regionCode: z.string(),
    stationId: z.uuid().nullable(),
    canRevealPii: z.boolean(),
    disabled: z.boolean(),
    locale: z.string(),
    /** Whether urgent notices can be texted to the account (the number itself is its holder's to see). */
    hasContact: z.boolean(),
    /** Whether the holder bound their own WeChat (urgent notices go there first). */
    wechatBound: z.boolean(),
    pushOptOut: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'StaffAccount' });

export const StationCreate = z
  .object({
    name: z.string().trim().min(2).max(100),
    kind: z.enum(['service_station', 'gig_station', 'labour_station']).default('service_station'),
    regionCode: RegionCode,
    address: z.string().trim().max(200).nullish(),
  })
  .strict()
  .meta({ id: 'StationCreate' });
export const StationView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.string(),
    regionCode: z.string(),
    address: z.string().nullable(),
    villageCode: z.string().nullable().meta({ description: 'The village or community it is in; none until its place is set' }),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Station' });

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'redis' | 'pii'>;

function present(a: typeof accounts.$inferSelect) {
  return {
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    role: a.role,
    regionCode: a.regionCode,
    stationId: a.stationId,
    canRevealPii: a.canRevealPii,
    disabled: a.disabledAt !== null,
    locale: a.locale,
    hasContact: a.contactPhoneEnc !== null,
    wechatBound: a.chatContact !== null,
    pushOptOut: a.pushOptOut,
    createdAt: a.createdAt.toISOString(),
  };
}

/** Only administrators manage accounts, and only for roles below their own (system: any). */
function assertCanManage(actor: Actor, role: StaffRole): void {
  if (actor.role === 'station') throw new Forbidden('stations do not manage accounts');
  if (actor.role !== 'system' && ROLE_RANK[role] >= ROLE_RANK[actor.role]) throw new Forbidden('role too high');
}

export async function createAccount({ ctx, actor, meta }: AccessProps<Ctx>, input: AccountCreate) {
  assertCanManage(actor, input.role);
  if (!inScope(actor, input.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (!ROLE_REGION_LENGTHS[input.role].includes(input.regionCode.length)) {
    throw new ValidationFailed('role and region level disagree', [{ path: 'body.regionCode', message: 'errors:detail.role_region_level' }]);
  }
  if (input.canRevealPii && !actor.canRevealPii && actor.role !== 'system') throw new Forbidden('cannot grant what one does not hold');
  const region = await findRegion(ctx.db, input.regionCode);
  if (!region) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  if (input.stationId) {
    const [station] = await ctx.db.select().from(stations).where(eq(stations.id, input.stationId)).limit(1);
    if (!station || !inScope(actor, station.regionCode)) throw new ValidationFailed('unknown station', [{ path: 'body.stationId', message: 'errors:detail.unknown_station' }]);
  }
  // Hashed before the transaction opens: the hash takes a while and holds no lock.
  const passwordHash = await hashPassword(input.password, hashCost(ctx));
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(accounts)
      .values({
        username: input.username,
        passwordHash,
        displayName: input.displayName,
        role: input.role,
        regionCode: input.regionCode,
        stationId: input.stationId ?? null,
        canRevealPii: input.canRevealPii,
        locale: input.locale,
      })
      .onConflictDoNothing({ target: accounts.username })
      .returning();
    if (!row) throw new Conflict('username taken', [{ path: 'body.username', message: 'errors:detail.username_taken' }]);
    audit({ action: 'account.create', entity: 'account', entityId: row.id, regionCode: row.regionCode, details: { role: row.role } });
    return row;
  });
  return present(row);
}

export async function listAccounts(ctx: Ctx, actor: Actor, query: z.infer<typeof AccountListQuery>) {
  if (actor.role === 'station') throw new Forbidden('stations do not manage accounts');
  const scope = query.regionCode ?? actor.regionCode;
  if (!inScope(actor, scope)) return { items: [], page: query.page, pageSize: query.pageSize, total: 0 };
  const where = like(accounts.regionCode, `${scope}%`);
  const [total] = await ctx.db.select({ n: count() }).from(accounts).where(where);
  const rows = await ctx.db.select().from(accounts).where(where).orderBy(asc(accounts.regionCode), asc(accounts.username)).offset((query.page - 1) * query.pageSize).limit(query.pageSize);
  return { items: rows.map(present), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

export async function updateAccount({ ctx, actor, meta }: AccessProps<Ctx>, id: string, patch: AccountPatch) {
  const [a] = await ctx.db.select().from(accounts).where(eq(accounts.id, id)).limit(1);
  if (!a) throw new NotFound('account', id);
  assertInScope(actor, a.regionCode, 'account', id);
  const self = a.id === actor.accountId;
  if (!self) assertCanManage(actor, a.role);
  if (self && (patch.disabled !== undefined || patch.canRevealPii !== undefined)) throw new Forbidden('cannot change own access');
  if (patch.canRevealPii && !actor.canRevealPii && actor.role !== 'system') throw new Forbidden('cannot grant what one does not hold');
  if (typeof patch.contactPhone === 'string' && !self) throw new Forbidden('a contact is set by its holder', [{ path: 'body.contactPhone', message: 'errors:detail.contact.own_only' }]);
  const contactPhone = typeof patch.contactPhone === 'string' ? mobileOf(patch.contactPhone, 'body.contactPhone') : patch.contactPhone;
  const now = ctx.clock.now();
  const passwordHash = patch.password ? await hashPassword(patch.password, hashCost(ctx)) : undefined;
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .update(accounts)
      .set({
        ...(patch.displayName ? { displayName: patch.displayName } : {}),
        ...(patch.locale ? { locale: patch.locale } : {}),
        ...(passwordHash ? { passwordHash, failedLogins: 0, lockedUntil: null } : {}),
        ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? now : null } : {}),
        ...(patch.canRevealPii !== undefined ? { canRevealPii: patch.canRevealPii } : {}),
        ...(contactPhone !== undefined ? contactColumns(ctx, contactPhone) : {}),
      })
      .where(eq(accounts.id, id))
      .returning();
    // With a new password or a disabled account, every open session ends.
    if (patch.password || patch.disabled) await tx.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.accountId, id)));
    audit({ action: 'account.update', entity: 'account', entityId: id, regionCode: a.regionCode, details: { fields: Object.keys(patch) } });
    return row;
  });
  // A new password (now committed) lifts the account's sign-in lock.
  if (patch.password) await clearAccount(ctx, a.username);
  return present(row!);
}

export async function createStation({ ctx, actor, meta }: AccessProps<Ctx>, input: z.infer<typeof StationCreate>) {
  if (actor.role === 'station') throw new Forbidden('stations do not create stations');
  if (!inScope(actor, input.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  const region = await findRegion(ctx.db, input.regionCode);
  if (!region) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx.insert(stations).values({ name: input.name, kind: input.kind, regionCode: input.regionCode, address: input.address ?? null }).returning();
    audit({ action: 'station.create', entity: 'station', entityId: row!.id, regionCode: row!.regionCode });
    return row!;
  });
  return presentStation(row);
}

export async function listStations(ctx: Ctx, actor: Actor) {
  const rows = await ctx.db.select().from(stations).where(like(stations.regionCode, `${actor.regionCode}%`)).orderBy(asc(stations.regionCode), asc(stations.name));
  return { items: rows.map(presentStation) };
}

export function presentStation(s: typeof stations.$inferSelect) {
  return { id: s.id, name: s.name, kind: s.kind, regionCode: s.regionCode, address: s.address, villageCode: s.villageCode, lat: s.lat, lng: s.lng, createdAt: s.createdAt.toISOString() };
}
