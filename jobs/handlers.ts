import { DelayedError, type Job } from 'bullmq';
import { dailyBackup, noteBackupSuccess } from '../src/backup';
import { deliver, deliverBatch, fanOut, markBatchExhausted, markExhausted, postToGroup, sweepDeliveries, processChannels, settleDeliveries, pullSmsReports, fireStep, sweepFollowUps } from '../src/outreach';
import { composeDueDigests, openOverdueWageCases, expireVacancies } from '../src/market';
import { announceEndings, announcePolicyJob } from '../src/policies';
import { remindDeadlines } from '../src/reporting';
import { translator } from '../src/i18n';
import { purgeDeadSessions } from '../src/access';
import { anonymiseDeparted } from '../src/privacy';
import { graduateDue } from '../src/rain-dew';
import { executeImport } from '../src/imports';
import { fairsClock } from '../src/fairs';
import { closePreviousMonth, personWarnings, regionWarnings, judgeRelocationShare, dailyReport, monthlyBulletin, weeklyDispatch, integrityReview } from '../src/monitoring';
import type { AppContext } from '../src/context';
import type { JobName, JobPayload, QueueName } from '../src/queues/definitions';
import { EventEnvelope, eventSchemas, type EventData, type EventType } from '../src/events';
import { eventEffects } from '../src/db/schema/events';
import { subscriptions, type Subscriber } from './subscriptions';

export type Handler<Q extends QueueName, J extends JobName<Q>> = (payload: JobPayload<Q, J>, ctx: AppContext, job: Job, token?: string) => Promise<unknown>;

export type HandlerMap = { [Q in QueueName]: { [J in JobName<Q>]: Handler<Q, J> } };

/**
 * Job name → handler. The type makes a missing handler a compile error; `checkHandlers`
 * repeats the check at start for anything that slips past the types.
 */
