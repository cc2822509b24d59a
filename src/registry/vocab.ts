/**
 * The values the registry stores, and the words people write for them on the official form
 * (农村贫困劳动力就业信息表, seed 003). Import reads the words; export writes the first one.
 */
export const LABOR_CAPACITY = ['full', 'partial', 'weak', 'none'] as const;
export const CATEGORY = ['lifted', 'monitored', 'low_income', 'at_risk'] as const;
export const MONITORING_TYPE = ['unstable', 'marginal', 'sudden_hardship', 'other_at_risk'] as const;

/**
 * The categories that carry a monitoring type: 防止返贫监测对象 (`monitored`, the name until 2025) and
 * 防止返贫致贫对象 (`at_risk`, the name since 2026, when monitoring was widened to any rural household at
 * risk). One group under two names: old records keep theirs, new ones take the new one.
 */
export const MONITORED_CATEGORIES = ['monitored', 'at_risk'] as const;
export function isMonitoredCategory(category: string | null | undefined): boolean {
  return (MONITORED_CATEGORIES as readonly string[]).includes(category ?? '');
}

/**
 * Categories as a filter or a rule names them, with the other name of the monitored group added: asking for
 * 防止返贫监测对象 finds those registered as 防止返贫致贫对象 too, and the other way round.
 */
export function withBothNames(categories: readonly string[]): string[] {
  const out = new Set(categories);
  if (categories.some(isMonitoredCategory)) for (const c of MONITORED_CATEGORIES) out.add(c);
  return [...out];
}

/** A household at risk outside the three old types: only under the 2026 name. */
export const WIDER_SCOPE_TYPE = 'other_at_risk';
export const HEALTH = ['healthy', 'chronic_illness', 'serious_illness', 'disabled'] as const;
export const INTENTION = ['in_county', 'out_of_county'] as const;
export const SEX = ['male', 'female'] as const;

export type LaborCapacity = (typeof LABOR_CAPACITY)[number];
export type Category = (typeof CATEGORY)[number];
export type MonitoringType = (typeof MONITORING_TYPE)[number];
export type Health = (typeof HEALTH)[number];
export type Intention = (typeof INTENTION)[number];
export type Sex = (typeof SEX)[number];

export const WORDS: {
  sex: Record<Sex, string[]>;
  laborCapacity: Record<LaborCapacity, string[]>;
  health: Record<Health, string[]>;
  intention: Record<Intention, string[]>;
  category: Record<Category, string[]>;
  monitoringType: Record<MonitoringType, string[]>;
} = {
  sex: { male: ['男', '男性', 'm', 'male'], female: ['女', '女性', 'f', 'female'] },
  laborCapacity: {
    full: ['普通劳动力', '技能劳动力', '劳动力', '有劳动能力', '全劳力', '全劳动力', 'full'],
    partial: ['半劳动力', '半劳力', 'partial'],
    weak: ['弱劳动力', '弱劳力', '弱劳动力或半劳动力', 'weak'],
    none: ['无劳动力', '丧失劳动力', '无劳动能力', 'none'],
  },
  health: {
    healthy: ['健康', 'healthy'],
    chronic_illness: ['长期慢性病', '慢性病', 'chronic_illness'],
    serious_illness: ['患有大病', '大病', 'serious_illness'],
    disabled: ['残疾', 'disabled'],
  },
  intention: {
    in_county: ['县内', '县内就业', 'in_county'],
    out_of_county: ['县外', '县外就业', '省内县外', '省外', 'out_of_county'],
  },
  category: {
    lifted: ['脱贫人口', '脱贫劳动力', '脱贫户', 'lifted'],
    monitored: ['防止返贫监测对象', '防止返贫监测帮扶对象', '监测对象', 'monitored'],
    low_income: ['农村低收入人口', '低收入人口', 'low_income'],
    at_risk: ['防止返贫致贫对象', '返贫致贫对象', '防返贫致贫对象', 'at_risk'],
  },
  monitoringType: {
    unstable: ['脱贫不稳定户', 'unstable'],
    marginal: ['边缘易致贫户', 'marginal'],
    sudden_hardship: ['突发严重困难户', 'sudden_hardship'],
    other_at_risk: ['其他有返贫致贫风险农户', '其他风险农户', '农村一般户', '一般农户', 'other_at_risk'],
  },
};

/** Reads a form word into a stored value, or undefined when it is not one of the known words. */
export function fromWord<K extends keyof typeof WORDS>(kind: K, word: string): keyof (typeof WORDS)[K] | undefined {
  const w = word.trim().toLowerCase();
  for (const [value, words] of Object.entries<string[]>(WORDS[kind])) {
    if (words.some((x) => x.toLowerCase() === w)) return value as keyof (typeof WORDS)[K];
  }
  return undefined;
}

export function toWord<K extends keyof typeof WORDS>(kind: K, value: string | null | undefined): string {
  if (!value) return '';
  return (WORDS[kind] as Record<string, string[]>)[value]?.[0] ?? value;
}
