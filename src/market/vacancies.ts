import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command, type Audit } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { employers, vacancies, type Vacancy } from '../db/schema/market';
import { governmentInvested } from './project-kinds';
import { projectOf } from './projects';
import { zodDetails } from '../http/zod-details';
import { checkPoint, findRegion, regionNameSql } from '../regions';
import { translator } from '../i18n';
import { announceVacancy } from '../outreach';
import { payText } from './pay';
import { pointsUnder } from './points';
import { inRegion, regionExists } from '../registry';
import { searchQuery, searchVector } from '../shared/chinese';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { scopedEmployer } from './employers';
import { checkPublicWelfarePost } from './policy';
import { presentVacancy } from './present';
import { DETAIL_SCHEMAS, type VacancyCreate, type VacancyListQuery, type VacancyPatch } from './schemas';
import type { MarketProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock'>;
type AnnounceCtx = Pick<AppContext, 'db' | 'clock' | 'queues' | 'logger' | 'config'>;

const DAY = 86400_000;

export async function scopedVacancy(db: Db, actor: Actor, id: string) {
  const [row] = await db
    .select({ vacancy: vacancies, employerName: employers.name, regionName: regionNameSql(vacancies.regionCode) })
    .from(vacancies)
    .innerJoin(employers, eq(employers.id, vacancies.employerId))
    .where(eq(vacancies.id, id))
    .limit(1);
  if (!row) throw new NotFound('vacancy', id);
  assertInScope(actor, row.vacancy.regionCode, 'vacancy', id);
  return row;
}

/** Kind-specific facts, parsed by the kind's own schema so a gig without a date is refused. */
function parseDetails(kind: VacancyCreate['kind'], details: Record<string, unknown>): Record<string, unknown> {
  const result = DETAIL_SCHEMAS[kind].safeParse(details);
  if (!result.success) throw new ValidationFailed('invalid details', zodDetails(result.error.issues, 'body.details', translator('zh-CN')).map((d) => ({ path: d.path, message: 'errors:detail.market.details' })));
  return result.data;
}

/** A post may name the government-invested project it is for, in the reader's region. */
async function checkProject(db: Db, actor: Actor, projectId: string): Promise<void> {
  const p = await projectOf(db, projectId);
  if (!p || !inScope(actor, p.regionCode) || !governmentInvested(p.kind)) throw new ValidationFailed('unknown project', [{ path: 'body.details.projectId', message: 'errors:detail.market.unknown_project' }]);
}

export async function createVacancy({ ctx, actor, meta }: MarketProps<AnnounceCtx>, input: VacancyCreate) {
  const employer = await scopedEmployer(ctx, actor, input.employerId).catch(() => {
    throw new ValidationFailed('unknown employer', [{ path: 'body.employerId', message: 'errors:detail.market.unknown_employer' }]);
  });
  if (!inScope(actor, input.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (!(await regionExists(ctx.db, input.regionCode))) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  if (input.payMaxFen < input.payMinFen) throw new ValidationFailed('pay range', [{ path: 'body.payMaxFen', message: 'errors:detail.market.pay_range' }]);
  // Both coordinates or neither, inside China, near the village it names.
  await checkPoint(ctx.db, pointsUnder, input.regionCode, input.lat, input.lng);
  const details = parseDetails(input.kind, input.details);
  if (typeof details.projectId === 'string') await checkProject(ctx.db, actor, details.projectId);
  if (input.kind === 'public_welfare') {
    checkPublicWelfarePost({ title: input.title, description: input.description, requirements: input.requirements, contractMonths: details.contractMonths as number | undefined });
  }
  if (input.publish && !employer.verifiedAt) {
    throw new Conflict('employer not verified', [{ path: 'body.employerId', message: 'errors:detail.market.employer_unverified' }]);
  }
  const now = ctx.clock.now();
  const expiresAt = input.expiresAt
    ? new Date(input.expiresAt)
    : input.kind === 'gig'
      ? new Date(`${details.date as string}T23:59:59+08:00`)
      : new Date(now.getTime() + 30 * DAY);
  if (expiresAt <= now) throw new ValidationFailed('already expired', [{ path: 'body.expiresAt', message: 'errors:detail.market.expired' }]);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(vacancies)
      .values({
        employerId: employer.id,
        kind: input.kind,
        title: input.title,
        description: input.description,
        requirements: input.requirements,
        regionCode: input.regionCode,
        address: input.address ?? null,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        payMinFen: input.payMinFen,
        payMaxFen: input.payMaxFen,
        payUnit: input.payUnit,
        requiredSkills: [...new Set(input.requiredSkills)],
        hours: input.hours ?? null,
        headcount: input.headcount,
        status: input.publish ? 'open' : 'draft',
        expiresAt,
        details,
        search: searchVector(input.title, input.description, input.requiredSkills.join(' '), employer.name),
        createdBy: actor.accountId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    audit({ action: 'vacancy.create', entity: 'vacancy', entityId: row!.id, regionCode: row!.regionCode });
    return row!;
  });
  if (row.status === 'open') await announce(ctx, row, employer.name);
  return presentVacancy(row, employer.name, (await findRegion(ctx.db, row.regionCode))?.name ?? null);
}

export async function updateVacancy({ ctx, actor, meta }: MarketProps<AnnounceCtx>, id: string, patch: VacancyPatch) {
  // Locked for the edit: a hire or withdrawal in between must not be overwritten by a stale status.
  const edited = await command({ ctx, actor, meta }, async (db, audit) => {
    // Lock first, then read: editLocked checks the region on the row it will change.
    await db.execute(sql`select 1 from ${vacancies} where ${vacancies.id} = ${id} for update`);
    return editLocked(ctx, db, actor, id, patch, audit);
  });
  // Announced after the commit, so the fan-out job finds the post open.
  if (edited.opened) await announce(ctx, edited.row, edited.employerName);
  return presentVacancy(edited.row, edited.employerName, (await findRegion(ctx.db, edited.row.regionCode))?.name ?? null);
}

/**
 * A post's place as corrected: a village moved to must be in the caller's area and in the post's own county
 * (the county it was posted in, whose people it is announced to), and the point near that village, both
 * coordinates or neither. Fields not sent stay as they were; an address or point sent as null is cleared.
 */
async function correctedPlace(db: Db, actor: Actor, v: Vacancy, patch: VacancyPatch) {
  const regionCode = patch.regionCode ?? v.regionCode;
  if (regionCode !== v.regionCode) {
    if (!inScope(actor, regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
    if (!regionCode.startsWith(v.regionCode.slice(0, 6))) {
      throw new ValidationFailed('place outside the post county', [{ path: 'body.regionCode', message: 'errors:detail.market.place_outside_county' }]);
    }
    if (!(await regionExists(db, regionCode))) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  }
  const lat = patch.lat === undefined ? v.lat : patch.lat;
  const lng = patch.lng === undefined ? v.lng : patch.lng;
  await checkPoint(db, pointsUnder, regionCode, lat, lng);
  return { regionCode, address: patch.address === undefined ? v.address : patch.address || null, lat, lng };
}

async function editLocked(ctx: AnnounceCtx, db: Db, actor: Actor, id: string, patch: VacancyPatch, audit: Audit) {
  const { vacancy: v, employerName } = await scopedVacancy(db, actor, id);
  const next = { ...v, ...patch };
  if (next.payMaxFen < next.payMinFen) throw new ValidationFailed('pay range', [{ path: 'body.payMaxFen', message: 'errors:detail.market.pay_range' }]);
  if (patch.headcount !== undefined && patch.headcount < v.filled) {
    throw new Conflict('headcount below filled', [{ path: 'body.headcount', message: 'errors:detail.market.headcount_below_filled' }]);
  }
  if (v.kind === 'public_welfare') {
    checkPublicWelfarePost({ title: next.title, description: next.description, requirements: next.requirements, contractMonths: v.details.contractMonths as number | undefined });
  }
  let status = v.status;
  if (patch.status === 'open') {
    if (!['draft', 'closed'].includes(v.status)) throw new Conflict('cannot open', [{ path: 'body.status', message: 'errors:detail.market.bad_transition' }]);
    const [e] = await db.select().from(employers).where(eq(employers.id, v.employerId));
    if (!e?.verifiedAt) throw new Conflict('employer not verified', [{ path: 'body.status', message: 'errors:detail.market.employer_unverified' }]);
    status = next.filled >= next.headcount ? 'filled' : 'open';
  } else if (patch.status === 'closed') {
    status = 'closed';
  } else if (patch.headcount !== undefined && (v.status === 'open' || v.status === 'filled')) {
    status = v.filled >= patch.headcount ? 'filled' : 'open';
  }
  const expiresAt = patch.expiresAt ? new Date(patch.expiresAt) : v.expiresAt;
  if (status === 'open' && expiresAt <= ctx.clock.now()) throw new ValidationFailed('already expired', [{ path: 'body.expiresAt', message: 'errors:detail.market.expired' }]);
  const place = await correctedPlace(db, actor, v, patch);
  const [row] = await db
    .update(vacancies)
    .set({
      ...place,
      title: next.title,
      description: next.description,
      requirements: next.requirements,
      payMinFen: next.payMinFen,
      payMaxFen: next.payMaxFen,
      headcount: next.headcount,
      expiresAt,
      status,
      search: searchVector(next.title, next.description, v.requiredSkills.join(' '), employerName),
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(vacancies.id, id), sql`${vacancies.filled} <= ${next.headcount}`))
    .returning();
  if (!row) throw new Conflict('headcount below filled', [{ path: 'body.headcount', message: 'errors:detail.market.headcount_below_filled' }]);
  audit({ action: 'vacancy.update', entity: 'vacancy', entityId: id, regionCode: v.regionCode, details: { fields: Object.keys(patch), ...(place.regionCode !== v.regionCode ? { regionFrom: v.regionCode, regionTo: place.regionCode } : {}) } });
  return { row, employerName, opened: row.status === 'open' && (v.status === 'draft' || v.status === 'closed') };
}

export async function getVacancy(ctx: Ctx, actor: Actor, id: string) {
  const { vacancy, employerName, regionName } = await scopedVacancy(ctx.db, actor, id);
  return presentVacancy(vacancy, employerName, regionName);
}

export async function listVacancies(ctx: Ctx, actor: Actor, q: z.infer<typeof VacancyListQuery>) {
  const scope = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, scope)) return { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const query = q.q ? searchQuery(q.q) : undefined;
  if (q.q && !query) return { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const where = and(
    inRegion(vacancies.regionCode, scope),
    q.kind ? eq(vacancies.kind, q.kind) : undefined,
    q.status ? eq(vacancies.status, q.status) : undefined,
    q.employerId ? eq(vacancies.employerId, q.employerId) : undefined,
    query ? sql`${vacancies.search} @@ ${query}` : undefined,
  );
  const [total] = await ctx.db.select({ n: count() }).from(vacancies).where(where);
  const rows = await ctx.db
    .select({ vacancy: vacancies, employerName: employers.name, regionName: regionNameSql(vacancies.regionCode) })
    .from(vacancies)
    .innerJoin(employers, eq(employers.id, vacancies.employerId))
    .where(where)
    .orderBy(...(query ? [desc(sql`ts_rank(${vacancies.search}, ${query})`)] : []), desc(vacancies.createdAt), desc(vacancies.id))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  return { items: rows.map((r) => presentVacancy(r.vacancy, r.employerName, r.regionName)), page: q.page, pageSize: q.pageSize, total: total?.n ?? 0 };
}

/** The scheduled job: posts past their date close by themselves. */
export async function expireVacancies(ctx: Ctx): Promise<number> {
  const expired = await ctx.db
    .update(vacancies)
    .set({ status: 'expired', updatedAt: ctx.clock.now() })
    .where(and(inArray(vacancies.status, ['open', 'draft']), lt(vacancies.expiresAt, ctx.clock.now())))
    .returning({ id: vacancies.id });
  return expired.length;
}

/** People subscribed to this kind of post hear of it when it opens (the automatic "new post near you"). */
async function announce(ctx: AnnounceCtx, v: typeof vacancies.$inferSelect, employerName: string): Promise<void> {
  const message: Record<string, string> = {};
  for (const lng of ['zh-CN', 'en'] as const) {
    const t = translator(lng);
    message[lng] = t(v.kind === 'gig' ? 'outreach:new_gig' : 'outreach:new_vacancy', { title: v.title, employer: employerName, pay: payText(t, v) });
  }
  await announceVacancy(ctx, { ...v, message }, ctx.config.market.radiusKm);
}
