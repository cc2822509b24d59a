import { and, eq, inArray, isNull, not, sql } from 'drizzle-orm';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { auditIn, auditRead, command, type Executor } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { employmentRecords, households, publicWelfareTerms, trainingRecords, workerChanges, workers } from '../db/schema/registry';
import type { Page } from '../http/pagination';
import { normalizePhone } from '../pii/phone';
import { normalizeResidentId, parseResidentId } from '../pii/resident-id';
import { Conflict, Forbidden, NotFound, PolicyViolation, ValidationFailed } from '../shared/errors';
import { checkTerm, RULE_TERM } from './public-welfare';
import { dayBefore, shanghaiDate } from '../shared/time';
import { emit } from '../events';
import { publishOutbox } from '../outbox';
import { recordConsent } from './consent';
import { existingFields, prepareWorker, type Problem, type WorkerFields } from './prepare';
import { isMonitoredCategory } from './vocab';
import { presentEmployment, presentWorker } from './present';
import { mergeIntoProjectWork, projectWorkOnRecord } from './project-work';
import * as q from './queries';
import type {
  EmploymentStart,
  HouseholdCreate,
  HouseholdListQuery,
  HouseholdPatch,
  TrainingCreate,
  WorkerCreate,
  WorkerListQuery,
  WorkerPatch,
  WorkerView,
} from './schemas';
import type { RegistryProps } from './props';

export type RegistryCtx = Pick<AppContext, 'db' | 'pii' | 'clock'>;
export interface Meta {
  requestId?: string;
  ip?: string;
}

function invalid(problems: Problem[], where = 'body'): ValidationFailed {
  return new ValidationFailed(
    'invalid worker',
    problems.map((p) => ({ path: `${where}.${p.field}`, message: p.reason })),
  );
}

async function assertRegion(ctx: RegistryCtx, actor: Actor, code: string, path: string): Promise<void> {
  if (!inScope(actor, code)) throw new Forbidden('region outside scope', [{ path, message: 'errors:detail.region_out_of_scope' }]);
  if (!(await q.regionExists(ctx.db, code))) throw new ValidationFailed('unknown region', [{ path, message: 'errors:detail.unknown_region' }]);
}

/** A person's home is a village or a community, as the form asks (seed 003: 村 on 农村贫困劳动力就业信息表), never a township or above. */
async function assertHome(ctx: RegistryCtx, actor: Actor, code: string, path: string): Promise<void> {
  await assertRegion(ctx, actor, code, path);
  if ((await q.regionLevel(ctx.db, code)) !== q.VILLAGE_LEVEL) throw new ValidationFailed('home above village', [{ path, message: 'errors:detail.home_village' }]);
}

async function assertHousehold(db: Db, actor: Actor, id: string) {
  const [h] = await db.select().from(households).where(eq(households.id, id)).limit(1);
  if (!h || !inScope(actor, h.regionCode)) throw new ValidationFailed('unknown household', [{ path: 'body.householdId', message: 'errors:detail.unknown_household' }]);
  return h;
}

/** A worker inside the actor's region, or NotFound (never "forbidden": that would tell it exists). */
async function scopedWorker(db: Db, actor: Actor, id: string) {
  const w = await q.findWorker(db, id);
  if (!w) throw new NotFound('worker', id);
  assertInScope(actor, w.regionCode, 'worker', id);
  return w;
}

async function view(ctx: RegistryCtx, w: typeof workers.$inferSelect, reveal = false): Promise<WorkerView> {
  const [current] = await q.currentEmployment(ctx.db, [w.id]);
  return presentWorker(w, current, { reveal, vault: ctx.pii, today: shanghaiDate(ctx.clock.now()) });
}

