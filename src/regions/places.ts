import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { ValidationFailed } from '../shared/errors';

/**
 * Places on the map. The divisions the service ships have codes and names only, no shapes or centres, so a
 * region's centre is derived from points already recorded in it (posts, employers, trainings, people's homes):
 * the median latitude and longitude, which one misplaced point does not pull away.
 */
export interface RegionCentre {
  lat: number;
  lng: number;
  /** How many recorded points it was taken from. */
  points: number;
  /** How widely they lie: the larger interquartile range of latitude and longitude, in km. */
  spreadKm: number;
}

/**
 * The points recorded under a region code prefix (a `like` pattern), as one statement of rows `(lat, lng)`.
 * Regions keep no places of their own and sit below every module that does, so the owners give them: the
 * market's posts, employers and trainings and the register's homes (the market's `pointsUnder`, handed in
 * by whoever mounts the routes or calls the check).
 */
export type PointsUnder = (prefix: string) => SQL;

/** China's extent with its islands, a little wider than the outermost points (漠河 53.56°N, 曾母暗沙 3.86°N, 帕米尔 73.5°E, 抚远 135.08°E). */
export const CHINA_BOUNDS = { south: 3.5, north: 53.7, west: 73.4, east: 135.2 } as const;

/** A point named further than this from its village's centre is taken for a slip of the hand (a village is a few km across). */
export const VILLAGE_REACH_KM = 20;

/** Only a centre taken from this many points or more, lying this close together, is trusted to refuse a point. */
const TRUSTED_POINTS = 3;
const TRUSTED_SPREAD_KM = 10;

export async function regionCentre(db: Db, code: string, pointsUnder: PointsUnder): Promise<RegionCentre | null> {
  const prefix = `${code}%`;
  const result = await db.execute(sql`
    with p(lat, lng) as (${pointsUnder(prefix)})
    select percentile_cont(0.5) within group (order by lat) as lat, percentile_cont(0.5) within group (order by lng) as lng, count(*) as points,
      percentile_cont(0.75) within group (order by lat) - percentile_cont(0.25) within group (order by lat) as lat_iqr,
      percentile_cont(0.75) within group (order by lng) - percentile_cont(0.25) within group (order by lng) as lng_iqr
    from p`);
  const [row] = rowsOf<Record<'lat' | 'lng' | 'points' | 'lat_iqr' | 'lng_iqr', number | string | null>>(result);
  if (!row || row.lat == null || row.lng == null || Number(row.points) === 0) return null;
  const lat = Number(row.lat);
  const spreadKm = Math.max(Number(row.lat_iqr) * 111.2, Number(row.lng_iqr) * 111.2 * Math.cos((lat * Math.PI) / 180));
  return { lat, lng: Number(row.lng), points: Number(row.points), spreadKm: Math.round(spreadKm * 10) / 10 };
}

/** Great-circle distance in km. */
export function kmBetween(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A point given for a place: both coordinates or neither, inside China, and not far from the centre of the
 * region it is said to be in, when enough points there say where that is. Refusals name the field.
 */
export async function checkPoint(db: Db, pointsUnder: PointsUnder, regionCode: string, lat: number | null | undefined, lng: number | null | undefined): Promise<void> {
  if ((lat == null) !== (lng == null)) throw new ValidationFailed('location pair', [{ path: 'body.lat', message: 'errors:detail.location_pair' }]);
  if (lat == null || lng == null) return;
  const b = CHINA_BOUNDS;
  if (lat < b.south || lat > b.north || lng < b.west || lng > b.east) {
    throw new ValidationFailed('point outside China', [{ path: 'body.lat', message: 'errors:detail.place.outside_china' }]);
  }
  const centre = await regionCentre(db, regionCode, pointsUnder);
  // Too few points, or points strewn wide (homes filed under the wrong village), say too little to refuse on.
  if (!centre || centre.points < TRUSTED_POINTS || centre.spreadKm > TRUSTED_SPREAD_KM) return;
  const km = kmBetween(centre.lat, centre.lng, lat, lng);
  if (km > VILLAGE_REACH_KM) {
    throw new ValidationFailed('point far from its region', [{ path: 'body.lat', message: 'errors:detail.place.far_from_region', km: Math.round(km), reach: VILLAGE_REACH_KM }]);
  }
}

/** The host the console map's tiles come from when it is not the console's own (for the content security policy). */
export function tileOrigin(tileUrl: string | undefined): string | undefined {
  if (!tileUrl || !/^https?:\/\//.test(tileUrl)) return undefined;
  try {
    return new URL(tileUrl.replace(/\{[a-z]+\}/g, '0')).origin;
  } catch {
    return undefined;
  }
}
