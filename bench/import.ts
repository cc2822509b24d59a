import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, eq, like } from 'drizzle-orm';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { hashPassword } from '../src/access/password';
import { accounts, imports, regions } from '../src/db/schema';
import { formRow, Generator } from '../src/demo/synthetic';
import { PiiVault } from '../src/pii/vault';
import { loadRegions } from '../src/regions/load';
import { readSheet } from '../src/imports/engine';
import { parseRow } from '../src/imports/rows';
import { executeImport } from '../src/imports/service';
import { closeReaders } from '../src/imports/bounded';
import { prepareWorker } from '../src/registry/prepare';
// The same text the import's own COPY carries for a new person (all but its id, household and times).
import { LINE_COLUMNS, workerCopyLine } from '../src/registry/copy-text';
import { systemClock } from '../src/shared/clock';
import { report, scratchDatabase, seconds } from './support';

/**
 * `npm run bench:import [-- ROWS]`: imports a ROWS-row CSV of 农村贫困劳动力就业信息表 (default 100,000)
 * through the real import path (parse, validate, encrypt, upsert, record) and, in the same run, the
 * physical floor of what it must write: COPY of the same rows, already parsed, validated, encrypted and
 * hashed, into the real `workers` table (with its indexes and constraints) of a second scratch database
 * built by the same migrations. Targets: at least a third of that rate, and 100,000 rows under 15 s. Both are
 * measured in rounds (`--rounds N`, 3 by default), each into fresh databases, and each side's median is taken.
 */
// The form's columns and each person's village: an import into a prefecture places every row in the village it names.
const HEADER = ['序号', '姓名', '性别', '证件号码', '民族', '政治面貌', '文化程度', '健康状况', '劳动能力', '联系方式', '是否已就业', '就业地点', '就业单位名称', '就业时间', '就业意向', '就业服务需求', '行政区划代码'];

function csvLine(cells: Array<string | number>): string {
  return cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',') + '\n';
}

/** The middle value (of an even count, the mean of the two in the middle). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A scratch database with the prefecture's divisions: the register's rows must name real ones (a foreign key). */
async function databaseWithRegions() {
  const scratch = await scratchDatabase();
  await loadRegions(scratch.database.db, '5325');
  return scratch;
}

/** The baseline once: COPY of the prepared rows into the real workers table of a fresh database. */
async function copyOnce(prepared: Buffer): Promise<{ seconds: number; rows: number }> {
  const floor = await databaseWithRegions();
  const client = new Client({ connectionString: floor.url });
  // A failed COPY is thrown below; the drop that follows must not turn the closed connection into a second error.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const t0 = process.hrtime.bigint();
    await pipeline(Readable.from([prepared]), client.query(copyFrom(`copy workers (${LINE_COLUMNS.map(([c]) => c).join(', ')}) from stdin`)));
    const s = seconds(t0);
    return { seconds: s, rows: (await client.query('select count(*)::int n from workers')).rows[0].n as number };
  } finally {
    await client.end().catch(() => undefined);
    await floor.drop();
  }
}

