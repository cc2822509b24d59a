import { and, asc, eq, like, sql } from 'drizzle-orm';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { rainDewActions, rainDewEvents, rainDewFiles, rainDewPlans, rainDewSubsidies } from '../db/schema/rain-dew';
import { findAccount, staffNames } from '../access';
import { employmentHistory, findWorker, trainingHistory, workerNames, type Worker } from '../registry';
import { deliveriesTo } from '../outreach';
import type { TFunction } from 'i18next';
import { applicationsOf, enrolmentsOf, matchesFor, majorFits, postTexts } from '../market';
import { changeStatus } from './status';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors';
import { startAndSchedule } from '../outreach';
import { shanghaiDate } from '../shared/time';
import type { ActionInput, ContactInput, FileCreate, FilePatch, SubsidyInput } from './schemas';
import type { RainDewProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'queues'>;

async function scopedWorker(db: Db, actor: Actor, workerId: string) {
  const w = await findWorker(db, workerId);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  return w;
}

async function scopedFile(db: Db, actor: Actor, workerId: string) {
  const [f] = await db.select().from(rainDewFiles).where(eq(rainDewFiles.workerId, workerId));
  if (!f) throw new NotFound('rain dew file', workerId);
  assertInScope(actor, f.regionCode, 'rain dew file', workerId);
  return f;
}

async function assertCaseWorker(db: Db, actor: Actor, id: string | null | undefined, regionCode: string) {
  if (!id) return;
  const a = await findAccount(db, id);
  // The case worker serves the person's home: their region must hold it.
  if (!a || a.disabledAt || !inScope(actor, a.regionCode) || !regionCode.startsWith(a.regionCode)) {
    throw new ValidationFailed('unknown case worker', [{ path: 'body.caseWorkerId', message: 'errors:detail.rain_dew.case_worker' }]);
  }
}

/** Opens the file of a registered person who is a Rain Dew student. */
export async function openFile({ ctx, actor, meta }: RainDewProps<Ctx>, input: FileCreate) {
  const w = await scopedWorker(ctx.db, actor, input.workerId);
  if (input.enrolledOn && input.expectedGraduation < input.enrolledOn) throw new ValidationFailed('dates', [{ path: 'body.expectedGraduation', message: 'errors:detail.end_before_start' }]);
  await assertCaseWorker(ctx.db, actor, input.caseWorkerId, w.regionCode);
  const now = ctx.clock.now();
  // A file opened after the graduation day starts out of school (in work, if the register says so).
  const left = input.expectedGraduation <= shanghaiDate(now);
  const status = !left ? 'studying' : w.employed ? 'employed' : 'graduated';
  await command({ ctx, actor, meta }, async (tx, audit) => {
    const made = await tx
      .insert(rainDewFiles)
      .values({ ...input, enrolledOn: input.enrolledOn ?? null, caseWorkerId: input.caseWorkerId ?? null, regionCode: w.regionCode, status, graduatedOn: left ? input.expectedGraduation : null, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!made.length) throw new Conflict('file exists', [{ path: 'body.workerId', message: 'errors:detail.rain_dew.exists' }]);
    await tx.insert(rainDewEvents).values({ workerId: w.id, kind: 'status', toStatus: status, by: actor.accountId, at: now });
    audit({ action: 'rain_dew.open', entity: 'worker', entityId: w.id, regionCode: w.regionCode });
  });
  // Followed by chat from three months before graduation until steady work.
  await startAndSchedule(ctx, { sequence: 'rain_dew', workerId: w.id, regionCode: w.regionCode, anchorDate: input.expectedGraduation, createdBy: actor.accountId });
  return getFile(ctx, actor, w.id);
}

export async function updateFile({ ctx, actor, meta }: RainDewProps<Ctx>, workerId: string, patch: FilePatch) {
  const f = await scopedFile(ctx.db, actor, workerId);
  await assertCaseWorker(ctx.db, actor, patch.caseWorkerId, f.regionCode);
  const now = ctx.clock.now();
  const { status, ...fields } = patch;
  await command({ ctx, actor, meta }, async (db, audit) => {
    if (Object.keys(fields).length) await db.update(rainDewFiles).set({ ...fields, updatedAt: now }).where(eq(rainDewFiles.workerId, workerId));
    if (status) await changeStatus(db, workerId, f.status, status, actor.accountId, now);
    audit({ action: 'rain_dew.update', entity: 'worker', entityId: workerId, regionCode: f.regionCode, details: { fields: Object.keys(patch) } });
  });
  if (patch.expectedGraduation && patch.expectedGraduation !== f.expectedGraduation) {
    await startAndSchedule(ctx, { sequence: 'rain_dew', workerId, regionCode: f.regionCode, anchorDate: patch.expectedGraduation, createdBy: actor.accountId });
  }
  return getFile(ctx, actor, workerId);
}

/** A contact with the person (a call, a visit, a chat): on the timeline, and the status if it changed. */
export async function recordContact({ ctx, actor, meta }: RainDewProps<Ctx>, workerId: string, input: ContactInput) {
  const f = await scopedFile(ctx.db, actor, workerId);
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (db, audit) => {
    await db.insert(rainDewEvents).values({ workerId, kind: 'contact', channel: input.channel, outcome: input.outcome, by: actor.accountId, at: now });
    await db.update(rainDewFiles).set({ lastContactAt: now, updatedAt: now }).where(eq(rainDewFiles.workerId, workerId));
    if (input.status) await changeStatus(db, workerId, f.status, input.status, actor.accountId, now, input.outcome);
    audit({ action: 'rain_dew.contact', entity: 'worker', entityId: workerId, regionCode: f.regionCode });
  });
  return getFile(ctx, actor, workerId);
}

export async function addSubsidy({ ctx, actor, meta }: RainDewProps<Ctx>, workerId: string, input: SubsidyInput) {
  const f = await scopedFile(ctx.db, actor, workerId);
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await tx.insert(rainDewSubsidies).values({ workerId, ...input, recordedBy: actor.accountId, createdAt: ctx.clock.now() });
    audit({ action: 'rain_dew.subsidy', entity: 'worker', entityId: workerId, regionCode: f.regionCode, details: { term: input.term, amountFen: input.amountFen } });
  });
  return getFile(ctx, actor, workerId);
}

