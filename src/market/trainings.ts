import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { enrolments, trainingSessions, vacancies } from '../db/schema/market';
import { findWorker, inRegion, regionExists } from '../registry';
import { searchQuery, searchVector } from '../shared/chinese';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { translator } from '../i18n';
import { announce, scheduleSteps, startFollowUp, stopFollowUps, type PlannedStep } from '../outreach';
import { tellNewlyEligible } from '../policies';
import { presentTraining } from './present';
import type { TrainingListQuery, TrainingSessionCreate } from './schemas';
import type { MarketProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock'>;
type AnnounceCtx = Pick<AppContext, 'db' | 'clock' | 'queues' | 'logger'>;

async function scopedSession(db: Db, actor: Actor, id: string) {
  const [s] = await db.select().from(trainingSessions).where(eq(trainingSessions.id, id)).limit(1);
  if (!s) throw new NotFound('training session', id);
  assertInScope(actor, s.regionCode, 'training session', id);
  return s;
}

export async function createSession({ ctx, actor, meta }: MarketProps<AnnounceCtx>, input: TrainingSessionCreate) {
  if (!inScope(actor, input.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (!(await regionExists(ctx.db, input.regionCode))) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  if (input.endDate < input.startDate) throw new ValidationFailed('dates', [{ path: 'body.endDate', message: 'errors:detail.end_before_start' }]);
  if (input.vacancyIds.length) {
    const found = await ctx.db.select({ id: vacancies.id, regionCode: vacancies.regionCode }).from(vacancies).where(sql`${vacancies.id} = any(${sql.param(input.vacancyIds)}::uuid[])`);
    const visible = new Set(found.filter((v) => inScope(actor, v.regionCode)).map((v) => v.id));
    const missing = input.vacancyIds.filter((id) => !visible.has(id));
    if (missing.length) throw new ValidationFailed('unknown vacancies', missing.map(() => ({ path: 'body.vacancyIds', message: 'errors:detail.market.unknown_vacancy' })));
  }
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(trainingSessions)
      .values({
        ...input,
        place: input.place ?? null,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        search: searchVector(input.title, input.provider, input.skills.join(' ')),
        createdBy: actor.accountId,
      })
      .returning();
    audit({ action: 'training.create', entity: 'training_session', entityId: row!.id, regionCode: row!.regionCode });
    return row!;
  });
  // People subscribed to training in the county hear of it.
  const message: Record<string, string> = {};
  for (const lng of ['zh-CN', 'en'] as const) {
    const t = translator(lng);
    const subsidy = row.trainingSubsidyFen > 0 ? t('outreach:subsidy', { amount: row.trainingSubsidyFen / 100 }) : '';
    message[lng] = t('outreach:new_training', { title: row.title, provider: row.provider, start: row.startDate, subsidy });
  }
  await announce(ctx, { topic: 'training', regionCode: row.regionCode, message, subject: { type: 'training', id: row.id } });
  return presentTraining(row);
}

export async function getSession(ctx: Ctx, actor: Actor, id: string) {
  return presentTraining(await scopedSession(ctx.db, actor, id));
}

export async function listSessions(ctx: Ctx, actor: Actor, q: z.infer<typeof TrainingListQuery>) {
  const scope = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, scope)) return { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const query = q.q ? searchQuery(q.q) : undefined;
  if (q.q && !query) return { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const where = and(inRegion(trainingSessions.regionCode, scope), q.kind ? eq(trainingSessions.kind, q.kind) : undefined, query ? sql`${trainingSessions.search} @@ ${query}` : undefined);
  const [total] = await ctx.db.select({ n: count() }).from(trainingSessions).where(where);
  const rows = await ctx.db.select().from(trainingSessions).where(where).orderBy(desc(trainingSessions.startDate), asc(trainingSessions.id)).offset((q.page - 1) * q.pageSize).limit(q.pageSize);
  return { items: rows.map(presentTraining), page: q.page, pageSize: q.pageSize, total: total?.n ?? 0 };
}

/** Enrols a person; the session's capacity is never exceeded, however many enrol at once. Reminders follow. */
export async function enrol({ ctx, actor, meta }: MarketProps<Ctx & Pick<AppContext, 'queues' | 'policyPorts'>>, sessionId: string, workerId: string) {
  const s = await scopedSession(ctx.db, actor, sessionId);
  const w = await findWorker(ctx.db, workerId);
  if (!w || !inScope(actor, w.regionCode)) throw new ValidationFailed('unknown worker', [{ path: 'body.workerId', message: 'errors:detail.unknown_worker' }]);
  if (s.status !== 'open') throw new Conflict('closed', [{ path: 'session', message: 'errors:detail.market.not_open' }]);
  const steps: PlannedStep[] = [];
  const result = await command({ ctx, actor, meta }, async (db, audit) => {
    // One enrolment at a time per session: the check below and the count stay in step.
    await db.execute(sql`select 1 from ${trainingSessions} where ${trainingSessions.id} = ${sessionId} for update`);
    const [existing] = await db.select().from(enrolments).where(and(eq(enrolments.sessionId, sessionId), eq(enrolments.workerId, workerId)));
    if (existing?.status === 'enrolled') throw new Conflict('already enrolled', [{ path: 'body.workerId', message: 'errors:detail.market.already_enrolled' }]);
    const taken = await db
      .update(trainingSessions)
      .set({ enrolled: sql`${trainingSessions.enrolled} + 1` })
      .where(and(eq(trainingSessions.id, sessionId), sql`${trainingSessions.enrolled} < ${trainingSessions.capacity}`))
      .returning({ id: trainingSessions.id });
    if (!taken.length) throw new Conflict('full', [{ path: 'session', message: 'errors:detail.market.full' }]);
    const now = ctx.clock.now();
    const [row] = existing
      ? await db.update(enrolments).set({ status: 'enrolled', updatedAt: now }).where(eq(enrolments.id, existing.id)).returning()
      : await db.insert(enrolments).values({ sessionId, workerId, createdAt: now, updatedAt: now }).returning();
    audit({ action: 'training.enrol', entity: 'training_session', entityId: sessionId, regionCode: s.regionCode, details: { workerId } });
    const reminder = await startFollowUp(db, now, {
      sequence: 'training_reminder',
      workerId,
      regionCode: w.regionCode,
      subject: sessionId,
      anchorDate: s.startDate,
      variables: { title: s.title, ...(s.place ? { place: s.place } : {}) },
      createdBy: actor.accountId,
    });
    steps.push(...reminder.steps);
    return { id: row!.id, sessionId, workerId, status: row!.status };
  });
  await scheduleSteps(ctx, steps);
  // An enrolment can open the training subsidy and living allowance: the person hears of them.
  await tellNewlyEligible(ctx, workerId, 'training', translator('zh-CN'));
  return result;
}

export async function cancelEnrolment({ ctx, actor, meta }: MarketProps<Ctx>, sessionId: string, workerId: string) {
  const s = await scopedSession(ctx.db, actor, sessionId);
  return command({ ctx, actor, meta }, async (db, audit) => {
    await db.execute(sql`select 1 from ${trainingSessions} where ${trainingSessions.id} = ${sessionId} for update`);
    const [row] = await db
      .update(enrolments)
      .set({ status: 'cancelled', updatedAt: ctx.clock.now() })
      .where(and(eq(enrolments.sessionId, sessionId), eq(enrolments.workerId, workerId), eq(enrolments.status, 'enrolled')))
      .returning();
    if (!row) throw new NotFound('enrolment');
    await db.update(trainingSessions).set({ enrolled: sql`greatest(${trainingSessions.enrolled} - 1, 0)` }).where(eq(trainingSessions.id, sessionId));
    audit({ action: 'training.cancel', entity: 'training_session', entityId: sessionId, regionCode: s.regionCode, details: { workerId } });
    await stopFollowUps(db, ctx.clock.now(), { workerId, sequence: 'training_reminder', subject: sessionId }, 'enrolment_cancelled');
    return { id: row.id, sessionId, workerId, status: row.status };
  });
}
