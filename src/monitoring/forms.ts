import { and, asc, like, lte, or, gte, isNull } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type ExcelJS from 'exceljs';
import { excel } from '../shared/libraries';
import { inScope, type Actor } from '../shared/actor';
import { auditRead } from '../shared/command';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { assistanceProjects } from '../db/schema/monitoring';
import { inRelocationSite, nameOf, namesOf, regionsOfDigits } from '../regions';
import { employmentSpellsAs, registeredHouseholdsAs, registeredPeopleAs } from '../registry';
import { NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { liftedSql } from './categories';
import { trainingStarts } from './training';
import { countyShares, governmentInvested, NO_PEOPLE, projectPeople, relocationJudgement } from './project-people';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'pii'>;
type Meta = { requestId?: string; ip?: string };

/** The columns of 防止返贫就业攻坚行动推进情况表 (seed 001, 附件1), in the form's order. */
export const PROGRESS_COLUMNS = [
  'alliances',
  'brands',
  'bases',
  'cooperatives',
  'workshops',
  'workshopLifted',
  'workReliefJobs',
  'workReliefLifted',
  'publicWelfareLifted',
  'trainedLifted',
  'relocationEmployedLifted',
  'relocationFairs',
] as const;
export type ProgressRow = { regionCode: string; name: string } & Record<(typeof PROGRESS_COLUMNS)[number], number>;

/**
 * The fairs held under a region, on a day from `from` to `to`, whose campaign tag is like one of `campaignLike`, counted
 * by the region `digits` long they are in: the fairs module's, handed in by the server (fairs sit beside monitoring).
 */
export type FairsHeld = (db: Ctx['db'], q: { under: string; digits: number; from: string; to: string; campaignLike: readonly string[] }) => Promise<Array<{ code: string; n: number }>>;

/** Fairs counted as "乐业搬迁（迁建）" special fairs: the campaign tag names them. */
const RELOCATION_CAMPAIGN = ['%乐业搬迁%', '%乐业迁建%'];

/** The rows of a reader's form: the regions one level below theirs (a prefecture's counties), or their own for a county and below. */
function rowLevel(region: string): number {
  return region.length < 6 ? region.length + 2 : region.length;
}

function period(ctx: Pick<AppContext, 'clock'>, year: number, through?: string) {
  const today = shanghaiDate(ctx.clock.now());
  const yearEnd = `${year}-12-31`;
  const asOf = through && through < yearEnd ? through : today < yearEnd ? today : yearEnd;
  return { from: `${year}-01-01`, asOf };
}

/**
 * 附件1, cumulative for the year up to `asOf` (相关数据填当年累计数): the assistance projects of each kind
 * that ran in the year, from the project register, and the people, from the register's dated records:
 * 脱贫人口 含防止返贫监测对象 (seed 000 national §1, seed 001 §1: the register's lifted and monitored people,
 * never 农村低收入人口) who worked in a workshop, on work relief or in a public-welfare post at any time in
 * the year, who started a training (recorded in the register, or a market training session that began in
 * the year), and those of relocated households who worked; plus the
 * "乐业搬迁" fairs held, which the fairs module counts (`held`). Work relief counts the register's work-relief jobs and the people linked to work-relief
 * projects together; a project's typed head-counts (an override with its reason) win when larger, since projects
 * also employ people who are not on the register.
 */
export async function progressForm(ctx: Ctx, actor: Actor, q: { year: number; regionCode?: string; through?: string }, held: FairsHeld) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const { from, asOf } = period(ctx, q.year, q.through);
  const level = rowLevel(region);
  const under = `${region}%`;
  const r = sql.raw(String(level));
  const projects = rowsOf<{ code: string; kind: string; n: number; jobs: number; lifted: number }>(
    await ctx.db.execute(sql`
      select left(region_code, ${r}) as code, kind::text as kind, count(*)::int as n,
        coalesce(sum(jobs_total) filter (where jobs_override_reason is not null or kind::text <> 'work_relief'), 0)::int as jobs,
        coalesce(sum(jobs_lifted) filter (where jobs_override_reason is not null or kind::text <> 'work_relief'), 0)::int as lifted
      from assistance_projects
      where region_code like ${under} and started_on <= ${asOf}::date and (ended_on is null or ended_on >= ${from}::date)
      group by 1, 2`),
  );
  const lifted = liftedSql(sql`w.category`);
  const people = rowsOf<{ code: string; workshop: number; work_relief_all: number; work_relief: number; public_welfare: number; trained: number; relocation: number }>(
    await ctx.db.execute(sql`
      with jobs as (
        select e.worker_id, e.kind from ${employmentSpellsAs('e')}
        where e.start_date <= ${asOf}::date and (e.end_date is null or e.end_date >= ${from}::date)
        union all
        -- People linked to a work-relief project work on work relief, whether or not a job was recorded for them.
        select l.worker_id, 'work_relief'::job_kind from project_workers l join assistance_projects p on p.id = l.project_id
        where p.kind = 'work_relief' and l.starts_on <= ${asOf}::date and (l.ends_on is null or l.ends_on >= ${from}::date)
      )
      select left(w.region_code, ${r}) as code,
        count(distinct w.id) filter (where ${lifted} and exists (select 1 from jobs j where j.worker_id = w.id and j.kind = 'workshop'))::int as workshop,
        count(distinct w.id) filter (where exists (select 1 from jobs j where j.worker_id = w.id and j.kind = 'work_relief'))::int as work_relief_all,
        count(distinct w.id) filter (where ${lifted} and exists (select 1 from jobs j where j.worker_id = w.id and j.kind = 'work_relief'))::int as work_relief,
        count(distinct w.id) filter (where ${lifted} and exists (select 1 from jobs j where j.worker_id = w.id and j.kind = 'public_welfare'))::int as public_welfare,
        count(distinct w.id) filter (where ${lifted} and exists (select 1 from ${trainingStarts()} t where t.worker_id = w.id and t.start_date between ${from}::date and ${asOf}::date))::int as trained,
        -- 易地搬迁安置区脱贫人口: of a relocated household, or living at a region flagged as a relocation site.
        count(distinct w.id) filter (where ${lifted} and (h.relocated or ${inRelocationSite(sql`w.region_code`)})
          and exists (select 1 from jobs j where j.worker_id = w.id))::int as relocation
      from ${registeredPeopleAs('w')} left join ${registeredHouseholdsAs('h')} on h.id = w.household_id
      where w.region_code like ${under}
      group by 1`),
  );
  const fairs = await held(ctx.db, { under, digits: level, from, to: asOf, campaignLike: RELOCATION_CAMPAIGN });
  const codes = await regionsOfDigits(ctx.db, region, level);
  const blank = (code: string, name: string): ProgressRow => ({ regionCode: code, name, ...(Object.fromEntries(PROGRESS_COLUMNS.map((c) => [c, 0])) as Record<(typeof PROGRESS_COLUMNS)[number], number>) });
  const rows = new Map(codes.map((c) => [c.code, blank(c.code, c.name)]));
  const row = (code: string) => rows.get(code) ?? rows.set(code, blank(code, code)).get(code)!;
  const byKind: Record<string, (typeof PROGRESS_COLUMNS)[number]> = { cooperation_alliance: 'alliances', labour_brand: 'brands', labour_base: 'bases', labour_cooperative: 'cooperatives', workshop: 'workshops' };
  const reliefJobs = new Map<string, number>();
  const reliefLifted = new Map<string, number>();
  for (const p of projects) {
    if (byKind[p.kind]) row(p.code)[byKind[p.kind]!] += p.n;
    if (p.kind === 'work_relief') {
      reliefJobs.set(p.code, p.jobs);
      reliefLifted.set(p.code, p.lifted);
    }
  }
  for (const p of people) {
    const x = row(p.code);
    x.workshopLifted = p.workshop;
    x.workReliefLifted = Math.max(reliefLifted.get(p.code) ?? 0, p.work_relief);
    x.workReliefJobs = Math.max(reliefJobs.get(p.code) ?? 0, p.work_relief_all);
    x.publicWelfareLifted = p.public_welfare;
    x.trainedLifted = p.trained;
    x.relocationEmployedLifted = p.relocation;
  }
  for (const [code, jobs] of reliefJobs) row(code).workReliefJobs = Math.max(row(code).workReliefJobs, jobs);
  for (const [code, lifted] of reliefLifted) row(code).workReliefLifted = Math.max(row(code).workReliefLifted, lifted);
  for (const f of fairs) row(f.code).relocationFairs = f.n;
  const list = [...rows.values()].sort((a, b) => a.regionCode.localeCompare(b.regionCode));
  const total = blank(region, '合计');
  for (const x of list) for (const c of PROGRESS_COLUMNS) total[c] += x[c];
  const selfName = await nameOf(ctx.db, region);
  return { year: q.year, asOf, regionCode: region, regionName: selfName ?? region, rows: list, total };
}