/**
 * The file on one page: the person (masked), the school, the timeline of contacts and status changes,
 * subsidies, the register's jobs and trainings, applications, and the messages sent to them.
 */
export async function getFile(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, workerId: string) {
  const f = await scopedFile(ctx.db, actor, workerId);
  const w = await findWorker(ctx.db, workerId);
  const [plan] = await ctx.db.select().from(rainDewPlans).where(eq(rainDewPlans.workerId, workerId));
  const actions = await ctx.db.select().from(rainDewActions).where(eq(rainDewActions.workerId, workerId)).orderBy(asc(rainDewActions.dueOn));
  const [events, subsidies, jobs, trainings, enrolled, apps, sent] = await Promise.all([
    ctx.db.select().from(rainDewEvents).where(eq(rainDewEvents.workerId, workerId)).orderBy(asc(rainDewEvents.at)),
    ctx.db.select().from(rainDewSubsidies).where(eq(rainDewSubsidies.workerId, workerId)).orderBy(asc(rainDewSubsidies.paidOn)),
    employmentHistory(ctx.db, workerId),
    trainingHistory(ctx.db, workerId),
    enrolmentsOf(ctx.db, workerId),
    applicationsOf(ctx.db, workerId),
    deliveriesTo(ctx.db, workerId, 50),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const today = shanghaiDate(ctx.clock.now());
  // The staff named on the file (case worker, action owners, who recorded what), by name for the page.
  const staffIds = [...new Set([f.caseWorkerId, ...actions.map((a) => a.ownerId), ...events.map((e) => e.by)].filter((v): v is string => typeof v === 'string'))];
  const staff = await staffNames(ctx.db, staffIds);
  return {
    staff: Object.fromEntries(staff),
    person: { id: w!.id, name: w!.name, idNumber: w!.idNumberMasked, phone: w!.phoneMasked, regionCode: w!.regionCode, employed: w!.employed },
    file: { ...f, lastContactAt: iso(f.lastContactAt), createdAt: f.createdAt.toISOString(), updatedAt: f.updatedAt.toISOString() },
    timeline: events.map((e) => ({ kind: e.kind, channel: e.channel, outcome: e.outcome, fromStatus: e.fromStatus, toStatus: e.toStatus, by: e.by, at: e.at.toISOString() })),
    subsidies: subsidies.map((s) => ({ term: s.term, amountFen: s.amountFen, paidOn: s.paidOn })),
    plan: {
      goal: plan?.goal ?? null,
      actions: actions.map((a) => ({ id: a.id, kind: a.kind, description: a.description, ownerId: a.ownerId, dueOn: a.dueOn, status: a.status, outcome: a.outcome, overdue: a.status === 'open' && a.dueOn < today })),
    },
    employment: jobs.map((j) => ({ employerName: j.employerName, placeRegionCode: j.placeRegionCode, startDate: j.startDate, endDate: j.endDate, monthlyIncomeFen: j.monthlyIncomeFen })),
    // Trainings taken (from the register) and sessions enrolled in through the market.
    trainings: [...trainings.map((t) => ({ title: t.title, startDate: String(t.startDate), status: 'taken' })), ...enrolled.map((e) => ({ title: e.title, startDate: String(e.startDate), status: e.status }))],
    applications: apps.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
    messages: sent.map((d) => ({ ...d, sentAt: iso(d.sentAt), createdAt: d.createdAt.toISOString() })),
  };
}

/**
 * The case workers' worklist: those still without work after graduating come first (longest first),
 * then those not contacted for longest; with the region's totals.
 */
export async function worklist(ctx: Ctx, actor: Actor, q: { regionCode?: string; status?: string; caseWorkerId?: string; overdue?: boolean; page: number; pageSize: number }) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) return { items: [], page: q.page, pageSize: q.pageSize, total: 0, totals: { files: 0, graduated: 0, employed: 0, contactedThisMonth: 0, overdue: 0, employedShare: null } };
  const now = ctx.clock.now();
  const todayStr = shanghaiDate(now);
  const overdueCount = sql<number>`(select count(*)::int from rain_dew_actions a where a.worker_id = ${rainDewFiles.workerId} and a.status = 'open' and a.due_on < ${todayStr})`;
  const where = and(
    like(rainDewFiles.regionCode, `${region}%`),
    q.status ? eq(rainDewFiles.status, q.status as never) : undefined,
    q.caseWorkerId ? eq(rainDewFiles.caseWorkerId, q.caseWorkerId) : undefined,
    q.overdue ? sql`${overdueCount} > 0` : undefined,
  );
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [totals] = await ctx.db
    .select({
      files: sql<number>`count(*)::int`,
      graduated: sql<number>`count(*) filter (where ${rainDewFiles.status} <> 'studying')::int`,
      employed: sql<number>`count(*) filter (where ${rainDewFiles.status} = 'employed')::int`,
      contactedThisMonth: sql<number>`count(*) filter (where ${rainDewFiles.lastContactAt} >= ${monthStart.toISOString()}::timestamptz)::int`,
      overdue: sql<number>`count(*) filter (where ${overdueCount} > 0)::int`,
    })
    .from(rainDewFiles)
    .where(like(rainDewFiles.regionCode, `${region}%`));
  // Risk: out of school and without work (the longer, the higher), then the longest without contact.
  const risk = sql`case when ${rainDewFiles.status} in ('graduated', 'seeking') then 0 when ${rainDewFiles.status} = 'studying' then 1 else 2 end`;
  const rows = await ctx.db
    .select({ f: rainDewFiles, overdueActions: overdueCount })
    .from(rainDewFiles)
    .where(where)
    .orderBy(risk, asc(sql`coalesce(${rainDewFiles.graduatedOn}, ${rainDewFiles.expectedGraduation})`), sql`${rainDewFiles.lastContactAt} asc nulls first`, asc(rainDewFiles.workerId))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(rainDewFiles).where(where);
  // Every file is of a registered person (its key is theirs): the page's names in one query.
  const names = await workerNames(ctx.db, rows.map((r) => r.f.workerId));
  const today = now.toISOString().slice(0, 10);
  return {
    items: rows.map(({ f, overdueActions }) => ({
      workerId: f.workerId,
      name: names.get(f.workerId)!,
      school: f.school,
      major: f.major,
      status: f.status,
      expectedGraduation: f.expectedGraduation,
      graduatedOn: f.graduatedOn,
      daysWithoutWork: (f.status === 'graduated' || f.status === 'seeking') && f.graduatedOn ? Math.max(0, Math.round((Date.parse(today) - Date.parse(f.graduatedOn)) / 86400_000)) : null,
      lastContactAt: f.lastContactAt?.toISOString() ?? null,
      caseWorkerId: f.caseWorkerId,
      overdueActions,
    })),
    page: q.page,
    pageSize: q.pageSize,
    total: count?.n ?? 0,
    // Employed share: of those out of school, how many are in work (none out of school yet: null).
    totals: { ...(totals ?? { files: 0, graduated: 0, employed: 0, contactedThisMonth: 0, overdue: 0 }), employedShare: totals?.graduated ? Math.round((totals.employed / totals.graduated) * 1000) / 1000 : null },
  };
}

