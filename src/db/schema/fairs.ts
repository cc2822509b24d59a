import { sql } from 'drizzle-orm';
import { bigserial, check, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, stations } from './access';
import { vacancies } from './market';
import { regions } from './regions';
import { workers } from './registry';

/*
 * Job fairs are the fairs' own: a fair puts one of the market's posts on screen, and an application made at
 * a fair names it (its foreign key is declared in schema/market.ts by the table's name and key only).
 */
/** 现场招聘会, 直播带岗, 视频带岗 (seed 002). */
export const fairKind = pgEnum('fair_kind', ['on_site', 'live_stream', 'video']);
export const fairStatus = pgEnum('fair_status', ['draft', 'announced', 'live', 'ended', 'reported', 'cancelled']);

/** Who a fair is for: a region subtree, optionally some categories, optionally relocated households only (乐业搬迁). */
export interface FairAudience {
  regionCode: string;
  categories?: string[];
  relocatedOnly?: boolean;
}

/** What a fair's report holds when it is closed (the counts never change afterwards). */
export interface FairReport {
  reportedAt: string;
  totals: Record<string, number>;
  employers: Array<Record<string, unknown>>;
}

/** A job fair run by a station, from announcement to its report. */
export const jobFairs = pgTable(
  'job_fairs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: fairKind('kind').notNull(),
    title: text('title').notNull(),
    /** The organiser's region: it decides who may see and run the fair. */
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    stationId: uuid('station_id').references(() => stations.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    address: text('address'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    /** A WeChat Channels live link or any URL, for live and video fairs. */
    streamUrl: text('stream_url'),
    audience: jsonb('audience').$type<FairAudience>().notNull(),
    /** Places for sign-ups; none means no limit. */
    capacity: integer('capacity'),
    /**
     * Places taken: the sign-ups with status signed_up, kept by the statement that changes one (a sign-up
     * takes a place with `taken = taken + 1 … taken < capacity`), so the fair's row is locked only briefly.
     */
    taken: integer('taken').notNull().default(0),
    /** 春风行动, 10+N, 乐业搬迁专场 … */
    campaign: text('campaign'),
    status: fairStatus('status').notNull().default('draft'),
    /** Short code printed in the QR code and typed after 签到. */
    checkinCode: text('checkin_code').notNull(),
    onScreenVacancyId: uuid('on_screen_vacancy_id').references(() => vacancies.id),
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    liveAt: timestamp('live_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    report: jsonb('report').$type<FairReport>(),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('job_fairs_checkin_code_idx').on(t.checkinCode),
    index('job_fairs_region_idx').on(t.regionCode.op('text_pattern_ops'), t.startsAt),
    index('job_fairs_status_idx').on(t.status, t.startsAt),
    check('job_fairs_window', sql`${t.endsAt} > ${t.startsAt}`),
    check('job_fairs_capacity', sql`${t.capacity} is null or ${t.capacity} > 0`),
    check('job_fairs_taken', sql`${t.taken} >= 0`),
  ],
);

/** The posts employers bring to a fair, each with its number in the fair (回复 报名 7). */
export const fairVacancies = pgTable(
  'fair_vacancies',
  {
    fairId: uuid('fair_id')
      .notNull()
      .references(() => jobFairs.id),
    vacancyId: uuid('vacancy_id')
      .notNull()
      .references(() => vacancies.id),
    seq: integer('seq').notNull(),
    /** When it was last shown on screen during the live stream. */
    onScreenAt: timestamp('on_screen_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.fairId, t.vacancyId] }), uniqueIndex('fair_vacancies_seq_idx').on(t.fairId, t.seq)],
);

export const fairSignupStatus = pgEnum('fair_signup_status', ['signed_up', 'waiting', 'cancelled']);

/** A person's place at a fair (or on its waiting list), and their check-in. */
export const fairSignups = pgTable(
  'fair_signups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fairId: uuid('fair_id')
      .notNull()
      .references(() => jobFairs.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    status: fairSignupStatus('status').notNull(),
    /** chat, station, mini_program, walk_in */
    source: text('source').notNull(),
    /** Order of arrival (a new number on signing up again): the waiting list is served in this order. */
    queue: bigserial('queue', { mode: 'number' }).notNull(),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedInBy: uuid('checked_in_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fair_signups_unique_idx').on(t.fairId, t.workerId), index('fair_signups_fair_idx').on(t.fairId, t.status, t.queue), index('fair_signups_worker_idx').on(t.workerId)],
);
