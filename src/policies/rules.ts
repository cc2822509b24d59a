import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { PolicyPorts } from '../context';
import type { Db } from '../db/client';
import { flaggedAmong } from '../regions';
import { jobSpellsOf, trainingStartsOf, workersWithRelocation } from '../registry';
import { CATEGORY, HEALTH, INTENTION, LABOR_CAPACITY, SEX, withBothNames } from '../registry';

/**
 * Eligibility as data: a tree of conditions over what the register knows of a person. Stations and
 * administrators write them as JSON; they are checked field by field when saved, so a rule naming a
 * field the register does not have is refused with its path.
 */
const ENUM_FACTS = {
  category: CATEGORY,
  laborCapacity: LABOR_CAPACITY,
  health: HEALTH,
  intention: INTENTION,
  sex: SEX,
} as const;
const BOOL_FACTS = ['employed', 'householdRelocated', 'keyAssistanceCounty', 'relocationSite', 'rainDewStudent'] as const;
export const FACTS = [...(Object.keys(ENUM_FACTS) as Array<keyof typeof ENUM_FACTS>), ...BOOL_FACTS, 'age'] as const;
export type FactName = (typeof FACTS)[number];

export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { fact: FactName; op: 'eq' | 'ne' | 'in' | 'gte' | 'lte'; value: string | number | boolean | string[] }
  | { employment: { outside: 'province' | 'county' | 'any'; withinMonths?: number; current?: boolean } }
  | { training: { withinMonths?: number } };

const Leaf = z
  .object({
    fact: z.enum(FACTS),
    op: z.enum(['eq', 'ne', 'in', 'gte', 'lte']),
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string()).min(1).max(20)]),
  })
  .strict()
  .superRefine((leaf, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (leaf.fact === 'age') {
      if (leaf.op !== 'gte' && leaf.op !== 'lte') ctx.addIssue({ code: 'custom', path: ['op'], message: 'age takes gte or lte' });
      if (typeof leaf.value !== 'number' || leaf.value < 0 || leaf.value > 120) bad('age is a number of years');
      return;
    }
    if ((BOOL_FACTS as readonly string[]).includes(leaf.fact)) {
      if (leaf.op !== 'eq' && leaf.op !== 'ne') ctx.addIssue({ code: 'custom', path: ['op'], message: `${leaf.fact} takes eq or ne` });
      if (typeof leaf.value !== 'boolean') bad(`${leaf.fact} is true or false`);
      return;
    }
    const allowed = ENUM_FACTS[leaf.fact as keyof typeof ENUM_FACTS] as readonly string[];
    if (leaf.op === 'gte' || leaf.op === 'lte') ctx.addIssue({ code: 'custom', path: ['op'], message: `${leaf.fact} takes eq, ne or in` });
    const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
    if (leaf.op === 'in' && !Array.isArray(leaf.value)) bad('in takes a list');
    if (leaf.op !== 'in' && Array.isArray(leaf.value)) bad(`${leaf.op} takes one value`);
    for (const v of values) if (typeof v !== 'string' || !allowed.includes(v)) bad(`${leaf.fact} is one of ${allowed.join(', ')}`);
  });

const Employment = z.object({ employment: z.object({ outside: z.enum(['province', 'county', 'any']), withinMonths: z.number().int().min(1).max(120).optional(), current: z.boolean().optional() }).strict() }).strict();
const Training = z.object({ training: z.object({ withinMonths: z.number().int().min(1).max(120).optional() }).strict() }).strict();

/** Checks a rule node by node, so each problem is reported at its own path (e.g. rule.all.1.fact). */
function checkRule(value: unknown, path: Array<string | number>, ctx: z.RefinementCtx, depth: number): void {
  const issue = (message: string, at: Array<string | number> = []) => ctx.addIssue({ code: 'custom', path: [...path, ...at], message });
  if (depth > 8) return issue('rules nest at most 8 deep');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return issue('expected a rule object');
  const node = value as Record<string, unknown>;
  const sub = (schema: z.ZodType) => {
    const r = schema.safeParse(value);
    if (!r.success) for (const i of r.error.issues) issue(i.message, i.path as Array<string | number>);
  };
  if ('all' in node || 'any' in node) {
    const key = 'all' in node ? 'all' : 'any';
    const list = node[key];
    if (Object.keys(node).length !== 1) return issue(`"${key}" stands alone in its object`);
    if (!Array.isArray(list) || list.length > 20 || (key === 'any' && list.length === 0)) return issue(`"${key}" takes a list of ${key === 'any' ? '1' : '0'} to 20 rules`, [key]);
    list.forEach((r, i) => checkRule(r, [...path, key, i], ctx, depth + 1));
  } else if ('not' in node) {
    if (Object.keys(node).length !== 1) return issue('"not" stands alone in its object');
    checkRule(node.not, [...path, 'not'], ctx, depth + 1);
  } else if ('fact' in node) sub(Leaf);
  else if ('employment' in node) sub(Employment);
  else if ('training' in node) sub(Training);
  else issue('expected one of all, any, not, fact, employment, training');
}