/** 一生一策: the plan's goal, set or changed. */
export async function setPlan({ ctx, actor, meta }: RainDewProps<Ctx>, workerId: string, goal: string) {
  const f = await scopedFile(ctx.db, actor, workerId);
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await tx.insert(rainDewPlans).values({ workerId, goal, updatedBy: actor.accountId, updatedAt: now }).onConflictDoUpdate({ target: rainDewPlans.workerId, set: { goal, updatedBy: actor.accountId, updatedAt: now } });
    audit({ action: 'rain_dew.plan', entity: 'worker', entityId: workerId, regionCode: f.regionCode });
  });
  return getFile(ctx, actor, workerId);
}

export async function addAction({ ctx, actor, meta }: RainDewProps<Ctx>, workerId: string, input: ActionInput) {
  const f = await scopedFile(ctx.db, actor, workerId);
  await assertCaseWorker(ctx.db, actor, input.ownerId, f.regionCode);
  await command({ ctx, actor, meta }, async (tx, audit) => {
    const [a] = await tx.insert(rainDewActions).values({ workerId, kind: input.kind, description: input.description, ownerId: input.ownerId ?? actor.accountId, dueOn: input.dueOn, createdAt: ctx.clock.now() }).returning();
    audit({ action: 'rain_dew.action', entity: 'worker', entityId: workerId, regionCode: f.regionCode, details: { kind: input.kind, actionId: a!.id } });
  });
  return getFile(ctx, actor, workerId);
}

