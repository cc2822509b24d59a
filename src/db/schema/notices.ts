import { index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';

/**
 * Who a notice is for: the region's administrators and those above it (a county's warning), or the
 * administrators of the region and of every region in it (a bulletin with a row for each county).
 */
export const noticeReach = pgEnum('notice_reach', ['region_and_above', 'region_and_below']);
/** Administrators only (county and above), or every member of staff including station clerks. */
export const noticeAudience = pgEnum('notice_audience', ['administrators', 'staff']);

/**
 * The staff's inbox: what the service tells the people who run it (a report is out, a region's figures
 * fell, a review list has new items). Each notice is written once; reading it is per account.
 */
export const staffNotices = pgTable(
  'staff_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A locale key under `common:notice.`, e.g. `report_monthly`. */
    kind: text('kind').notNull(),
    regionCode: text('region_code').notNull(),
    reach: noticeReach('reach').notNull(),
    audience: noticeAudience('audience').notNull().default('administrators'),
    /** Values for the notice's text, and what it points to. */
    params: jsonb('params').$type<Record<string, string | number | null>>().notNull().default({}),
    link: jsonb('link').$type<{ entity: string; id: string } | null>(),
    /** One notice per event, however often the job that found it runs. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('staff_notices_region_idx').on(t.regionCode.op('text_pattern_ops'), t.createdAt)],
);

export const staffNoticeReads = pgTable(
  'staff_notice_reads',
  {
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => staffNotices.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.noticeId, t.accountId] })],
);
