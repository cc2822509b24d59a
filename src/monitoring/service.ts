import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { monitoringSnapshots } from '../db/schema/monitoring';
import { nameOf, namesOf } from '../regions';
import { NotFound, ValidationFailed } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { LIFTED_GROUP, REGISTER_TOTAL } from './categories';
import { addMonths, change, computeFigures, computeLevels, emptyFigures, FIGURE_KEYS, type Figures, type RegionFigures } from './figures';
import { closeShareMonth } from './relocation-history';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>;

/** The month in progress, Asia/Shanghai (YYYY-MM). */
export function currentMonth(now: Date): string {
  return shanghaiDate(now).slice(0, 7);
}

/** Region code lengths from a root down to counties (2 → 4 → 6), then townships and villages. */
export function childDigits(code: string): number {
  return code.length < 6 ? code.length + 2 : code.length === 6 ? 9 : 12;
}

/**
 * A month's figures for the regions `digits` long under `root`: the closed snapshot when the month is
 * closed, otherwise computed now from the records.
 */
export async function figuresOf(db: Db, root: string, digits: number, month: string): Promise<{ rows: RegionFigures[]; closed: boolean }> {
  return figuresAtLevels(db, root, [digits], month);
}

/**
 * The same for several levels at once (a region and the regions one level below it), each level from its
 * closed snapshot where there is one; the levels that must be worked out from the records are worked out
 * together, in one statement that reads the people once. `closed` speaks of the first level.
 */
export async function figuresAtLevels(db: Db, root: string, levels: number[], month: string): Promise<{ rows: RegionFigures[]; closed: boolean }> {
  const snapshots = await db
    .select()
    .from(monitoringSnapshots)
    .where(and(eq(monitoringSnapshots.month, month), like(monitoringSnapshots.regionCode, `${root}%`), inArray(sql`length(${monitoringSnapshots.regionCode})`, levels)));
  const rows: RegionFigures[] = [];
  const missing: number[] = [];
  // A month closed before 脱贫人口 (含监测对象) had a row of its own: that row is worked out from the records.
  const liftedOnly: number[] = [];
  for (const digits of levels) {
    const closed = snapshots.filter((s) => s.regionCode.length === digits);
    if (!closed.length) {
      missing.push(digits);
      continue;
    }
    rows.push(...closed.map((s) => ({ regionCode: s.regionCode, category: s.category, figures: s.figures as unknown as Figures })));
    if (!closed.some((s) => s.category === LIFTED_GROUP)) liftedOnly.push(digits);
  }
  if (missing.length || liftedOnly.length) {
    const computed = await computeLevels(db, root, [...missing, ...liftedOnly], month);
    rows.push(...computed.filter((r) => missing.includes(r.regionCode.length) || (liftedOnly.includes(r.regionCode.length) && r.category === LIFTED_GROUP)));
  }
  return { rows, closed: !missing.includes(levels[0]!) };
}

/**
 * Closes a month: its figures for the deployment's region and every level below it down to counties, and the
 * relocation-site share of each county and government-invested project, are written once and never changed. Run by the monthly job for the month just ended; closing twice is a no-op.
 */
export async function closeMonth(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, month: string): Promise<number> {
  const root = ctx.config.regionRoot;
  const levels: number[] = [];
  for (let digits = root.length; digits <= 6; digits += 2) levels.push(digits);
  const rows = await computeLevels(ctx.db, root, levels, month);
  let written = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const made = await ctx.db
      .insert(monitoringSnapshots)
      .values(chunk.map((r) => ({ month, regionCode: r.regionCode, category: r.category, figures: r.figures as unknown as Record<string, number | null>, closedAt: ctx.clock.now() })))
      .onConflictDoNothing()
      .returning({ month: monitoringSnapshots.month });
    written += made.length;
  }
  // Rule 7's share of each county and government-invested project is kept with the month (seed 004 §15).
  await closeShareMonth(ctx, month);
  return written;
}