export async function closeAction({ ctx, actor, meta }: RainDewProps<Ctx>, actionId: string, input: { status: 'done' | 'dropped'; outcome: string }) {
  const [a] = await ctx.db.select().from(rainDewActions).where(eq(rainDewActions.id, actionId));
  if (!a) throw new NotFound('plan action', actionId);
  const f = await scopedFile(ctx.db, actor, a.workerId);
  await command({ ctx, actor, meta }, async (tx, audit) => {
    const [done] = await tx
      .update(rainDewActions)
      .set({ status: input.status, outcome: input.outcome, closedAt: ctx.clock.now() })
      .where(and(eq(rainDewActions.id, actionId), eq(rainDewActions.status, 'open')))
      .returning();
    if (!done) throw new Conflict('already closed', [{ path: 'action', message: 'errors:detail.rain_dew.action_closed' }]);
    audit({ action: 'rain_dew.action_close', entity: 'worker', entityId: a.workerId, regionCode: f.regionCode, details: { actionId, status: input.status } });
  });
  return getFile(ctx, actor, a.workerId);
}

/**
 * What the case worker might do next: the best posts and trainings for the person, with reasons (only
 * with their consent to matching), and, N months after graduating without a market job, a public-welfare
 * post in their home area as the last resort (seed 001 §2.5), suggested, never assigned.
 */
async function suggestionsFor(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, f: typeof rainDewFiles.$inferSelect, w: Worker, t: TFunction) {
  if (!w.consent) return { consent: false, vacancies: [], trainings: [], publicWelfare: null };
  const out = f.status === 'graduated' || f.status === 'seeking';
  const [found, trains] = out ? await Promise.all([matchesFor(ctx, w, { jobsOnly: true, limit: 30 }, t), matchesFor(ctx, w, { kind: 'training', limit: 3 }, t)]) : [[], []];
  // Posts of the trade they studied first, with that as the first reason.
  const texts = await postTexts(ctx.db, found.map((v) => v.id));
  const fits = new Set(texts.filter((v) => majorFits(f.major, v)).map((v) => v.id));
  const vacs = [...found.filter((v) => fits.has(v.id)).map((v) => ({ ...v, reasons: [t('market:reason.rain_dew_major', { major: f.major }), ...v.reasons] })), ...found.filter((v) => !fits.has(v.id))].slice(0, 5);
  let publicWelfare: { reason: string } | null = null;
  if (out && f.graduatedOn) {
    const since = new Date(`${f.graduatedOn}T00:00:00Z`);
    since.setUTCMonth(since.getUTCMonth() + ctx.config.rainDewFallbackMonths);
    if (since <= ctx.clock.now()) publicWelfare = { reason: t('registry:rain_dew.public_welfare', { months: ctx.config.rainDewFallbackMonths }) };
  }
  return {
    consent: true,
    vacancies: vacs.map((v) => ({ id: v.id, title: v.title, kind: v.kind, reasons: v.reasons })),
    trainings: trains.map((s) => ({ id: s.id, title: s.title, reasons: s.reasons })),
    publicWelfare,
  };
}

export async function suggestions(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, actor: Actor, workerId: string, t: TFunction) {
  const f = await scopedFile(ctx.db, actor, workerId);
  const w = await findWorker(ctx.db, workerId);
  return suggestionsFor(ctx, f, w!, t);
}