const thin = { style: 'thin' as const };
const border = { top: thin, left: thin, bottom: thin, right: thin };

function frame(ws: ExcelJS.Worksheet, fromRow: number, toRow: number, cols: number) {
  for (let r = fromRow; r <= toRow; r++) {
    for (let c = 1; c <= cols; c++) {
      const cell = ws.getCell(r, c);
      cell.border = border;
      cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    }
  }
}

function filledOn(asOf: string): string {
  const [y, m, d] = asOf.split('-');
  return `填表日期：${y}年${Number(m)}月${Number(d)}日`;
}

/** A form's first two rows: its title across the sheet; who fills it in on the left, the date on the right. */
function heading(ws: ExcelJS.Worksheet, cols: number, title: string, unit: string, unitCols: number, asOf: string): void {
  ws.mergeCells(1, 1, 1, cols);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { size: 16, bold: true };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, unitCols);
  ws.getCell(2, 1).value = unit;
  ws.mergeCells(2, unitCols + 1, 2, cols);
  ws.getCell(2, unitCols + 1).value = filledOn(asOf);
  ws.getCell(2, unitCols + 1).alignment = { horizontal: 'right' };
}

/** 附件1 in the form's own layout: title, unit and date, the two header rows, a row per region and the total. */
export async function progressXlsx(form: Awaited<ReturnType<typeof progressForm>>): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet('附件1');
  const cols = 13;
  heading(ws, cols, '防止返贫就业攻坚行动推进情况表', `单位（公章）：${form.regionName}`, 7, form.asOf);
  const single = ['市、县（市、区）', '劳务协作联盟个数', '特色劳务品牌个数', '乡村振兴劳务基地个数', '劳务合作社个数'];
  single.forEach((label, i) => {
    ws.mergeCells(3, i + 1, 4, i + 1);
    ws.getCell(3, i + 1).value = label;
  });
  ws.mergeCells(3, 6, 3, 7);
  ws.getCell(3, 6).value = '就业帮扶车间个数';
  ws.getCell(4, 7).value = '吸纳脱贫人口数';
  ws.mergeCells(3, 8, 3, 9);
  ws.getCell(3, 8).value = '以工代赈吸纳当地农村劳动力就业人数';
  ws.getCell(4, 9).value = '吸纳脱贫人口数';
  ['乡村公益性岗位安置脱贫人口数', '组织脱贫人口参加职业技能培训人数', '易地搬迁安置区脱贫人口就业人数', '举办“乐业搬迁（迁建）”专场招聘活动次数'].forEach((label, i) => {
    ws.mergeCells(3, 10 + i, 4, 10 + i);
    ws.getCell(3, 10 + i).value = label;
  });
  let r = 5;
  for (const row of [...form.rows, form.total]) {
    ws.getRow(r).values = [row.name, ...PROGRESS_COLUMNS.map((c) => row[c])];
    r++;
  }
  frame(ws, 3, r - 1, cols);
  ws.getRow(r - 1).font = { bold: true };
  ws.mergeCells(r, 1, r, 7);
  ws.getCell(r, 1).value = `注：相关数据填当年累计数（${form.year}年1月1日至${form.asOf}）。`;
  ws.mergeCells(r, 8, r, cols);
  ws.getCell(r, 8).value = '填表人：            电话：';
  ws.getColumn(1).width = 18;
  for (let c = 2; c <= cols; c++) ws.getColumn(c).width = 13;
  ws.getRow(3).height = 48;
  ws.views = [{ state: 'frozen', ySplit: 4, xSplit: 1 }];
  ws.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Where a row's head-counts come from: the register's links, a typed override (with its reason), or what the project declared. */