/** Ours once: the import job's own code path, as the worker runs it, into a fresh database. */
async function importOnce(file: Buffer, rows: number, vault: PiiVault): Promise<{ seconds: number; created: number; rejected: number; accounted: number }> {
  const scratch = await databaseWithRegions();
  try {
    const db = scratch.database.db;
    const [account] = await db
      .insert(accounts)
      .values({ username: 'bench', passwordHash: await hashPassword('bench-password'), displayName: 'bench', role: 'prefecture', regionCode: '5325' })
      .returning();
    // Stored as an upload is: encrypted until the import has run.
    const [imp] = await db.insert(imports).values({ fileName: 'bench.csv', file: vault.encryptBytes(file), regionCode: '5325', createdBy: account!.id, totalRows: rows }).returning();
    const t1 = process.hrtime.bigint();
    await executeImport({ db, pii: vault, clock: systemClock }, imp!.id, true);
    const s = seconds(t1);
    const [done] = await db.select().from(imports).where(eq(imports.id, imp!.id));
    return { seconds: s, created: done!.created, rejected: done!.rejected, accounted: done!.created + done!.updated + done!.unchanged + done!.rejected };
  } finally {
    // Every round starts its threads, as an import does in a service whose threads ended while idle.
    await closeReaders();
    await scratch.drop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Math.max(1, Number(args.splice(at, 2)[1])) : 3;
  const rows = Number(args[0] ?? 100_000);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(rounds)) throw new Error('usage: npm run bench:import [-- ROWS] [--rounds N]');

  const setup = await databaseWithRegions();
  let villages: string[];
  try {
    villages = (await setup.database.db.select({ code: regions.code }).from(regions).where(and(like(regions.code, '5325%'), eq(regions.level, 5)))).map((r) => r.code);
  } finally {
    await setup.drop();
  }
  const gen = new Generator(villages, 7, new Date());
  const lines: string[] = [csvLine(HEADER)];
  for (let i = 0; i < rows; i++) {
    const village = villages[i % villages.length]!;
    lines.push(csvLine([...formRow(gen.person(village), i + 1), village]));
  }
  const file = Buffer.from(lines.join(''), 'utf8');
  process.stdout.write(`file: ${rows} rows, ${(file.length / 1e6).toFixed(1)} MB; ${rounds} rounds, each a COPY and an import into fresh databases\n`);

  // Baseline: the rows as the import writes them (parsed, validated, encrypted, hashed; untimed), then COPY of
  // them into the real workers table, indexes and constraints included, of a database built by the same migrations.
  const vault = new PiiVault(Buffer.alloc(32, 9));
  const sheet = await readSheet('bench.csv', file);
  const now = new Date();
  const lines2: string[] = [];
  for (const [rowNumber, cells] of sheet.rows.slice(0)) {
    const parsed = parseRow(cells, rowNumber, sheet.layout, '5325');
    if (!parsed.fields) continue;
    const p = prepareWorker(parsed.fields, vault, now);
    if (!p.ok) continue;
    const employed = Boolean(parsed.employment?.employed && parsed.employment.startDate);
    lines2.push(workerCopyLine(p.row, employed) + '\n');
  }
  const prepared = Buffer.from(lines2.join(''), 'utf8');

  // Rounds, the two in turn (the baseline first in odd rounds, the import first in even ones), so that a stretch
  // of a busy machine falls on both; the figures are each side's median.
  const each: Array<{ copyS: number; copied: number; importS: number; accounted: number; created: number; rejected: number }> = [];
  for (let r = 0; r < rounds; r++) {
    const copyFirst = r % 2 === 0;
    const c = copyFirst ? await copyOnce(prepared) : undefined;
    const i = await importOnce(file, rows, vault);
    const c2 = c ?? (await copyOnce(prepared));
    each.push({ copyS: c2.seconds, copied: c2.rows, importS: i.seconds, accounted: i.accounted, created: i.created, rejected: i.rejected });
    const ratio = rows / i.seconds / (c2.rows / c2.seconds);
    process.stdout.write(`round ${r + 1}: COPY ${c2.rows} rows in ${c2.seconds.toFixed(2)} s; import ${rows} rows in ${i.seconds.toFixed(2)} s (created ${i.created}, rejected ${i.rejected}, accounted ${i.accounted}); ratio ${ratio.toFixed(3)}\n`);
  }

  const importS = median(each.map((e) => e.importS));
  const copyS = median(each.map((e) => e.copyS));
  const copied = Math.min(...each.map((e) => e.copied));
  const accounted = Math.min(...each.map((e) => e.accounted));
  const rowsPerS = Math.round(rows / importS);
  const copyRowsPerS = Math.round(copied / copyS);
  const ratio = Number((rowsPerS / copyRowsPerS).toFixed(3));
  const perHundredThousand = (importS * 100_000) / rows;
  const met = { ratio: ratio >= 1 / 3, seconds: perHundredThousand < 15 };
  process.stdout.write(`COPY of the prepared rows into the real workers table, median of ${rounds}: ${copied} rows in ${copyS.toFixed(2)} s = ${copyRowsPerS} rows/s\n`);
  process.stdout.write(`import, median of ${rounds}: ${rows} rows in ${importS.toFixed(2)} s = ${rowsPerS} rows/s (every round accounted for at least ${accounted})\n`);
  process.stdout.write(`ratio ${ratio} (target ≥ 0.333: ${met.ratio ? 'met' : 'missed'}); ${perHundredThousand.toFixed(1)} s per 100,000 rows (target < 15 s: ${met.seconds ? 'met' : 'missed'}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  report({
    bench: 'import',
    rows,
    rounds,
    seconds: Number(importS.toFixed(2)),
    rowsPerS,
    baselineRowsPerS: copyRowsPerS,
    baselineRowsPerSec: copyRowsPerS,
    baseline: 'copy of prepared rows into the real workers table',
    ratio,
    accounted,
    each: each.map((e) => ({ seconds: Number(e.importS.toFixed(2)), baselineSeconds: Number(e.copyS.toFixed(2)), ratio: Number((rows / e.importS / (e.copied / e.copyS)).toFixed(3)) })),
    target: 'ratio>=0.333 && seconds<15 per 100000 rows',
    targets: { ratio: 1 / 3, secondsPer100000: 15 },
    met: { ...met, all: met.ratio && met.seconds },
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
