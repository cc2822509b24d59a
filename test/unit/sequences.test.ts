import { dueAt, SEQUENCES } from '../../src/outreach/sequences';

describe('when a follow-up step is due', () => {
  it('counts days and calendar months from the anchor date, at the local time of Asia/Shanghai', () => {
    expect(dueAt('2026-06-10', { key: 'x', days: -1, at: '18:00' }).toISOString()).toBe('2026-06-09T10:00:00.000Z');
    expect(dueAt('2026-06-10', { key: 'x', days: 0, at: '08:00' }).toISOString()).toBe('2026-06-10T00:00:00.000Z');
    expect(dueAt('2026-06-10', { key: 'x', days: 7, at: '10:00' }).toISOString()).toBe('2026-06-17T02:00:00.000Z');
    expect(dueAt('2026-06-10', { key: 'x', months: 3, at: '10:00' }).toISOString()).toBe('2026-09-10T02:00:00.000Z');
    // Across the turn of the year, and an early-morning local time that is still the previous day in UTC.
    expect(dueAt('2026-12-20', { key: 'x', days: 14, at: '07:00' }).toISOString()).toBe('2027-01-02T23:00:00.000Z');
  });

  it('moves the 31st to the last day of a shorter month', () => {
    expect(dueAt('2026-01-31', { key: 'x', months: 1, at: '10:00' }).toISOString()).toBe('2026-02-28T02:00:00.000Z');
    expect(dueAt('2028-01-31', { key: 'x', months: 1, at: '10:00' }).toISOString()).toBe('2028-02-29T02:00:00.000Z');
    expect(dueAt('2026-08-31', { key: 'x', months: 3, at: '10:00' }).toISOString()).toBe('2026-11-30T02:00:00.000Z');
  });

  it('counts a step in minutes from the anchor instant (a fair’s start), and refuses one without it', () => {
    const start = new Date('2026-12-03T01:00:00Z'); // 09:00 in Beijing
    expect(dueAt('2026-12-03', { key: 'x', minutes: -30 }, start).toISOString()).toBe('2026-12-03T00:30:00.000Z');
    expect(dueAt('2026-12-03', { key: 'x', minutes: -3 * 24 * 60 }, start).toISOString()).toBe('2026-11-30T01:00:00.000Z');
    expect(() => dueAt('2026-12-03', { key: 'x', minutes: -30 })).toThrow(/instant/);
  });

  it('lists every sequence with steps in time order and a stop rule', () => {
    for (const def of Object.values(SEQUENCES)) {
      const times = def.steps.map((s) => dueAt('2026-06-10', s, new Date('2026-06-10T01:00:00Z')).getTime());
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(def.stopWhen).toContain('unsubscribed');
    }
  });
});