export async function createWorker({ ctx, actor, meta }: RegistryProps<RegistryCtx>, input: WorkerCreate): Promise<WorkerView> {
  await assertHome(ctx, actor, input.regionCode, 'body.regionCode');
  if (input.householdId) await assertHousehold(ctx.db, actor, input.householdId);
  const prepared = prepareWorker(input, ctx.pii, ctx.clock.now());
  if (!prepared.ok) throw invalid(prepared.problems);
  const now = ctx.clock.now();
  // The person, their consent and both audit entries are one unit of work.
  const w = await command({ ctx, actor, meta }, async (tx, audit) => {
    const inserted = await tx
      .insert(workers)
      .values({ ...prepared.row, householdId: input.householdId ?? null, createdAt: now, updatedAt: now, lastActivityAt: now })
      .onConflictDoNothing({ target: workers.idNumberHash })
      .returning();
    const w = inserted[0];
    if (!w) return undefined;
    audit({ action: 'worker.create', entity: 'worker', entityId: w.id, regionCode: w.regionCode });
    if (input.consent) {
      await recordConsent({ ctx: { db: tx } }, { workerId: w.id, regionCode: w.regionCode, granted: true, channel: 'station_form', recordedBy: actor.accountId, at: now });
      return { ...w, consent: true };
    }
    return w;
  });
  if (!w) {
    // The same answer whichever region holds the person; an attempt on someone registered elsewhere is recorded.
    const holder = await q.findWorkerByIdHash(ctx.db, prepared.row.idNumberHash);
    if (holder && !inScope(actor, holder.regionCode)) {
      await auditRead({ ctx, actor, meta }, { action: 'worker.duplicate_elsewhere', entity: 'worker', entityId: holder.id, regionCode: holder.regionCode });
    }
    throw new Conflict('duplicate id number', [{ path: 'body.idNumber', message: 'errors:detail.id_number.duplicate' }]);
  }
  return view(ctx, w);
}

export async function getWorker(
  ctx: RegistryCtx,
  actor: Actor,
  id: string,
  opts: { reveal?: boolean; purpose?: string },
  meta: Meta,
): Promise<WorkerView> {
  const w = await scopedWorker(ctx.db, actor, id);
  if (opts.reveal) {
    if (!actor.canRevealPii) throw new Forbidden('may not reveal personal data');
    if (!opts.purpose) throw new ValidationFailed('purpose required', [{ path: 'query.purpose', message: 'errors:detail.purpose_required' }]);
    await auditRead({ ctx, actor, meta }, {
      action: 'worker.reveal',
      entity: 'worker',
      entityId: w.id,
      regionCode: w.regionCode,
      details: { purpose: opts.purpose, fields: ['idNumber', 'phone'] },
    });
  }
  return view(ctx, w, Boolean(opts.reveal));
}

