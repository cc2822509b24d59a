import { sql } from 'drizzle-orm';
import { boolean, check, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';

/**
 * The reporting calendar: each deadline the seeds set, as data a province administrator may change. A deadline
 * falls on `day` of each of `months`; the report covers the month, quarter or year of that day, or the half-year
 * before it; regions of `reporterLevel` (2 prefecture, 3 county) send it.
 */
export const reportDeadlines = pgTable(
  'report_deadlines',
  {
    key: text('key').primaryKey(),
    title: jsonb('title').$type<{ 'zh-CN': string; en?: string }>().notNull(),
    /** The form it is filled from, when the service makes it: progress (附件1) or projects (附件2). */
    form: text('form'),
    months: smallint('months').array().notNull(),
    day: smallint('day').notNull(),
    covers: text('covers').notNull(),
    reporterLevel: smallint('reporter_level').notNull(),
    remindDays: smallint('remind_days').notNull().default(3),
    /** The seed and its words. */
    source: text('source').notNull(),
    active: boolean('active').notNull().default(true),
    updatedBy: uuid('updated_by').references(() => accounts.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('report_deadlines_day', sql`${t.day} between 1 and 28`),
    check('report_deadlines_covers', sql`${t.covers} in ('month', 'quarter', 'year', 'previous_half')`),
    check('report_deadlines_level', sql`${t.reporterLevel} between 1 and 5`),
    check('report_deadlines_remind', sql`${t.remindDays} between 0 and 60`),
  ],
);

/** A report sent (or its form downloaded) by a region for a period: the deadline is met and no longer overdue. */
export const reportSubmissions = pgTable(
  'report_submissions',
  {
    deadlineKey: text('deadline_key')
      .notNull()
      .references(() => reportDeadlines.key),
    regionCode: text('region_code').notNull(),
    period: text('period').notNull(),
    via: text('via').notNull(),
    submittedBy: uuid('submitted_by').references(() => accounts.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deadlineKey, t.regionCode, t.period] }), check('report_submissions_via', sql`${t.via} in ('download', 'marked')`)],
);
