import { translator } from '../../src/i18n';
import { CATALOGUE } from '../../src/policies/catalogue';
import { evaluate, RuleSchema, type Facts } from '../../src/policies/rules';

const t = translator('zh-CN');
const TODAY = '2026-06-01';
const person = (over: Partial<Facts> = {}): Facts => ({
  category: 'lifted',
  laborCapacity: 'full',
  health: 'healthy',
  intention: 'out_of_county',
  sex: 'female',
  employed: true,
  householdRelocated: false,
  keyAssistanceCounty: true,
  relocationSite: false,
  rainDewStudent: false,
  age: 40,
  regionCode: '532528101201',
  jobs: [],
  trainings: [],
  ...over,
});

describe('eligibility rules', () => {
  it('refuses a rule that names a field the register does not have, with the path to it', () => {
    const r = RuleSchema.safeParse({ all: [{ fact: 'category', op: 'eq', value: 'lifted' }, { fact: 'income', op: 'gte', value: 1 }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.some((i) => i.path.join('.').startsWith('all.1'))).toBe(true);
  });

  it('refuses a value outside the field’s vocabulary, and an operator that does not fit', () => {
    expect(RuleSchema.safeParse({ fact: 'category', op: 'eq', value: 'rich' }).success).toBe(false);
    expect(RuleSchema.safeParse({ fact: 'age', op: 'eq', value: 40 }).success).toBe(false);
    expect(RuleSchema.safeParse({ fact: 'employed', op: 'eq', value: 'yes' }).success).toBe(false);
    expect(RuleSchema.safeParse({ fact: 'rainDewStudent', op: 'eq', value: true }).success).toBe(true);
    expect(RuleSchema.safeParse({ fact: 'rainDewStudent', op: 'in', value: ['yes'] }).success).toBe(false);
    expect(RuleSchema.safeParse({ employment: { outside: 'abroad' } }).success).toBe(false);
    expect(RuleSchema.safeParse({ any: [] }).success).toBe(false);
    expect(RuleSchema.safeParse({ all: [{ fact: 'category', op: 'in', value: ['lifted', 'monitored'] }, { training: { withinMonths: 12 } }] }).success).toBe(true);
  });

  it('counts a job in another province within the window, and says so in plain words', () => {
    const rule = { all: [{ fact: 'category' as const, op: 'in' as const, value: ['lifted', 'monitored'] }, { employment: { outside: 'province' as const, withinMonths: 12 } }] };
    const away = person({ jobs: [{ placeRegionCode: '350102', startDate: '2026-03-01', endDate: null }] });
    const o = evaluate(rule, away, TODAY, t);
    expect(o.ok).toBe(true);
    expect(o.met).toEqual(['身份：脱贫人口或防止返贫监测对象', '近12个月在省外务工']);
    // In the same province, or too long ago: not met, and within the person's reach.
    const home = evaluate(rule, person({ jobs: [{ placeRegionCode: '530102', startDate: '2026-03-01', endDate: null }] }), TODAY, t);
    expect(home.ok).toBe(false);
    expect(home.unmet).toEqual([{ text: '近12个月在省外务工', actionable: true }]);
    expect(evaluate(rule, person({ jobs: [{ placeRegionCode: '350102', startDate: '2024-01-01', endDate: '2025-01-31' }] }), TODAY, t).ok).toBe(false);
  });

  it('holds a rule written for 防止返贫监测对象 for a 防止返贫致贫对象 and the other way round (seed 000 national §1: 脱贫人口 含监测对象, whichever name)', () => {
    const monitored = { fact: 'category' as const, op: 'in' as const, value: ['lifted', 'monitored'] };
    const atRisk = evaluate(monitored, person({ category: 'at_risk' }), TODAY, t);
    expect(atRisk.ok).toBe(true);
    expect(evaluate({ fact: 'category', op: 'eq', value: 'at_risk' }, person({ category: 'monitored' }), TODAY, t).ok).toBe(true);
    expect(evaluate({ fact: 'category', op: 'ne', value: 'monitored' }, person({ category: 'at_risk' }), TODAY, t).ok).toBe(false);
    // 农村低收入人口 stays outside.
    expect(evaluate(monitored, person({ category: 'low_income' }), TODAY, t).ok).toBe(false);
    expect(RuleSchema.safeParse({ fact: 'category', op: 'eq', value: 'at_risk' }).success).toBe(true);
  });

  it('reads any, not, age and training', () => {
    expect(evaluate({ any: [{ fact: 'householdRelocated', op: 'eq', value: true }, { fact: 'relocationSite', op: 'eq', value: true }] }, person(), TODAY, t).ok).toBe(false);
    expect(evaluate({ not: { fact: 'laborCapacity', op: 'eq', value: 'none' } }, person(), TODAY, t).ok).toBe(true);
    expect(evaluate({ fact: 'age', op: 'lte', value: 35 }, person(), TODAY, t).ok).toBe(false);
    expect(evaluate({ training: { withinMonths: 12 } }, person({ trainings: ['2025-12-01'] }), TODAY, t).ok).toBe(true);
    expect(evaluate({ training: { withinMonths: 3 } }, person({ trainings: ['2025-12-01'] }), TODAY, t).ok).toBe(false);
  });
});

/**
 * Every seeded worker policy, with a person who qualifies and one who does not (seeds 000, 001, 004:
 * see each policy's source). Policies without a condition the register can check qualify everyone in
 * their region while valid; their "does not" is the end of their validity, checked in the API test.
 */
describe('the seeded catalogue', () => {
  const jobIn = (place: string, endDate: string | null = null) => ({ jobs: [{ placeRegionCode: place, startDate: '2026-01-10', endDate }] });
  const cases: Record<string, { yes: Partial<Facts>; no: Partial<Facts> | null }> = {
    // 004 二(四): 脱贫人口 working in another province.
    cross_province_transport_subsidy: { yes: jobIn('350102'), no: jobIn('530102') },
    // 000 二(四): a safety net for those without work who can do the job; no age or disability limit.
    rural_public_welfare_post: { yes: { employed: false, age: 63, health: 'disabled', laborCapacity: 'weak' }, no: { employed: false, laborCapacity: 'none' } },
    // 000 三 (Fujian): weak or partial labour, or back home without work.
    rural_public_welfare_post_fujian: { yes: { laborCapacity: 'partial' }, no: { laborCapacity: 'full', employed: true } },
    flexible_employment_social_insurance_subsidy: { yes: {}, no: { category: 'low_income' } },
    self_employment_tax_relief: { yes: {}, no: { category: 'low_income' } },
    // 004 四(十四): living allowance during vocational training.
    training_living_allowance: { yes: { trainings: ['2026-03-01'] }, no: { trainings: [] } },
    work_relief_jobs: { yes: { category: 'low_income' }, no: null },
    // 001 二(五) (Shandong): lifted families' young people still without work.
    youth_public_welfare_fallback_shandong: { yes: { employed: false }, no: { employed: true } },
    business_guarantee_loan: { yes: {}, no: null },
    one_time_startup_subsidy: { yes: {}, no: null },
    // 000 national 二(五), from 2026 (一: 脱贫人口 含防止返贫监测对象): lifted or monitored people.
    flexible_employment_social_insurance_subsidy_2026: { yes: { category: 'monitored' }, no: { category: 'low_income' } },
    self_employment_tax_relief_2026: { yes: {}, no: { category: 'low_income' } },
    targeted_skills_training: { yes: { category: 'at_risk' }, no: { category: 'low_income' } },
    // 000 national 二(六): 对脱贫家庭新成长劳动力，继续实施雨露计划 — a student of a lifted or monitored
    // family with a Rain Dew file; a lifted person without one does not qualify.
    rain_dew_vocational_subsidy_2026: { yes: { category: 'monitored', rainDewStudent: true }, no: { rainDewStudent: false } },
  };

  it('has a source and a case here for each worker policy', () => {
    const workerKeys = CATALOGUE.filter((p) => p.audience === 'worker').map((p) => p.key).sort();
    expect(workerKeys).toEqual(Object.keys(cases).sort());
    for (const p of CATALOGUE) {
      expect(p.source.document.length).toBeGreaterThan(4);
      expect(p.source.article).toMatch(/[一二三四五六七八九十]/);
      expect(RuleSchema.safeParse(p.rule).success).toBe(true);
    }
  });

  it.each(Object.entries(cases))('%s: one who qualifies, one who does not', (key, c) => {
    const p = CATALOGUE.find((x) => x.key === key)!;
    expect(evaluate(p.rule, person(c.yes), TODAY, t).ok).toBe(true);
    if (c.no) expect(evaluate(p.rule, person(c.no), TODAY, t).ok).toBe(false);
    else expect(p.rule).toEqual(p.key === 'work_relief_jobs' ? { all: [{ fact: 'category', op: 'in', value: ['lifted', 'monitored', 'low_income'] }] } : { all: [] });
  });
});
