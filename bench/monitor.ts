import { parseArgs } from 'node:util';
import { and, eq, like, sql } from 'drizzle-orm';
import { rowsOf } from '../src/db/client';
import { regions } from '../src/db/schema';
import { Generator } from '../src/demo/synthetic';
import { writePeople } from '../src/demo/write';
import { computeLevels, monthBounds } from '../src/monitoring/figures';
import { PiiVault } from '../src/pii/vault';
import { loadRegions } from '../src/regions/load';
import { report, scratchDatabase } from './support';

/**
 * `npm run bench:monitor [-- --workers N --records M --runs K]`: with N registered people (default
 * 1,000,000) spread over a province and M employment records (default 5,000,000), the time to compute one
 * month's figures for the province and every prefecture and county below it (what closing a month does),
 * beside one hand-written SQL GROUP BY over the same rows counting registered and employed per county.
 */
async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { workers: { type: 'string', default: '1000000' }, records: { type: 'string', default: '5000000' }, runs: { type: 'string', default: '3' }, province: { type: 'string', default: '53' } } });
  const nWorkers = Number(values.workers);
  const nRecords = Number(values.records);
  const runs = Number(values.runs);
  const province = values.province!;
  const scratch = await scratchDatabase();
  try {
    const db = scratch.database.db;
    await loadRegions(db, province);
    const villages = (await db.select({ code: regions.code }).from(regions).where(and(like(regions.code, `${province}%`), eq(regions.level, 5)))).map((r) => r.code);
    const today = new Date();
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
    await db.execute(sql`vacuum analyze`);
    const [{ n } = { n: 0 }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from employment_records`));
    process.stdout.write(`employment records: ${n} (${((Date.now() - t1) / 1000).toFixed(0)} s)\n`);

    const month = today.toISOString().slice(0, 7);
    const { last } = monthBounds(month);
    const ours: number[] = [];
    const bare: number[] = [];
    // Warm-up, then alternate so both see the same cache.
    const levels = [province.length, 4, 6].filter((d, k, a) => a.indexOf(d) === k && d >= province.length);
    await computeLevels(db, province, levels, month);
    for (let i = 0; i < runs; i++) {
      ours.push(await time(() => computeLevels(db, province, levels, month)));
      bare.push(await time(() =>
        db.execute(sql`
          select left(w.region_code, 6) as county, count(*) as registered, count(j.worker_id) as employed
          from workers w
          left join (select distinct worker_id from employment_records where start_date <= ${last}::date and (end_date is null or end_date >= ${last}::date)) j on j.worker_id = w.id
          where w.region_code like ${`${province}%`}
          group by 1`),
      ));
    }
    const best = (xs: number[]) => Math.round(Math.min(...xs));
    const figures = { monthMs: best(ours), baselineMs: best(bare), counties: new Set(villages.map((v) => v.slice(0, 6))).size };
    process.stdout.write(`one month, province → prefectures → counties: ${figures.monthMs} ms (bare GROUP BY per county: ${figures.baselineMs} ms), best of ${runs}\n`);
    report({ bench: 'monitor', workers: made.workers, records: n, ...figures, ratio: Number((figures.monthMs / Math.max(figures.baselineMs, 1)).toFixed(2)) });
  } finally {
    await scratch.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
