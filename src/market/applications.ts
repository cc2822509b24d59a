import { and, asc, count, eq, isNull, lt, notExists, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { applications, employers, vacancies, wageCases, type Application, type Vacancy } from '../db/schema/market';
import { emit } from '../events';
import { publishOutbox } from '../outbox';
import { findWorker, livesUnder, noteActivity, termEndOf, startEmploymentIn, workerNames, workerPlaces } from '../registry';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { presentApplication } from './present';
import type { ApplicationListQuery, ApplicationMove } from './schemas';
import { scopedVacancy } from './vacancies';
import type { MarketProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'pii'>;
type Status = Application['status'];

/** Which moves each kind of post allows; anything else is refused with the allowed ones named. */
const REGULAR: Partial<Record<Status, Status[]>> = {
  applied: ['interview', 'hired', 'rejected', 'withdrawn'],
  interview: ['hired', 'rejected', 'no_show', 'withdrawn'],
};
const GIG: Partial<Record<Status, Status[]>> = {
  applied: ['accepted', 'rejected', 'withdrawn'],
  accepted: ['checked_in', 'no_show', 'withdrawn'],
  checked_in: ['completed'],
};
/** Moves into these take one of the vacancy's places. */
const TAKES_PLACE: Status[] = ['hired', 'accepted'];

async function scopedApplication(db: Db, actor: Actor, id: string) {
  const [row] = await db
    .select({ application: applications, vacancy: vacancies })
    .from(applications)
    .innerJoin(vacancies, eq(vacancies.id, applications.vacancyId))
    .where(eq(applications.id, id))
    .limit(1);
  if (!row) throw new NotFound('application', id);
  const workerId = row.application.workerId;
  // One after the other: inside a move this runs on the transaction's one connection.
  const places = await workerPlaces(db, [workerId]);
  const names = await workerNames(db, [workerId]);
  const workerRegion = places.get(workerId)?.regionCode;
  // An application shows a person: it is reached only by staff whose region holds that person.
  if (!workerRegion || !inScope(actor, workerRegion)) throw new NotFound('application', id);
  return { ...row, workerName: names.get(workerId)!, workerRegion };
}

/**
 * Whether a job fair carries a post, and whether the fair still runs; undefined when it does not carry it.
 * The fairs answer it (they sit above the market), handed in with the fair's id by whoever applies at one.
 */
export type FairPostCheck = (db: Db, fairId: string, vacancyId: string) => Promise<{ running: boolean } | undefined>;

export async function apply({ ctx, actor, meta }: MarketProps<Ctx>, vacancyId: string, workerId: string, source: Application['source'], opts: { fair?: { id: string; carries: FairPostCheck } } = {}) {
  const { vacancy } = await scopedVacancy(ctx.db, actor, vacancyId);
  const fairId = opts.fair?.id;
  if (opts.fair) {
    // Only a post the fair carries, while the fair runs, is counted for it.
    const atFair = await opts.fair.carries(ctx.db, opts.fair.id, vacancyId);
    if (!atFair) throw new ValidationFailed('not at fair', [{ path: 'body.fairId', message: 'errors:detail.fair.vacancy_not_in_fair' }]);
    if (!atFair.running) throw new Conflict('fair over', [{ path: 'body.fairId', message: 'errors:detail.fair.over' }]);
  }
  const worker = await findWorker(ctx.db, workerId);
  if (!worker || !inScope(actor, worker.regionCode)) throw new ValidationFailed('unknown worker', [{ path: 'body.workerId', message: 'errors:detail.unknown_worker' }]);
  if (vacancy.status !== 'open') throw new Conflict('vacancy not open', [{ path: 'vacancy', message: 'errors:detail.market.not_open' }]);
  const now = ctx.clock.now();
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(applications)
      .values({
        vacancyId,
        workerId,
        source,
        fairId: fairId ?? null,
        createdBy: actor.accountId,
        createdAt: now,
        updatedAt: now,
        history: [{ status: 'applied', at: now.toISOString(), by: actor.accountId }],
      })
      .onConflictDoNothing({ target: [applications.vacancyId, applications.workerId] })
      .returning();
    if (!row) throw new Conflict('already applied', [{ path: 'body.workerId', message: 'errors:detail.market.already_applied' }]);
    await noteActivity(tx, workerId, now);
    audit({ action: 'application.create', entity: 'application', entityId: row.id, regionCode: vacancy.regionCode });
    return row;
  });
  return presentApplication(row, vacancy, worker.name);
}

/** Takes one place atomically: never more places taken than the headcount, however many try at once. */
async function takePlace(db: Db, vacancyId: string, now: Date): Promise<boolean> {
  const taken = await db
    .update(vacancies)
    .set({
      filled: sql`${vacancies.filled} + 1`,
      status: sql`case when ${vacancies.filled} + 1 >= ${vacancies.headcount} then 'filled'::vacancy_status else ${vacancies.status} end`,
      updatedAt: now,
    })
    .where(and(eq(vacancies.id, vacancyId), eq(vacancies.status, 'open'), lt(vacancies.filled, vacancies.headcount)))
    .returning({ id: vacancies.id });
  return taken.length === 1;
}

