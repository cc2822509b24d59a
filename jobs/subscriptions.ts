import type { AppContext } from '../src/context';
import type { Db } from '../src/db/client';
import type { EventData, EventType } from '../src/events';
import { onPromoted, onSignedUp, onSignupCancelled } from '../src/fairs';
import { translator } from '../src/i18n';
import { closeHouseholdCase, closePaymentOverdue, endSpellsWithRecords } from '../src/monitoring';
import { heardBack, runningFollowUp, scheduleSteps, startFollowUp, stopFollowUps, type PlannedStep } from '../src/outreach';
import { openFollowUpTask } from '../src/chat';
import { currentEmployment, findWorker } from '../src/registry';
import { tellNewlyEligible } from '../src/policies';
import { followJob } from '../src/rain-dew';

export interface Subscriber<T extends EventType> {
  /** Stable: it is how a retried event knows this one has already handled it. */
  name: string;
  /**
   * Its effect must happen once however often the event is handled (an audit entry): it then runs inside
   * one transaction, `ctx.db` being that transaction, with the event noted in `event_effects`; a retry
   * after a crash between its commit and the queue's acknowledgement finds the note and skips it.
   */
  once?: boolean;
  handle(ctx: AppContext, data: EventData<T>): Promise<void>;
}
export type Subscriptions = { [T in EventType]: ReadonlyArray<Subscriber<T>> };

/** The person's current job, if any, and whether the register still says they are in work. */
async function currentJob(db: Db, workerId: string) {
  const w = await findWorker(db, workerId);
  const [open] = await currentEmployment(db, [workerId]);
  return { worker: w && { employed: w.employed, regionCode: w.regionCode, status: w.status }, open };
}

/**
 * A follow-up started once per event, however often the event is handled: one already running from
 * the same day for the person is left alone.
 */
async function startOnce(ctx: AppContext, input: Parameters<typeof startFollowUp>[2]): Promise<void> {
  const steps: PlannedStep[] = [];
  await ctx.db.transaction(async (tx) => {
    if (await runningFollowUp(tx, input)) return;
    steps.push(...(await startFollowUp(tx, ctx.clock.now(), input)).steps);
  });
  await scheduleSteps(ctx, steps);
}

/**
 * Who acts on what. Each module's reaction reads the register as it is now, so an event handled late
 * or twice, or after a later one, changes nothing it should not.
 */
export const subscriptions: Subscriptions = {
  'employment.started': [
    {
      // Outreach: the job search is over; the retention calls (稳岗回访) begin, from the job's first day.
      name: 'outreach.follow-ups',
      handle: async (ctx, e) => {
        const { open } = await currentJob(ctx.db, e.workerId);
        await stopFollowUps(ctx.db, ctx.clock.now(), { workerId: e.workerId, sequence: 'job_search' }, 'employed');
        if (open?.id !== e.employmentId) return;
        await startOnce(ctx, { sequence: 'job_retention', workerId: e.workerId, regionCode: e.regionCode, anchorDate: e.startDate, variables: { employer: e.employerName }, createdBy: e.actorId });
      },
    },
    {
      // Rain Dew: a graduate in work is followed as employed.
      name: 'rain-dew.status',
      handle: async (ctx, e) => {
        const { worker } = await currentJob(ctx.db, e.workerId);
        if (worker?.employed) await ctx.db.transaction((tx) => followJob(tx, e.workerId, 'start', e.actorId, ctx.clock.now()));
      },
    },
    {
      // Monitoring: a household with nobody in work has someone now.
      name: 'monitoring.household',
      handle: async (ctx, e) => {
        const { worker } = await currentJob(ctx.db, e.workerId);
        if (worker?.employed) await closeHouseholdCase(ctx.db, e.workerId, ctx.clock.now());
      },
    },
    {
      // Policies: a job (above all one in another province) can open a subsidy; the person hears of it once.
      name: 'policies.eligibility',
      handle: async (ctx, e) => {
        await tellNewlyEligible(ctx, e.workerId, 'employment', translator('zh-CN'));
      },
    },
  ],
  'employment.ended': [
    {
      // Outreach: retention calls stop; the job search begins, so the person hears where to find work.
      name: 'outreach.follow-ups',
      handle: async (ctx, e) => {
        const { worker } = await currentJob(ctx.db, e.workerId);
        if (worker?.employed) return;
        await stopFollowUps(ctx.db, ctx.clock.now(), { workerId: e.workerId, sequence: 'job_retention' }, 'job_ended');
        await startOnce(ctx, { sequence: 'job_search', workerId: e.workerId, regionCode: e.regionCode, anchorDate: e.endDate, createdBy: e.actorId });
      },
    },
    {
      name: 'rain-dew.status',
      handle: async (ctx, e) => {
        const { worker } = await currentJob(ctx.db, e.workerId);
        if (worker && !worker.employed) await ctx.db.transaction((tx) => followJob(tx, e.workerId, 'end', e.actorId, ctx.clock.now()));
      },
    },
    {
      // Monitoring: a spell of project work whose record ended with the job ends the same day.
      name: 'monitoring.project-spells',
      handle: (ctx, e) => endSpellsWithRecords(ctx.db, e.workerId, ctx.clock.now()),
    },
  ],
  'application.moved': [
    {
      // Outreach: an application the employer answered ends the questions about it (a fair's aftercare).
      name: 'outreach.heard-back',
      handle: async (ctx, e) => void (await heardBack(ctx.db, ctx.clock.now(), e)),
    },
  ],
  // Monitoring: a month paid in full closes its overdue item of the integrity review.
  'payment.recorded': [{ name: 'monitoring.payment-overdue', handle: (ctx, e) => closePaymentOverdue(ctx.db, e.paymentId, ctx.clock.now()) }],
  // Fairs: what follows a sign-up, kept out of the statement that takes the place.
  'fair.signed_up': [
    { name: 'fairs.reminders', handle: onSignedUp.reminders },
    { name: 'audit.entry', once: true, handle: onSignedUp.audit },
  ],
  'fair.signup_cancelled': [{ name: 'audit.entry', once: true, handle: onSignupCancelled.audit }],
  'fair.promoted': [{ name: 'fairs.reminders', handle: onPromoted.reminders }],
  // Chat: questions left unanswered become a task for the station (once: a second task would be a duplicate).
  'follow_up.unanswered': [{ name: 'chat.task', once: true, handle: (ctx, e) => openFollowUpTask(ctx.db, e) }],
};
