import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { employmentSpellsAs, registeredHouseholdsAs, registeredPeopleAs } from '../registry';
import { LIFTED_GROUP, liftedSql, REGISTER_TOTAL } from './categories';
import { trainingStarts } from './training';

/**
 * The monthly figures of employment monitoring (监测调度, seed 000 national §3.2, seed 001 §3.2), per
 * region and category, read from the dated records as they stood on the month's last day, so any past
 * month can be computed again and gives the same answer.
 */
export interface Figures {
  /** People on the register that day (registered by then, not yet left). */
  registered: number;
  /** 务工规模: of them, in work that day. */
  employed: number;
  outOfProvince: number;
  /** Out of their county (in or out of the province). */
  outOfCounty: number;
  /** In their own county. */
  local: number;
  /** In work whose place was not recorded. */
  placeUnknown: number;
  publicWelfare: number;
  workshop: number;
  workRelief: number;
  /** 务工收入: average and median monthly income of those in work with a recorded income, in fen. */
  incomeAvgFen: number | null;
  incomeMedianFen: number | null;
  /** Households with someone able to work and nobody in work that day (零就业家庭). */
  zeroEmploymentHouseholds: number;
  /** People whose training started in the month: recorded in the register or enrolled in a market session that began then. */
  trained: number;
}

export const FIGURE_KEYS = ['registered', 'employed', 'outOfProvince', 'outOfCounty', 'local', 'placeUnknown', 'publicWelfare', 'workshop', 'workRelief', 'incomeAvgFen', 'incomeMedianFen', 'zeroEmploymentHouseholds', 'trained'] as const;

export interface RegionFigures {
  regionCode: string;
  /**
   * A category of the register (lifted, monitored, low_income); `lifted_total`, 脱贫人口 含监测对象 (lifted and
   * monitored, seed 000 national §1, seed 001 §1), the headline; or `all`, the register total.
   */
  category: string;
  figures: Figures;
}

/** First and last day of a month given as YYYY-MM, and the first day of the next one. */
export function monthBounds(month: string): { first: string; last: string; next: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1, 1));
  const next = new Date(Date.UTC(y, m, 1));
  const last = new Date(next.getTime() - 86400_000);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { first: iso(first), last: iso(last), next: iso(next) };
}

/** YYYY-MM moved by n months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/** A month with nobody counted: zeros, and no income. */
export const emptyFigures = (): Figures => ({
  registered: 0,
  employed: 0,
  outOfProvince: 0,
  outOfCounty: 0,
  local: 0,
  placeUnknown: 0,
  publicWelfare: 0,
  workshop: 0,
  workRelief: 0,
  incomeAvgFen: null,
  incomeMedianFen: null,
  zeroEmploymentHouseholds: 0,
  trained: 0,
});

/**
 * One month's figures for every region `digits` long under `root` (e.g. every county of a province),
 * each for all people and for each category.
 */
export async function computeFigures(db: Db, root: string, digits: number, month: string): Promise<RegionFigures[]> {
  return computeLevels(db, root, [digits], month);
}

/**
 * The same for several levels at once (a province, its prefectures and its counties), in one statement: the people,
 * their jobs and trainings and their households are read once, and every level is grouped together (GROUPING SETS
 * over the region-code prefixes), so closing a month reads the records once.
 * With `asOf` (a day of the month) the figures are those of that day: the month so far.
 */