export const RuleSchema = z
  .unknown()
  .superRefine((v, ctx) => checkRule(v, [], ctx, 0))
  .transform((v) => v as Rule) as unknown as z.ZodType<Rule>;

/** What the rules read about one person, gathered in a few queries for many people at once. */
export interface Facts {
  category: string;
  laborCapacity: string;
  health: string | null;
  intention: string | null;
  sex: string;
  employed: boolean;
  householdRelocated: boolean;
  keyAssistanceCounty: boolean;
  relocationSite: boolean;
  /** Has a Rain Dew file (雨露计划) and is still in school or not yet in work: see RAIN_DEW_OPEN. */
  rainDewStudent: boolean;
  age: number;
  regionCode: string;
  jobs: Array<{ placeRegionCode: string | null; startDate: string; endDate: string | null }>;
  /** Dates (YYYY-MM-DD) of trainings enrolled in or recorded. */
  trainings: string[];
}

/**
 * Rain Dew file statuses that still count for the Rain Dew entry (seed 000 二(六): 新成长劳动力 in
 * vocational school, and 延伸做好雨露计划毕业生后续帮扶 until work). In school: 'studying' and
 * 'further_study'. Out of school, not yet in work: 'graduated' (left school with no job recorded,
 * src/rain-dew/status.ts) and 'seeking' (a job ended). Left out: 'employed' and 'enlisted' (they have
 * a place), and 'other', which says nothing either way, so the register does not guess.
 */
const RAIN_DEW_OPEN = ['studying', 'further_study', 'graduated', 'seeking'] as const;

function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Enrolments that count as a training taken: enrolled in, or completed (a cancelled one does not). */
const TRAINING_COUNTS = ['enrolled', 'completed'];

/** The market's enrolments and Rain Dew's files come through the ports the context hands in (PolicyPorts). */
export async function loadFacts(db: Db, ports: Pick<PolicyPorts, 'trainingEnrolments' | 'rainDewFilesIn'>, workerIds: string[], today: string): Promise<Map<string, Facts>> {
  const out = new Map<string, Facts>();
  if (!workerIds.length) return out;
  const rows = await workersWithRelocation(db, workerIds);
  // Region flags hold for a region and everything in it: a village in a key county is in a key county.
  const codes = [...new Set(rows.flatMap(({ w }) => [2, 4, 6, 9, 12].filter((n) => n <= w.regionCode.length).map((n) => w.regionCode.slice(0, n))))];
  const flagged = await flaggedAmong(db, codes);
  // The rest in parallel: they do not depend on each other.
  const [jobs, enrolled, recorded, rainDew] = await Promise.all([
    jobSpellsOf(db, workerIds),
    ports.trainingEnrolments(db, workerIds, TRAINING_COUNTS),
    trainingStartsOf(db, workerIds),
    ports.rainDewFilesIn(db, workerIds, [...RAIN_DEW_OPEN]),
  ]);
  const rainDewStudents = new Set(rainDew);
  for (const { w, relocated } of rows) {
    const under = (code: string) => w.regionCode.startsWith(code);
    out.set(w.id, {
      category: w.category,
      laborCapacity: w.laborCapacity,
      health: w.health,
      intention: w.intention,
      sex: w.sex,
      employed: w.employed,
      householdRelocated: relocated ?? false,
      keyAssistanceCounty: flagged.some((r) => r.key && under(r.code)),
      relocationSite: flagged.some((r) => r.site && under(r.code)),
      rainDewStudent: rainDewStudents.has(w.id),
      age: ageOn(w.birthDate, today),
      regionCode: w.regionCode,
      jobs: jobs.filter((j) => j.workerId === w.id),
      trainings: [...enrolled.filter((e) => e.workerId === w.id).map((e) => e.at), ...recorded.filter((r) => r.workerId === w.id).map((r) => String(r.at))],
    });
  }
  return out;
}

