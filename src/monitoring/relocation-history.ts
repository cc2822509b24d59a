import { and, asc, gte, inArray, like, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { rowsOf, type Db } from '../db/client';
import { assistanceProjects, monitoringSnapshots, relocationShareSnapshots } from '../db/schema/monitoring';
import { RegionCode, regionsOfDigits } from '../regions';
import { NotFound, ValidationFailed } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { addMonths, monthBounds } from './figures';
import { countyShares, fromRelocationSiteSql, GOVERNMENT_INVESTED, sharePct } from './project-people';
import { registeredHouseholdsAs, registeredPeopleAs } from '../registry';

/**
 * Rule 7 month by month (易地搬迁安置区按比例安排就业, seed 004 §15, seed 000 national §2.7): for each county and each of its
 * government-invested projects, the people who worked on them at any time in a month and, of them, those from
 * relocation sites, beside the share the county had set. A month is kept when it closes, on the same path as the
 * monthly figures (`closeMonth`), and read back from that snapshot afterwards; the month in progress, and a month
 * not yet closed, is counted from the links as they stand.
 */

type Ctx = Pick<AppContext, 'db' | 'clock'>;

/** One county's or one project's month. */
export interface ShareMonth {
  regionCode: string;
  /** null: the county's row (its projects together, each person once). */
  projectId: string | null;
  total: number;
  relocation: number;
  countySharePct: number | null;
}

/** The months' rows for every county under `root` with a share set or someone on a project, and every project with someone on it. */
export async function computeShareMonth(db: Db, root: string, month: string): Promise<ShareMonth[]> {
  const { first, last } = monthBounds(month);
  const rows = rowsOf<{ county: string; project_id: string | null; total: number; relocation: number }>(
    await db.execute(sql`
      with l as (
        select left(p.region_code, 6) as county, p.id as project_id, l.worker_id, ${fromRelocationSiteSql()} as relocation
        from project_workers l
        join assistance_projects p on p.id = l.project_id
        join ${registeredPeopleAs('w')} on w.id = l.worker_id
        left join ${registeredHouseholdsAs('h')} on h.id = w.household_id
        where p.region_code like ${`${root}%`} and p.kind::text in ${[...GOVERNMENT_INVESTED]}
          and l.starts_on <= ${last}::date and (l.ends_on is null or l.ends_on >= ${first}::date)
      )
      select county, project_id, count(distinct worker_id)::int as total, count(distinct worker_id) filter (where relocation)::int as relocation
      from l group by grouping sets ((county, project_id), (county))`),
  );
  const counties = rowsOf<{ region_code: string }>(await db.execute(sql`select region_code from relocation_job_shares where region_code like ${`${root.slice(0, 6)}%`}`)).map((r) => r.region_code);
  const all = [...new Set([...counties, ...rows.map((r) => r.county)])].filter((c) => c.startsWith(root.slice(0, 6)));
  const shares = await countyShares(db, all);
  const out: ShareMonth[] = rows.map((r) => ({ regionCode: r.county, projectId: r.project_id, total: r.total, relocation: r.relocation, countySharePct: shares.get(r.county) ?? null }));
  for (const c of all) if (!rows.some((r) => r.county === c && r.project_id === null)) out.push({ regionCode: c, projectId: null, total: 0, relocation: 0, countySharePct: shares.get(c) ?? null });
  return out;
}

/** Keeps a closed month's rows under the deployment's region; closing twice writes nothing more. */
export async function closeShareMonth(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, month: string): Promise<number> {
  const rows = await computeShareMonth(ctx.db, ctx.config.regionRoot, month);
  if (!rows.length) return 0;
  const made = await ctx.db
    .insert(relocationShareSnapshots)
    .values(rows.map((r) => ({ month, regionCode: r.regionCode, subject: r.projectId ?? '', projectId: r.projectId, total: r.total, relocation: r.relocation, countySharePct: r.countySharePct, closedAt: ctx.clock.now() })))
    .onConflictDoNothing()
    .returning({ month: relocationShareSnapshots.month });
  return made.length;
}

const Month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'errors:detail.monitoring.month').meta({ example: '2026-10' });

export const ShareHistoryQuery = z
  .object({
    regionCode: RegionCode.optional().meta({ description: 'Your region or one in it (default: your own); its county, or a prefecture’s counties' }),
    from: Month.optional().meta({ description: 'First month (default: 11 months before `to`)' }),
    to: Month.optional().meta({ description: 'Last month (default: the month in progress, Beijing time)' }),
  })
  .strict();

const Point = z
  .object({
    month: z.string(),
    closed: z.boolean().meta({ description: 'From the snapshot kept when the month closed; otherwise counted from the links as they stand' }),
    total: z.number().int().meta({ description: 'People who worked on the project(s) at any time in the month' }),
    relocation: z.number().int().meta({ description: 'Of them, people from relocation sites (易地搬迁安置区搬迁群众)' }),
    sharePct: z.number().nullable().meta({ description: 'relocation / total in per cent, one decimal; null when nobody worked' }),
    countySharePct: z.number().int().nullable().meta({ description: 'The share the county had set that month; null when none' }),
    short: z.boolean().meta({ description: 'Below the county’s share (only when one is set and someone worked)' }),
  })
  .meta({ id: 'RelocationSharePoint' });

