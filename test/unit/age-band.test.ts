import { ageBand, ageOn, inWorkingAge } from '../../src/registry/age-band';
import { shanghaiDate } from '../../src/shared/time';

/** The day `years` years before `today`, moved by `days` (YYYY-MM-DD). */
function before(today: string, years: number, days = 0): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * 劳动年龄段 (seed 003 Longyan §3: 劳动年龄段内有劳动能力的…人员) on the rural statistics' line: men 18–50 and
 * women 18–45 整劳动力, 16–17 and men 51–60, women 46–55 半劳动力. Worked at today's date.
 */
describe('the working-age band, on today’s date', () => {
  const today = shanghaiDate(new Date());

  it('turns on the birthday itself, not the day after', () => {
    expect(ageOn(before(today, 16), today)).toBe(16);
    expect(ageOn(before(today, 16, 1), today)).toBe(15);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it.each([
    ['male', 16, 1, 'below'],
    ['male', 16, 0, 'young'],
    ['female', 18, 1, 'young'],
    ['female', 18, 0, 'prime'],
    ['male', 51, 1, 'prime'],
    ['male', 51, 0, 'older'],
    ['female', 45, -1, 'prime'],
    ['female', 46, 0, 'older'],
    ['male', 61, 1, 'older'],
    ['male', 61, 0, 'beyond'],
    ['female', 56, 1, 'older'],
    ['female', 56, 0, 'beyond'],
  ] as const)('a %s born %i years before today (moved %i days) is %s', (sex, years, days, band) => {
    expect(ageBand(before(today, years, days), sex, today)).toBe(band);
  });

  it('counts young, prime and older as within working age', () => {
    expect(['below', 'young', 'prime', 'older', 'beyond'].filter((b) => inWorkingAge(b as never))).toEqual(['young', 'prime', 'older']);
  });
});
