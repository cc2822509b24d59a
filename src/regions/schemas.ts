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
