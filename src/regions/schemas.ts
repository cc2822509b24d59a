import { z } from 'zod';

export const RegionCode = z
  .string()
  .regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'errors:detail.region_code')
  .meta({ description: 'Administrative division code: 2 (province), 4, 6 (county), 9 (township) or 12 (village) digits', example: '532528' });

export const RegionView = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.number().int().min(1).max(5),
    parentCode: z.string().nullable(),
    keyAssistanceCounty: z.boolean(),
    relocationSite: z.boolean(),
    yellowRiverResettlement: z.boolean(),
  })
  .meta({ id: 'Region' });

export const RegionChildrenQuery = z.object({ parent: RegionCode.optional() }).strict();
export const RegionParams = z.object({ code: RegionCode });

export const RegionFlagsPatch = z
  .object({
    keyAssistanceCounty: z.boolean().optional(),
    relocationSite: z.boolean().optional(),
    yellowRiverResettlement: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'RegionFlagsPatch' });
export type RegionFlagsPatch = z.infer<typeof RegionFlagsPatch>;

export const RegionCentreView = z
  .object({
    code: z.string(),
    name: z.string(),
    centre: z
      .object({
        lat: z.number(),
        lng: z.number(),
        points: z.number().int().meta({ description: 'How many recorded points it was taken from' }),
        spreadKm: z.number().meta({ description: 'How widely they lie (the larger interquartile range of latitude and longitude, km)' }),
      })
      .nullable()
      .meta({ description: 'The median of the points recorded in the region; null when none is (the divisions carry no shapes or centres)' }),
  })
  .meta({ id: 'RegionCentre' });

export const MapSettingsView = z
  .object({
    tileUrl: z.string().nullable().meta({ description: 'MAP_TILE_URL: a raster tile address with {z}/{x}/{y} or a MapLibre style document; null: a plain background' }),
    attribution: z.string().nullable(),
    radiusKm: z.number().meta({ description: 'The circle around home for gigs (15分钟就业服务圈, MATCH_RADIUS_KM) that matching and /me/nearby use' }),
    bounds: z.object({ south: z.number(), north: z.number(), west: z.number(), east: z.number() }).meta({ description: 'Points outside are refused' }),
    villageReachKm: z.number().meta({ description: "A point further than this from its village's centre (known from 3 points or more lying within 10 km) is refused" }),
  })
  .meta({ id: 'MapSettings' });

export const RegionSearchQuery = z
  .object({
    q: z.string().trim().min(1).max(20).meta({ description: 'Part of the name, e.g. 南沙', example: '南沙' }),
    level: z.coerce.number().int().min(1).max(5).default(5).meta({ description: 'Level sought: 5 villages and communities (default), 4 townships' }),
  })
  .strict();

export const RegionFound = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.number().int(),
    township: z.string().nullable().meta({ description: 'The township (乡镇) it is in, to tell villages of the same name apart' }),
    county: z.string().nullable(),
  })
  .meta({ id: 'RegionFound' });