export async function listWorkers(ctx: RegistryCtx, actor: Actor, query: WorkerListQuery): Promise<Page<WorkerView>> {
  const scope = query.regionCode ?? actor.regionCode;
  if (!inScope(actor, scope)) return { items: [], page: query.page, pageSize: query.pageSize, total: 0 };
  const term = query.q?.trim();
  const id = term ? parseResidentId(term, ctx.clock.now()) : undefined;
  const phone = term ? normalizePhone(term) : undefined;
  const { items, total } = await q.listWorkers(
    ctx.db,
    {
      scope,
      category: query.category,
      laborCapacity: query.laborCapacity,
      employed: query.employed,
      householdId: query.householdId,
      workingAge: query.workingAge,
      reasonMissing: query.reasonMissing,
      today: shanghaiDate(ctx.clock.now()),
      name: term && !id?.ok && !phone ? term : undefined,
      idHash: id?.ok ? ctx.pii.index('id', id.id.value) : undefined,
      phoneHash: phone ? ctx.pii.index('phone', phone) : undefined,
    },
    { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
  );
  const current = await q.currentEmployment(ctx.db, items.map((w) => w.id));
  // With work on a project beside another job a person has two open records: the one begun last is shown, as on their page.
  const byWorker = new Map([...current].reverse().map((c) => [c.workerId, c]));
  return {
    items: items.map((w) => presentWorker(w, byWorker.get(w.id), { reveal: false, vault: ctx.pii, today: shanghaiDate(ctx.clock.now()) })),
    page: query.page,
    pageSize: query.pageSize,
    total,
  };
}

export async function updateWorker({ ctx, actor, meta }: RegistryProps<RegistryCtx> & { meta: Meta & { source?: 'station' | 'self_report' } }, id: string, patch: WorkerPatch): Promise<WorkerView> {
  const w = await scopedWorker(ctx.db, actor, id);
  // A new home must be a village; a record made before the rule keeps its region until someone moves it.
  if (patch.regionCode && patch.regionCode !== w.regionCode) await assertHome(ctx, actor, patch.regionCode, 'body.regionCode');
  if (patch.householdId) await assertHousehold(ctx.db, actor, patch.householdId);
  const { version, householdId, ...changes } = patch;
  const merged: WorkerFields = {
    ...existingFields(w, ctx.pii),
    ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
  };
  // Leaving the monitored group drops the type; moving between its two names (监测对象 → 致贫对象) keeps it.
  if (changes.category && !isMonitoredCategory(changes.category) && changes.monitoringType === undefined) merged.monitoringType = null;
  if (changes.idNumber) merged.idNumber = normalizeResidentId(changes.idNumber);
  const prepared = prepareWorker(merged, ctx.pii, ctx.clock.now());
  if (!prepared.ok) throw invalid(prepared.problems);
  const now = ctx.clock.now();
  const updated = await command({ ctx, actor, meta }, async (tx, audit) => {
    let updated;
    try {
      [updated] = await tx
        .update(workers)
        .set({
          ...prepared.row,
          ...(householdId !== undefined ? { householdId } : {}),
          updatedAt: now,
          lastActivityAt: now,
          version: sql`${workers.version} + 1`,
        })
        .where(and(eq(workers.id, id), eq(workers.version, version)))
        .returning();
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new Conflict('duplicate id number', [{ path: 'body.idNumber', message: 'errors:detail.id_number.duplicate' }]);
      }
      throw err;
    }
    if (!updated) throw new Conflict('stale version', [{ path: 'body.version', message: 'errors:detail.stale_version' }]);
    // The record's history: which fields changed, and whose word it was.
    const source = meta.source ?? 'station';
    await tx.insert(workerChanges).values({ workerId: id, fields: Object.keys(changes).filter((k) => (changes as Record<string, unknown>)[k] !== undefined), source, by: source === 'station' ? actor.accountId : null, at: now });
    audit({ action: 'worker.update', entity: 'worker', entityId: id, regionCode: updated.regionCode, details: { fields: Object.keys(patch).filter((k) => k !== 'version') } });
    return updated;
  });
  return view(ctx, updated);
}

/**
 * A new job: the open record (if any) is closed the day before, a new one is added and the worker
 * is marked employed, all in one transaction so the register never shows two current jobs.
 */
export async function startEmployment({ ctx, actor, meta }: RegistryProps<RegistryCtx & Pick<AppContext, 'queues' | 'registerPorts'>> & { meta: Meta & { source?: 'station' | 'market' | 'self_report' } }, workerId: string, input: EmploymentStart) {
  const events: string[] = [];
  const record = await command({ ctx, actor, meta }, (tx) => startEmploymentIn(tx, ctx, actor, workerId, input, meta, events));
  await publishOutbox(ctx, events);
  return record;
}

/**
 * The same inside a transaction the caller holds (a hire in the market records the job with it).
 * The job, its audit entry and the `employment.started` event are written together; the event's outbox
 * row is added to `events` for the caller to publish once the transaction has committed. Its
 * subscribers stop the job search, start the retention calls (稳岗回访), follow a Rain Dew graduate as
 * employed, close a zero-employment household's warning and tell the person of subsidies the job opens.
 */