function monthsBefore(today: string, months: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

export interface Outcome {
  ok: boolean;
  /** Conditions met, in plain words. */
  met: string[];
  /** Conditions not met, in plain words, and whether the person could meet them (a training, a job). */
  unmet: Array<{ text: string; actionable: boolean }>;
}

/** Evaluates a rule for one person, with the reasons in the reader's language. */
export function evaluate(rule: Rule, f: Facts, today: string, t: TFunction): Outcome {
  if ('all' in rule) {
    const parts = rule.all.map((r) => evaluate(r, f, today, t));
    return { ok: parts.every((p) => p.ok), met: parts.flatMap((p) => p.met), unmet: parts.flatMap((p) => p.unmet) };
  }
  if ('any' in rule) {
    const parts = rule.any.map((r) => evaluate(r, f, today, t));
    const hit = parts.find((p) => p.ok);
    if (hit) return { ok: true, met: hit.met, unmet: [] };
    return { ok: false, met: [], unmet: [{ text: parts.map((p) => p.unmet.map((u) => u.text).join('，')).join(t('policies:or')), actionable: parts.some((p) => p.unmet.every((u) => u.actionable)) }] };
  }
  if ('not' in rule) {
    const inner = evaluate(rule.not, f, today, t);
    const text = t('policies:not', { what: [...inner.met, ...inner.unmet.map((u) => u.text)].join('，') });
    return inner.ok ? { ok: false, met: [], unmet: [{ text, actionable: false }] } : { ok: true, met: [text], unmet: [] };
  }
  if ('employment' in rule) {
    const e = rule.employment;
    const home = f.regionCode;
    const since = e.withinMonths ? monthsBefore(today, e.withinMonths) : '0000-00-00';
    const ok = f.jobs.some((j) => {
      if (e.current === true && j.endDate) return false;
      if ((j.endDate ?? '9999-12-31') < since) return false;
      if (e.outside === 'any') return true;
      if (!j.placeRegionCode) return false;
      return e.outside === 'province' ? j.placeRegionCode.slice(0, 2) !== home.slice(0, 2) : j.placeRegionCode.slice(0, 6) !== home.slice(0, 6);
    });
    const text = t(`policies:leaf.employment_${e.outside}${e.current ? '_current' : e.withinMonths ? '_within' : ''}`, { months: e.withinMonths ?? 0 });
    return ok ? { ok, met: [text], unmet: [] } : { ok, met: [], unmet: [{ text, actionable: true }] };
  }
  if ('training' in rule) {
    const since = rule.training.withinMonths ? monthsBefore(today, rule.training.withinMonths) : '0000-00-00';
    const ok = f.trainings.some((d) => d >= since);
    const text = rule.training.withinMonths ? t('policies:leaf.training_within', { months: rule.training.withinMonths }) : t('policies:leaf.training');
    return ok ? { ok, met: [text], unmet: [] } : { ok, met: [], unmet: [{ text, actionable: true }] };
  }
  const actual = f[rule.fact];
  let ok: boolean;
  // 监测对象 under either name: a rule written for 防止返贫监测对象 holds for 防止返贫致贫对象 and the other way round.
  const same = (v: unknown) => (rule.fact === 'category' && typeof v === 'string' ? withBothNames([v]).includes(String(actual)) : actual === v);
  if (rule.op === 'gte') ok = typeof actual === 'number' && actual >= Number(rule.value);
  else if (rule.op === 'lte') ok = typeof actual === 'number' && actual <= Number(rule.value);
  else if (rule.op === 'in') ok = Array.isArray(rule.value) && rule.value.some(same);
  else if (rule.op === 'eq') ok = same(rule.value);
  else ok = !same(rule.value);
  const label = t(`policies:fact.${rule.fact}`);
  const shown = (v: unknown) => (typeof v === 'boolean' ? t(v ? 'policies:yes' : 'policies:no') : typeof v === 'number' ? String(v) : t(`policies:value.${rule.fact}.${String(v)}`));
  const value = Array.isArray(rule.value) ? rule.value.map(shown).join(t('policies:or')) : shown(rule.value);
  const text = t(`policies:op.${rule.op}`, { label, value });
  // Finding a job is the one fact here a person can change themselves (the rest is who they are).
  const actionable = rule.fact === 'employed' && rule.op === 'eq' && rule.value === true;
  return ok ? { ok, met: [text], unmet: [] } : { ok, met: [], unmet: [{ text, actionable }] };
}

/** Which events can make a rule true: a job (employment records, being employed) or a training. */
export function opensOn(rule: Rule): Set<'employment' | 'training'> {
  const out = new Set<'employment' | 'training'>();
  const walk = (r: Rule) => {
    if ('all' in r) r.all.forEach(walk);
    else if ('any' in r) r.any.forEach(walk);
    else if ('not' in r) walk(r.not);
    else if ('employment' in r) out.add('employment');
    else if ('training' in r) out.add('training');
    else if (r.fact === 'employed') out.add('employment');
  };
  walk(rule);
  return out;
}
