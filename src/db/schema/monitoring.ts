import { index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { households, workers } from './registry';

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

export const warningKind = pgEnum('warning_kind', ['region_decline', 'lost_job', 'income_drop', 'zero_employment_household']);
export const warningStatus = pgEnum('warning_status', ['open', 'acknowledged', 'closed']);

/**
 * 预警 (早发现、早干预、早帮扶): a region whose figures fell, or a person or household at risk. Each stays in
 * its region's list until staff acknowledge it; a household's closes by itself when a member finds work.
 */
export const warnings = pgTable(
  'warnings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: warningKind('kind').notNull(),
    regionCode: text('region_code').notNull(),
    workerId: uuid('worker_id').references(() => workers.id),
    householdId: uuid('household_id').references(() => households.id),
    /** One warning per subject and episode (e.g. the region and month, the job that ended). */
    dedupeKey: text('dedupe_key').notNull().unique(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    status: warningStatus('status').notNull().default('open'),
    acknowledgedBy: uuid('acknowledged_by').references(() => accounts.id),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('warnings_region_idx').on(t.regionCode.op('text_pattern_ops'), t.status), index('warnings_household_idx').on(t.householdId)],
);
