import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { workers } from './registry';

export const policyAudience = pgEnum('policy_audience', ['worker', 'employer', 'agency']);
/** 即申即享 (claim on application) / 直补快办 (paid directly, no application) / ordinary */
export const policyMode = pgEnum('policy_mode', ['instant', 'direct', 'ordinary']);

export type Localized = { 'zh-CN': string; en?: string };

/**
 * One version of an assistance policy. Editing adds a version and keeps the old one for the record;
 * only the current version of each key is shown, and only while it is valid.
 */
export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    current: boolean('current').notNull().default(true),
    title: jsonb('title').$type<Localized>().notNull(),
    summary: jsonb('summary').$type<Localized>().notNull(),
    audience: policyAudience('audience').notNull(),
    benefit: jsonb('benefit').$type<Localized & { amountFen?: number | null; unit?: string | null }>().notNull(),
    /** Eligibility as declarative rules over the register's data (see src/policies/rules.ts). */
    rule: jsonb('rule').notNull(),
    apply: jsonb('apply').$type<{ steps: Localized[]; materials: Localized[]; where: Localized; url?: string | null }>().notNull(),
    mode: policyMode('mode').notNull().default('ordinary'),
    /** '' national, else the region it applies in (and below); a narrower one may override a key. */
    regionCode: text('region_code').notNull().default(''),
    /** The key of a broader policy this one replaces within its region. */
    overrides: text('overrides'),
    /**
     * The key of a policy that ended and that this one carries forward under a newer document: a policy
     * with a successor ends without a warning, one without is announced to administrators before it ends.
     */
    continues: text('continues'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    source: jsonb('source').$type<{ document: string; article: string; seed?: string | null; quote?: string | null }>().notNull(),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('policies_version_idx').on(t.key, t.version),
    uniqueIndex('policies_current_idx').on(t.key).where(sql`${t.current}`),
    index('policies_region_idx').on(t.regionCode.op('text_pattern_ops')),
  ],
);

/** A person was told of a policy (by a push or by staff): told once per policy, whatever its version. */
export const policyNotices = pgTable(
  'policy_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    policyKey: text('policy_key').notNull(),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    /** event (a hire, an enrolment), staff, or chat (the person asked). */
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('policy_notices_once_idx').on(t.policyKey, t.workerId)],
);