async function releasePlace(db: Db, vacancyId: string, now: Date): Promise<void> {
  await db
    .update(vacancies)
    .set({
      filled: sql`greatest(${vacancies.filled} - 1, 0)`,
      status: sql`case when ${vacancies.status} = 'filled' and ${vacancies.expiresAt} > ${now.toISOString()}::timestamptz then 'open'::vacancy_status else ${vacancies.status} end`,
      updatedAt: now,
    })
    .where(eq(vacancies.id, vacancyId));
}

export async function move({ ctx, actor, meta }: MarketProps<Ctx & Pick<AppContext, 'queues' | 'registerPorts'>>, id: string, input: ApplicationMove) {
  const events: string[] = [];
  const moved = await command({ ctx, actor, meta }, async (db, audit) => {
    const found = await scopedApplication(db, actor, id);
    // Lock the application so two clerks cannot move it at once.
    await db.execute(sql`select 1 from ${applications} where ${applications.id} = ${id} for update`);
    const [a] = await db.select().from(applications).where(eq(applications.id, id));
    const v: Vacancy = found.vacancy;
    const allowed = (v.kind === 'gig' ? GIG : REGULAR)[a!.status] ?? [];
    if (!allowed.includes(input.status)) {
      throw new Conflict('transition not allowed', [{ path: 'body.status', message: 'errors:detail.market.bad_transition', allowed: allowed.join(', ') }]);
    }
    const now = ctx.clock.now();
    let holdsPlace = a!.holdsPlace;
    if (TAKES_PLACE.includes(input.status) && !holdsPlace) {
      if (!(await takePlace(db, v.id, now))) throw new Conflict('no place left', [{ path: 'body.status', message: 'errors:detail.market.full' }]);
      holdsPlace = true;
    }
    if ((input.status === 'withdrawn' || input.status === 'no_show' || input.status === 'rejected') && holdsPlace) {
      await releasePlace(db, v.id, now);
      holdsPlace = false;
    }
    let wageDueAt = a!.wageDueAt;
    if (input.status === 'completed') {
      const days = Number((v.details as { paymentDueDays?: number }).paymentDueDays ?? 3);
      wageDueAt = new Date(now.getTime() + days * 86400_000);
    }
    if (input.status === 'hired') {
      // The hire is the employment record: nobody types it into the register a second time.
      const [employer] = await db.select().from(employers).where(eq(employers.id, v.employerId));
      const monthly = input.monthlyIncomeFen ?? (v.payUnit === 'month' ? Math.round((v.payMinFen + v.payMaxFen) / 2) : undefined);
      const startDate = input.startDate ?? shanghaiDate(now);
      await startEmploymentIn(
        db,
        ctx,
        actor,
        a!.workerId,
        { employerName: employer!.name, place: v.address ?? null, placeRegionCode: v.regionCode, kind: v.kind, startDate, monthlyIncomeFen: monthly ?? null, ...(v.kind === 'public_welfare' ? { termEnd: termEndOf(startDate, Number((v.details as { contractMonths?: number }).contractMonths ?? 12)) } : {}) },
        { ...meta, source: 'market' },
        events,
      );
    }
    const [row] = await db
      .update(applications)
      .set({
        status: input.status,
        holdsPlace,
        wageDueAt,
        updatedAt: now,
        history: sql`${applications.history} || ${JSON.stringify([{ status: input.status, at: now.toISOString(), by: actor.accountId }])}::jsonb`,
      })
      .where(eq(applications.id, id))
      .returning();
    audit({ action: `application.${input.status}`, entity: 'application', entityId: id, regionCode: v.regionCode });
    events.push(...(await emit(db, now, [{ type: 'application.moved', data: { applicationId: id, vacancyId: v.id, workerId: a!.workerId, regionCode: v.regionCode, from: a!.status, to: input.status, actorId: actor.accountId } }])));
    return presentApplication(row!, v, found.workerName);
  });
  // A hire's employment.started goes out with it: its subscribers do what a job means for the person.
  await publishOutbox(ctx, events);
  return moved;
}

/** After a completed gig the worker says whether the pay came; "not paid" opens a wage-arrears case. */
export async function reportPayment({ ctx, actor, meta }: MarketProps<Ctx>, id: string, paid: boolean, amountFen: number | undefined) {
  const found = await scopedApplication(ctx.db, actor, id);
  if (found.application.status !== 'completed') throw new Conflict('not completed', [{ path: 'body.paid', message: 'errors:detail.market.not_completed' }]);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx.update(applications).set({ paid, updatedAt: ctx.clock.now() }).where(eq(applications.id, id)).returning();
    if (!paid) await openWageCase(tx, found.application, found.vacancy, 'worker_report', amountFen ?? null, ctx.clock.now());
    audit({ action: paid ? 'application.paid' : 'application.unpaid', entity: 'application', entityId: id, regionCode: found.vacancy.regionCode });
    return row;
  });
  return presentApplication(row!, found.vacancy, found.workerName);
}