export async function startEmploymentIn(
  db: Executor,
  ctx: RegistryCtx & Pick<AppContext, 'registerPorts'>,
  actor: Actor,
  workerId: string,
  input: EmploymentStart,
  meta: Meta & { source?: 'station' | 'market' | 'self_report' },
  events: string[],
) {
  const today = shanghaiDate(ctx.clock.now());
  if (input.startDate > today) throw new ValidationFailed('future start', [{ path: 'body.startDate', message: 'errors:detail.date_in_future' }]);
  // A public-welfare post is held under an agreement of at most a year (seed 004 §12); other jobs have none here.
  if (input.kind === 'public_welfare') {
    if (!input.termEnd) throw new PolicyViolation('agreement needed', RULE_TERM, [{ path: 'body.termEnd', message: 'errors:detail.public_welfare.term_required' }]);
    checkTerm(input.startDate, input.termEnd, 'body.termEnd');
  } else if (input.termEnd) throw new ValidationFailed('term for another job', [{ path: 'body.termEnd', message: 'errors:detail.public_welfare.term_only_public_welfare' }]);
  const w = await scopedWorker(db, actor, workerId);
  await db.execute(sql`select 1 from ${workers} where ${workers.id} = ${w.id} for update`);
  // The same work a project's link already has on record is that record, never a second one (see project-work.ts).
  const same = await projectWorkOnRecord(db, ctx.registerPorts, w.id, input);
  if (same) {
    const m = await mergeIntoProjectWork(db, actor, w, same, input, today, ctx.clock.now(), meta);
    return { ...presentEmployment(m.record), merged: m.merged };
  }
  // Work on a government-invested project runs beside other work and ends with its spell there: a new job leaves it open.
  const open = await db.select().from(employmentRecords).where(and(eq(employmentRecords.workerId, w.id), isNull(employmentRecords.endDate), not(employmentRecords.projectWork)));
  for (const r of open) {
    if (r.startDate > input.startDate) {
      throw new ValidationFailed('overlaps', [{ path: 'body.startDate', message: 'errors:detail.before_current_job' }]);
    }
    const end = r.startDate === input.startDate ? r.startDate : dayBefore(input.startDate);
    await db.update(employmentRecords).set({ endDate: end }).where(and(eq(employmentRecords.id, r.id), isNull(employmentRecords.endDate)));
  }
  const [record] = await db
    .insert(employmentRecords)
    .values({
      workerId: w.id,
      employerName: input.employerName,
      place: input.place ?? null,
      placeRegionCode: input.placeRegionCode ?? null,
      kind: input.kind ?? null,
      startDate: input.startDate,
      monthlyIncomeFen: input.monthlyIncomeFen ?? null,
      partTime: input.partTime ?? false,
      source: meta.source ?? 'station',
      recordedBy: actor.accountId,
    })
    .returning();
  const now = ctx.clock.now();
  if (input.kind === 'public_welfare' && input.termEnd) {
    await db.insert(publicWelfareTerms).values({ recordId: record!.id, workerId: w.id, startsOn: input.startDate, endsOn: input.termEnd, recordedBy: actor.accountId, createdAt: now });
  }
  await db.update(workers).set({ employed: true, updatedAt: now, lastActivityAt: now, version: sql`${workers.version} + 1` }).where(eq(workers.id, w.id));
  await auditIn({ ctx: { db }, actor, meta }, { action: 'employment.start', entity: 'worker', entityId: w.id, regionCode: w.regionCode });
  events.push(
    ...(await emit(db, now, [
      {
        type: 'employment.started',
        data: { workerId: w.id, regionCode: w.regionCode, employmentId: record!.id, startDate: input.startDate, employerName: input.employerName, source: meta.source ?? 'station', actorId: actor.accountId },
      },
    ])),
  );
  return presentEmployment(record!);
}

/**
 * The current job ended (lost, quit, season over): the record is closed and the worker is unemployed.
 * The retention follow-up stops and a job-search one starts, so the person hears where to find work.
 */
