import { Generator } from '../../src/demo/synthetic';
import { LIFTED_CATEGORIES } from '../../src/monitoring/categories';

/**
 * The synthetic register holds the groups the figures count. Since 2026 the monitored are 防止返贫致贫对象 (`at_risk`,
 * any rural household at risk) while older records keep 防止返贫监测对象 (`monitored`); both are inside 脱贫人口 as the
 * seeds define it (seed 000 national §1: 脱贫人口（含防止返贫监测对象）).
 */
describe('synthetic people by group', () => {
  const village = '532528101201';
  const people = (today: Date) => {
    const gen = new Generator([village], 17, today);
    return Array.from({ length: 4000 }, () => gen.person(village));
  };
  const share = (xs: Array<{ category: string }>, c: string) => xs.filter((x) => x.category === c).length / xs.length;

  it('a register of today holds 防止返贫致贫对象 beside the monitored of old, each with a type', () => {
    const xs = people(new Date());
    // Drawn at 8 % each: a few thousand people land within two points of it.
    expect(Math.abs(share(xs, 'at_risk') - 0.08)).toBeLessThan(0.02);
    expect(Math.abs(share(xs, 'monitored') - 0.08)).toBeLessThan(0.02);
    expect(Math.abs(share(xs, 'low_income') - 0.08)).toBeLessThan(0.02);
    for (const p of xs) expect(p.monitoringType !== null).toBe(p.category === 'monitored' || p.category === 'at_risk');
    // The 2026 widening (other_at_risk) is registered under the new name only.
    expect(xs.filter((p) => p.monitoringType === 'other_at_risk').every((p) => p.category === 'at_risk')).toBe(true);
    expect(xs.some((p) => p.monitoringType === 'other_at_risk')).toBe(true);
    // All of them count in 脱贫人口 for the figures.
    expect(LIFTED_CATEGORIES).toEqual(expect.arrayContaining(['lifted', 'monitored', 'at_risk']));
  });

  it('a register made before 2026 has the monitored under their old name only', () => {
    const xs = people(new Date('2025-06-01T00:00:00Z'));
    expect(share(xs, 'at_risk')).toBe(0);
    expect(Math.abs(share(xs, 'monitored') - 0.12)).toBeLessThan(0.02);
  });
});
