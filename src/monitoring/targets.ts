import { and, eq, like, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { monitoringReports, monitoringTargets } from '../db/schema/monitoring';
import { knownCodes, namesOf } from '../regions';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { LIFTED_GROUP, liftedSql } from './categories';
import { computeLevels } from './figures';
import { trainingStarts } from './training';
import { announce } from './reports';
import type { MonitoringProps } from './props';
import { registeredPeopleAs } from '../registry';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'noticePorts'>;

export const TARGET_METRICS = ['employed', 'public_welfare', 'trained', 'zero_employment_households'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

/**
 * How a metric is judged: employment and public-welfare placements are levels to hold (务工规模 at or
 * above the target now); training is counted through the year, so by now a share of the year's target
 * is due; zero-employment households are a ceiling not to pass.
 */
const SENSE: Record<TargetMetric, 'level' | 'cumulative' | 'ceiling'> = { employed: 'level', public_welfare: 'level', trained: 'cumulative', zero_employment_households: 'ceiling' };

/** ISO week of a date, as 2026-W48. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  // The week belongs to the year of its Thursday; week 1 holds 4 January.
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + 3);
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d.getTime() - jan4.getTime()) / 86400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface Progress {
  regionCode: string;
  name: string | null;
  metric: TargetMetric;
  target: number;
  /** What should stand by today: the target itself, or for training the share of the year gone by. */
  expected: number;
  actual: number;
  /** How far behind (positive) or ahead (negative or zero). */
  gap: number;
  behind: boolean;
}

/**
 * Every target of a year under `root`, each beside where the region stands today. Targets are set for
 * 脱贫人口 含监测对象 (seed 000 national §1: 全力稳定3000万人以上脱贫人口（含防止返贫监测对象）务工规模), so
 * every metric counts them and leaves 农村低收入人口 out; training counts what the register records and
 * the market's training sessions from their start.
 */
export async function progress(ctx: Pick<AppContext, 'db' | 'clock'>, root: string, year: number): Promise<Progress[]> {
  const set = await ctx.db
    .select()
    .from(monitoringTargets)
    .where(and(eq(monitoringTargets.year, year), like(monitoringTargets.regionCode, `${root}%`)));
  if (!set.length) return [];
  const regionNames = await namesOf(ctx.db, set.map((t) => t.regionCode));
  const targets = set.map((t) => ({ t, name: regionNames.get(t.regionCode) ?? null }));
  const today = shanghaiDate(ctx.clock.now());
  const thisYear = Number(today.slice(0, 4));
  // A past year is judged on its last day, a future one on its first.
  const asOf = year < thisYear ? `${year}-12-31` : year > thisYear ? `${year}-01-01` : today;
  const levels = [...new Set(targets.map((x) => x.t.regionCode.length))];
  const codes = [...new Set(targets.map((x) => x.t.regionCode))];
  const figures = new Map((await computeLevels(ctx.db, root, levels, asOf.slice(0, 7), asOf)).filter((r) => r.category === LIFTED_GROUP).map((r) => [r.regionCode, r.figures]));
  const trained = new Map<string, number>();
  for (const level of levels) {
    const rows = rowsOf<{ region: string; n: number }>(
      await ctx.db.execute(sql`
        select left(w.region_code, ${level}) as region, count(distinct t.worker_id)::int as n
        from ${trainingStarts()} t join ${registeredPeopleAs('w')} on w.id = t.worker_id
        where w.region_code like ${`${root}%`} and ${liftedSql(sql`w.category`)} and t.start_date between ${`${year}-01-01`}::date and ${asOf}::date
          and left(w.region_code, ${level}) in ${codes}
        group by 1`),
    );
    for (const r of rows) trained.set(r.region, r.n);
  }
  const start = Date.parse(`${year}-01-01`);
  const yearShare = Math.min(1, Math.max(0, (Date.parse(asOf) - start + 86400_000) / (Date.parse(`${year + 1}-01-01`) - start)));
  return targets
    .map(({ t, name }) => {
      const f = figures.get(t.regionCode);
      const actual = t.metric === 'employed' ? (f?.employed ?? 0) : t.metric === 'public_welfare' ? (f?.publicWelfare ?? 0) : t.metric === 'trained' ? (trained.get(t.regionCode) ?? 0) : (f?.zeroEmploymentHouseholds ?? 0);
      const sense = SENSE[t.metric];
      const expected = sense === 'cumulative' ? Math.round(t.value * yearShare) : t.value;
      const gap = sense === 'ceiling' ? actual - expected : expected - actual;
      return { regionCode: t.regionCode, name, metric: t.metric, target: t.value, expected, actual, gap, behind: gap > 0 };
    })
    .sort((a, b) => a.regionCode.localeCompare(b.regionCode) || TARGET_METRICS.indexOf(a.metric) - TARGET_METRICS.indexOf(b.metric));
}

export async function listTargets(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, q: { year?: number; regionCode?: string }) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const year = q.year ?? Number(shanghaiDate(ctx.clock.now()).slice(0, 4));
  return { year, items: await progress(ctx, region, year) };
}

