import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { stations } from '../db/schema/access';
import { checkPoint, findRegion, type PointsUnder, RegionCode } from '../regions';
import { assertInScope } from '../shared/actor';
import { command } from '../shared/command';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import type { AccessProps } from './props';

/** Where a station is: its village or community, the address people are told, and its point on the map. */
export const StationPlaceInput = z
  .object({
    villageCode: RegionCode.meta({ description: 'The village or community (村、社区, 12 digits) the station is in, within its county' }),
    address: z.string().trim().max(200).nullish().meta({ description: 'Where in the village: the building, the street' }),
    lat: z.number().min(-90).max(90).meta({ description: 'Latitude (WGS-84); inside China, near the village' }),
    lng: z.number().min(-180).max(180),
  })
  .strict()
  .meta({ id: 'StationPlace' });
export type StationPlaceInput = z.infer<typeof StationPlaceInput>;

type Station = typeof stations.$inferSelect;

/**
 * Sets a station's place: its own staff, or an administrator whose region holds it. The village must be one
 * of the station's county, the point inside China and near that village (as the points recorded there tell).
 * Nothing is written when any of it is refused; the change is audited with the place, not the people near it.
 */
export async function setStationPlace({ ctx, actor, meta }: AccessProps<Pick<AppContext, 'db'>>, id: string, input: StationPlaceInput, pointsUnder: PointsUnder): Promise<Station> {
  const [station] = await ctx.db.select().from(stations).where(eq(stations.id, id));
  if (!station) throw new NotFound('station', id);
  // Another county's station is not found, as any record outside one's region.
  assertInScope(actor, station.regionCode, 'station', id);
  if (actor.role === 'station' && actor.stationId && actor.stationId !== station.id) {
    throw new Forbidden('another station', [{ path: 'station', message: 'errors:detail.place.other_station' }]);
  }
  const county = station.regionCode.slice(0, 6);
  const village = await findRegion(ctx.db, input.villageCode);
  if (input.villageCode.length !== 12 || !input.villageCode.startsWith(county) || !village) {
    throw new ValidationFailed('station village', [{ path: 'body.villageCode', message: 'errors:detail.place.station_village' }]);
  }
  await checkPoint(ctx.db, pointsUnder, input.villageCode, input.lat, input.lng);
  return command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .update(stations)
      .set({ villageCode: input.villageCode, address: input.address ?? null, lat: input.lat, lng: input.lng })
      .where(eq(stations.id, id))
      .returning();
    audit({ action: 'station.place', entity: 'station', entityId: id, regionCode: station.regionCode, details: { villageCode: input.villageCode } });
    return row!;
  });
}
