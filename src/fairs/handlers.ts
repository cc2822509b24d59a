import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { AppContext } from '../context';
import { fairSignups, jobFairs, workers } from '../db/schema';
import type { EventData } from '../events';
import { scheduleSteps, type PlannedStep } from '../outreach/follow-ups';
import { planReminders, tellNow } from './common';

/**
 * What follows a sign-up, run from its event once the sign-up has committed, so the fair's row is
 * never held while reminders are planned or the audit chain is extended. Each reads the sign-up as it
 * is now: one cancelled, checked in, or at a fair that is over by the time the event is handled gets no
 * reminders, and handling an event twice plans the same reminders once (a new plan replaces the old).
 */
async function remindIfPlaced(ctx: AppContext, fairId: string, workerId: string, by: string | null, promoted: boolean): Promise<void> {
  const steps: PlannedStep[] = [];
  await ctx.db.transaction(async (tx) => {
    // The sign-up's row is held while planning: a cancellation or check-in waits, then stops what was planned.
    const [row] = await tx
      .select({ s: fairSignups, f: jobFairs, regionCode: workers.regionCode })
      .from(fairSignups)
      .innerJoin(jobFairs, eq(jobFairs.id, fairSignups.fairId))
      .innerJoin(workers, eq(workers.id, fairSignups.workerId))
      .where(and(eq(fairSignups.fairId, fairId), eq(fairSignups.workerId, workerId)))
      .for('update', { of: fairSignups });
    if (!row || row.s.status !== 'signed_up' || row.s.checkedInAt || (row.f.status !== 'announced' && row.f.status !== 'live')) return;
    const now = ctx.clock.now();
    steps.push(...(await planReminders(tx, now, row.f, workerId, row.regionCode, by)));
    if (promoted) steps.push(...(await tellNow(tx, now, 'fair_promoted', row.f, workerId, row.regionCode, null)));
  });
  await scheduleSteps(ctx, steps);
}

export const onSignedUp = {
  reminders: (ctx: AppContext, e: EventData<'fair.signed_up'>) => remindIfPlaced(ctx, e.fairId, e.workerId, e.actorId, false),
  audit: (ctx: AppContext, e: EventData<'fair.signed_up'>) =>
    recordAudit(ctx.db, { actorId: e.actorId, action: 'fair.signup', entity: 'job_fair', entityId: e.fairId, regionCode: e.regionCode, details: { workerId: e.workerId, status: e.status }, requestId: e.requestId, ip: e.ip }),
};

export const onSignupCancelled = {
  audit: (ctx: AppContext, e: EventData<'fair.signup_cancelled'>) =>
    recordAudit(ctx.db, {
      actorId: e.actorId,
      action: 'fair.cancel_signup',
      entity: 'job_fair',
      entityId: e.fairId,
      regionCode: e.regionCode,
      details: { workerId: e.workerId, ...(e.promotedWorkerId ? { promotedWorkerId: e.promotedWorkerId } : {}) },
      requestId: e.requestId,
      ip: e.ip,
    }),
};

/** The one promoted from the waiting list is told at once and gets the reminders. */
export const onPromoted = {
  reminders: (ctx: AppContext, e: EventData<'fair.promoted'>) => remindIfPlaced(ctx, e.fairId, e.workerId, null, true),
};