export const ShareHistoryView = z
  .object({
    regionCode: z.string(),
    from: z.string(),
    to: z.string(),
    months: z.array(z.string()),
    counties: z.array(z.object({ regionCode: z.string(), name: z.string().nullable(), points: z.array(Point) })),
    projects: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), regionCode: z.string(), countyCode: z.string(), points: z.array(Point) })).meta({ description: 'Government-invested projects in your region with someone on them in one of the months; a month nobody worked shows zeros' }),
  })
  .meta({ id: 'RelocationShareHistory' });

function point(month: string, closed: boolean, r: Pick<ShareMonth, 'total' | 'relocation' | 'countySharePct'> | undefined, fallbackShare: number | null): z.infer<typeof Point> {
  const total = r?.total ?? 0;
  const relocation = r?.relocation ?? 0;
  const pct = sharePct(relocation, total);
  const countySharePct = r ? r.countySharePct : fallbackShare;
  return { month, closed, total, relocation, sharePct: pct, countySharePct, short: countySharePct !== null && pct !== null && pct < countySharePct };
}

/** How each county's share (and each project's) moved month by month, `from` to `to`, within the reader's region. */
export async function shareHistory(ctx: Ctx, actor: Actor, q: z.infer<typeof ShareHistoryQuery>): Promise<z.infer<typeof ShareHistoryView>> {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const current = shanghaiDate(ctx.clock.now()).slice(0, 7);
  const to = q.to ?? current;
  const from = q.from ?? addMonths(to, -11);
  if (to > current) throw new ValidationFailed('future month', [{ path: 'query.to', message: 'errors:detail.monitoring.future_month' }]);
  if (from > to) throw new ValidationFailed('from after to', [{ path: 'query.from', message: 'errors:detail.monitoring.month_range' }]);
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  if (months.length > 36) throw new ValidationFailed('too many months', [{ path: 'query.from', message: 'errors:detail.monitoring.month_range' }]);
  const county = region.slice(0, 6);
  // The counties' rows come from the county (a township's reader sees its county's share); the projects', from the reader's region.
  const countyRoot = region.length >= 6 ? county : region;
  // A month is closed once the monthly job has kept its figures or its shares.
  const closedMonths = new Set([
    ...(await ctx.db.selectDistinct({ month: monitoringSnapshots.month }).from(monitoringSnapshots).where(and(gte(monitoringSnapshots.month, from), lte(monitoringSnapshots.month, to)))).map((r) => r.month),
    ...(await ctx.db.selectDistinct({ month: relocationShareSnapshots.month }).from(relocationShareSnapshots).where(and(gte(relocationShareSnapshots.month, from), lte(relocationShareSnapshots.month, to)))).map((r) => r.month),
  ]);
  const byMonth = new Map<string, ShareMonth[]>();
  const kept = closedMonths.size
    ? await ctx.db
        .select()
        .from(relocationShareSnapshots)
        .where(and(inArray(relocationShareSnapshots.month, [...closedMonths]), like(relocationShareSnapshots.regionCode, `${countyRoot.slice(0, 6)}%`)))
    : [];
  for (const m of months) {
    if (closedMonths.has(m)) byMonth.set(m, kept.filter((k) => k.month === m).map((k) => ({ regionCode: k.regionCode, projectId: k.projectId, total: k.total, relocation: k.relocation, countySharePct: k.countySharePct })));
    else byMonth.set(m, await computeShareMonth(ctx.db, countyRoot, m));
  }
  const counties = await regionsOfDigits(ctx.db, countyRoot.slice(0, 6), 6);
  const shares = await countyShares(ctx.db, counties.map((c) => c.code));
  const projectIds = [...new Set([...byMonth.values()].flat().filter((r) => r.projectId).map((r) => r.projectId!))];
  const projects = projectIds.length
    ? await ctx.db
        .select({ id: assistanceProjects.id, name: assistanceProjects.name, kind: assistanceProjects.kind, regionCode: assistanceProjects.regionCode })
        .from(assistanceProjects)
        .where(and(inArray(assistanceProjects.id, projectIds), like(assistanceProjects.regionCode, `${region}%`)))
        .orderBy(asc(assistanceProjects.regionCode), sql`${assistanceProjects.name} collate "C"`, asc(assistanceProjects.id))
    : [];
  return {
    regionCode: region,
    from,
    to,
    months,
    counties: counties.map((c) => ({
      regionCode: c.code,
      name: c.name,
      // A month with nobody on a project and no share set has no row: zeros, with today's share for a month still open.
      points: months.map((m) => point(m, closedMonths.has(m), byMonth.get(m)!.find((r) => r.regionCode === c.code && r.projectId === null), closedMonths.has(m) ? null : (shares.get(c.code) ?? null))),
    })),
    projects: projects.map((p) => {
      const countyCode = p.regionCode.slice(0, 6);
      return {
        id: p.id,
        name: p.name,
        kind: p.kind,
        regionCode: p.regionCode,
        countyCode,
        points: months.map((m) => {
          const row = byMonth.get(m)!.find((r) => r.projectId === p.id);
          const countyRow = byMonth.get(m)!.find((r) => r.regionCode === countyCode && r.projectId === null);
          return point(m, closedMonths.has(m), row, countyRow ? countyRow.countySharePct : closedMonths.has(m) ? null : (shares.get(countyCode) ?? null));
        }),
      };
    }),
  };
}