async function openWageCase(db: Db, a: Application, v: Vacancy, reason: string, amountFen: number | null, now: Date): Promise<boolean> {
  const w = (await workerPlaces(db, [a.workerId])).get(a.workerId);
  const made = await db
    .insert(wageCases)
    .values({ applicationId: a.id, workerId: a.workerId, employerId: v.employerId, regionCode: w!.regionCode, amountFen, reason, openedAt: now })
    .onConflictDoNothing({ target: wageCases.applicationId })
    .returning({ id: wageCases.id });
  return made.length === 1;
}

/** The scheduled job: completed gigs whose pay is past due and unconfirmed become wage cases. */
export async function openOverdueWageCases(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  const overdue = await ctx.db
    .select({ application: applications, vacancy: vacancies })
    .from(applications)
    .innerJoin(vacancies, eq(vacancies.id, applications.vacancyId))
    .where(
      and(
        eq(applications.status, 'completed'),
        isNull(applications.paid),
        lt(applications.wageDueAt, ctx.clock.now()),
        notExists(ctx.db.select({ id: wageCases.id }).from(wageCases).where(eq(wageCases.applicationId, applications.id))),
      ),
    );
  let opened = 0;
  for (const o of overdue) if (await openWageCase(ctx.db, o.application, o.vacancy, 'overdue', null, ctx.clock.now())) opened++;
  return opened;
}

export async function listForVacancy(ctx: Ctx, actor: Actor, vacancyId: string, q: z.infer<typeof ApplicationListQuery>) {
  const { vacancy } = await scopedVacancy(ctx.db, actor, vacancyId);
  // Only applicants whose records lie in the caller's region are listed.
  const where = and(
    eq(applications.vacancyId, vacancyId),
    livesUnder(applications.workerId, actor.regionCode),
    q.status ? eq(applications.status, q.status) : undefined,
    q.workerId ? eq(applications.workerId, q.workerId) : undefined,
  );
  const [total] = await ctx.db.select({ n: count() }).from(applications).where(where);
  const rows = await ctx.db
    .select({ application: applications })
    .from(applications)
    .where(where)
    .orderBy(asc(applications.createdAt), asc(applications.id))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  const names = await workerNames(ctx.db, rows.map((r) => r.application.workerId));
  return { items: rows.map((r) => presentApplication(r.application, vacancy, names.get(r.application.workerId)!)), page: q.page, pageSize: q.pageSize, total: total?.n ?? 0 };
}

export async function getApplication(ctx: Ctx, actor: Actor, id: string) {
  const found = await scopedApplication(ctx.db, actor, id);
  return presentApplication(found.application, found.vacancy, found.workerName);
}

export async function listWageCases(ctx: Ctx, actor: Actor, status: 'open' | 'resolved' | undefined) {
  const rows = await ctx.db
    .select({ c: wageCases, employerName: employers.name })
    .from(wageCases)
    .leftJoin(employers, eq(employers.id, wageCases.employerId))
    .where(and(sql`${wageCases.regionCode} like ${actor.regionCode + '%'}`, status ? eq(wageCases.status, status) : undefined))
    .orderBy(asc(wageCases.openedAt));
  const names = await workerNames(ctx.db, rows.map((r) => r.c.workerId));
  return { items: rows.map((r) => ({ ...presentWageCase(r.c), workerName: names.get(r.c.workerId)!, employerName: r.employerName })) };
}

export async function resolveWageCase({ ctx, actor, meta }: MarketProps<Ctx>, id: string, note: string) {
  const [c] = await ctx.db.select().from(wageCases).where(eq(wageCases.id, id));
  if (!c || !inScope(actor, c.regionCode)) throw new NotFound('wage case', id);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx.update(wageCases).set({ status: 'resolved', resolvedAt: ctx.clock.now(), note }).where(eq(wageCases.id, id)).returning();
    audit({ action: 'wage_case.resolve', entity: 'wage_case', entityId: id, regionCode: c.regionCode });
    return row;
  });
  return presentWageCase(row!);
}

function presentWageCase(c: typeof wageCases.$inferSelect) {
  return {
    id: c.id,
    applicationId: c.applicationId,
    workerId: c.workerId,
    employerId: c.employerId,
    regionCode: c.regionCode,
    amountFen: c.amountFen,
    reason: c.reason,
    description: c.description,
    status: c.status,
    openedAt: c.openedAt.toISOString(),
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    note: c.note,
  };
}