export type JobsSource = 'register' | 'override' | 'declared';

/**
 * 附件2 (seed 001 §3.4: 报送《脱贫人口就业帮扶项目清单》), the projects that ran in the year, county by county, numbered
 * within each county. For a government-invested project (以工代赈, 政府投资建设项目, 基层社会管理和公共服务项目) 带动就业人数
 * and 带动脱贫人口就业人数 are the people the register links to it at any time in the year, 脱贫人口 含防止返贫监测对象
 * under both names (seed 000 national §1), 农村低收入人口 not among them; numbers typed on the project replace them
 * only with a reason, and the row says so. Such a project also shows the jobs it gave to people from relocation
 * sites against the share its county set (seed 004 §15, seed 000 national §2.7). Other projects (workshops,
 * cooperatives …) show what they declare.
 */
export async function projectsForm(ctx: Ctx, actor: Actor, q: { year: number; regionCode?: string; through?: string }, meta: Meta) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const { from, asOf } = period(ctx, q.year, q.through);
  const rows = await ctx.db
    .select()
    .from(assistanceProjects)
    .where(and(like(assistanceProjects.regionCode, `${region}%`), lte(assistanceProjects.startedOn, asOf), or(isNull(assistanceProjects.endedOn), gte(assistanceProjects.endedOn, from))))
    .orderBy(asc(assistanceProjects.regionCode), sql`${assistanceProjects.name} collate "C"`, asc(assistanceProjects.id));
  const counties = [...new Set(rows.map((p) => p.regionCode.slice(0, 6)))];
  const prefecture = region.slice(0, 4);
  const named = await namesOf(ctx.db, [...counties, prefecture]);
  const people = await projectPeople(ctx.db, rows.filter((p) => governmentInvested(p.kind)).map((p) => p.id), from, asOf);
  const shares = await countyShares(ctx.db, counties);
  const seq = new Map<string, number>();
  const items = rows.map((p) => {
    const gov = governmentInvested(p.kind);
    const register = gov ? (people.get(p.id) ?? NO_PEOPLE) : null;
    const source: JobsSource = !gov ? 'declared' : p.jobsOverrideReason ? 'override' : 'register';
    const relocation = register ? relocationJudgement(register, shares.get(p.regionCode.slice(0, 6))) : null;
    const county = p.regionCode.slice(0, 6);
    seq.set(county, (seq.get(county) ?? 0) + 1);
    const marks = [p.keyCounty ? '①' : '', p.relocationSite ? '②' : '', p.yellowRiverSite ? '③' : ''].join('');
    return {
      county: named.get(county) ?? county,
      countyCode: county,
      seq: seq.get(county)!,
      id: p.id,
      kind: p.kind,
      name: p.name,
      summary: p.summary ?? '',
      jobsTotal: source === 'register' ? register!.total : p.jobsTotal,
      jobsLifted: source === 'register' ? register!.lifted : p.jobsLifted,
      jobsSource: source,
      overrideReason: source === 'override' ? p.jobsOverrideReason : null,
      /** What the register links to the project (government-invested projects), whichever figure the row shows. */
      register,
      /** Rule 7: jobs for people from relocation sites against the county's share (government-invested projects). */
      relocation,
      location: marks || '否',
      contactName: p.contactName ?? '',
      contactPhone: p.contactPhoneEnc ? ctx.pii.decrypt(p.contactPhoneEnc) : '',
      note: p.note ?? '',
    };
  });
  // The list carries the projects' contact numbers in full, as the form asks: each download is audited.
  await auditRead({ ctx, actor, meta }, { action: 'forms.projects', entity: 'assistance_project', regionCode: region, details: { year: q.year, rows: items.length } });
  const countyShareRows = counties.map((c) => ({ countyCode: c, county: named.get(c) ?? c, sharePct: shares.get(c) ?? null, short: items.filter((i) => i.countyCode === c && i.relocation?.short).length }));
  return { year: q.year, asOf, regionCode: region, prefecture: named.get(prefecture) ?? '', items, relocationShares: countyShareRows, total: { jobsTotal: items.reduce((s, x) => s + x.jobsTotal, 0), jobsLifted: items.reduce((s, x) => s + x.jobsLifted, 0) } };
}