export async function endEmployment({ ctx, actor, meta }: RegistryProps<RegistryCtx & Pick<AppContext, 'queues'>>, workerId: string, endDate: string, exitReason?: string) {
  const today = shanghaiDate(ctx.clock.now());
  if (endDate > today) throw new ValidationFailed('future end', [{ path: 'body.endDate', message: 'errors:detail.date_in_future' }]);
  const events: string[] = [];
  const closed = await command({ ctx, actor, meta }, async (db, audit) => {
    const w = await scopedWorker(db, actor, workerId);
    await db.execute(sql`select 1 from ${workers} where ${workers.id} = ${w.id} for update`);
    const open = await db.select().from(employmentRecords).where(and(eq(employmentRecords.workerId, w.id), isNull(employmentRecords.endDate)));
    if (!open.length) throw new Conflict('no current job', [{ path: 'body.endDate', message: 'errors:detail.no_current_job' }]);
    // 有序退岗 (seed 004 §12): a public-welfare post is left with its reason on record.
    if (open.some((r) => r.kind === 'public_welfare') && !exitReason) {
      throw new PolicyViolation('exit reason needed', RULE_TERM, [{ path: 'body.exitReason', message: 'errors:detail.public_welfare.exit_reason_required' }]);
    }
    const closed = [];
    for (const r of open) {
      if (endDate < r.startDate) throw new ValidationFailed('end before start', [{ path: 'body.endDate', message: 'errors:detail.end_before_start' }]);
      const [c] = await db.update(employmentRecords).set({ endDate, ...(r.kind === 'public_welfare' ? { exitReason } : {}) }).where(eq(employmentRecords.id, r.id)).returning();
      closed.push(presentEmployment(c!));
    }
    const now = ctx.clock.now();
    await db.update(workers).set({ employed: false, updatedAt: now, lastActivityAt: now, version: sql`${workers.version} + 1` }).where(eq(workers.id, w.id));
    audit({ action: 'employment.end', entity: 'worker', entityId: w.id, regionCode: w.regionCode });
    // Its subscribers stop the retention calls, start the job search, follow a Rain Dew graduate as seeking, and end the
    // spell of work on a government-invested project that ended with it, so the project's people agree with the register.
    events.push(...(await emit(db, now, [{ type: 'employment.ended', data: { workerId: w.id, regionCode: w.regionCode, endDate, actorId: actor.accountId } }])));
    return closed;
  });
  await publishOutbox(ctx, events);
  return closed;
}

export async function employmentHistory(ctx: RegistryCtx, actor: Actor, workerId: string) {
  await scopedWorker(ctx.db, actor, workerId);
  return (await q.employmentHistory(ctx.db, workerId)).map(presentEmployment);
}

export async function addTraining({ ctx, actor, meta }: RegistryProps<RegistryCtx>, workerId: string, input: TrainingCreate) {
  const w = await scopedWorker(ctx.db, actor, workerId);
  if (input.endDate && input.endDate < input.startDate) {
    throw new ValidationFailed('end before start', [{ path: 'body.endDate', message: 'errors:detail.end_before_start' }]);
  }
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(trainingRecords)
      .values({ workerId: w.id, ...input, kind: input.kind ?? null, provider: input.provider ?? null, endDate: input.endDate ?? null, certificate: input.certificate ?? null, source: 'station', recordedBy: actor.accountId })
      .returning();
    audit({ action: 'training.add', entity: 'worker', entityId: w.id, regionCode: w.regionCode });
    return row!;
  });
  return presentTraining(row);
}

export async function trainingHistory(ctx: RegistryCtx, actor: Actor, workerId: string) {
  await scopedWorker(ctx.db, actor, workerId);
  return (await q.trainingHistory(ctx.db, workerId)).map(presentTraining);
}

function presentTraining(r: typeof trainingRecords.$inferSelect) {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind,
    provider: r.provider,
    startDate: r.startDate,
    endDate: r.endDate,
    certificate: r.certificate,
    source: r.source,
    createdAt: r.createdAt.toISOString(),
  };
}

