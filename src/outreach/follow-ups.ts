import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { assertInScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { preparedOn } from '../db/prepared';
import { deliveries, followUpSteps, followUps, subscriptions } from '../db/schema/outreach';
import { currentEmployment, findWorker } from '../registry';
import { shanghaiDate } from '../shared/time';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors';
import { enqueueDeliveries } from '../queues/deliveries';
import { emit } from '../events';
import { publishOutbox } from '../outbox';
import { dueAt, SEQUENCES, sequenceOf, type SequenceDef, type SequenceKey } from './sequences';
import type { FollowUpStart } from './schemas';
import type { OutreachProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'queues'>;
export type PlannedStep = { id: string; dueAt: Date; status: string };

export interface StartFollowUp {
  sequence: SequenceKey;
  workerId: string;
  regionCode: string;
  subject?: string;
  /** Asia/Shanghai date the steps count from. */
  anchorDate: string;
  /** The instant steps counted in minutes start from (a fair's start). */
  anchorAt?: Date;
  variables?: Record<string, string | number>;
  createdBy?: string | null;
}

/**
 * Writes a follow-up and its steps (inside the caller's transaction, if any). A run of the same
 * sequence for the same person and subject that is still active is replaced. Steps already past are
 * skipped, not sent late. Call `scheduleSteps` with the result once the transaction has committed.
 */
export async function startFollowUp(db: Db, now: Date, input: StartFollowUp): Promise<{ id: string; steps: PlannedStep[] }> {
  const def = sequenceOf(input.sequence)!;
  const subject = input.subject ?? '';
  await stopWhere(db, now, and(eq(followUps.sequence, input.sequence), eq(followUps.workerId, input.workerId), eq(followUps.subject, subject)), 'replaced');
  const planned = def.steps.map((s) => ({ key: s.key, dueAt: dueAt(input.anchorDate, s, input.anchorAt) }));
  const allPast = planned.every((s) => s.dueAt < now);
  const [f] = await db
    .insert(followUps)
    .values({
      sequence: input.sequence,
      workerId: input.workerId,
      regionCode: input.regionCode,
      subject,
      anchorDate: input.anchorDate,
      variables: input.variables ?? {},
      status: allPast ? 'completed' : 'active',
      createdBy: input.createdBy ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: followUps.id });
  const steps = await db
    .insert(followUpSteps)
    .values(planned.map((s) => ({ followUpId: f!.id, step: s.key, dueAt: s.dueAt, ...(s.dueAt < now ? { status: 'skipped' as const, reason: 'past' } : {}) })))
    .returning({ id: followUpSteps.id, dueAt: followUpSteps.dueAt, status: followUpSteps.status });
  return { id: f!.id, steps };
}

/** Delayed jobs, one per pending step, under the step's id (the sweeper re-creates any that are lost). */
export async function scheduleSteps(ctx: Pick<AppContext, 'queues' | 'clock'>, steps: PlannedStep[]): Promise<void> {
  const now = ctx.clock.now().getTime();
  const pending = steps.filter((s) => s.status === 'pending');
  await ctx.queues.enqueueBulk('outreach', 'follow-up-step', pending.map((s) => ({ payload: { stepId: s.id }, jobId: s.id, delay: Math.max(0, s.dueAt.getTime() - now) })));
}

export async function startAndSchedule(ctx: Ctx, input: StartFollowUp): Promise<string> {
  const made = await ctx.db.transaction((tx) => startFollowUp(tx, ctx.clock.now(), input));
  await scheduleSteps(ctx, made.steps);
  return made.id;
}

async function stopWhere(db: Db, now: Date, where: ReturnType<typeof and>, reason: string): Promise<string[]> {
  const stopped = await db
    .update(followUps)
    .set({ status: 'stopped', stopReason: reason, updatedAt: now })
    .where(and(where, eq(followUps.status, 'active')))
    .returning({ id: followUps.id });
  const ids = stopped.map((f) => f.id);
  if (ids.length) {
    await db
      .update(followUpSteps)
      .set({ status: 'cancelled', reason })
      .where(and(inArray(followUpSteps.followUpId, ids), eq(followUpSteps.status, 'pending')));
  }
  return ids;
}

/** Stops a person's active follow-ups of a sequence (and subject): their pending steps never fire. */
export async function stopFollowUps(db: Db, now: Date, by: { workerId: string; sequence: SequenceKey; subject?: string }, reason: string): Promise<number> {
  const where = and(eq(followUps.workerId, by.workerId), eq(followUps.sequence, by.sequence), by.subject === undefined ? undefined : eq(followUps.subject, by.subject));
  return (await stopWhere(db, now, where, reason)).length;
}

/** The person wrote to us: sequences that stop on a reply stop at their next step. */
export async function noteReply(ctx: Pick<AppContext, 'db' | 'clock'>, workerId: string): Promise<void> {
  // Made for every message a registered person sends: prepared once.
  await preparedOn(ctx.db, 'note_reply', (db) =>
    db
      .update(followUps)
      .set({ repliedAt: sql`${sql.placeholder('at')}::timestamptz` })
      .where(and(eq(followUps.workerId, sql.placeholder('workerId')), eq(followUps.status, 'active')))
      .prepare('note_reply'),
  ).execute({ at: ctx.clock.now().toISOString(), workerId });
}

function stopReason(
  def: SequenceDef,
  f: { repliedAt: Date | null },
  w: { status: string; employed: boolean } | undefined,
  s: { unsubscribedAll: boolean; topics: string[] } | undefined,
): string | null {
  if (!w || w.status !== 'active') return 'left';
  for (const rule of def.stopWhen) {
    if (rule === 'employed' && w.employed) return 'employed';
    if (rule === 'not_employed' && !w.employed) return 'not_employed';
    if (rule === 'replied' && f.repliedAt) return 'replied';
    if (rule === 'unsubscribed' && s && (s.unsubscribedAll || (def.topic && s.topics.length && !s.topics.includes(def.topic)))) return 'unsubscribed';
  }
  return null;
}

/** 稳定就业: in the same job for six months or more. */
async function steadyWork(db: Db, workerId: string, now: Date): Promise<boolean> {
  const since = new Date(now);
  since.setUTCMonth(since.getUTCMonth() - 6);
  const day = since.toISOString().slice(0, 10);
  return (await currentEmployment(db, [workerId])).some((job) => job.startDate <= day);
}

/** Sequences that stop once the application they are about has an answer. */
const ON_HEARD_BACK = Object.values(SEQUENCES)
  .filter((s: SequenceDef) => s.stopWhen.includes('heard_back'))
  .map((s) => s.key);

/**
 * The application a follow-up is about moved on from "applied" (the employer answered): its questions
 * stop (market's `application.moved`, heard here rather than read from market's tables).
 */
export async function heardBack(db: Db, now: Date, move: { applicationId: string; to: string }): Promise<number> {
  if (move.to === 'applied') return 0;
  return (await stopWhere(db, now, and(eq(followUps.subject, move.applicationId), inArray(followUps.sequence, ON_HEARD_BACK)), 'heard_back')).length;
}

/** The last `count` steps sent went unanswered (no reply since the earliest of them). */
async function unanswered(db: Db, followUpId: string, repliedAt: Date | null, count: number): Promise<boolean> {
  const fired = await db
    .select({ firedAt: followUpSteps.firedAt })
    .from(followUpSteps)
    .where(and(eq(followUpSteps.followUpId, followUpId), eq(followUpSteps.status, 'fired')))
    .orderBy(sql`${followUpSteps.firedAt} desc`)
    .limit(count);
  if (fired.length < count) return false;
  const earliest = fired[count - 1]!.firedAt!;
  return !repliedAt || repliedAt < earliest;
}

/**
 * A step's time has come. Its conditions are read now, not when it was planned: a person back in
 * work, who has answered, or who has unsubscribed hears nothing more, and the follow-up stops. The
 * step is claimed and its delivery written in one transaction, so a step fires at most once.
 */
export async function fireStep(ctx: Ctx, stepId: string): Promise<string> {
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    const db = tx;
    const [row] = await db
      .select({ step: followUpSteps, f: followUps })
      .from(followUpSteps)
      .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
      .where(eq(followUpSteps.id, stepId))
      .for('update', { of: followUpSteps });
    if (!row) return { result: 'missing' };
    if (row.step.status !== 'pending') return { result: row.step.status };
    if (row.f.status !== 'active') {
      await db.update(followUpSteps).set({ status: 'cancelled', reason: row.f.stopReason ?? row.f.status }).where(eq(followUpSteps.id, stepId));
      return { result: 'cancelled' };
    }
    const def = sequenceOf(row.f.sequence);
    const w = await findWorker(db, row.f.workerId);
    const [s] = await db.select().from(subscriptions).where(eq(subscriptions.workerId, row.f.workerId));
    let reason = def ? stopReason(def, row.f, w, s) : 'unknown_sequence';
    if (!reason && def?.stopWhen.includes('steady_work') && (await steadyWork(db, row.f.workerId, now))) reason = 'steady_work';
    const limit = def?.taskAfterUnanswered;
    let events: string[] = [];
    if (!reason && limit && (await unanswered(db, row.f.id, row.f.repliedAt, limit))) {
      // Questions without an answer: staff call instead of more messages (chat opens their task on this event).
      events = await emit(db, now, [{ type: 'follow_up.unanswered', data: { followUpId: row.f.id, workerId: row.f.workerId, regionCode: row.f.regionCode, sequence: row.f.sequence, unanswered: limit, at: now.toISOString() } }]);
      reason = 'no_reply';
    }
    if (reason) {
      await stopWhere(db, now, eq(followUps.id, row.f.id), reason);
      return { result: `stopped:${reason}`, events };
    }
    await db.update(followUpSteps).set({ status: 'fired', firedAt: now }).where(eq(followUpSteps.id, stepId));
    const [d] = await db
      .insert(deliveries)
      .values({ stepId, workerId: row.f.workerId, channel: s?.channel ?? 'chat', createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: deliveries.stepId, where: sql`${deliveries.stepId} is not null` })
      .returning({ id: deliveries.id, channel: deliveries.channel });
    const [left] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(followUpSteps)
      .where(and(eq(followUpSteps.followUpId, row.f.id), eq(followUpSteps.status, 'pending')));
    if (!left?.n) await db.update(followUps).set({ status: 'completed', updatedAt: now }).where(and(eq(followUps.id, row.f.id), eq(followUps.status, 'active')));
    return { result: 'fired', delivery: d };
  });
  if (outcome.delivery) await enqueueDeliveries(ctx.queues, [outcome.delivery]);
  // The relay publishes them within seconds if this fails.
  if ('events' in outcome && outcome.events?.length) await publishOutbox(ctx, outcome.events).catch(() => undefined);
  return outcome.result;
}

