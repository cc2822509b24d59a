import { date, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { workers } from './registry';

/** 中职 / 高职 / 技工院校 / other */
export const schoolLevel = pgEnum('school_level', ['secondary_vocational', 'higher_vocational', 'technician', 'other']);
export const rainDewStatus = pgEnum('rain_dew_status', ['studying', 'graduated', 'employed', 'seeking', 'further_study', 'enlisted', 'other']);

/**
 * 一人一档: the file of a Rain Dew Plan (雨露计划) student from a lifted family, kept from school until
 * steady work (seeds 000 §3, 001 §2.5, 002 §2.7). The person is a registered worker.
 */
export const rainDewFiles = pgTable(
  'rain_dew_files',
  {
    workerId: uuid('worker_id')
      .primaryKey()
      .references(() => workers.id),
    regionCode: text('region_code').notNull(),
    school: text('school').notNull(),
    major: text('major').notNull(),
    level: schoolLevel('level').notNull(),
    /** Unknown for some graduate lists (only the graduation year is given). */
    enrolledOn: date('enrolled_on', { mode: 'string' }),
    expectedGraduation: date('expected_graduation', { mode: 'string' }).notNull(),
    graduatedOn: date('graduated_on', { mode: 'string' }),
    status: rainDewStatus('status').notNull().default('studying'),
    /** The member of station staff who follows this person. */
    caseWorkerId: uuid('case_worker_id').references(() => accounts.id),
    lastContactAt: timestamp('last_contact_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rain_dew_region_idx').on(t.regionCode.op('text_pattern_ops'), t.status)],
);

/** 雨露计划补助: one payment per term. */
export const rainDewSubsidies = pgTable(
  'rain_dew_subsidies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => rainDewFiles.workerId),
    term: text('term').notNull(),
    amountFen: integer('amount_fen').notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    recordedBy: uuid('recorded_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rain_dew_subsidies_worker_idx').on(t.workerId)],
);

/** The file's timeline: every contact (who, channel, when, outcome) and every change of status. */
export const rainDewEvents = pgTable(
  'rain_dew_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => rainDewFiles.workerId),
    kind: text('kind').notNull(),
    channel: text('channel'),
    outcome: text('outcome'),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    by: uuid('by').references(() => accounts.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rain_dew_events_worker_idx').on(t.workerId, t.at)],
);

/** 一生一策: one plan per graduate, with its goal. */
export const rainDewPlans = pgTable('rain_dew_plans', {
  workerId: uuid('worker_id')
    .primaryKey()
    .references(() => rainDewFiles.workerId),
  goal: text('goal').notNull(),
  updatedBy: uuid('updated_by').references(() => accounts.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const planActionKind = pgEnum('plan_action_kind', ['guidance', 'referral', 'training', 'public_welfare', 'other']);
export const planActionStatus = pgEnum('plan_action_status', ['open', 'done', 'dropped']);

/** An action of the plan: who does what by when, closed with what came of it. */
export const rainDewActions = pgTable(
  'rain_dew_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => rainDewFiles.workerId),
    kind: planActionKind('kind').notNull(),
    description: text('description').notNull(),
    ownerId: uuid('owner_id').references(() => accounts.id),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: planActionStatus('status').notNull().default('open'),
    outcome: text('outcome'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rain_dew_actions_worker_idx').on(t.workerId, t.status)],
);