export async function computeLevels(db: Db, root: string, levels: number[], month: string, asOf?: string): Promise<RegionFigures[]> {
  const bounds = monthBounds(month);
  const first = bounds.first;
  const last = asOf && asOf < bounds.last ? asOf : bounds.last;
  const next = asOf && asOf < bounds.last ? new Date(Date.parse(`${asOf}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10) : bounds.next;
  const lv = [...new Set(levels)].sort((a, b) => a - b);
  const cols = lv.map((d) => sql.raw(`left(f.region_code, ${Number(d)}) as l${Number(d)}`));
  const sets = sql.raw(lv.flatMap((d) => [`(l${d}, category)`, `(l${d}, grp)`, `(l${d})`]).join(', '));
  const region = sql.raw(`coalesce(${lv.map((d) => `l${d}`).join(', ')})`);
  const statement = sql`
    with w as materialized (
      select id, region_code, household_id, labor_capacity, category::text as category, ${liftedSql(sql`category`)} as lifted
      from ${registeredPeopleAs('r')}
      where region_code like ${`${root}%`}
        and created_at < (${next}::date)::timestamp at time zone 'Asia/Shanghai'
        and (left_on is null or left_on > ${last}::date)
    ),
    -- Each person with their job that day: the one begun last (recorded last, on a tie). Joined once, as a subquery the
    -- planner sees is one row per person; a CTE would hide that, and its guesses for the joins after it reach billions of rows.
    -- (No word here may look like a write: the replica's router reads the whole text.)
    p as materialized (
      select w.id, w.region_code, w.household_id, h.region_code as household_region, w.labor_capacity, w.category, w.lifted, j.worker_id as employed_id, j.place_region_code, j.kind, j.monthly_income_fen
      from w left join ${registeredHouseholdsAs('h')} on h.id = w.household_id left join (
        select distinct on (e.worker_id) e.worker_id, e.place_region_code, e.kind::text as kind, e.monthly_income_fen
        from ${employmentSpellsAs('e')}
        join w on w.id = e.worker_id
        where e.start_date <= ${last}::date and (e.end_date is null or e.end_date >= ${last}::date)
        order by e.worker_id, e.start_date desc, e.created_at desc, e.id desc
      ) j on j.worker_id = w.id
    ),
    t as (
      select tr.worker_id from ${trainingStarts()} tr
      where tr.start_date >= ${first}::date and tr.start_date <= ${last}::date
    ),
    -- 零就业家庭: a household with someone able to work on the register that day and nobody of it in work.
    members as (
      select p.household_id, p.household_region, bool_or(p.labor_capacity <> 'none') as can_work, bool_or(p.employed_id is not null) as someone_works, min(p.category) as category,
        bool_or(p.lifted) as lifted
      from p
      where p.household_id is not null
      group by p.household_id, p.household_region
    ),
    facts as (
      select p.region_code, p.category, case when p.lifted then ${LIFTED_GROUP}::text end as grp, true as person, p.region_code as home,
        p.employed_id, p.place_region_code, p.kind, p.monthly_income_fen, p.id in (select worker_id from t) as trained
      from p
      union all
      -- A household counts under the category its members share (the first, when they differ), under 脱贫人口 when any member is one, and under all.
      select m.household_region, m.category, case when m.lifted then ${LIFTED_GROUP}::text end, false, m.household_region, null, null, null, null, false
      from members m
      where m.can_work and not m.someone_works and m.household_region like ${`${root}%`}
    )
    select ${region} as region, category, grp, grouping(category) as all_categories, grouping(grp) as no_group,
      count(*) filter (where person)::int as registered,
      count(employed_id)::int as employed,
      count(*) filter (where place_region_code is not null and left(place_region_code, 2) <> left(home, 2))::int as out_of_province,
      count(*) filter (where place_region_code is not null and left(place_region_code, 6) <> left(home, 6))::int as out_of_county,
      count(*) filter (where place_region_code is not null and left(place_region_code, 6) = left(home, 6))::int as local,
      count(*) filter (where employed_id is not null and place_region_code is null)::int as place_unknown,
      count(*) filter (where kind = 'public_welfare')::int as public_welfare,
      count(*) filter (where kind = 'workshop')::int as workshop,
      count(*) filter (where kind = 'work_relief')::int as work_relief,
      round(avg(monthly_income_fen))::int as income_avg,
      round(percentile_cont(0.5) within group (order by monthly_income_fen))::int as income_median,
      count(*) filter (where not person)::int as zero_households,
      count(*) filter (where trained)::int as trained
    from (select ${sql.join(cols, sql`, `)}, f.* from facts f) x
    group by grouping sets (${sets})`;
  // One plain read, outside any transaction, so a read replica can serve it.
  const rows = rowsOf<Record<string, unknown>>(await db.execute(statement));
  const out = new Map<string, RegionFigures>();
  const at = (region: string, category: string) => {
    const key = `${region}|${category}`;
    let r = out.get(key);
    if (!r) {
      r = { regionCode: region, category, figures: emptyFigures() };
      out.set(key, r);
    }
    return r;
  };
  // A row per category, per group (脱贫人口 含监测对象; people outside it have no group and give no row) and the total.
  const keyOf = (r: { category?: string | null; grp?: string | null; all_categories: unknown; no_group: unknown }): string | null =>
    Number(r.all_categories) === 0 ? String(r.category) : Number(r.no_group) === 0 ? (r.grp === null || r.grp === undefined ? null : r.grp) : REGISTER_TOTAL;
  for (const p of rows) {
    const category = keyOf(p as Parameters<typeof keyOf>[0]);
    if (!category) continue;
    const f = at(String(p.region), category).figures;
    f.registered = Number(p.registered);
    f.employed = Number(p.employed);
    f.outOfProvince = Number(p.out_of_province);
    f.outOfCounty = Number(p.out_of_county);
    f.local = Number(p.local);
    f.placeUnknown = Number(p.place_unknown);
    f.publicWelfare = Number(p.public_welfare);
    f.workshop = Number(p.workshop);
    f.workRelief = Number(p.work_relief);
    f.incomeAvgFen = p.income_avg === null ? null : Number(p.income_avg);
    f.incomeMedianFen = p.income_median === null ? null : Number(p.income_median);
    f.zeroEmploymentHouseholds = Number(p.zero_households);
    f.trained = Number(p.trained);
  }
  return [...out.values()].sort((a, b) => a.regionCode.length - b.regionCode.length || a.regionCode.localeCompare(b.regionCode) || (a.category === REGISTER_TOTAL ? -1 : b.category === REGISTER_TOTAL ? 1 : a.category.localeCompare(b.category)));
}

/** Change in per cent from `before` to `now` (one decimal), or null when there is nothing to compare. */
export function change(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return Math.round(((now - before) / before) * 1000) / 10;
}