export const handlers: HandlerMap = {
  maintenance: {
    'purge-sessions': async (_payload, ctx) => ({ deleted: await purgeDeadSessions(ctx) }),
    backup: async (_payload, ctx) => {
      const made = await dailyBackup(ctx);
      // For the backup-late alert (GET /metrics), wherever the API runs.
      if (made.file) await noteBackupSuccess(ctx.redis.kv, ctx.clock.now());
      return made;
    },
    'policy-endings': async (_payload, ctx) => ({ announced: await announceEndings(ctx) }),
    'report-deadlines': async (_payload, ctx) => remindDeadlines(ctx),
    'anonymise-departed': async (_payload, ctx) => {
      // In rounds, so a large backlog never holds one long transaction.
      let total = 0;
      for (let n = await anonymiseDeparted({ ctx }); n > 0; n = await anonymiseDeparted({ ctx })) total += n;
      return { anonymised: total };
    },
    'rain-dew-graduations': async (_payload, ctx) => {
      let total = 0;
      for (let n = await graduateDue(ctx.db, ctx.clock.now()); n > 0; n = await graduateDue(ctx.db, ctx.clock.now())) total += n;
      return { graduated: total };
    },
  },
  monitoring: {
    'close-month': async (_p, ctx) => {
      const closed = await closePreviousMonth(ctx);
      return { ...closed, warnings: await regionWarnings(ctx, closed.month), bulletin: await monthlyBulletin(ctx, closed.month) };
    },
    'daily-report': async (_p, ctx) => ({ report: await dailyReport(ctx) }),
    // The daily look also judges each government-invested project against its county's share of relocation-site jobs (seed 004 §15).
    'person-warnings': async (_p, ctx) => ({ ...(await personWarnings(ctx)), relocationShare: await judgeRelocationShare(ctx, undefined, ctx.config.regionRoot) }),
    'weekly-dispatch': async (_p, ctx) => ({ report: await weeklyDispatch(ctx) }),
    'integrity-review': async (_p, ctx) => integrityReview(ctx),
  },
  market: {
    'expire-vacancies': async (_p, ctx) => ({ expired: await expireVacancies(ctx) }),
    'wage-overdue': async (_p, ctx) => ({ opened: await openOverdueWageCases(ctx) }),
    'fairs-clock': async (_p, ctx) => fairsClock(ctx),
  },
  outreach: {
    fanout: async ({ broadcastId }, ctx) => fanOut(ctx, broadcastId),
    'sweep-deliveries': async (_p, ctx) => ({ requeued: await sweepDeliveries(ctx) }),
    // The SMS provider is asked for its delivery reports first, so what they settle is not settled by rule.
    'settle-deliveries': async (_p, ctx) => ({ sms: await pullSmsReports(ctx), ...(await settleDeliveries(ctx)) }),
    'follow-up-step': async ({ stepId }, ctx) => ({ result: await fireStep(ctx, stepId) }),
    'sweep-follow-ups': async (_p, ctx) => ({ due: await sweepFollowUps(ctx) }),
    'announce-policy': async ({ policyId }, ctx) => ({ told: await announcePolicyJob(ctx, policyId, translator('zh-CN')) }),
    'compose-digests': async (_p, ctx) => ({ digests: await composeDueDigests(ctx) }),
  },
  deliveries: { deliver: deliverJob },
  'deliveries-bulk': { 'deliver-batch': deliverBatchJob },
  'deliveries-mp': { deliver: deliverJob },
  'deliveries-sms': { deliver: deliverJob },
  'deliveries-chat': {
    deliver: deliverJob,
    'post-group': async ({ groupPostId }, ctx, job, token) => ({ result: await postToGroup(ctx, groupPostId, processChannels(ctx), job, token) }),
  },
  events: {
    handle: async (payload, ctx, job) => handleEvent(EventEnvelope.parse(payload), ctx, job),
  },
  imports: {
    'run-import': async ({ importId }, ctx, job) => executeImport(ctx, importId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
  },
};

/**
 * One event through each of its subscribers in turn. One that fails makes the job fail and be retried
 * later; those done before it are noted on the job and not run again.
 */
export async function handleEvent(envelope: EventEnvelope, ctx: AppContext, job?: Pick<Job, 'updateData'>): Promise<{ handled: string[] }> {
  const list = subscriptions[envelope.type] as ReadonlyArray<Subscriber<EventType>>;
  const done = new Set(envelope.done ?? []);
  const data = eventSchemas[envelope.type].parse(envelope.data) as EventData<EventType>;
  const handled: string[] = [];
  for (const s of list) {
    if (done.has(s.name)) continue;
    if (s.once) await runOnce(ctx, envelope.id, s, data);
    else await s.handle(ctx, data);
    done.add(s.name);
    handled.push(s.name);
    await job?.updateData({ ...envelope, done: [...done] });
  }
  return { handled };
}

/** A subscriber whose effect must not repeat: its effect and the note that it happened commit together. */
async function runOnce(ctx: AppContext, eventId: string, s: Subscriber<EventType>, data: EventData<EventType>): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const noted = await tx.insert(eventEffects).values({ eventId, subscriber: s.name }).onConflictDoNothing().returning({ eventId: eventEffects.eventId });
    if (noted.length === 0) return; // done before, by a handling whose acknowledgement was lost
    await s.handle({ ...ctx, db: tx }, data);
  });
}

async function deliverBatchJob({ batch }: { batch: string }, ctx: AppContext, job: Job): Promise<unknown> {
  try {
    return await deliverBatch(ctx, batch, processChannels(ctx));
  } catch (err) {
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await markBatchExhausted(ctx, batch, (err as Error).name);
    throw err;
  }
}

async function deliverJob({ deliveryId }: { deliveryId: string }, ctx: AppContext, job: Job, token?: string): Promise<unknown> {
  try {
    return await deliver(ctx, deliveryId, processChannels(ctx), job, token);
  } catch (err) {
    if (!(err instanceof DelayedError) && job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await markExhausted(ctx, deliveryId, (err as Error).name);
    throw err;
  }
}
