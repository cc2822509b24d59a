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
import { executeImport } from '../src/imports/service';
import { systemClock } from '../src/shared/clock';
import { report, scratchDatabase, seconds } from './support';

/**
 * `npm run bench:import [-- ROWS]`: imports a ROWS-row CSV of 农村贫困劳动力就业信息表 (default 100,000)
 * through the real import path (parse, validate, encrypt, upsert, record) and, in the same run,
 * loads the same rows with PostgreSQL COPY into a bare table. Target: at least a third of COPY's
 * rate, and under 30 s.
 */
const HEADER = ['序号', '姓名', '性别', '证件号码', '民族', '政治面貌', '文化程度', '健康状况', '劳动能力', '联系方式', '是否已就业', '就业地点', '就业单位名称', '就业时间', '就业意向', '就业服务需求'];

function csvLine(cells: Array<string | number>): string {
  return cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',') + '\n';
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000);
  const scratch = await scratchDatabase();
  try {
    const db = scratch.database.db;
    await loadRegions(db, '5325');
    const villages = (await db.select({ code: regions.code }).from(regions).where(and(like(regions.code, '5325%'), eq(regions.level, 5)))).map((r) => r.code);
    const gen = new Generator(villages, 7, new Date());
    const lines: string[] = [csvLine(HEADER)];
    for (let i = 0; i < rows; i++) lines.push(csvLine(formRow(gen.person(villages[i % villages.length]!), i + 1)));
    const file = Buffer.from(lines.join(''), 'utf8');
    process.stdout.write(`file: ${rows} rows, ${(file.length / 1e6).toFixed(1)} MB\n`);

    // Baseline: COPY of the same rows into a bare table with one text column per form column.
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    await client.query(`create table bench_copy (${HEADER.map((_, i) => `c${i} text`).join(', ')})`);
    const t0 = process.hrtime.bigint();
    await pipeline(Readable.from([file]), client.query(copyFrom(`copy bench_copy from stdin with (format csv, header true)`)));
    const copyS = seconds(t0);
    const copied = (await client.query('select count(*)::int n from bench_copy')).rows[0].n as number;
    await client.end();

    // Ours: the import job's own code path, as the worker runs it.
    const [account] = await db
      .insert(accounts)
      .values({ username: 'bench', passwordHash: await hashPassword('bench-password'), displayName: 'bench', role: 'prefecture', regionCode: '5325' })
      .returning();
    const vault = new PiiVault(Buffer.alloc(32, 9));
    // Stored as an upload is: encrypted until the import has run.
    const [imp] = await db.insert(imports).values({ fileName: 'bench.csv', file: vault.encryptBytes(file), regionCode: '5325', createdBy: account!.id, totalRows: rows }).returning();
    const ctx = { db, pii: vault, clock: systemClock };
    const t1 = process.hrtime.bigint();
    await executeImport(ctx, imp!.id, true);
    const importS = seconds(t1);
    const [done] = await db.select().from(imports).where(eq(imports.id, imp!.id));
    const accounted = done!.created + done!.updated + done!.unchanged + done!.rejected;

    const rowsPerS = Math.round(rows / importS);
    const copyRowsPerS = Math.round(copied / copyS);
    process.stdout.write(`COPY into a bare table: ${copied} rows in ${copyS.toFixed(2)} s = ${copyRowsPerS} rows/s\n`);
    process.stdout.write(`import: ${rows} rows in ${importS.toFixed(2)} s = ${rowsPerS} rows/s (created ${done!.created}, rejected ${done!.rejected}, accounted ${accounted})\n`);
    report({
      bench: 'import',
      rows,
      seconds: Number(importS.toFixed(2)),
      rowsPerS,
      baselineRowsPerS: copyRowsPerS,
      ratio: Number((rowsPerS / copyRowsPerS).toFixed(3)),
      accounted,
      target: 'ratio>=0.333 && seconds<30',
    });
  } finally {
    await scratch.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
