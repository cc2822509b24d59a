import { eq } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { jobFairs } from '../db/schema/fairs';
import { translator } from '../i18n';
import { startFollowUp, type PlannedStep } from '../outreach';
import { Conflict, NotFound } from '../shared/errors';
import { beijingTime, shanghaiDate } from '../shared/time';

/** What the fairs' pieces share: who may see and run a fair, refusals, and the messages to one person. */
export type Ctx = Pick<AppContext, 'db' | 'clock' | 'queues' | 'config'>;
export type Meta = { requestId?: string; ip?: string };
export type Fair = typeof jobFairs.$inferSelect;

/**
 * A fair is visible to staff of the organiser's region and of any region in its audience (a township
 * station signs its people up for a county fair); only the organiser's region may run it.
 */
export function canSee(actor: Actor, f: Pick<Fair, 'regionCode' | 'audience'>): boolean {
  return inScope(actor, f.regionCode) || inScope(actor, f.audience.regionCode) || actor.regionCode.startsWith(f.audience.regionCode);
}

export async function visibleFair(db: Db, actor: Actor, id: string): Promise<Fair> {
  const [f] = await db.select().from(jobFairs).where(eq(jobFairs.id, id));
  if (!f || !canSee(actor, f)) throw new NotFound('job fair', id);
  return f;
}

export async function runnableFair(db: Db, actor: Actor, id: string): Promise<Fair> {
  const f = await visibleFair(db, actor, id);
  if (!inScope(actor, f.regionCode)) throw new NotFound('job fair', id);
  return f;
}

export function refuse(path: string, key: string): never {
  throw new Conflict(key, [{ path, message: `errors:detail.fair.${key}` }]);
}

export function placeOf(t: TFunction, f: Fair): string {
  return f.kind === 'on_site' ? (f.address ?? '') : t('outreach:fair.stream', { url: f.streamUrl ?? '' });
}

/** The reminders three days, a day and half an hour before the start (replacing any planned before). */
export async function planReminders(db: Db, now: Date, f: Fair, workerId: string, regionCode: string, by: string | null): Promise<PlannedStep[]> {
  const t = translator('zh-CN');
  const run = await startFollowUp(db, now, {
    sequence: 'fair_reminder',
    workerId,
    regionCode,
    subject: f.id,
    anchorDate: shanghaiDate(f.startsAt),
    anchorAt: f.startsAt,
    variables: { title: f.title, time: beijingTime(f.startsAt), place: placeOf(t, f) },
    createdBy: by,
  });
  return run.steps;
}

/** A single message to one person now (a place freed on the waiting list, a fair called off), through the follow-up engine. */
export async function tellNow(db: Db, now: Date, sequence: 'fair_promoted' | 'fair_cancelled', f: Fair, workerId: string, regionCode: string, by: string | null): Promise<PlannedStep[]> {
  const run = await startFollowUp(db, now, { sequence, workerId, regionCode, subject: f.id, anchorDate: shanghaiDate(now), anchorAt: now, variables: { title: f.title, time: beijingTime(f.startsAt) }, createdBy: by });
  return run.steps;
}
