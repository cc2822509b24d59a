/** Minutes after midnight in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiMinutes(at: Date): number {
  const m = (at.getUTCHours() * 60 + at.getUTCMinutes() + 8 * 60) % (24 * 60);
  return m;
}

export function inQuietHours(at: Date, start: number, end: number): boolean {
  if (start === end) return false;
  const m = shanghaiMinutes(at);
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** The first moment at or after `at` that lies outside the quiet hours: a message is deferred, never dropped. */
export function nextAllowed(at: Date, start: number, end: number): Date {
  if (!inQuietHours(at, start, end)) return at;
  const m = shanghaiMinutes(at);
  const wait = (end - m + 24 * 60) % (24 * 60);
  const next = new Date(at.getTime() + wait * 60_000);
  next.setUTCSeconds(0, 0);
  return next;
}

/** The start of the Asia/Shanghai day containing `at`, as a UTC instant (for the daily cap). */
export function shanghaiDayStart(at: Date): Date {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - 8 * 3600_000);
}
