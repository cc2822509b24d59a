import { and, eq, inArray, isNull, like, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inScope, type Actor } from '../shared/actor';
import { auditIn, command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { rowsOf } from '../db/client';
import { assistanceProjects, projectWorkers, relocationJobShares } from '../db/schema/monitoring';
import { emit } from '../events';
import { publishOutbox } from '../outbox';
import { nameOf, RegionCode, regionsOfDigits } from '../regions';
import { addEmploymentRecord, employmentHistory, findEmploymentRecord, findWorker, inWorkOn, lockWorker, markEmployed, markProjectWork, registeredHouseholdsAs, registeredPeopleAs, sameWorkRecords, setEmploymentEnd } from '../registry';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { isLifted } from './categories';
import { countyShares, fromRelocationSiteSql, governmentInvested, GOVERNMENT_INVESTED, judgeRelocationShare, NO_PEOPLE, projectPeople, relocationJudgement } from './project-people';
import { scopedProject } from './projects';
import type { MonitoringProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock'>;
type WriteCtx = Pick<AppContext, 'db' | 'clock' | 'queues'>;
type Meta = { requestId?: string; ip?: string };

export const ProjectWorkerCreate = z
  .object({
    workerId: z.uuid().meta({ description: 'A person on the register, in your region' }),
    startsOn: z.iso.date(),
    endsOn: z.iso.date().nullish(),
    agreementSigned: z.boolean().meta({ description: '签订劳动合同/协议 (seed 000 national §2.3: 督促项目施工单位与脱贫人口签订劳务协议)' }),
  })
  .strict()
  .meta({ id: 'ProjectWorkerCreate' });
export const ProjectWorkerPatch = z
  .object({ endsOn: z.iso.date().nullable().optional(), agreementSigned: z.boolean().optional() })
  .strict()
  .meta({ id: 'ProjectWorkerPatch' });

export const ProjectWorkerView = z
  .object({
    id: z.string(),
    projectId: z.string(),
    workerId: z.string(),
    name: z.string(),
    regionCode: z.string(),
    category: z.string(),
    lifted: z.boolean().meta({ description: '脱贫人口（含防止返贫监测对象、防止返贫致贫对象）' }),
    fromRelocationSite: z.boolean().meta({ description: '易地搬迁安置区搬迁群众: of a relocated household, or living at a relocation site' }),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    agreementSigned: z.boolean(),
  })
  .meta({ id: 'ProjectWorker' });
export const ProjectWorkerList = z.object({ projectId: z.string(), items: z.array(ProjectWorkerView) }).meta({ id: 'ProjectWorkerList' });

export const ProjectFiguresView = z
  .object({
    asOf: z.string().meta({ description: 'Today in Beijing: the year so far runs from 1 January to this day' }),
    register: z
      .object({
        total: z.number().int().meta({ description: '带动就业人数: people linked to the project this year, each once' }),
        lifted: z.number().int().meta({ description: '其中脱贫人口（含防止返贫监测对象、防止返贫致贫对象）' }),
        relocation: z.number().int().meta({ description: '易地搬迁安置区搬迁群众' }),
        agreementsSigned: z.number().int().meta({ description: 'With a signed labour contract or agreement' }),
      })
      .meta({ id: 'ProjectPeople' }),
    relocation: z
      .object({
        jobs: z.number().int().meta({ description: 'Jobs held by people from relocation sites' }),
        of: z.number().int().meta({ description: 'All the project’s jobs' }),
        sharePct: z.number().nullable().meta({ description: 'Their share in per cent; null when nobody worked' }),
        countySharePct: z.number().nullable().meta({ description: 'The share the county set; null when none' }),
        short: z.boolean().meta({ description: 'Below the county’s share' }),
      })
      .nullable()
      .meta({ description: 'Government-invested projects only (null for the others)' }),
  })
  .meta({ id: 'ProjectFigures' });

type LinkRow = { id: string; project_id: string; worker_id: string; name: string; region_code: string; category: string; relocation: boolean; starts_on: string; ends_on: string | null; agreement_signed: boolean };

async function linkRows(db: Db, projectId: string, linkId?: string): Promise<LinkRow[]> {
  return rowsOf<LinkRow>(
    await db.execute(sql`
      select l.id, l.project_id, l.worker_id, w.name, w.region_code, w.category::text as category, ${fromRelocationSiteSql()} as relocation,
        l.starts_on::text as starts_on, l.ends_on::text as ends_on, l.agreement_signed
      from project_workers l join ${registeredPeopleAs('w')} on w.id = l.worker_id left join ${registeredHouseholdsAs('h')} on h.id = w.household_id
      where l.project_id = ${projectId} ${linkId ? sql`and l.id = ${linkId}` : sql``}
      order by l.starts_on, w.name collate "C", l.id`),
  );
}

function present(r: LinkRow): z.infer<typeof ProjectWorkerView> {
  return { id: r.id, projectId: r.project_id, workerId: r.worker_id, name: r.name, regionCode: r.region_code, category: r.category, lifted: isLifted(r.category), fromRelocationSite: r.relocation, startsOn: r.starts_on, endsOn: r.ends_on, agreementSigned: r.agreement_signed };
}

/** A government-invested project in the reader's region: links are for them only. */
async function linkable(ctx: Ctx, actor: Actor, projectId: string) {
  const p = await scopedProject(ctx, actor, projectId);
  if (!governmentInvested(p.kind)) throw new ValidationFailed('not government-invested', [{ path: 'project', message: 'errors:detail.monitoring.links_government_only' }]);
  return p;
}

/** A spell must lie inside the project's own dates, and not overlap another spell of the same person on it. */
async function checkSpell(db: Db, p: { id: string; startedOn: string; endedOn: string | null }, workerId: string, startsOn: string, endsOn: string | null, except?: string) {
  if (endsOn && endsOn < startsOn) throw new ValidationFailed('ends before it starts', [{ path: 'body.endsOn', message: 'errors:detail.end_before_start' }]);
  if (startsOn < p.startedOn || (p.endedOn && (startsOn > p.endedOn || !endsOn || endsOn > p.endedOn))) {
    throw new ValidationFailed('outside the project', [{ path: endsOn && p.endedOn && endsOn > p.endedOn ? 'body.endsOn' : 'body.startsOn', message: 'errors:detail.monitoring.link_outside_project' }]);
  }
  const overlapping = await db
    .select({ id: projectWorkers.id })
    .from(projectWorkers)
    .where(and(eq(projectWorkers.projectId, p.id), eq(projectWorkers.workerId, workerId), except ? ne(projectWorkers.id, except) : undefined, sql`${projectWorkers.startsOn} <= ${endsOn ?? '9999-12-31'}::date and (${projectWorkers.endsOn} is null or ${projectWorkers.endsOn} >= ${startsOn}::date)`))
    .limit(1);
  if (overlapping.length) throw new Conflict('overlapping spell', [{ path: 'body.startsOn', message: 'errors:detail.monitoring.link_overlap' }]);
}

export async function listProjectWorkers(ctx: Ctx, actor: Actor, projectId: string): Promise<z.infer<typeof ProjectWorkerList>> {
  const p = await linkable(ctx, actor, projectId);
  const items = (await linkRows(ctx.db, p.id)).map(present);
  return { projectId: p.id, items };
}

/** The kind of job a project's people hold in the register: 以工代赈 its own (counted apart in the figures); the others ordinary jobs. */
export function jobKindOf(projectKind: string): 'work_relief' | 'regular' {
  return projectKind === 'work_relief' ? 'work_relief' : 'regular';
}

type Project = { id: string; kind: string; name: string; regionCode: string };

/**
 * The employment record of a new spell on a project, in the caller's transaction: the same work already on record
 * for the person (a record of the project's job kind, naming the project or placed at it, over the spell and not yet
 * another link's) is taken over, so nobody is counted twice; otherwise a record is made with the spell's dates, the
 * project's job kind and place. A spell running today marks the person in work and starts what a new job starts
 * (`employment.started`: the job search stops, a zero-employment household's warning closes …). Unlike a job recorded
 * at the station, it closes none of the person's other jobs: work on a project often runs beside other work, and it
 * ends with its link.
 */
async function recordSpell(db: Db, ctx: Ctx, actor: Actor, p: Project, w: { id: string; regionCode: string }, startsOn: string, endsOn: string | null, linkId: string, meta: Meta, events: string[]) {
  const kind = jobKindOf(p.kind);
  const today = shanghaiDate(ctx.clock.now());
  // Of the same work on record, the latest not yet another link's.
  const candidates = await sameWorkRecords(db, { workerId: w.id, kind, employerName: p.name, placeRegionCode: p.regionCode, from: startsOn, to: endsOn });
  const linked = candidates.length
    ? new Set((await db.select({ id: projectWorkers.employmentRecordId }).from(projectWorkers).where(inArray(projectWorkers.employmentRecordId, candidates.map((c) => c.id)))).map((l) => l.id))
    : new Set<string | null>();
  const same = candidates.find((c) => !linked.has(c.id));
  let recordId: string;
  if (same) {
    recordId = same.id;
    // The spell's end ends the work on record too (never before it began).
    if (endsOn && !same.end_date && endsOn >= same.start_date) await setEmploymentEnd(db, same.id, endsOn);
  } else {
    const place = await nameOf(db, p.regionCode);
    recordId = await addEmploymentRecord(db, { workerId: w.id, employerName: p.name, place: place ?? null, placeRegionCode: p.regionCode, kind, startDate: startsOn, endDate: endsOn, source: 'station', recordedBy: actor.accountId, createdAt: ctx.clock.now() });
  }
  await db.update(projectWorkers).set({ employmentRecordId: recordId }).where(eq(projectWorkers.id, linkId));
  // The register leaves it open when a new job is recorded at the station: project work runs beside other work.
  await markProjectWork(db, recordId);
  await auditIn({ ctx: { db }, actor, meta }, { action: 'employment.start', entity: 'worker', entityId: w.id, regionCode: w.regionCode, details: { projectId: p.id, linkId, employmentId: recordId, takenOver: Boolean(same) } });
  if (startsOn <= today && (!endsOn || endsOn >= today)) {
    const now = ctx.clock.now();
    await markEmployed(db, w.id, true, now);
    if (!same) events.push(...(await emit(db, now, [{ type: 'employment.started', data: { workerId: w.id, regionCode: w.regionCode, employmentId: recordId, startDate: startsOn, employerName: p.name, source: 'station', actorId: actor.accountId } }])));
  }
}

/**
 * Someone starts working on a government-invested project: the link, the person's employment record for it and their
 * audit entries in one transaction; the project's share of relocation-site jobs is judged again. A spell cannot start
 * after today: a person on a project is in work.
 */
export async function addProjectWorker({ ctx, actor, meta }: MonitoringProps<WriteCtx>, projectId: string, input: z.infer<typeof ProjectWorkerCreate>) {
  const p = await linkable(ctx, actor, projectId);
  const w = await findWorker(ctx.db, input.workerId);
  if (!w || !inScope(actor, w.regionCode) || w.status !== 'active') throw new ValidationFailed('unknown worker', [{ path: 'body.workerId', message: 'errors:detail.unknown_worker' }]);
  if (input.startsOn > shanghaiDate(ctx.clock.now())) throw new ValidationFailed('future start', [{ path: 'body.startsOn', message: 'errors:detail.date_in_future' }]);
  const now = ctx.clock.now();
  const events: string[] = [];
  const id = await command({ ctx, actor, meta }, async (tx, audit) => {
    // One change to a person's work at a time (a second link for them waits here and then sees this one).
    await lockWorker(tx, w.id);
    await checkSpell(tx, p, w.id, input.startsOn, input.endsOn ?? null);
    const [row] = await tx.insert(projectWorkers).values({ projectId: p.id, workerId: w.id, startsOn: input.startsOn, endsOn: input.endsOn ?? null, agreementSigned: input.agreementSigned, recordedBy: actor.accountId, createdAt: now, updatedAt: now }).returning({ id: projectWorkers.id });
    audit({ action: 'project.worker.add', entity: 'assistance_project', entityId: p.id, regionCode: p.regionCode, details: { linkId: row!.id, workerId: w.id, agreementSigned: input.agreementSigned } });
    await recordSpell(tx, ctx, actor, p, w, input.startsOn, input.endsOn ?? null, row!.id, meta, events);
    return row!.id;
  });
  await publishOutbox(ctx, events);
  await judgeRelocationShare(ctx, [p.id]);
  return present((await linkRows(ctx.db, p.id, id))[0]!);
}

/**
 * The spell ends (or its end is corrected), or the agreement is found signed (audited; the share is judged again).
 * The spell's employment record follows its end: a spell ended by today leaves the person out of work unless another
 * job of theirs is still open, and starts what a lost job starts (`employment.ended`).
 */
export async function updateProjectWorker({ ctx, actor, meta }: MonitoringProps<WriteCtx>, projectId: string, linkId: string, patch: z.infer<typeof ProjectWorkerPatch>) {
  const p = await linkable(ctx, actor, projectId);
  const [l] = await ctx.db.select().from(projectWorkers).where(and(eq(projectWorkers.id, linkId), eq(projectWorkers.projectId, p.id)));
  if (!l) throw new NotFound('project_worker', linkId);
  const endsOn = patch.endsOn === undefined ? l.endsOn : patch.endsOn;
  await checkSpell(ctx.db, p, l.workerId, l.startsOn, endsOn, l.id);
  const events: string[] = [];
  await command({ ctx, actor, meta }, async (tx, audit) => {
    const now = ctx.clock.now();
    await lockWorker(tx, l.workerId);
    await tx
      .update(projectWorkers)
      .set({ endsOn, agreementSigned: patch.agreementSigned ?? l.agreementSigned, updatedAt: now })
      .where(eq(projectWorkers.id, l.id));
    audit({ action: 'project.worker.update', entity: 'assistance_project', entityId: p.id, regionCode: p.regionCode, details: { linkId: l.id, fields: Object.keys(patch) } });
    if (endsOn === l.endsOn || !l.employmentRecordId) return;
    const r = await findEmploymentRecord(tx, l.employmentRecordId);
    // The record follows the spell while it is open or ended with it; one ended otherwise (taken over, then closed at the station) stays.
    if (!r || !(r.endDate === null || r.endDate === l.endsOn) || (endsOn && endsOn < r.startDate)) return;
    await setEmploymentEnd(tx, r.id, endsOn);
    const w = await findWorker(tx, l.workerId);
    const today = shanghaiDate(now);
    audit({ action: endsOn ? 'employment.end' : 'employment.start', entity: 'worker', entityId: w!.id, regionCode: w!.regionCode, details: { projectId: p.id, linkId: l.id, employmentId: r.id, endDate: endsOn } });
    if (endsOn === null || endsOn >= today) {
      if (r.startDate <= today) await markEmployed(tx, w!.id, true, now);
      return;
    }
    if (await inWorkOn(tx, w!.id, today)) return;
    await markEmployed(tx, w!.id, false, now);
    events.push(...(await emit(tx, now, [{ type: 'employment.ended', data: { workerId: w!.id, regionCode: w!.regionCode, endDate: endsOn, actorId: actor.accountId } }])));
  });
  await publishOutbox(ctx, events);
  await judgeRelocationShare(ctx, [p.id]);
  return present((await linkRows(ctx.db, p.id, l.id))[0]!);
}

/** The register's head-counts of a project for the year so far, and its share of relocation-site jobs against its county's. */
export async function projectFigures(ctx: Ctx, p: { id: string; kind: string; regionCode: string }): Promise<z.infer<typeof ProjectFiguresView>> {
  const today = shanghaiDate(ctx.clock.now());
  const people = (await projectPeople(ctx.db, [p.id], `${today.slice(0, 4)}-01-01`, today)).get(p.id) ?? NO_PEOPLE;
  const share = (await countyShares(ctx.db, [p.regionCode.slice(0, 6)])).get(p.regionCode.slice(0, 6));
  return { asOf: today, register: people, relocation: governmentInvested(p.kind) ? relocationJudgement(people, share) : null };
}

/* ---- the county's share (易地搬迁安置区按比例安排就业) ---- */

export const RelocationShareSet = z
  .object({
    regionCode: RegionCode.meta({ description: 'A county (6 digits)' }),
    sharePct: z.number().int().min(0).max(100).nullable().meta({ description: 'Per cent of a government-invested project’s jobs kept for people from relocation sites; null removes it' }),
  })
  .strict()
  .meta({ id: 'RelocationShareSet' });

export const RelocationSharesView = z
  .object({
    items: z.array(
      z.object({
        regionCode: z.string().meta({ description: 'A county (6 digits)' }),
        name: z.string(),
        sharePct: z.number().int().nullable().meta({ description: 'The share the county set; null when none' }),
        setAt: z.string().nullable().meta({ description: 'When it was set (ISO 8601); null when none' }),
      }),
    ),
  })
  .meta({ id: 'RelocationShares' });

/** The counties in the reader's region, each with the share it set (null: none set). */
export async function listRelocationShares(ctx: Ctx, actor: Actor, q: { regionCode?: string }): Promise<z.infer<typeof RelocationSharesView>> {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const counties = await regionsOfDigits(ctx.db, region.slice(0, 6), 6);
  const set = counties.length
    ? await ctx.db.select().from(relocationJobShares).where(inArray(relocationJobShares.regionCode, counties.map((c) => c.code)))
    : [];
  const byCounty = new Map(set.map((s) => [s.regionCode, s]));
  return {
    items: counties.map((c) => {
      const s = byCounty.get(c.code);
      return { regionCode: c.code, name: c.name, sharePct: s?.sharePct ?? null, setAt: s?.setAt?.toISOString() ?? null };
    }),
  };
}

/**
 * A county's administrator (or one above it) sets the share of government-invested projects' jobs kept for people
 * from relocation sites (seed 004 §15: 要安排一定比例的岗位用于吸纳搬迁群众就业); the county's projects are judged again.
 */
export async function setRelocationShare({ ctx, actor, meta }: MonitoringProps<Ctx>, body: z.infer<typeof RelocationShareSet>) {
  if (actor.role === 'station') throw new Forbidden('administrators only');
  if (!inScope(actor, body.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if ((await nameOf(ctx.db, body.regionCode)) === undefined) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  if (body.regionCode.length !== 6) throw new ValidationFailed('not a county', [{ path: 'body.regionCode', message: 'errors:detail.monitoring.share_county_only' }]);
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (tx, audit) => {
    if (body.sharePct === null) await tx.delete(relocationJobShares).where(eq(relocationJobShares.regionCode, body.regionCode));
    else
      await tx
        .insert(relocationJobShares)
        .values({ regionCode: body.regionCode, sharePct: body.sharePct, setBy: actor.accountId, setAt: now })
        .onConflictDoUpdate({ target: relocationJobShares.regionCode, set: { sharePct: body.sharePct, setBy: actor.accountId, setAt: now } });
    audit({ action: 'relocation_share.set', entity: 'relocation_job_shares', entityId: body.regionCode, regionCode: body.regionCode, details: { sharePct: body.sharePct } });
  });
  const projects = await ctx.db
    .select({ id: assistanceProjects.id })
    .from(assistanceProjects)
    .where(and(like(assistanceProjects.regionCode, `${body.regionCode}%`), inArray(assistanceProjects.kind, [...GOVERNMENT_INVESTED])));
  await judgeRelocationShare(ctx, projects.map((p) => p.id));
  const named = await nameOf(ctx.db, body.regionCode);
  return { regionCode: body.regionCode, name: named ?? null, sharePct: body.sharePct };
}

/**
 * A job ended at the station (`employment.ended`): a spell of project work whose record ended with it ends the same day,
 * so the project's people agree with the register. Safe to run twice: a spell already ended is left as it is.
 */
export async function endSpellsWithRecords(db: Db, workerId: string, now: Date): Promise<void> {
  const ended = (await employmentHistory(db, workerId)).filter((r) => r.projectWork && r.endDate);
  for (const r of ended) {
    await db
      .update(projectWorkers)
      .set({ endsOn: r.endDate, updatedAt: now })
      .where(and(eq(projectWorkers.employmentRecordId, r.id), isNull(projectWorkers.endsOn), sql`${projectWorkers.startsOn} <= ${r.endDate}::date`));
  }
}
