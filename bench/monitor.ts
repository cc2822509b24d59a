import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { and, eq, like, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../src/db/client';
import { regions } from '../src/db/schema';
import { Generator } from '../src/demo/synthetic';
import { writePeople } from '../src/demo/write';
import { computeLevels, emptyFigures, FIGURE_KEYS, monthBounds, type Figures, type RegionFigures } from '../src/monitoring/figures';
import { PiiVault } from '../src/pii/vault';
import { loadRegions } from '../src/regions/load';
import { benchDatabase, report } from './support';

/**
 * `npm run bench:monitor [-- --workers N --records M --runs K]`: with N registered people (default 1,000,000) spread
 * over a province and M employment records (default 5,000,000), the time to compute one month's figures for the
 * province and every prefecture and county below it (what closing a month does), beside a baseline: one hand-written
 * SQL statement that computes the same figures at every level with GROUPING SETS. The baseline's figures are checked
 * equal to the service's, region by region and category by category, before anything is timed; a difference stops the
 * run. The target: the service within 1.5× the baseline, in the same run. The old reference, a bare GROUP BY per county
 * counting registered and employed only, is printed beside them.
 *
 * `BENCH_DB=name` measures a database kept from an earlier run (`BENCH_KEEP=1` prints its name) instead of seeding a
 * scratch one: it is migrated, seeded only when empty, and left in place.
 */
const TARGET = 1.5;

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * The baseline: the month's figures for every region of the given levels under `root`, per category, for 脱贫人口
 * 含监测对象 (lifted, monitored, at_risk) and for everyone, in one statement written by hand. People as they stood on the
 * month's last day (registered by then, not yet left), each with the job begun last of those open that day; the
 * trained are those whose training (recorded, or a session enrolled in and not cancelled) began in the month;
 * zero-employment households (someone able to work, nobody in work) by the household's region, under the category its
 * members share (the first when they differ) and under 脱贫人口 when any member is one.
 */
function baselineSql(root: string, levels: number[], month: string) {
  const { first, last, next } = monthBounds(month);
  const cols = levels.map((d) => `left(rc, ${d}) as l${d}`).join(', ');
  const sets = levels.flatMap((d) => [`(l${d}, category)`, `(l${d}, lifted)`, `(l${d})`]).join(', ');
  const region = `coalesce(${levels.map((d) => `l${d}`).join(', ')})`;
  return sql.raw(`
    with w as materialized (
      select id, region_code, household_id, labor_capacity, category::text as category,
        category::text in ('lifted', 'monitored', 'at_risk') as lifted
      from workers
      where region_code like '${root}%'
        and created_at < ('${next}'::date)::timestamp at time zone 'Asia/Shanghai'
        and (left_on is null or left_on > '${last}'::date)
    ),
    p as materialized (
      select w.*, h.region_code as home, cur.worker_id is not null as employed, cur.place_region_code as place, cur.kind, cur.monthly_income_fen as income
      from w left join households h on h.id = w.household_id left join (
        select distinct on (e.worker_id) e.worker_id, e.place_region_code, e.kind::text as kind, e.monthly_income_fen
        from employment_records e join w on w.id = e.worker_id
        where e.start_date <= '${last}'::date and (e.end_date is null or e.end_date >= '${last}'::date)
        order by e.worker_id, e.start_date desc, e.created_at desc, e.id desc
      ) cur on cur.worker_id = w.id
    ),
    tr as (
      select worker_id from training_records where start_date between '${first}'::date and '${last}'::date
      union
      select en.worker_id from enrolments en join training_sessions s on s.id = en.session_id
      where en.status <> 'cancelled' and s.status <> 'cancelled' and s.start_date between '${first}'::date and '${last}'::date
    ),
    hh as (
      select household_id, home, bool_or(labor_capacity <> 'none') as can_work, bool_or(employed) as works, min(category) as category, bool_or(lifted) as lifted
      from p
      where household_id is not null
      group by household_id, home
    ),
    facts as (
      select p.region_code as rc, p.category, p.lifted, true as person, p.employed, p.place, p.kind, p.income, p.id in (select worker_id from tr) as trained
      from p
      union all
      select home, category, lifted, false, false, null, null, null, false
      from hh
      where can_work and not works and home like '${root}%'
    )
    select ${region} as region, category, lifted, grouping(category) as no_category, grouping(lifted) as no_lifted,
      count(*) filter (where person)::int as registered,
      count(*) filter (where employed)::int as employed,
      count(*) filter (where left(place, 2) <> left(rc, 2))::int as out_of_province,
      count(*) filter (where left(place, 6) <> left(rc, 6))::int as out_of_county,
      count(*) filter (where left(place, 6) = left(rc, 6))::int as local,
      count(*) filter (where employed and place is null)::int as place_unknown,
      count(*) filter (where kind = 'public_welfare')::int as public_welfare,
      count(*) filter (where kind = 'workshop')::int as workshop,
      count(*) filter (where kind = 'work_relief')::int as work_relief,
      round(avg(income))::int as income_avg,
      round(percentile_cont(0.5) within group (order by income))::int as income_median,
      count(*) filter (where not person)::int as zero_households,
      count(*) filter (where trained)::int as trained
    from (select ${cols}, * from facts) f
    group by grouping sets (${sets})`);
}

type Row = Record<string, number | string | boolean | null>;

/** The baseline's rows as the service's keys: region|category (a category, lifted_total, all) → figures. */
function baselineFigures(rows: Row[]): Map<string, Figures> {
  const out = new Map<string, Figures>();
  for (const r of rows) {
    const key = Number(r.no_category) === 0 ? String(r.category) : Number(r.no_lifted) === 0 ? (r.lifted === true ? 'lifted_total' : null) : 'all';
    if (!key) continue;
    const num = (v: unknown) => (v === null ? null : Number(v));
    out.set(`${String(r.region)}|${key}`, {
      registered: Number(r.registered),
      employed: Number(r.employed),
      outOfProvince: Number(r.out_of_province),
      outOfCounty: Number(r.out_of_county),
      local: Number(r.local),
      placeUnknown: Number(r.place_unknown),
      publicWelfare: Number(r.public_welfare),
      workshop: Number(r.workshop),
      workRelief: Number(r.work_relief),
      incomeAvgFen: num(r.income_avg),
      incomeMedianFen: num(r.income_median),
      zeroEmploymentHouseholds: Number(r.zero_households),
      trained: Number(r.trained),
    });
  }
  return out;
}

/** Every figure of every region and category the same on both sides (a row missing on one side counts as empty); else the differences. */
function differences(ours: RegionFigures[], base: Map<string, Figures>): string[] {
  const mine = new Map(ours.map((r) => [`${r.regionCode}|${r.category}`, r.figures]));
  const diffs: string[] = [];
  for (const key of new Set([...mine.keys(), ...base.keys()])) {
    const a = mine.get(key) ?? emptyFigures();
    const b = base.get(key) ?? emptyFigures();
    for (const f of FIGURE_KEYS) if (a[f] !== b[f]) diffs.push(`${key} ${f}: service ${a[f]}, baseline ${b[f]}`);
  }
  return diffs;
}

/** The baseline, as the service's statement runs: a plain read with the server's settings. */
async function runBaseline(db: Db, statement: ReturnType<typeof baselineSql>): Promise<Row[]> {
  return rowsOf<Row>(await db.execute(statement));
}

const load = () => loadavg().map((x) => Number(x.toFixed(2)));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { workers: { type: 'string', default: '1000000' }, records: { type: 'string', default: '5000000' }, runs: { type: 'string', default: '3' }, province: { type: 'string', default: '53' } } });
  const nWorkers = Number(values.workers);
  const nRecords = Number(values.records);
  const runs = Number(values.runs);
  const province = values.province!;
  // BENCH_DB's kept database (created when missing), otherwise a scratch one dropped at the end.
  const scratch = await benchDatabase();
  try {
    const db = scratch.database.db;
    const today = new Date();
    const [{ people } = { people: 0 }] = rowsOf<{ people: number }>(await db.execute(sql`select count(*)::int as people from workers`));
    if (people === 0) {
      await loadRegions(db, province);
      const villages = (await db.select({ code: regions.code }).from(regions).where(and(like(regions.code, `${province}%`), eq(regions.level, 5)))).map((r) => r.code);
      const t0 = Date.now();
      const made = await writePeople(db, new PiiVault(Buffer.alloc(32, 5)), new Generator(villages, 11, today), nWorkers, today, {
        batchSize: 5000,
        onProgress: (n) => process.stdout.write(`\rseeding people: ${n}/${nWorkers}`),
      });
      process.stdout.write(` (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      // Older, closed jobs (2016–2021) up to the number of records asked for, with a place and a kind.
      const more = Math.max(0, nRecords - made.jobs);
      const t1 = Date.now();
      await db.execute(sql`
        insert into employment_records (worker_id, employer_name, place_region_code, kind, start_date, end_date, monthly_income_fen, source)
        select w.id, '历史务工', (array[${province} || '2501', '330200', left(w.region_code, 6)])[1 + (g % 3)],
          (array['regular', 'public_welfare', 'workshop', 'work_relief', 'seasonal']::job_kind[])[1 + (g % 5)],
          d, d + 120, 200000 + (g % 40) * 10000, 'import'
        from (select id, region_code, row_number() over () as rn from workers) w
        cross join lateral (select g, date '2016-01-01' + ((w.rn * 7 + g * 131) % 1800)::int as d from generate_series(1, ${Math.ceil(more / nWorkers)}) g) s
        limit ${more}`);
      process.stdout.write(`older employment records (${((Date.now() - t1) / 1000).toFixed(0)} s)\n`);
    }
    await db.execute(sql`vacuum analyze`);
    const [counted] = rowsOf<{ workers: number; records: number; counties: number }>(
      await db.execute(sql`select (select count(*)::int from workers) as workers, (select count(*)::int from employment_records) as records,
        (select count(distinct left(code, 6))::int from regions where code like ${`${province}%`} and level = 5) as counties`),
    );
    process.stdout.write(`people: ${counted!.workers}, employment records: ${counted!.records}\n`);

    const month = today.toISOString().slice(0, 7);
    const { last } = monthBounds(month);
    const levels = [province.length, 4, 6].filter((d, k, a) => a.indexOf(d) === k && d >= province.length);
    const statement = baselineSql(province, levels, month);

    // The baseline must compute what the service computes, or it is no baseline: checked before timing (this also warms the cache).
    const served = await computeLevels(db, province, levels, month);
    const based = baselineFigures(await runBaseline(db, statement));
    const diffs = differences(served, based);
    if (diffs.length) {
      process.stderr.write(`the baseline's figures differ from the service's in ${diffs.length} places:\n${diffs.slice(0, 20).join('\n')}\n`);
      process.exit(2);
    }
    const lifted = served.find((r) => r.regionCode === province && r.category === 'lifted_total')?.figures;
    process.stdout.write(`figures checked equal: ${served.length} rows (regions × categories), e.g. the province's 脱贫人口 ${lifted?.registered} registered, ${lifted?.employed} employed, median income ${lifted?.incomeMedianFen} fen\n`);

    const loadBefore = load();
    const ours: number[] = [];
    const base: number[] = [];
    // Alternate so both see the same cache and the same neighbours.
    for (let i = 0; i < runs; i++) {
      ours.push(await time(() => computeLevels(db, province, levels, month)));
      base.push(await time(() => runBaseline(db, statement)));
      process.stdout.write(`run ${i + 1}: service ${Math.round(ours[i]!)} ms, baseline ${Math.round(base[i]!)} ms, load ${load().join(' ')}\n`);
    }
    const bare = await time(() =>
      db.execute(sql`
        select left(w.region_code, 6) as county, count(*) as registered, count(j.worker_id) as employed
        from workers w
        left join (select distinct worker_id from employment_records where start_date <= ${last}::date and (end_date is null or end_date >= ${last}::date)) j on j.worker_id = w.id
        where w.region_code like ${`${province}%`}
        group by 1`),
    );
    const loadAfter = load();
    const best = (xs: number[]) => Math.round(Math.min(...xs));
    const monthMs = best(ours);
    const baselineMs = best(base);
    const ratio = Number((monthMs / Math.max(baselineMs, 1)).toFixed(2));
    process.stdout.write(
      `one month, province → prefectures → counties, best of ${runs}: service ${monthMs} ms, baseline (one GROUPING SETS statement, same figures) ${baselineMs} ms, ×${ratio} (target ≤ ×${TARGET}); ` +
        `bare GROUP BY per county (registered and employed only) ${Math.round(bare)} ms; load average ${loadBefore.join(' ')} → ${loadAfter.join(' ')}\n`,
    );
    report({
      bench: 'monitor',
      workers: counted!.workers,
      records: counted!.records,
      monthMs,
      baselineMs,
      counties: counted!.counties,
      ratio,
      target: TARGET,
      met: ratio <= TARGET,
      bareGroupByMs: Math.round(bare),
      figuresEqual: true,
      rows: served.length,
      load: loadAfter,
    });
  } finally {
    await scratch.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