/**
 * The follow-up sweeper (every minute): a pending step past its time whose job was lost (Redis
 * restarted without its data, a job finished before its row committed) gets its job back; one
 * still waiting with a delay is promoted.
 */
export async function sweepFollowUps(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ id: followUpSteps.id })
    .from(followUpSteps)
    .where(and(eq(followUpSteps.status, 'pending'), lte(followUpSteps.dueAt, now)))
    .orderBy(asc(followUpSteps.dueAt))
    .limit(1000);
  const queue = ctx.queues.queue('outreach');
  const lost: string[] = [];
  for (const { id } of due) {
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (state === 'delayed') await job!.promote();
    else if (state === 'completed' || state === 'failed') {
      await job!.remove();
      lost.push(id);
    } else if (state === 'missing' || state === 'unknown') lost.push(id);
  }
  await ctx.queues.enqueueBulk('outreach', 'follow-up-step', lost.map((id) => ({ payload: { stepId: id }, jobId: id })));
  return due.length;
}

function present(f: typeof followUps.$inferSelect, steps: Array<typeof followUpSteps.$inferSelect>) {
  return {
    id: f.id,
    sequence: f.sequence,
    workerId: f.workerId,
    subject: f.subject || null,
    anchorDate: f.anchorDate,
    status: f.status,
    stopReason: f.stopReason,
    createdAt: f.createdAt.toISOString(),
    steps: steps
      .filter((s) => s.followUpId === f.id)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .map((s) => ({ step: s.step, dueAt: s.dueAt.toISOString(), status: s.status, reason: s.reason, firedAt: s.firedAt?.toISOString() ?? null })),
  };
}

