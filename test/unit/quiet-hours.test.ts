import { inQuietHours, nextAllowed, shanghaiDayStart } from '../../src/outreach/quiet';

const QUIET = [21 * 60, 8 * 60] as const;

describe('quiet hours (default 21:00–08:00 Asia/Shanghai)', () => {
  it('knows night from day in Shanghai time', () => {
    expect(inQuietHours(new Date('2026-06-01T13:30:00Z'), ...QUIET)).toBe(true); // 21:30
    expect(inQuietHours(new Date('2026-06-01T23:59:00Z'), ...QUIET)).toBe(true); // 07:59
    expect(inQuietHours(new Date('2026-06-02T00:00:00Z'), ...QUIET)).toBe(false); // 08:00
    expect(inQuietHours(new Date('2026-06-01T04:00:00Z'), ...QUIET)).toBe(false); // 12:00
  });
  it('defers a night message to 08:00 the next morning, never drops it', () => {
    expect(nextAllowed(new Date('2026-06-01T13:30:00Z'), ...QUIET).toISOString()).toBe('2026-06-02T00:00:00.000Z');
    expect(nextAllowed(new Date('2026-06-01T19:10:00Z'), ...QUIET).toISOString()).toBe('2026-06-02T00:00:00.000Z');
    const noon = new Date('2026-06-01T04:00:00Z');
    expect(nextAllowed(noon, ...QUIET)).toBe(noon);
  });
  it('handles a window inside one day, and none at all', () => {
    expect(inQuietHours(new Date('2026-06-01T05:00:00Z'), 12 * 60, 14 * 60)).toBe(true); // 13:00
    expect(inQuietHours(new Date('2026-06-01T05:00:00Z'), 0, 0)).toBe(false);
  });
  it('counts the day from Shanghai midnight', () => {
    expect(shanghaiDayStart(new Date('2026-06-01T17:00:00Z')).toISOString()).toBe('2026-06-01T16:00:00.000Z');
    expect(shanghaiDayStart(new Date('2026-06-01T15:00:00Z')).toISOString()).toBe('2026-05-31T16:00:00.000Z');
  });
});