type HouseholdRow = Awaited<ReturnType<typeof q.listHouseholds>>['items'][number];
function presentHousehold(r: HouseholdRow) {
  return {
    id: r.household.id,
    regionCode: r.household.regionCode,
    regionName: r.regionName,
    relocated: r.household.relocated,
    members: r.members,
    capableMembers: r.capableMembers,
    employedMembers: r.employedMembers,
    names: r.names,
    memberIds: r.memberIds,
    zeroEmployment: r.capableMembers > 0 && r.employedMembers === 0,
    createdAt: r.household.createdAt.toISOString(),
  };
}

async function setMembers(db: Db, actor: Actor, householdId: string, add: string[], remove: string[]): Promise<void> {
  const ids = [...new Set([...add, ...remove])];
  if (!ids.length) return;
  const found = await db.select({ id: workers.id, regionCode: workers.regionCode }).from(workers).where(inArray(workers.id, ids));
  const visible = new Set(found.filter((w) => inScope(actor, w.regionCode)).map((w) => w.id));
  const missing = ids.filter((id) => !visible.has(id));
  if (missing.length) throw new ValidationFailed('unknown members', missing.map((id) => ({ path: 'body.memberIds', message: 'errors:detail.unknown_worker', id })));
  if (add.length) await db.update(workers).set({ householdId }).where(inArray(workers.id, add));
  if (remove.length) await db.update(workers).set({ householdId: null }).where(and(inArray(workers.id, remove), eq(workers.householdId, householdId)));
}

export async function createHousehold({ ctx, actor, meta }: RegistryProps<RegistryCtx>, input: HouseholdCreate) {
  await assertRegion(ctx, actor, input.regionCode, 'body.regionCode');
  const id = await command({ ctx, actor, meta }, async (db, audit) => {
    const [h] = await db.insert(households).values({ regionCode: input.regionCode, relocated: input.relocated, createdAt: ctx.clock.now() }).returning();
    await setMembers(db, actor, h!.id, input.memberIds, []);
    audit({ action: 'household.create', entity: 'household', entityId: h!.id, regionCode: h!.regionCode });
    return h!.id;
  });
  return getHousehold(ctx, actor, id);
}

export async function updateHousehold({ ctx, actor, meta }: RegistryProps<RegistryCtx>, id: string, patch: HouseholdPatch) {
  const current = await getHousehold(ctx, actor, id);
  await command({ ctx, actor, meta }, async (db, audit) => {
    if (patch.relocated !== undefined) await db.update(households).set({ relocated: patch.relocated }).where(eq(households.id, id));
    await setMembers(db, actor, id, patch.addMemberIds ?? [], patch.removeMemberIds ?? []);
    audit({ action: 'household.update', entity: 'household', entityId: id, regionCode: current.regionCode, details: { fields: Object.keys(patch) } });
  });
  return getHousehold(ctx, actor, id);
}

export async function getHousehold(ctx: RegistryCtx, actor: Actor, id: string) {
  const { items } = await q.listHouseholds(ctx.db, { scope: actor.regionCode, id }, { offset: 0, limit: 1 });
  const row = items[0];
  if (!row) throw new NotFound('household', id);
  return presentHousehold(row);
}

export async function listHouseholds(ctx: RegistryCtx, actor: Actor, query: HouseholdListQuery) {
  const scope = query.regionCode ?? actor.regionCode;
  if (!inScope(actor, scope)) return { items: [], page: query.page, pageSize: query.pageSize, total: 0 };
  const { items, total } = await q.listHouseholds(
    ctx.db,
    { scope, zeroEmployment: query.zeroEmployment, relocated: query.relocated },
    { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
  );
  return { items: items.map(presentHousehold), page: query.page, pageSize: query.pageSize, total };
}

export async function zeroEmploymentSummary(ctx: RegistryCtx, actor: Actor, regionCode: string | undefined) {
  const scope = regionCode ?? actor.regionCode;
  assertInScope(actor, scope, 'region', scope);
  const rows = await q.zeroEmploymentByRegion(ctx.db, scope);
  return { regionCode: scope, total: rows.reduce((a, r) => a + r.households, 0), byRegion: rows };
}