/** What the 备注 cell says beyond the project's own note: a typed override and its reason, the relocation-site share. */
export function remarks(p: Awaited<ReturnType<typeof projectsForm>>['items'][number]): string {
  const parts = [p.note];
  if (p.jobsSource === 'override') parts.push(`人数为填报数（原因：${p.overrideReason}；系统登记${p.register?.total ?? 0}人，其中脱贫人口${p.register?.lifted ?? 0}人）`);
  if (p.relocation && (p.relocation.of > 0 || p.relocation.countySharePct !== null)) {
    const share = p.relocation.countySharePct === null ? '县未设定比例' : `县定比例${p.relocation.countySharePct}%`;
    const pct = p.relocation.sharePct === null ? '' : `，占${p.relocation.sharePct}%`;
    parts.push(`吸纳易地搬迁安置区搬迁群众${p.relocation.jobs}人${pct}（${share}${p.relocation.short ? '，未达比例' : ''}）`);
  }
  return parts.filter(Boolean).join('；');
}

/** 附件2 in the form's own layout. */
export async function projectsXlsx(form: Awaited<ReturnType<typeof projectsForm>>): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet('附件2');
  const cols = 10;
  // The form prints "_____市"; a known prefecture is written by its own name (…市, …州, …地区).
  heading(ws, cols, '脱贫人口就业帮扶项目清单', form.prefecture || '_________市', 5, form.asOf);
  const labels: Array<[number, string]> = [[1, '县（市、区）'], [2, '序号'], [3, '项目名称'], [4, '项目简介'], [7, '项目所在地是否属于：①省乡村振兴重点帮扶县②易地搬迁安置区③黄河滩区居民迁建安置区'], [8, '项目联系人'], [9, '联系电话'], [10, '备注']];
  for (const [c, label] of labels) {
    ws.mergeCells(3, c, 4, c);
    ws.getCell(3, c).value = label;
  }
  ws.mergeCells(3, 5, 3, 6);
  ws.getCell(3, 5).value = '带动就业人数';
  ws.getCell(4, 6).value = '带动脱贫人口就业人数';
  let r = 5;
  for (const p of form.items) {
    ws.getRow(r).values = [p.county, p.seq, p.name, p.summary, p.jobsTotal, p.jobsLifted, p.location, p.contactName, p.contactPhone, remarks(p)];
    r++;
  }
  ws.getRow(r).values = ['合计', '', '', '', form.total.jobsTotal, form.total.jobsLifted, '', '', '', ''];
  ws.getRow(r).font = { bold: true };
  frame(ws, 3, r, cols);
  // 易地搬迁安置区按比例安排就业 (seed 004 §15): each county's share under the list, for whoever signs it.
  const set = form.relocationShares.filter((c) => c.sharePct !== null);
  if (set.length) {
    ws.mergeCells(r + 1, 1, r + 1, cols);
    ws.getCell(r + 1, 1).value = `注：政府投资项目吸纳易地搬迁安置区搬迁群众就业比例（县定）：${set.map((c) => `${c.county}${c.sharePct}%${c.short ? `（${c.short}个项目未达比例）` : ''}`).join('；')}。`;
  }
  ws.getColumn(3).width = 24;
  ws.getColumn(4).width = 36;
  ws.getColumn(7).width = 28;
  ws.getColumn(9).width = 16;
  for (const c of [1, 5, 6, 8]) ws.getColumn(c).width = 13;
  ws.getColumn(10).width = 30;
  ws.getRow(3).height = 48;
  ws.views = [{ state: 'frozen', ySplit: 4 }];
  ws.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
