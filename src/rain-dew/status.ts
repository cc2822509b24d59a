import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rainDewEvents, rainDewFiles } from '../db/schema/rain-dew';
import { employedAmong } from '../registry';
import { shanghaiDate } from '../shared/time';

type Status = (typeof rainDewFiles.$inferSelect)['status'];

/**
 * Moves a file to another status with an event on its timeline. Leaving school (to any status but
 * studying) fixes the graduation date if none was recorded: the expected date, or today if earlier.
 */
export async function changeStatus(db: Db, workerId: string, from: Status, to: Status, by: string | null, at: Date, outcome?: string): Promise<void> {
  if (from === to) return;
  const today = shanghaiDate(at);
  const graduated = from === 'studying' && to !== 'studying' ? { graduatedOn: sql`coalesce(${rainDewFiles.graduatedOn}, least(${rainDewFiles.expectedGraduation}, ${today}::date))` } : {};
  await db
    .update(rainDewFiles)
    .set({ status: to, updatedAt: at, ...graduated })
    .where(eq(rainDewFiles.workerId, workerId));
  await db.insert(rainDewEvents).values({ workerId, kind: 'status', fromStatus: from, toStatus: to, outcome: outcome ?? null, by, at });
}

/**
 * A job recorded anywhere (by a station, a hire in the market, an import, the person in chat) moves an
 * out-of-school graduate's file to employed; the end of that job moves it back to seeking.
 */
export async function followJob(db: Db, workerId: string, event: 'start' | 'end', by: string | null, at: Date): Promise<void> {
  const [f] = await db.select({ status: rainDewFiles.status }).from(rainDewFiles).where(eq(rainDewFiles.workerId, workerId));
  if (!f) return;
  if (event === 'start' && f.status !== 'studying' && f.status !== 'employed') await changeStatus(db, workerId, f.status, 'employed', by, at, 'employment');
  if (event === 'end' && f.status === 'employed') await changeStatus(db, workerId, f.status, 'seeking', by, at, 'employment_ended');
}

/** Daily: students whose expected graduation day has come are recorded as graduated (or employed). */
export async function graduateDue(db: Db, now: Date): Promise<number> {
  const today = shanghaiDate(now);
  const due = await db
    .select({ workerId: rainDewFiles.workerId })
    .from(rainDewFiles)
    .where(and(eq(rainDewFiles.status, 'studying'), lte(rainDewFiles.expectedGraduation, today)))
    .limit(5000);
  const employed = await employedAmong(db, due.map((d) => d.workerId));
  for (const { workerId } of due) {
    // Someone already in work (recorded while at school) leaves school employed.
    await db.transaction(async (tx) => changeStatus(tx, workerId, 'studying', employed.has(workerId) ? 'employed' : 'graduated', null, now, 'expected_graduation'));
  }
  return due.length;
}
