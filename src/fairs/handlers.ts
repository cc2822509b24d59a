import { and, asc, eq, inArray } from 'drizzle-orm';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { fairSignups, jobFairs } from '../db/schema/fairs';
import { workerPlaces } from '../registry';
import type { EventData } from '../events';
import { scheduleSteps, type PlannedStep } from '../outreach';
import { planReminders, tellNow } from './common';

/**
 * What follows sign-ups, run from their event once they have committed, so the fair's row is never held
 * while reminders are planned or the audit chain is extended. Each reads the sign-ups as they are now:
 * one cancelled, checked in, or at a fair that is over by the time the event is handled gets no
 * reminders, and handling an event twice plans the same reminders once (a new plan replaces the old).
 */
async function remindThosePlaced(ctx: AppContext, fairId: string, people: Array<{ workerId: string; by: string | null }>, promoted: boolean): Promise<void> {
  const steps: PlannedStep[] = [];
  const by = new Map(people.map((p) => [p.workerId, p.by]));
  await ctx.db.transaction(async (tx) => {
    // The sign-ups' rows are held while planning: a cancellation or check-in waits, then stops what was planned.
    const rows = await tx
      .select({ s: fairSignups, f: jobFairs })
      .from(fairSignups)
      .innerJoin(jobFairs, eq(jobFairs.id, fairSignups.fairId))
      .where(and(eq(fairSignups.fairId, fairId), inArray(fairSignups.workerId, [...by.keys()])))
      .orderBy(asc(fairSignups.workerId))
      .for('update', { of: fairSignups });
    const places = await workerPlaces(tx, rows.map((r) => r.s.workerId));
    const now = ctx.clock.now();
    for (const row of rows) {
      const regionCode = places.get(row.s.workerId)!.regionCode;
      if (row.s.status !== 'signed_up' || row.s.checkedInAt || (row.f.status !== 'announced' && row.f.status !== 'live')) continue;
      steps.push(...(await planReminders(tx, now, row.f, row.s.workerId, regionCode, by.get(row.s.workerId) ?? null)));
      if (promoted) steps.push(...(await tellNow(tx, now, 'fair_promoted', row.f, row.s.workerId, regionCode, null)));
    }
  });
  await scheduleSteps(ctx, steps);
}

export const onSignedUp = {
  reminders: (ctx: AppContext, e: EventData<'fair.signed_up'>) =>
    remindThosePlaced(
      ctx,
      e.fairId,
      e.signups.map((s) => ({ workerId: s.workerId, by: s.actorId })),
      false,
    ),
  /** One entry per sign-up, all in the subscriber's one transaction (one wait for the audit chain); once per event. */
  audit: (ctx: AppContext, e: EventData<'fair.signed_up'>) =>
    command({ ctx }, async (_tx, audit) => {
      for (const s of e.signups) {
        audit({ actorId: s.actorId, action: 'fair.signup', entity: 'job_fair', entityId: e.fairId, regionCode: e.regionCode, details: { workerId: s.workerId, status: s.status }, requestId: s.requestId, ip: s.ip });
      }
    }),
};

export const onSignupCancelled = {
  audit: (ctx: AppContext, e: EventData<'fair.signup_cancelled'>) =>
    command({ ctx }, async (_tx, audit) =>
      audit({
        actorId: e.actorId,
        action: 'fair.cancel_signup',
        entity: 'job_fair',
        entityId: e.fairId,
        regionCode: e.regionCode,
        details: { workerId: e.workerId, ...(e.promotedWorkerId ? { promotedWorkerId: e.promotedWorkerId } : {}) },
        requestId: e.requestId,
        ip: e.ip,
      }),
    ),
};

/** The one promoted from the waiting list is told at once and gets the reminders. */
export const onPromoted = {
  reminders: (ctx: AppContext, e: EventData<'fair.promoted'>) => remindThosePlaced(ctx, e.fairId, [{ workerId: e.workerId, by: null }], true),
};