/** The monthly job: closes the month that has just ended (in Beijing time). */
export async function closePreviousMonth(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>): Promise<{ month: string; written: number }> {
  const month = addMonths(currentMonth(ctx.clock.now()), -1);
  return { month, written: await closeMonth(ctx, month) };
}

const pick = (rows: RegionFigures[], region: string, category: string) => rows.find((r) => r.regionCode === region && r.category === category)?.figures;

/**
 * The figures of a region and of the regions one level below it for a month, each for 脱贫人口 (含监测对象,
 * `lifted_total`, the headline), per category (农村低收入人口 apart) and for the register total, with 同比 (same month a year before) and 环比 (the month before) in per cent. When the
 * month before was closed and its records have changed since, the note says by how much.
 */
export async function figures(ctx: Ctx, actor: Actor, q: { regionCode?: string; month?: string; category?: string }) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const month = q.month ?? currentMonth(ctx.clock.now());
  if (month > currentMonth(ctx.clock.now())) throw new ValidationFailed('future month', [{ path: 'query.month', message: 'errors:detail.monitoring.future_month' }]);
  const digits = childDigits(region);
  // The region and the regions below it, read together.
  const load = (m: string) => figuresAtLevels(ctx.db, region, digits <= 12 ? [region.length, digits] : [region.length], m);
  const [now, prev, lastYear] = await Promise.all([load(month), load(addMonths(month, -1)), load(addMonths(month, -12))]);
  const codes = [...new Set(now.rows.map((r) => r.regionCode))];
  const names = await namesOf(ctx.db, codes);
  const notes: string[] = [];
  if (prev.closed) {
    const redo = await computeFigures(ctx.db, region, region.length, addMonths(month, -1));
    const was = pick(prev.rows, region, LIFTED_GROUP);
    const is = pick(redo, region, LIFTED_GROUP);
    if (was && is && (was.employed !== is.employed || was.registered !== is.registered)) {
      notes.push(`corrected:${addMonths(month, -1)}:employed:${was.employed}->${is.employed}:registered:${was.registered}->${is.registered}`);
    }
  }
  const items = now.rows
    .filter((r) => !q.category || r.category === q.category || r.category === LIFTED_GROUP || r.category === REGISTER_TOTAL)
    .map((r) => {
      const before = pick(prev.rows, r.regionCode, r.category);
      const yearAgo = pick(lastYear.rows, r.regionCode, r.category);
      const delta = (base: Figures | undefined) => Object.fromEntries(FIGURE_KEYS.map((k) => [k, base ? change(r.figures[k], base[k]) : null]));
      return { regionCode: r.regionCode, name: names.get(r.regionCode) ?? null, category: r.category, figures: r.figures, mom: delta(before), yoy: delta(yearAgo) };
    });
  return { month, regionCode: region, closed: now.closed, notes, items };
}

/**
 * Employment scale and income of 脱贫人口 (含监测对象, seed 000 national §1), or of 农村低收入人口 apart, in one
 * region over the last `months` months, oldest first (the bulletin's chart, a township's trend in the console).
 */
export async function trend(ctx: Ctx, actor: Actor, q: { regionCode?: string; months: number; month?: string; category?: typeof LIFTED_GROUP | 'low_income' }) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const end = q.month ?? currentMonth(ctx.clock.now());
  const category = q.category ?? LIFTED_GROUP;
  const months = Array.from({ length: q.months }, (_, i) => addMonths(end, i - q.months + 1));
  const points = [];
  for (const m of months) {
    const { rows } = await figuresOf(ctx.db, region, region.length, m);
    // Every figure of the month; none recorded gives zeros (and no income).
    points.push({ month: m, ...(pick(rows, region, category) ?? emptyFigures()) });
  }
  const named = await nameOf(ctx.db, region);
  return { regionCode: region, name: named ?? null, category, points };
}
