import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { rowsOf } from '../db/client';
import { assistanceProjects, warnings } from '../db/schema/monitoring';
import { shanghaiDate } from '../shared/time';
import { inRelocationSite } from '../regions';
import { liftedSql } from './categories';
import { GOVERNMENT_INVESTED, governmentInvested } from '../market';
import { registeredHouseholdsAs, registeredPeopleAs } from '../registry';

export { GOVERNMENT_INVESTED, governmentInvested };

type Ctx = Pick<AppContext, 'db' | 'clock'>;

/**
 * SQL: the person `w` (with household `h` left-joined) is from a relocation site: of a relocated household, or
 * living in a region flagged as a relocation site (易地搬迁安置区). The same test 附件1 counts with.
 */
export function fromRelocationSiteSql(): ReturnType<typeof sql> {
  return sql`(coalesce(h.relocated, false) or ${inRelocationSite(sql`w.region_code`)})`;
}

/** What the register holds for one project over a period: the people linked to it at any time in it. */
export interface ProjectPeople {
  /** 带动就业人数 */
  total: number;
  /** 其中脱贫人口（含防止返贫监测对象、防止返贫致贫对象） */
  lifted: number;
  /** 其中易地搬迁安置区搬迁群众 */
  relocation: number;
  /** Of them, with a signed labour contract or agreement (签订劳动合同/协议) */
  agreementsSigned: number;
}

export const NO_PEOPLE: ProjectPeople = { total: 0, lifted: 0, relocation: 0, agreementsSigned: 0 };

/**
 * The people each project employed from `from` to `to` (both days counted), from its links in the register.
 * Everyone is counted once per project however many spells they worked; 脱贫人口 counts 监测对象 under both names
 * (seed 000 national §1), 农村低收入人口 never.
 */
export async function projectPeople(db: Db, projectIds: string[], from: string, to: string): Promise<Map<string, ProjectPeople>> {
  if (!projectIds.length) return new Map();
  const rows = rowsOf<{ project_id: string; total: number; lifted: number; relocation: number; signed: number }>(
    await db.execute(sql`
      select l.project_id,
        count(distinct l.worker_id)::int as total,
        count(distinct l.worker_id) filter (where ${liftedSql(sql`w.category`)})::int as lifted,
        count(distinct l.worker_id) filter (where ${fromRelocationSiteSql()})::int as relocation,
        count(distinct l.worker_id) filter (where l.agreement_signed)::int as signed
      from project_workers l
      join ${registeredPeopleAs('w')} on w.id = l.worker_id
      left join ${registeredHouseholdsAs('h')} on h.id = w.household_id
      where l.project_id in ${projectIds} and l.starts_on <= ${to}::date and (l.ends_on is null or l.ends_on >= ${from}::date)
      group by l.project_id`),
  );
  return new Map(rows.map((r) => [r.project_id, { total: r.total, lifted: r.lifted, relocation: r.relocation, agreementsSigned: r.signed }]));
}

/** Share in per cent with one decimal; null when nobody worked on the project. */
export function sharePct(part: number, whole: number): number | null {
  return whole ? Math.round((part / whole) * 1000) / 10 : null;
}

/** The county share of relocation-site jobs each county code has set, for the counties given. */
export async function countyShares(db: Db, counties: string[]): Promise<Map<string, number>> {
  if (!counties.length) return new Map();
  const rows = rowsOf<{ region_code: string; share_pct: number }>(await db.execute(sql`select region_code, share_pct from relocation_job_shares where region_code in ${counties}`));
  return new Map(rows.map((r) => [r.region_code, r.share_pct]));
}

/**
 * Rule 7 for one project: the people from relocation sites among those it employed, against the share its county
 * set. `short` only when a share is set and the project employed someone: with nobody on it yet there is nothing
 * to fall short of.
 */
export function relocationJudgement(people: ProjectPeople, countySharePct: number | undefined) {
  const pct = sharePct(people.relocation, people.total);
  const share = countySharePct ?? null;
  return { jobs: people.relocation, of: people.total, sharePct: pct, countySharePct: share, short: share !== null && pct !== null && pct < share };
}

/**
 * Rule 7 (seed 004 §15, seed 000 national §2.7): each government-invested project running today, counted over the
 * year so far, below the share of relocation-site jobs its county set gets one open warning for the county; when it
 * reaches the share (or the share is lowered or removed) the warning closes by itself. `projectIds` narrows the look
 * to those projects (after a change); without it every project under the deployment's root is judged (the daily job).
 */
export async function judgeRelocationShare(ctx: Ctx, projectIds?: string[], root = ''): Promise<{ opened: number; closed: number }> {
  if (projectIds && !projectIds.length) return { opened: 0, closed: 0 };
  const today = shanghaiDate(ctx.clock.now());
  const from = `${today.slice(0, 4)}-01-01`;
  const projects = await ctx.db
    .select({ id: assistanceProjects.id, name: assistanceProjects.name, kind: assistanceProjects.kind, regionCode: assistanceProjects.regionCode, startedOn: assistanceProjects.startedOn, endedOn: assistanceProjects.endedOn })
    .from(assistanceProjects)
    .where(and(projectIds ? inArray(assistanceProjects.id, projectIds) : like(assistanceProjects.regionCode, `${root}%`), inArray(assistanceProjects.kind, [...GOVERNMENT_INVESTED])));
  const people = await projectPeople(ctx.db, projects.map((p) => p.id), from, today);
  const shares = await countyShares(ctx.db, [...new Set(projects.map((p) => p.regionCode.slice(0, 6)))]);
  let opened = 0;
  let closed = 0;
  for (const p of projects) {
    const running = p.startedOn <= today && (!p.endedOn || p.endedOn >= today);
    const judged = relocationJudgement(people.get(p.id) ?? NO_PEOPLE, shares.get(p.regionCode.slice(0, 6)));
    const open = await ctx.db
      .select({ id: warnings.id })
      .from(warnings)
      .where(and(eq(warnings.kind, 'relocation_share_short'), sql`${warnings.details}->>'projectId' = ${p.id}`, inArray(warnings.status, ['open', 'acknowledged'])));
    if (running && judged.short) {
      if (open.length) {
        // Keep the figures on the open warning current.
        await ctx.db.update(warnings).set({ details: { projectId: p.id, project: p.name, year: from.slice(0, 4), ...judged } }).where(inArray(warnings.id, open.map((o) => o.id)));
        continue;
      }
      const made = await ctx.db
        .insert(warnings)
        .values({ kind: 'relocation_share_short', regionCode: p.regionCode, dedupeKey: `relocation-share:${p.id}:${ctx.clock.now().toISOString()}`, details: { projectId: p.id, project: p.name, year: from.slice(0, 4), ...judged }, createdAt: ctx.clock.now() })
        .onConflictDoNothing()
        .returning({ id: warnings.id });
      opened += made.length;
    } else if (open.length) {
      await ctx.db.update(warnings).set({ status: 'closed', closedAt: ctx.clock.now() }).where(inArray(warnings.id, open.map((o) => o.id)));
      closed += open.length;
    }
  }
  return { opened, closed };
}
