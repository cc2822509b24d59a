import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * 劳动年龄段: where a person's age stands against the working ages, on a given day. Seed 003 (Longyan §3) asks
 * for the people "劳动年龄段内有劳动能力" without drawing the line; the line is the rural statistics' one:
 * "农村男18周岁至50周岁、女18周岁至45周岁为整劳动力；男16周岁至17周岁、51周岁至60周岁、女16周岁至17周岁、
 * 46周岁至55周岁为半劳动力" (国家统计局 rural household survey, as 本溪市统计局《主要统计指标解释（人民生活篇）》
 * explains it, 2025-05-08).
 *
 * below   under 16                      未到劳动年龄
 * young   16–17                         劳动年龄内（16—17周岁）
 * prime   18–50 (men), 18–45 (women)    劳动年龄内（整劳动力年龄）
 * older   51–60 (men), 46–55 (women)    劳动年龄内（半劳动力年龄）
 * beyond  over 60 (men), over 55 (women) 超过劳动年龄
 */
export const AGE_BANDS = ['below', 'young', 'prime', 'older', 'beyond'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

const FIRST = 16;
const PRIME = 18;
const PRIME_LAST = { male: 50, female: 45 } as const;
const LAST = { male: 60, female: 55 } as const;

/** Whole years from `birthDate` to `today` (both YYYY-MM-DD): a birthday counts from its day. */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

export function ageBand(birthDate: string, sex: 'male' | 'female', today: string): AgeBand {
  const age = ageOn(birthDate, today);
  if (age < FIRST) return 'below';
  if (age < PRIME) return 'young';
  if (age <= PRIME_LAST[sex]) return 'prime';
  if (age <= LAST[sex]) return 'older';
  return 'beyond';
}

export function inWorkingAge(band: AgeBand): boolean {
  return band === 'young' || band === 'prime' || band === 'older';
}

/** SQL: the person (birth date and sex columns) is of working age on `today`, as `inWorkingAge` says. */
export function inWorkingAgeSql(birthDate: SQLWrapper, sex: SQLWrapper, today: string): SQL {
  // Age ≥ 16: born on or before today 16 years ago. Age ≤ 60 (55): born after today 61 (56) years ago.
  const years = (n: number) => sql.raw(`interval '${n} years'`);
  return sql`(${birthDate} <= (${today}::date - ${years(FIRST)})::date
    and ${birthDate} > (${today}::date - case when ${sex} = 'male' then ${years(LAST.male + 1)} else ${years(LAST.female + 1)} end)::date)`;
}