/** Administrators set the year's targets of regions in their scope (a value of null removes one). */
export async function setTargets({ ctx, actor, meta }: MonitoringProps<Pick<AppContext, 'db' | 'clock'>>, body: { year: number; items: Array<{ regionCode: string; metric: TargetMetric; value: number | null }> }) {
  if (actor.role === 'station') throw new Forbidden('administrators only');
  const codes = [...new Set(body.items.map((i) => i.regionCode))];
  body.items.forEach((i, n) => {
    if (!inScope(actor, i.regionCode)) throw new Forbidden('region outside scope', [{ path: `body.items.${n}.regionCode`, message: 'errors:detail.region_out_of_scope' }]);
  });
  const known = await knownCodes(ctx.db, codes);
  body.items.forEach((i, n) => {
    if (!known.has(i.regionCode)) throw new ValidationFailed('unknown region', [{ path: `body.items.${n}.regionCode`, message: 'errors:detail.unknown_region' }]);
  });
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (tx, audit) => {
    for (const i of body.items) {
      if (i.value === null) {
        await tx.delete(monitoringTargets).where(and(eq(monitoringTargets.regionCode, i.regionCode), eq(monitoringTargets.year, body.year), eq(monitoringTargets.metric, i.metric)));
        continue;
      }
      await tx
        .insert(monitoringTargets)
        .values({ regionCode: i.regionCode, year: body.year, metric: i.metric, value: i.value, setBy: actor.accountId, setAt: now })
        .onConflictDoUpdate({ target: [monitoringTargets.regionCode, monitoringTargets.year, monitoringTargets.metric], set: { value: i.value, setBy: actor.accountId, setAt: now } });
    }
    audit({ action: 'targets.set', entity: 'monitoring_targets', regionCode: actor.regionCode, details: { year: body.year, items: body.items.length } });
  });
  return listTargets(ctx, actor, { year: body.year });
}

/**
 * 周调度: each Monday, the regions behind their targets for the year, with the numbers (target, due by
 * now, where they stand, the gap), worst first. Stored once per week and announced.
 */
export async function weeklyDispatch(ctx: Ctx, day?: string): Promise<string | null> {
  const today = day ?? shanghaiDate(ctx.clock.now());
  const root = ctx.config.regionRoot;
  const all = await progress(ctx, root, Number(today.slice(0, 4)));
  const behind = all
    .filter((p) => p.behind)
    .map((p) => ({ ...p, gapPercent: p.expected ? Math.round((p.gap / p.expected) * 1000) / 10 : null }))
    .sort((a, b) => (b.gapPercent ?? 0) - (a.gapPercent ?? 0) || a.regionCode.localeCompare(b.regionCode))
    .map(({ behind: _b, ...p }) => p);
  const [made] = await ctx.db
    .insert(monitoringReports)
    .values({ kind: 'weekly', period: isoWeek(today), regionCode: root, payload: { rows: behind, events: { targets: all.length, behind: behind.length } }, createdAt: ctx.clock.now() })
    .onConflictDoNothing()
    .returning({ id: monitoringReports.id });
  if (made) await announce(ctx, 'weekly', isoWeek(today), made.id);
  return made?.id ?? null;
}
