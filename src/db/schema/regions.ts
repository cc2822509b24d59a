import { boolean, index, pgTable, smallint, text } from 'drizzle-orm/pg-core';

/**
 * China's administrative divisions (行政区划). Codes are strings of digits whose prefix is the
 * parent's code (53 → 5325 → 532528 → 532528101 → 532528101201), so "region X and everything
 * under it" is `code LIKE 'X%'`.
 */
export const regions = pgTable(
  'regions',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    /** 1 province, 2 prefecture, 3 county, 4 township, 5 village */
    level: smallint('level').notNull(),
    parentCode: text('parent_code'),
    /** 乡村振兴重点帮扶县 */
    keyAssistanceCounty: boolean('key_assistance_county').notNull().default(false),
    /** 易地搬迁安置区 */
    relocationSite: boolean('relocation_site').notNull().default(false),
    /** 黄河滩区迁建区 */
    yellowRiverResettlement: boolean('yellow_river_resettlement').notNull().default(false),
  },
  (t) => [index('regions_parent_idx').on(t.parentCode), index('regions_code_prefix_idx').on(t.code.op('text_pattern_ops'))],
);

export type Region = typeof regions.$inferSelect;
