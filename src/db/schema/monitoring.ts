import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A closed month's figures per region and category, written once by the monthly job and never changed:
 * a published bulletin stays as it was. A later correction shows in the next month's figures, with a note.
 */
export const monitoringSnapshots = pgTable(
  'monitoring_snapshots',
  {
    month: text('month').notNull(),
    regionCode: text('region_code').notNull(),
    category: text('category').notNull(),
    figures: jsonb('figures').$type<Record<string, number | null>>().notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.month, t.regionCode, t.category] })],
);
