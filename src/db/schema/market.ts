import { sql } from 'drizzle-orm';
import { boolean, check, customType, date, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { regions } from './regions';
import { workers } from './registry';

/** A PostgreSQL text-search vector; filled from Chinese words cut by jieba. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** 企业 / 就业帮扶车间 / 以工代赈项目承包方 / 村委会 / 人力资源服务机构 / 劳务经纪人 / 劳务合作社 */
export const employerKind = pgEnum('employer_kind', [
  'enterprise',
  'workshop',
  'work_relief_contractor',
  'village_committee',
  'hr_agency',
  'labour_broker',
  'labour_cooperative',
]);

export const employers = pgTable(
  'employers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: employerKind('kind').notNull(),
    /** 统一社会信用代码 (GB 32100), when the employer has one. */
    creditCode: text('credit_code'),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    address: text('address'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    contactName: text('contact_name'),
    contactPhoneEnc: text('contact_phone_enc'),
    contactPhoneMasked: text('contact_phone_masked'),
    /** Support tier of an assistance workshop (就业帮扶车间), as the county rates it. */
    workshopTier: text('workshop_tier'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    verifiedBy: uuid('verified_by').references(() => accounts.id),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('employers_region_idx').on(t.regionCode.op('text_pattern_ops')), uniqueIndex('employers_credit_code_idx').on(t.creditCode)],
);

/** 常规岗位 / 季节性有组织劳务输出 / 零工 / 乡村公益性岗位 / 以工代赈 / 帮扶车间岗位 */
export const vacancyKind = pgEnum('vacancy_kind', ['regular', 'seasonal', 'gig', 'public_welfare', 'work_relief', 'workshop']);
export const vacancyStatus = pgEnum('vacancy_status', ['draft', 'open', 'filled', 'closed', 'expired']);
export const payUnit = pgEnum('pay_unit', ['hour', 'day', 'month', 'piece']);

export const vacancies = pgTable(
  'vacancies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    employerId: uuid('employer_id')
      .notNull()
      .references(() => employers.id),
    kind: vacancyKind('kind').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** Free-text requirements; checked against the public-welfare post rules. */
    requirements: text('requirements').notNull().default(''),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    address: text('address'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    payMinFen: integer('pay_min_fen').notNull(),
    payMaxFen: integer('pay_max_fen').notNull(),
    payUnit: payUnit('pay_unit').notNull(),
    requiredSkills: text('required_skills').array().notNull().default(sql`'{}'::text[]`),
    hours: text('hours'),
    headcount: integer('headcount').notNull(),
    filled: integer('filled').notNull().default(0),
    status: vacancyStatus('status').notNull().default('draft'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Kind-specific facts: gig date and hours, departure, contract term, pay schedule. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    search: tsvector('search'),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('vacancies_open_region_idx').on(t.status, t.regionCode.op('text_pattern_ops')),
    index('vacancies_open_geo_idx').on(t.status, t.lat, t.lng),
    index('vacancies_employer_idx').on(t.employerId),
    index('vacancies_search_idx').using('gin', t.search),
    check('vacancies_headcount', sql`${t.headcount} > 0 and ${t.filled} >= 0 and ${t.filled} <= ${t.headcount}`),
    check('vacancies_pay', sql`${t.payMinFen} >= 0 and ${t.payMaxFen} >= ${t.payMinFen}`),
  ],
);

/** 订单 / 定向 / 定岗 / 劳动预备制 / 新型学徒制 / 岗前 / 技能提升 */
/**
 * The assistance projects a post may name (its details' `projectId`), as monitoring, which keeps them, tells the market
 * of each one it records or changes, in the same transaction: their kind and county only. The market reads them to
 * check a post's project and to put people from relocation sites first for a government-invested project's post.
 */
export const marketProjects = pgTable('market_projects', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(),
  regionCode: text('region_code').notNull(),
});

export const trainingKind = pgEnum('training_kind', ['order', 'targeted', 'post_specific', 'pre_employment', 'apprenticeship', 'pre_job', 'upskilling']);
export const trainingStatus = pgEnum('training_status', ['open', 'closed', 'cancelled']);

export const trainingSessions = pgTable(
  'training_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: trainingKind('kind').notNull(),
    title: text('title').notNull(),
    provider: text('provider').notNull(),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    place: text('place'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    capacity: integer('capacity').notNull(),
    enrolled: integer('enrolled').notNull().default(0),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    trainingSubsidyFen: integer('training_subsidy_fen').notNull().default(0),
    livingAllowanceFen: integer('living_allowance_fen').notNull().default(0),
    /** For order-based training (订单式): the vacancies it leads to. */
    vacancyIds: uuid('vacancy_ids').array().notNull().default(sql`'{}'::uuid[]`),
    status: trainingStatus('status').notNull().default('open'),
    search: tsvector('search'),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('training_sessions_region_idx').on(t.status, t.regionCode.op('text_pattern_ops')),
    index('training_sessions_search_idx').using('gin', t.search),
    check('training_capacity', sql`${t.capacity} > 0 and ${t.enrolled} >= 0 and ${t.enrolled} <= ${t.capacity}`),
    check('training_dates', sql`${t.endDate} >= ${t.startDate}`),
  ],
);

export const enrolmentStatus = pgEnum('enrolment_status', ['enrolled', 'cancelled', 'completed']);

export const enrolments = pgTable(
  'enrolments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => trainingSessions.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    status: enrolmentStatus('status').notNull().default('enrolled'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('enrolments_unique_idx').on(t.sessionId, t.workerId), index('enrolments_worker_idx').on(t.workerId)],
);

/**
 * The key of a job fair, for an application's foreign key to the fair it came from. The job fairs are the
 * fairs' table (schema/fairs.ts), a layer above the market, which imports the market's schema for its own
 * keys; this names only the table and its key, so the two files do not import each other. Not exported:
 * nothing reads it, and the migrations know the fairs' table whole from schema/fairs.ts.
 */
const jobFairKey = pgTable('job_fairs', { id: uuid('id').primaryKey() });

/**
 * An application and its whole path. Regular posts: applied → interview → hired / rejected / no_show.
 * Gigs: applied → accepted → checked_in → completed, then the worker says paid or not paid.
 */
export const applicationStatus = pgEnum('application_status', [
  'applied',
  'interview',
  'hired',
  'rejected',
  'no_show',
  'withdrawn',
  'accepted',
  'checked_in',
  'completed',
]);
export const applicationSource = pgEnum('application_source', ['station', 'chat', 'mini_program', 'fair']);

export const applications = pgTable(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    vacancyId: uuid('vacancy_id')
      .notNull()
      .references(() => vacancies.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    status: applicationStatus('status').notNull().default('applied'),
    source: applicationSource('source').notNull(),
    /** Whether this application holds one of the vacancy's places (accepted gig or hire). */
    holdsPlace: boolean('holds_place').notNull().default(false),
    paid: boolean('paid'),
    wageDueAt: timestamp('wage_due_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    history: jsonb('history').$type<Array<{ status: string; at: string; by: string | null }>>().notNull().default([]),
    /** The job fair the application came from (counted in its outcome). */
    fairId: uuid('fair_id').references(() => jobFairKey.id),
  },
  (t) => [
    uniqueIndex('applications_unique_idx').on(t.vacancyId, t.workerId),
    index('applications_worker_idx').on(t.workerId),
    index('applications_fair_idx').on(t.fairId).where(sql`${t.fairId} is not null`),
  ],
);

/** 欠薪 case for the station (seed 000 national §2.5: 劳动仲裁"绿色通道"). */
export const wageCaseStatus = pgEnum('wage_case_status', ['open', 'resolved']);
export const wageCases = pgTable(
  'wage_cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id').references(() => applications.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    employerId: uuid('employer_id').references(() => employers.id),
    regionCode: text('region_code').notNull(),
    amountFen: integer('amount_fen'),
    reason: text('reason').notNull(),
    /** The person's own words when they reported it by chat (ID and phone numbers masked). */
    description: text('description'),
    status: wageCaseStatus('status').notNull().default('open'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    note: text('note'),
  },
  (t) => [index('wage_cases_region_idx').on(t.status, t.regionCode.op('text_pattern_ops')), uniqueIndex('wage_cases_application_idx').on(t.applicationId)],
);

export type Employer = typeof employers.$inferSelect;
export type Vacancy = typeof vacancies.$inferSelect;
export type TrainingSession = typeof trainingSessions.$inferSelect;
export type Application = typeof applications.$inferSelect;
