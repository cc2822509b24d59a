import { z } from 'zod';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { childrenOf, namesOf, RegionCode, withChildren } from '../regions';
import { NotFound, ValidationFailed } from '../shared/errors';
import { APART_CATEGORIES, LIFTED_GROUP } from './categories';
import { addMonths, change, emptyFigures, FIGURE_KEYS, type Figures } from './figures';
import { childDigits, currentMonth, figuresAtLevels } from './service';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>;

/**
 * Figures by region: a region's children side by side for one month, each with 同比 and 环比 (seed 000 national
 * §3.2, seed 001 §3.2: 务工规模 and 务工收入 tracked monthly, 同比/环比), so a county or prefecture can see which of
 * its townships or counties fell. Every number comes from `figuresOf` (the closed snapshot, or the records as
 * they stood on the month's last day), counted as the monitoring module defines it: 脱贫人口 含监测对象
 * (`lifted_total`), or 农村低收入人口 apart (`low_income`), never the two added together.
 */

/** Who is counted: 脱贫人口（含监测对象）, the headline, or 农村低收入人口, reported apart. */
export const BREAKDOWN_CATEGORIES = [LIFTED_GROUP, ...APART_CATEGORIES] as const;
export type BreakdownCategory = (typeof BREAKDOWN_CATEGORIES)[number];

const Month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'errors:detail.monitoring.month').meta({ example: '2026-10' });

export const ChildFiguresQuery = z
  .object({
    regionCode: RegionCode.optional().meta({ description: 'The region whose children are compared (default: your own)' }),
    month: Month.optional().meta({ description: 'The month (default: the month in progress, Beijing time)' }),
    category: z.enum(BREAKDOWN_CATEGORIES).default(LIFTED_GROUP).meta({ description: 'lifted_total: 脱贫人口（含监测对象）; low_income: 农村低收入人口, apart' }),
    measure: z.enum(FIGURE_KEYS).default('employed').meta({ description: 'The figure compared and ranked (employed: 务工规模; incomeAvgFen: 务工收入, in fen)' }),
  })
  .strict();
export type ChildFiguresQuery = z.infer<typeof ChildFiguresQuery>;

const Value = z.number().nullable().meta({ description: 'The measure (people or households; income in fen); null for an income when nobody in work had one recorded' });
const Change = z.number().nullable().meta({ description: 'Change in per cent, one decimal; null when the month compared had nothing to compare with' });

export const ChildFiguresRow = z
  .object({
    regionCode: z.string(),
    name: z.string().nullable(),
    /** People registered at the region itself, in none of its children (a record filed only to a county, say). */
    direct: z.boolean().meta({ description: 'True for the people registered at the region itself and in none of its children' }),
    hasChildren: z.boolean().meta({ description: 'Whether the region has regions below it to drill into' }),
    rank: z.number().int().nullable().meta({ description: '1 for the highest value of the measure; null for the direct row and rows without a value' }),
    value: Value,
    monthBefore: Value,
    yearBefore: Value,
    mom: Change.meta({ description: '环比: against the month before, in per cent' }),
    yoy: Change.meta({ description: '同比: against the same month a year before, in per cent' }),
    registered: z.number().int().meta({ description: 'People of the category on the register on the month’s last day' }),
    employed: z.number().int().meta({ description: '务工规模: of them, in work that day' }),
  })
  .meta({ id: 'ChildFiguresRow' });

export const ChildFiguresView = z
  .object({
    regionCode: z.string(),
    name: z.string().nullable(),
    month: z.string(),
    monthBefore: z.string(),
    yearBefore: z.string(),
    category: z.enum(BREAKDOWN_CATEGORIES),
    measure: z.enum(FIGURE_KEYS),
    closed: z.boolean().meta({ description: 'The month is closed: its figures come from the snapshot taken then' }),
    path: z.array(z.object({ code: z.string(), name: z.string().nullable() })).meta({ description: 'From your own region down to this one, for the way back up' }),
    total: ChildFiguresRow.meta({ description: 'The region itself' }),
    items: z.array(ChildFiguresRow).meta({ description: 'Each region one level below (every one, with zeros when nobody is registered there), highest value first' }),
  })
  .meta({ id: 'ChildFigures' });
export type ChildFiguresView = z.infer<typeof ChildFiguresView>;

const Count = z.number().int();
const Income = z.number().int().nullable();
/** A month's figures as `computeLevels` gives them (see `Figures`). */
const FiguresShape = {
  registered: Count.meta({ description: 'On the register on the month’s last day' }),
  employed: Count.meta({ description: '务工规模: of them, in work that day' }),
  outOfProvince: Count,
  outOfCounty: Count,
  local: Count,
  placeUnknown: Count,
  publicWelfare: Count,
  workshop: Count,
  workRelief: Count,
  incomeAvgFen: Income.meta({ description: '务工收入: average monthly income in fen of those in work with one recorded' }),
  incomeMedianFen: Income,
  zeroEmploymentHouseholds: Count.meta({ description: '零就业家庭' }),
  trained: Count,
} satisfies Record<keyof Figures, z.ZodType>;

