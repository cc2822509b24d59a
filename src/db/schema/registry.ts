import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { regions } from './regions';

/**
 * 脱贫人口 / 防止返贫监测对象 / 农村低收入人口 / 防止返贫致贫对象. `at_risk` is the 2026 name of the monitored
 * (常态化帮扶: monitoring widened to any rural household at risk); records made under the old name keep `monitored`.
 */
export const workerCategory = pgEnum('worker_category', ['lifted', 'monitored', 'low_income', 'at_risk']);
/** 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户 / any other rural household found at risk (the wider 2026 scope, `at_risk` only). */
export const monitoringType = pgEnum('monitoring_type', ['unstable', 'marginal', 'sudden_hardship', 'other_at_risk']);
/** 劳动能力: 普通或技能劳动力 / 半劳动力 / 弱劳动力 / 无劳动能力 */
export const laborCapacity = pgEnum('labor_capacity', ['full', 'partial', 'weak', 'none']);
/** 健康状况 as the official form records it. */
export const healthStatus = pgEnum('health_status', ['healthy', 'chronic_illness', 'serious_illness', 'disabled']);
export const sexEnum = pgEnum('sex', ['male', 'female']);
/** 就业意向: 县内 / 县外 */
export const workIntention = pgEnum('work_intention', ['in_county', 'out_of_county']);
export const recordSource = pgEnum('record_source', ['import', 'station', 'self_report', 'market']);
/** What kind of work a job is, for the monthly figures: 公益性岗位, 就业帮扶车间, 以工代赈, or an ordinary job. */
export const jobKind = pgEnum('job_kind', ['regular', 'gig', 'seasonal', 'public_welfare', 'workshop', 'work_relief', 'self_employed']);
export const workerStatus = pgEnum('worker_status', ['active', 'left']);

/** 户: one household, with the relocation flag the seeds count separately (易地搬迁). */
export const households = pgTable(
  'households',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    /** The householder's ID number as a keyed hash, to find the household again on import. */
    headIdHash: text('head_id_hash').unique(),
    relocated: boolean('relocated').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('households_region_idx').on(t.regionCode.op('text_pattern_ops'))],
);

/** A registered person: every column of 农村贫困劳动力就业信息表 (seed 003) and what the service adds. */
export const workers = pgTable(
  'workers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    householdId: uuid('household_id').references(() => households.id),
    name: text('name').notNull(),
    sex: sexEnum('sex').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    /** AES-256-GCM ciphertext; never stored or logged in clear. */
    idNumberEnc: text('id_number_enc').notNull(),
    /** Keyed hash for exact lookup and de-duplication. */
    idNumberHash: text('id_number_hash').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    phoneEnc: text('phone_enc'),
    phoneHash: text('phone_hash'),
    phoneMasked: text('phone_masked'),
    ethnicity: text('ethnicity'),
    politicalStatus: text('political_status'),
    education: text('education'),
    health: healthStatus('health'),
    laborCapacity: laborCapacity('labor_capacity').notNull().default('full'),
    category: workerCategory('category').notNull().default('lifted'),
    monitoringType: monitoringType('monitoring_type'),
    /** Kept in step with the employment records in the same transaction. */
    employed: boolean('employed').notNull().default(false),
    /** Consent to matching and messages, as the latest row of `consents` says. */
    consent: boolean('consent').notNull().default(false),
    intention: workIntention('intention'),
    /** 未转移就业原因 (seed 003 Longyan §3: 未转移就业的落实其未转移就业原因), as the station writes it. */
    notTransferredReason: text('not_transferred_reason'),
    serviceNeeds: text('service_needs').array().notNull().default(sql`'{}'::text[]`),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    homeLat: doublePrecision('home_lat'),
    homeLng: doublePrecision('home_lng'),
    preferredLanguage: text('preferred_language').notNull().default('zh-CN'),
    /** The least pay the person will take, per month in fen; matching leaves out what pays less. */
    payFloorFen: integer('pay_floor_fen'),
    status: workerStatus('status').notNull().default('active'),
    /** The day the person left the programme (counted in the register's figures until then). */
    leftOn: date('left_on', { mode: 'string' }),
    /** Hash of the imported fields, so a re-import of the same row is recognised as unchanged. */
    contentHash: text('content_hash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('workers_id_hash_idx').on(t.idNumberHash),
    index('workers_phone_hash_idx').on(t.phoneHash),
    index('workers_region_idx').on(t.regionCode.op('text_pattern_ops')),
    index('workers_household_idx').on(t.householdId),
    index('workers_home_idx').on(t.homeLat, t.homeLng),
    index('workers_skills_idx').using('gin', t.skills),
    check('workers_geo_pair', sql`(${t.homeLat} is null) = (${t.homeLng} is null)`),
    check('workers_geo_range', sql`${t.homeLat} is null or (${t.homeLat} between -90 and 90 and ${t.homeLng} between -180 and 180)`),
    // Compared as text: a value added to the enum cannot be named in the transaction that adds it.
    check('workers_monitoring_type', sql`(${t.category}::text in ('monitored', 'at_risk')) = (${t.monitoringType} is not null)`),
    check('workers_other_at_risk', sql`${t.monitoringType} is null or ${t.monitoringType}::text <> 'other_at_risk' or ${t.category}::text = 'at_risk'`),
  ],
);

/**
 * Employment history: every change is a dated record. A record is only ever closed (end date set
 * once), never rewritten, so monitoring can recompute any past month.
 */
