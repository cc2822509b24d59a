import { translator } from '../../src/i18n';
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

  it('reads any, not, age and training', () => {
    expect(evaluate({ any: [{ fact: 'householdRelocated', op: 'eq', value: true }, { fact: 'relocationSite', op: 'eq', value: true }] }, person(), TODAY, t).ok).toBe(false);
    expect(evaluate({ not: { fact: 'laborCapacity', op: 'eq', value: 'none' } }, person(), TODAY, t).ok).toBe(true);
    expect(evaluate({ fact: 'age', op: 'lte', value: 35 }, person(), TODAY, t).ok).toBe(false);
    expect(evaluate({ training: { withinMonths: 12 } }, person({ trainings: ['2025-12-01'] }), TODAY, t).ok).toBe(true);
    expect(evaluate({ training: { withinMonths: 3 } }, person({ trainings: ['2025-12-01'] }), TODAY, t).ok).toBe(false);
  });
});