export const TrendQuery = z
  .object({
    regionCode: RegionCode.optional(),
    month: Month.optional().meta({ description: 'The last month (default: the month in progress)' }),
    months: z.coerce.number().int().min(2).max(36).default(13),
    category: z.enum(BREAKDOWN_CATEGORIES).default(LIFTED_GROUP).meta({ description: 'lifted_total: 脱贫人口（含监测对象）; low_income: 农村低收入人口, apart' }),
  })
  .strict();

export const TrendView = z
  .object({
    regionCode: z.string(),
    name: z.string().nullable(),
    category: z.enum(BREAKDOWN_CATEGORIES),
    points: z.array(z.object({ month: z.string(), ...FiguresShape }).meta({ id: 'TrendPoint' })).meta({ description: 'Oldest first' }),
  })
  .meta({ id: 'Trend' });

/** The month asked for, refused when it has not come yet (Beijing time). */
export function monthAsked(ctx: Ctx, month: string | undefined): string {
  const now = currentMonth(ctx.clock.now());
  const m = month ?? now;
  if (m > now) throw new ValidationFailed('future month', [{ path: 'query.month', message: 'errors:detail.monitoring.future_month' }]);
  return m;
}

/** Region code lengths, province to village. */
const LENGTHS = [2, 4, 6, 9, 12];

/**
 * The children of a region for one month, each with its measure, the month before, the same month a year
 * before, 环比 and 同比, ranked; the region itself as the total. Every child of the region is listed, with zeros
 * when nobody is registered there, so an empty township is seen, not missed.
 */
export async function childFigures(ctx: Ctx, actor: Actor, q: ChildFiguresQuery): Promise<ChildFiguresView> {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const month = monthAsked(ctx, q.month);
  const selfName = (await namesOf(ctx.db, [region])).get(region);
  if (selfName === undefined) throw new NotFound('region', region);
  const self = { code: region, name: selfName };
  const digits = childDigits(region);
  const leaf = region.length >= 12;
  const months = { now: month, before: addMonths(month, -1), yearAgo: addMonths(month, -12) };
  const load = async (m: string) => {
    // Each level from its snapshot where the month is closed; the levels counted from the records are counted in one pass.
    const { rows, closed } = await figuresAtLevels(ctx.db, region, leaf ? [region.length] : [region.length, digits], m);
    const of = new Map<string, Figures>();
    for (const r of rows) if (!leaf && r.regionCode.length === digits && r.category === q.category) of.set(r.regionCode, r.figures);
    return { self: rows.find((r) => r.regionCode === region && r.category === q.category)?.figures, children: of, closed };
  };
  const [now, before, yearAgo] = await Promise.all([load(months.now), load(months.before), load(months.yearAgo)]);

  const kids = leaf ? [] : await childrenOf(ctx.db, region);
  // Rows of people filed under a code the region list does not have below it (the region itself, or a code not loaded) are shown too, so the children add up to the total.
  const names = new Map<string, string | null>(kids.map((k) => [k.code, k.name]));
  for (const code of [...now.children.keys(), ...before.children.keys(), ...yearAgo.children.keys()]) if (!names.has(code)) names.set(code, code === region ? self.name : null);
  const codes = [...names.keys()];
  const grandChildren = await withChildren(ctx.db, codes);
  const row = (code: string, name: string | null, f: { now?: Figures; before?: Figures; yearAgo?: Figures }, direct: boolean) => {
    const is = f.now ?? emptyFigures();
    const value = is[q.measure];
    const monthBefore = (f.before ?? emptyFigures())[q.measure];
    const yearBefore = (f.yearAgo ?? emptyFigures())[q.measure];
    return {
      regionCode: code,
      name,
      direct,
      hasChildren: !direct && code.length < 12 && grandChildren.has(code),
      rank: null as number | null,
      value,
      monthBefore,
      yearBefore,
      mom: change(value, monthBefore),
      yoy: change(value, yearBefore),
      registered: is.registered,
      employed: is.employed,
    };
  };
  const items = codes.map((code) => row(code, names.get(code) ?? null, { now: now.children.get(code), before: before.children.get(code), yearAgo: yearAgo.children.get(code) }, code === region));
  const ranked = items.filter((r) => !r.direct && r.value !== null).sort((a, b) => b.value! - a.value! || a.regionCode.localeCompare(b.regionCode));
  ranked.forEach((r, i) => {
    r.rank = i + 1;
  });
  const rest = items.filter((r) => r.rank === null).sort((a, b) => Number(a.direct) - Number(b.direct) || a.regionCode.localeCompare(b.regionCode));
  const total = row(region, self.name, { now: now.self, before: before.self, yearAgo: yearAgo.self }, false);
  total.hasChildren = kids.length > 0;

  const pathCodes = LENGTHS.filter((n) => n >= actor.regionCode.length && n <= region.length).map((n) => region.slice(0, n));
  const pathNames = await namesOf(ctx.db, pathCodes);
  return {
    regionCode: region,
    name: self.name,
    month,
    monthBefore: months.before,
    yearBefore: months.yearAgo,
    category: q.category,
    measure: q.measure,
    closed: now.closed,
    path: pathCodes.map((code) => ({ code, name: pathNames.get(code) ?? null })),
    total,
    items: [...ranked, ...rest],
  };
}
