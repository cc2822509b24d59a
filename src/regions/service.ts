import { assertInScope, inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { eq } from 'drizzle-orm';
import { command } from '../shared/command';
import { regions } from '../db/schema/regions';
import { Forbidden, NotFound } from '../shared/errors';
import type { RegionFlagsPatch } from './schemas';
import * as q from './queries';
import { CHINA_BOUNDS, type PointsUnder, regionCentre, VILLAGE_REACH_KM } from './places';
import type { RegionsProps } from './props';

type Ctx = Pick<AppContext, 'db'>;

/** Villages (or townships) of the actor's own area by part of their name: people know a village by its name, not its code. */
export async function searchRegions(ctx: Ctx, actor: Actor, words: string, level: number) {
  const rows = await q.searchByName(ctx.db, actor.regionCode, words, level, 20);
  // A township's own name is not its township.
  return rows.map((r) => ({ ...r, township: r.level > 4 ? r.township : null, county: r.level > 3 ? r.county : null }));
}

/** Where a region is on the map, as far as the points recorded in it tell. */
export async function centreOf(ctx: Ctx, actor: Actor, code: string, pointsUnder: PointsUnder) {
  const region = await getRegion(ctx, actor, code);
  return { code: region.code, name: region.name, centre: await regionCentre(ctx.db, code, pointsUnder) };
}

/** What the console's map needs from the deployment. */
export function mapSettings(ctx: Pick<AppContext, 'config'>) {
  const m = ctx.config.map;
  return { tileUrl: m.tileUrl ?? null, attribution: m.attribution ?? null, radiusKm: ctx.config.market.radiusKm, bounds: { ...CHINA_BOUNDS }, villageReachKm: VILLAGE_REACH_KM };
}

export async function getRegion(ctx: Ctx, actor: Actor, code: string) {
  const region = await q.findRegion(ctx.db, code);
  // Ancestors of the actor's own region are visible too, so the console can show the path.
  if (!region || !(inScope(actor, code) || actor.regionCode.startsWith(code))) throw new NotFound('region', code);
  return region;
}

/** Children of a region inside the actor's subtree; without a parent, the actor's own region. */
export async function listRegions(ctx: Ctx, actor: Actor, parent: string | undefined) {
  if (!parent) {
    const own = await q.findRegion(ctx.db, actor.regionCode);
    return own ? [own] : [];
  }
  assertInScope(actor, parent, 'region', parent);
  return q.listChildren(ctx.db, parent);
}

/** Region flags are policy facts set by prefecture, province or system administrators. */
export async function setFlags({ ctx, actor, meta }: RegionsProps<Ctx>, code: string, patch: RegionFlagsPatch) {
  if (!['prefecture', 'province', 'system'].includes(actor.role)) throw new Forbidden('administrators only');
  const region = await q.findRegion(ctx.db, code);
  if (!region || !inScope(actor, code)) throw new NotFound('region', code);
  if (Object.keys(patch).length === 0) return region;
  return command({ ctx, actor, meta }, async (tx, audit) => {
    const [updated] = await tx.update(regions).set(patch).where(eq(regions.code, code)).returning();
    audit({ action: 'region.flags', entity: 'region', entityId: code, regionCode: code, details: { ...patch } });
    return updated!;
  });
}