async function scopedWorker(db: Db, actor: Actor, workerId: string) {
  const w = await findWorker(db, workerId);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  return w;
}

export async function listFollowUps(ctx: Pick<AppContext, 'db'>, actor: Actor, workerId: string) {
  await scopedWorker(ctx.db, actor, workerId);
  const fs = await ctx.db.select().from(followUps).where(eq(followUps.workerId, workerId)).orderBy(sql`${followUps.createdAt} desc`).limit(100);
  const steps = fs.length ? await ctx.db.select().from(followUpSteps).where(inArray(followUpSteps.followUpId, fs.map((f) => f.id))) : [];
  return { items: fs.map((f) => present(f, steps)) };
}

async function getFollowUp(db: Db, id: string) {
  const [f] = await db.select().from(followUps).where(eq(followUps.id, id));
  const steps = await db.select().from(followUpSteps).where(eq(followUpSteps.followUpId, id));
  return present(f!, steps);
}

/** A station starts a sequence for a person by hand (those marked manual). */
export async function startByStaff({ ctx, actor, meta }: OutreachProps<Ctx>, workerId: string, input: FollowUpStart) {
  const w = await scopedWorker(ctx.db, actor, workerId);
  const def = sequenceOf(input.sequence);
  if (!def?.manual) throw new ValidationFailed('not startable by hand', [{ path: 'body.sequence', message: 'errors:detail.outreach.not_manual' }]);
  if (w.status !== 'active') throw new Conflict('worker not active', [{ path: 'worker', message: 'errors:detail.outreach.worker_inactive' }]);
  const missing = def.variables.filter((v) => input.variables[v] === undefined);
  if (missing.length) throw new ValidationFailed('variables missing', missing.map((v) => ({ path: `body.variables.${v}`, message: 'errors:detail.required' })));
  const anchorDate = input.anchorDate ?? shanghaiDate(ctx.clock.now());
  const made = await command({ ctx, actor, meta }, async (tx, audit) => {
    const made = await startFollowUp(tx, ctx.clock.now(), { sequence: input.sequence, workerId, regionCode: w.regionCode, anchorDate, variables: input.variables, createdBy: actor.accountId });
    audit({ action: 'follow_up.start', entity: 'worker', entityId: workerId, regionCode: w.regionCode, details: { sequence: input.sequence, followUpId: made.id } });
    return made;
  });
  // The steps go on their queue once the follow-up has committed.
  await scheduleSteps(ctx, made.steps);
  const id = made.id;
  return getFollowUp(ctx.db, id);
}

export async function stopByStaff({ ctx, actor, meta }: OutreachProps<Pick<AppContext, 'db' | 'clock'>>, id: string) {
  const [f] = await ctx.db.select().from(followUps).where(eq(followUps.id, id));
  if (!f) throw new NotFound('follow-up', id);
  assertInScope(actor, f.regionCode, 'follow-up', id);
  if (f.status !== 'active') throw new Conflict('already finished', [{ path: 'followUp', message: 'errors:detail.outreach.follow_up_finished' }]);
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await stopWhere(tx, ctx.clock.now(), eq(followUps.id, id), 'stopped_by_staff');
    audit({ action: 'follow_up.stop', entity: 'worker', entityId: f.workerId, regionCode: f.regionCode, details: { followUpId: id } });
  });
  return getFollowUp(ctx.db, id);
}
