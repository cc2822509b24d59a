import { z } from 'zod';
import { PageQuery } from '../http/pagination';
import { RuleSchema } from './rules';

const Text = (max: number) => z.object({ 'zh-CN': z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max * 2).optional() }).strict();
const RegionScope = z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})?$/, 'expected "" (national) or a region code');

export const PolicyInput = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{2,59}$/, 'expected lower-case letters, digits and _'),
    title: Text(60),
    summary: Text(300),
    audience: z.enum(['worker', 'employer', 'agency']),
    benefit: Text(200).extend({ amountFen: z.number().int().min(0).max(100_000_000).nullish(), unit: z.enum(['once', 'month', 'year', 'person']).nullish() }),
    rule: RuleSchema.meta({ description: 'Eligibility: {all|any: [...]}, {not}, {fact, op, value}, {employment: {outside, withinMonths?, current?}}, {training: {withinMonths?}}' }),
    apply: z
      .object({ steps: z.array(Text(200)).min(1).max(10), materials: z.array(Text(100)).max(10).default([]), where: Text(200), url: z.url({ protocol: /^https$/ }).nullish() })
      .strict(),
    mode: z.enum(['instant', 'direct', 'ordinary']).default('ordinary').meta({ description: 'instant 即申即享; direct 直补快办; ordinary' }),
    regionCode: RegionScope.default('').meta({ description: '"" for national, or the region it applies in' }),
    overrides: z.string().regex(/^[a-z][a-z0-9_]{2,59}$/).nullish().meta({ description: 'The key of a broader policy this one replaces in its region' }),
    continues: z.string().regex(/^[a-z][a-z0-9_]{2,59}$/).nullish().meta({ description: 'The key of an ended policy this one carries forward (a policy with a successor ends without a warning)' }),
    validFrom: z.iso.date().nullish(),
    validTo: z.iso.date().nullish(),
    source: z.object({ document: z.string().trim().min(2).max(120), article: z.string().trim().min(1).max(60), seed: z.string().max(10).nullish(), quote: z.string().max(200).nullish() }).strict(),
  })
  .strict()
  .refine((p) => !p.validFrom || !p.validTo || p.validFrom <= p.validTo, { path: ['validTo'], message: 'validTo before validFrom' })
  .meta({ id: 'PolicyInput' });
export type PolicyInput = z.infer<typeof PolicyInput>;

/** A text as a policy keeps it: Chinese always, English where it was written. */
const Localized = z.object({ 'zh-CN': z.string(), en: z.string().optional() });

export const PolicyView = z
  .object({
    key: z.string(),
    version: z.number().int(),
    title: z.record(z.string(), z.string()),
    summary: z.record(z.string(), z.string()),
    audience: z.string(),
    benefit: Localized.extend({ amountFen: z.number().int().nullish(), unit: z.string().nullish() }),
    rule: z.unknown(),
    apply: z.object({ steps: z.array(Localized), materials: z.array(Localized), where: Localized, url: z.string().nullish() }),
    mode: z.string(),
    regionCode: z.string(),
    overrides: z.string().nullable(),
    validFrom: z.string().nullable(),
    validTo: z.string().nullable(),
    continues: z.string().nullable(),
    /** in_force, ended or not_yet (by the Asia/Shanghai date). */
    state: z.enum(['in_force', 'ended', 'not_yet']),
    /** The current policy that carries this one forward, if any. */
    successor: z.string().nullable(),
    /** Ends within the warning window (60 days) and nothing carries it forward: 即将到期. */
    endingSoon: z.boolean(),
    /** For an ended policy with no successor: why, in plain words. */
    endNote: z.record(z.string(), z.string()).nullable(),
    source: z.object({ document: z.string(), article: z.string(), seed: z.string().nullish(), quote: z.string().nullish() }),
    createdAt: z.string(),
  })
  .meta({ id: 'Policy' });

export const PolicyListQuery = z
  .object({
    audience: z.enum(['worker', 'employer', 'agency']).optional(),
    regionCode: RegionScope.optional().meta({ description: 'Policies that apply in this region (default: your region)' }),
    includeExpired: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    state: z.enum(['current', 'expired', 'all']).optional().meta({ description: 'current (default): in force today; expired: ended, listed apart; all' }),
  })
  .strict();

const ChecklistItem = z.object({
  key: z.string(),
  title: z.string(),
  summary: z.string(),
  benefit: z.string(),
  amountFen: z.number().int().nullable(),
  mode: z.string(),
  reasons: z.array(z.string()),
  missing: z.array(z.string()),
  steps: z.array(z.string()),
  materials: z.array(z.string()),
  where: z.string(),
  source: z.string(),
  told: z.boolean(),
});
export const ChecklistView = z.object({ eligible: z.array(ChecklistItem), near: z.array(ChecklistItem) }).meta({ id: 'PolicyChecklist' });

export const EligibleQuery = z
  .object({ regionCode: z.string().regex(/^\d{2,12}$/).optional(), notTold: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'), ...PageQuery })
  .strict();
export const NotifyBody = z.object({ regionCode: z.string().regex(/^\d{2,12}$/).optional() }).strict();
