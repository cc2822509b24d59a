import { and, asc, count, eq, like, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { employerRegion, noteProject } from '../market';
import { assistanceProjects } from '../db/schema/monitoring';
import { pageOf, PageQuery } from '../http/pagination';
import { maskPhone, normalizePhone } from '../pii/phone';
import { RegionCode } from '../regions';
import { regionExists } from '../registry';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { governmentInvested, judgeRelocationShare } from './project-people';
import type { MonitoringProps } from './props';

export const PROJECT_KINDS = ['workshop', 'work_relief', 'labour_cooperative', 'labour_base', 'labour_brand', 'cooperation_alliance', 'government_investment', 'public_service'] as const;

const text = (max: number) => z.string().trim().max(max);
const people = z.number().int().min(0).max(1_000_000);

const ProjectFields = {
  kind: z.enum(PROJECT_KINDS).meta({ description: 'workshop 就业帮扶车间, work_relief 以工代赈项目, labour_cooperative 劳务合作社, labour_base 乡村振兴劳务基地, labour_brand 特色劳务品牌, cooperation_alliance 劳务协作联盟, government_investment 政府投资建设项目, public_service 基层社会管理和公共服务项目' }),
  name: text(100).min(2),
  summary: text(500).nullish(),
  regionCode: RegionCode,
  employerId: z.uuid().nullish(),
  startedOn: z.iso.date(),
  endedOn: z.iso.date().nullish(),
  jobsTotal: people.meta({ description: '带动就业人数. For a government-invested project (work_relief, government_investment, public_service) the register’s linked people count; a number typed here replaces them only with jobsOverrideReason' }),
  jobsLifted: people.meta({ description: '其中带动脱贫人口（含防止返贫监测对象，不含农村低收入人口）就业人数 (an override, as jobsTotal, for a government-invested project)' }),
  jobsOverrideReason: text(200).min(2).nullish().meta({ description: 'Why the typed head-counts replace the register’s (government-invested projects; shown beside them in 附件2). null removes the override and its numbers' }),
  keyCounty: z.boolean().meta({ description: '省乡村振兴重点帮扶县' }),
  relocationSite: z.boolean().meta({ description: '易地搬迁安置区' }),
  yellowRiverSite: z.boolean().meta({ description: '黄河滩区居民迁建安置区' }),
  contactName: text(50).nullish(),
  contactPhone: z.string().max(30).nullish(),
  note: text(500).nullish(),
};

export const ProjectCreate = z
  .object({ ...ProjectFields, jobsTotal: ProjectFields.jobsTotal.default(0), jobsLifted: ProjectFields.jobsLifted.default(0), keyCounty: ProjectFields.keyCounty.default(false), relocationSite: ProjectFields.relocationSite.default(false), yellowRiverSite: ProjectFields.yellowRiverSite.default(false) })
  .strict()
  .meta({ id: 'ProjectCreate' });
export const ProjectPatch = z.object(ProjectFields).partial().strict().meta({ id: 'ProjectPatch' });
export const ProjectListQuery = z.object({ regionCode: RegionCode.optional(), kind: z.enum(PROJECT_KINDS).optional(), ...PageQuery }).strict();

export const ProjectView = z
  .object({
    id: z.string(),
    kind: z.enum(PROJECT_KINDS),
    name: z.string(),
    summary: z.string().nullable(),
    regionCode: z.string(),
    employerId: z.string().nullable(),
    startedOn: z.string(),
    endedOn: z.string().nullable(),
    jobsTotal: z.number().int(),
    jobsLifted: z.number().int(),
    keyCounty: z.boolean(),
    relocationSite: z.boolean(),
    yellowRiverSite: z.boolean(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable().meta({ description: 'Masked' }),
    note: z.string().nullable(),
    jobsOverrideReason: z.string().nullable(),
    governmentInvested: z.boolean().meta({ description: 'Head-counts from the people linked to it (/projects/{id}/workers), and a share of jobs kept for people from relocation sites' }),
  })
  .meta({ id: 'AssistanceProject' });
export const ProjectList = pageOf(ProjectView).meta({ id: 'AssistanceProjectList' });

type Ctx = Pick<AppContext, 'db' | 'pii' | 'clock'>;
type Row = typeof assistanceProjects.$inferSelect;

function present(p: Row): z.infer<typeof ProjectView> {
  return { id: p.id, kind: p.kind, name: p.name, summary: p.summary, regionCode: p.regionCode, employerId: p.employerId, startedOn: p.startedOn, endedOn: p.endedOn, jobsTotal: p.jobsTotal, jobsLifted: p.jobsLifted, keyCounty: p.keyCounty, relocationSite: p.relocationSite, yellowRiverSite: p.yellowRiverSite, contactName: p.contactName, contactPhone: p.contactPhoneMasked, note: p.note, jobsOverrideReason: p.jobsOverrideReason, governmentInvested: governmentInvested(p.kind) };
}

/** The checks a project must pass whether created or changed: its region, employer, dates, numbers and phone. */
async function checked(ctx: Ctx, actor: Actor, merged: { kind: string; regionCode: string; employerId?: string | null; startedOn: string; endedOn?: string | null; jobsTotal: number; jobsLifted: number; jobsOverrideReason?: string | null }, phone: string | null | undefined) {
  if (!inScope(actor, merged.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (!(await regionExists(ctx.db, merged.regionCode))) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  if (merged.employerId) {
    const employerAt = await employerRegion(ctx.db, merged.employerId);
    if (employerAt === undefined || !inScope(actor, employerAt)) throw new ValidationFailed('unknown employer', [{ path: 'body.employerId', message: 'errors:detail.market.unknown_employer' }]);
  }
  if (merged.endedOn && merged.endedOn < merged.startedOn) throw new ValidationFailed('ends before it starts', [{ path: 'body.endedOn', message: 'errors:detail.end_before_start' }]);
  if (merged.jobsLifted > merged.jobsTotal) throw new ValidationFailed('more lifted than total', [{ path: 'body.jobsLifted', message: 'errors:detail.monitoring.jobs_lifted' }]);
  // A government-invested project's head-counts are the register's; a typed number replaces them only with its reason.
  if (governmentInvested(merged.kind) && (merged.jobsTotal > 0 || merged.jobsLifted > 0) && !merged.jobsOverrideReason) {
    throw new ValidationFailed('override without reason', [{ path: 'body.jobsOverrideReason', message: 'errors:detail.monitoring.override_reason' }]);
  }
  if (phone === undefined || phone === null) return phone;
  const p = normalizePhone(phone);
  if (!p) throw new ValidationFailed('bad phone', [{ path: 'body.contactPhone', message: 'errors:detail.phone' }]);
  return p;
}

export async function scopedProject(ctx: Pick<AppContext, 'db'>, actor: Actor, id: string): Promise<Row> {
  const [p] = await ctx.db.select().from(assistanceProjects).where(eq(assistanceProjects.id, id));
  if (!p) throw new NotFound('project', id);
  assertInScope(actor, p.regionCode, 'project', id);
  return p;
}

export async function createProject({ ctx, actor, meta }: MonitoringProps<Ctx>, input: z.infer<typeof ProjectCreate>) {
  const phone = await checked(ctx, actor, input, input.contactPhone);
  const { contactPhone: _p, ...rest } = input;
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(assistanceProjects)
      .values({ ...rest, jobsOverrideReason: rest.jobsOverrideReason ?? null, summary: rest.summary ?? null, employerId: rest.employerId ?? null, endedOn: rest.endedOn ?? null, contactName: rest.contactName ?? null, note: rest.note ?? null, contactPhoneEnc: phone ? ctx.pii.encrypt(phone) : null, contactPhoneMasked: phone ? maskPhone(phone) : null, createdBy: actor.accountId, createdAt: ctx.clock.now(), updatedAt: ctx.clock.now() })
      .returning();
    audit({ action: 'project.create', entity: 'assistance_project', entityId: row!.id, regionCode: row!.regionCode });
    // The market checks a post's project and ranks its candidates from what it is told of the project.
    await noteProject(tx, { id: row!.id, kind: row!.kind, regionCode: row!.regionCode });
    return row!;
  });
  return present(row);
}

export async function updateProject({ ctx, actor, meta }: MonitoringProps<Ctx>, id: string, patch: z.infer<typeof ProjectPatch>) {
  const p = await scopedProject(ctx, actor, id);
  // Removing the override removes its numbers with it: the register counts again.
  if (patch.jobsOverrideReason === null) Object.assign(patch, { jobsTotal: patch.jobsTotal ?? 0, jobsLifted: patch.jobsLifted ?? 0 });
  const merged = { kind: patch.kind ?? p.kind, jobsOverrideReason: patch.jobsOverrideReason === undefined ? p.jobsOverrideReason : patch.jobsOverrideReason, regionCode: patch.regionCode ?? p.regionCode, employerId: patch.employerId === undefined ? p.employerId : patch.employerId, startedOn: patch.startedOn ?? p.startedOn, endedOn: patch.endedOn === undefined ? p.endedOn : patch.endedOn, jobsTotal: patch.jobsTotal ?? p.jobsTotal, jobsLifted: patch.jobsLifted ?? p.jobsLifted };
  const phone = await checked(ctx, actor, merged, patch.contactPhone);
  const { contactPhone: _p, ...rest } = patch;
  const set: Partial<Row> = { ...rest, updatedAt: ctx.clock.now() };
  if (patch.contactPhone !== undefined) Object.assign(set, { contactPhoneEnc: phone ? ctx.pii.encrypt(phone) : null, contactPhoneMasked: phone ? maskPhone(phone) : null });
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx.update(assistanceProjects).set(set).where(eq(assistanceProjects.id, id)).returning();
    audit({ action: 'project.update', entity: 'assistance_project', entityId: id, regionCode: row!.regionCode, details: { fields: Object.keys(patch) } });
    await noteProject(tx, { id, kind: row!.kind, regionCode: row!.regionCode });
    return row;
  });
  // Its kind, county or dates may have changed: the share of relocation-site jobs is judged again.
  await judgeRelocationShare(ctx, [id]);
  return present(row!);
}

export async function getProject(ctx: Ctx, actor: Actor, id: string) {
  return present(await scopedProject(ctx, actor, id));
}

export async function listProjects(ctx: Ctx, actor: Actor, q: z.infer<typeof ProjectListQuery>): Promise<z.infer<typeof ProjectList>> {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const where: SQL | undefined = and(like(assistanceProjects.regionCode, `${region}%`), q.kind ? eq(assistanceProjects.kind, q.kind) : undefined);
  const rows = await ctx.db.select().from(assistanceProjects).where(where).orderBy(asc(assistanceProjects.regionCode), sql`${assistanceProjects.name} collate "C"`, asc(assistanceProjects.id)).offset((q.page - 1) * q.pageSize).limit(q.pageSize);
  const [n] = await ctx.db.select({ n: count() }).from(assistanceProjects).where(where);
  return { items: rows.map(present), page: q.page, pageSize: q.pageSize, total: n?.n ?? 0 };
}