export const employmentRecords = pgTable(
  'employment_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    employerName: text('employer_name'),
    /** 就业地点 as written on the form, e.g. 云南省红河州元阳县 */
    place: text('place'),
    placeRegionCode: text('place_region_code'),
    /** Unknown for records that do not say (imports of the old form). */
    kind: jobKind('kind'),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    monthlyIncomeFen: integer('monthly_income_fen'),
    /** 非全日制: a part-time public-welfare post leaves room for gigs (seed 000 national §2.4: 允许…兼职从事灵活就业). */
    partTime: boolean('part_time').notNull().default(false),
    /** Why a public-welfare post holder left (有序退岗, seed 004 §12), written with the end date. */
    exitReason: text('exit_reason'),
    /**
     * Work on a government-invested project, as monitoring marks the record its project link takes: it runs beside the
     * person's other work and ends with its spell there, so a new job recorded at the station leaves it open.
     */
    projectWork: boolean('project_work').notNull().default(false),
    source: recordSource('source').notNull(),
    recordedBy: uuid('recorded_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('employment_worker_idx').on(t.workerId, t.startDate),
    check('employment_dates', sql`${t.endDate} is null or ${t.endDate} >= ${t.startDate}`),
    check('employment_income', sql`${t.monthlyIncomeFen} is null or ${t.monthlyIncomeFen} >= 0`),
  ],
);

/**
 * The agreements of a public-welfare post holder (劳动合同或劳务协议), one row each: the first from the day the
 * post starts, each renewal from the day after the last one ends. "每次签订期限不超过1年" (seed 004 §12): a term
 * ends before the same day a year on. Rows are added, never changed.
 */
export const publicWelfareTerms = pgTable(
  'public_welfare_terms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordId: uuid('record_id')
      .notNull()
      .references(() => employmentRecords.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    recordedBy: uuid('recorded_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('public_welfare_terms_start_idx').on(t.recordId, t.startsOn),
    index('public_welfare_terms_ends_idx').on(t.endsOn),
    check('public_welfare_terms_one_year', sql`${t.endsOn} >= ${t.startsOn} and ${t.endsOn} < ${t.startsOn} + interval '1 year'`),
  ],
);

/** 岗位补贴 of a public-welfare post, or 劳务报酬 of a work-relief job: what was due for a month, when, and what was paid. */
export const paymentKind = pgEnum('payment_kind', ['subsidy', 'wage']);

/**
 * What a public-welfare post holder or a work-relief worker is owed month by month, and what reached
 * them (seed 000 national §2.4: no 拖欠工资补贴; seed 000 §4: wages in full and on time). The integrity
 * review reads it for subsidies unpaid past their date and wages paid late or short.
 */
export const employmentPayments = pgTable(
  'employment_payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordId: uuid('record_id')
      .notNull()
      .references(() => employmentRecords.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    kind: paymentKind('kind').notNull(),
    /** The month the money is for, YYYY-MM. */
    period: text('period').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    amountDueFen: integer('amount_due_fen').notNull(),
    paidOn: date('paid_on', { mode: 'string' }),
    amountPaidFen: integer('amount_paid_fen'),
    note: text('note'),
    recordedBy: uuid('recorded_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('employment_payments_period_idx').on(t.recordId, t.period),
    index('employment_payments_due_idx').on(t.dueOn),
    check('employment_payments_amounts', sql`${t.amountDueFen} >= 0 and (${t.amountPaidFen} is null or ${t.amountPaidFen} >= 0)`),
    check('employment_payments_paid_pair', sql`(${t.paidOn} is null) = (${t.amountPaidFen} is null)`),
  ],
);

/** Training history, likewise dated and append-only. */
export const trainingRecords = pgTable(
  'training_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    title: text('title').notNull(),
    kind: text('kind'),
    provider: text('provider'),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    certificate: text('certificate'),
    source: recordSource('source').notNull(),
    recordedBy: uuid('recorded_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('training_worker_idx').on(t.workerId, t.startDate)],
);

export type Worker = typeof workers.$inferSelect;
export type Household = typeof households.$inferSelect;
export type EmploymentRecord = typeof employmentRecords.$inferSelect;

export const consentChannel = pgEnum('consent_channel', ['station_form', 'chat', 'mini_program']);

/**
 * A person's consent to the use of their sensitive data for matching and messages (PIPL Art. 29: separate
 * consent), each answer a row: given or withdrawn, which notice, by which door, recorded by whom.
 * The latest row decides; `workers.consent` mirrors it in the same transaction.
 */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    granted: boolean('granted').notNull(),
    noticeVersion: text('notice_version').notNull(),
    channel: consentChannel('channel').notNull(),
    recordedBy: uuid('recorded_by').references(() => accounts.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consents_worker_idx').on(t.workerId, t.at)],
);

export const approvalStatus = pgEnum('export_approval_status', ['pending', 'approved', 'rejected', 'used']);

/**
 * An unmasked bulk export asked for by one administrator and approved by a second, then used once
 * (GB/T 35273: bulk exports of personal data are controlled and recorded).
 */
export const exportApprovals = pgTable(
  'export_approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => accounts.id),
    regionCode: text('region_code').notNull(),
    filter: jsonb('filter').$type<{ category?: string; laborCapacity?: string; employed?: boolean }>().notNull().default({}),
    purpose: text('purpose').notNull(),
    status: approvalStatus('status').notNull().default('pending'),
    decidedBy: uuid('decided_by').references(() => accounts.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('export_approvals_region_idx').on(t.status, t.regionCode.op('text_pattern_ops'))],
);

/**
 * Every change to a person's record: which fields, from which source (the person's own report, a station, an import).
 * The register writes it with the change; the person's page (me) reads it through the register's `changesOf`.
 */
export const workerChanges = pgTable(
  'worker_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    fields: text('fields').array().notNull(),
    source: text('source').notNull(),
    by: uuid('by').references(() => accounts.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('worker_changes_worker_idx').on(t.workerId, t.at)],
);
