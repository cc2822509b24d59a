import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { rowsOf, type Db } from '../db/client';
import { copyText, LINE_COLUMNS, pgTextArray } from './copy-text';
import type { PreparedWorker } from './prepare';

/**
 * Inserts many workers in one statement whose size does not grow with the row count: one array
 * parameter per column, expanded by unnest(). Far cheaper than a VALUES list of thousands of rows.
 */
export async function bulkInsertWorkers(
  db: Db,
  rows: Array<PreparedWorker & { householdId?: string | null; employed?: boolean }>,
  now: Date,
  opts: { consent?: boolean } = {},
): Promise<Array<{ id: string; idNumberHash: string }>> {
  if (!rows.length) return [];
  // One bound parameter per column (an array), never one per value.
  const col = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  const at = now.toISOString();
  const result = await db.execute(sql`
    insert into workers (household_id, name, sex, birth_date, id_number_enc, id_number_hash, id_number_masked,
      phone_enc, phone_hash, phone_masked, ethnicity, political_status, education, health, labor_capacity, category,
      monitoring_type, employed, intention, service_needs, skills, region_code, home_lat, home_lng, preferred_language,
      pay_floor_fen, content_hash, not_transferred_reason, consent, created_at, updated_at, last_activity_at)
    select household_id, name, sex::sex, birth_date, id_number_enc, id_number_hash, id_number_masked,
      phone_enc, phone_hash, phone_masked, ethnicity, political_status, education, health::health_status,
      labor_capacity::labor_capacity, category::worker_category, monitoring_type::monitoring_type, employed,
      intention::work_intention, service_needs::text[], skills::text[], region_code, home_lat, home_lng,
      preferred_language, pay_floor_fen, content_hash, not_transferred_reason, ${opts.consent ?? false}::boolean, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
    from unnest(
      ${col((r) => r.householdId ?? null)}::uuid[], ${col((r) => r.name)}::text[], ${col((r) => r.sex)}::text[],
      ${col((r) => r.birthDate)}::date[], ${col((r) => r.idNumberEnc)}::text[], ${col((r) => r.idNumberHash)}::text[],
      ${col((r) => r.idNumberMasked)}::text[], ${col((r) => r.phoneEnc ?? null)}::text[], ${col((r) => r.phoneHash ?? null)}::text[],
      ${col((r) => r.phoneMasked ?? null)}::text[], ${col((r) => r.ethnicity ?? null)}::text[], ${col((r) => r.politicalStatus ?? null)}::text[],
      ${col((r) => r.education ?? null)}::text[], ${col((r) => r.health ?? null)}::text[], ${col((r) => r.laborCapacity ?? 'full')}::text[],
      ${col((r) => r.category ?? 'lifted')}::text[], ${col((r) => r.monitoringType ?? null)}::text[], ${col((r) => r.employed ?? false)}::boolean[],
      ${col((r) => r.intention ?? null)}::text[], ${col((r) => pgTextArray(r.serviceNeeds))}::text[], ${col((r) => pgTextArray(r.skills))}::text[],
      ${col((r) => r.regionCode)}::text[], ${col((r) => r.homeLat ?? null)}::float8[], ${col((r) => r.homeLng ?? null)}::float8[],
      ${col((r) => r.preferredLanguage ?? 'zh-CN')}::text[], ${col((r) => r.payFloorFen ?? null)}::int[], ${col((r) => r.contentHash)}::text[],
      ${col((r) => r.notTransferredReason ?? null)}::text[]
    ) as t(household_id, name, sex, birth_date, id_number_enc, id_number_hash, id_number_masked, phone_enc, phone_hash,
      phone_masked, ethnicity, political_status, education, health, labor_capacity, category, monitoring_type, employed,
      intention, service_needs, skills, region_code, home_lat, home_lng, preferred_language, pay_floor_fen, content_hash,
      not_transferred_reason)
    returning id, id_number_hash as "idNumberHash"`);
  return rowsOf<{ id: string; idNumberHash: string }>(result);
}

export interface JobRow {
  workerId: string;
  employerName: string | null;
  place: string | null;
  startDate: string;
  endDate?: string | null;
  monthlyIncomeFen: number | null;
  source: 'import' | 'station' | 'self_report' | 'market';
  recordedBy?: string | null;
}

/** Employment records in one statement, as above. */
export async function bulkInsertJobs(db: Db, jobs: JobRow[]): Promise<void> {
  if (!jobs.length) return;
  const col = <T>(f: (j: JobRow) => T) => sql.param(jobs.map(f));
  await db.execute(sql`
    insert into employment_records (worker_id, employer_name, place, start_date, end_date, monthly_income_fen, source, recorded_by)
    select worker_id, employer_name, place, start_date, end_date, monthly_income_fen, source::record_source, recorded_by
    from unnest(${col((j) => j.workerId)}::uuid[], ${col((j) => j.employerName)}::text[], ${col((j) => j.place)}::text[],
      ${col((j) => j.startDate)}::date[], ${col((j) => j.endDate ?? null)}::date[], ${col((j) => j.monthlyIncomeFen)}::int[],
      ${col((j) => j.source)}::text[], ${col((j) => j.recordedBy ?? null)}::uuid[])
      as t(worker_id, employer_name, place, start_date, end_date, monthly_income_fen, source, recorded_by)`);
}

const WORKER_COPY = `copy workers (id, household_id, ${LINE_COLUMNS.map(([c]) => c).join(', ')}, created_at, updated_at, last_activity_at) from stdin`;

/** What drizzle's session under `db` talks to: a pg pool, a pg client (in a transaction), or the embedded database. */
const driverOf = (db: Db): unknown => (db as unknown as { session?: { client?: unknown } }).session?.client;

/** The pg client under `db` when it is a PostgreSQL server's connection (COPY works there), else undefined. */
function copyClient(db: Db): Client | undefined {
  const client = driverOf(db);
  return client instanceof Client ? client : undefined;
}

/** Whether `db` (a pool or a transaction) is a PostgreSQL server's, where new people are written by COPY. */
export function writesByCopy(db: Db): boolean {
  const client = driverOf(db);
  return client instanceof Client || client instanceof Pool;
}

/** Writes `rows` into `table` by COPY on `client`, each row's values in `columns`' order. */
async function copyRows<R>(client: Client, table: string, columns: Array<[string, (r: R) => unknown]>, rows: R[]): Promise<void> {
  const text = rows.map((r) => columns.map(([, f]) => copyText(f(r))).join('\t') + '\n').join('');
  await copyIn(client, `copy ${table} (${columns.map(([c]) => c).join(', ')}) from stdin`, text);
}

/** Sends `data`, COPY text of whole lines, to `statement` on `client`. */
async function copyIn(client: Client, statement: string, data: string | Buffer): Promise<void> {
  await pipeline(Readable.from([typeof data === 'string' ? Buffer.from(data, 'utf8') : data]), client.query(copyFrom(statement)));
}

/**
 * New people without consent (an import's), each given as its `workerCopyLine`, written by COPY in the
 * transaction `db` of a PostgreSQL server: ids made here, so nothing has to come back.
 */
export async function copyInsertWorkerLines(
  db: Db,
  rows: Array<{ line: Uint8Array; householdId: string | null; idNumberHash: string }>,
  now: Date,
): Promise<Array<{ id: string; idNumberHash: string }>> {
  if (!rows.length) return [];
  const client = copyClient(db);
  if (!client) throw new Error('new people are written by COPY only on a PostgreSQL server');
  const at = now.toISOString();
  const tail = `\t${at}\t${at}\t${at}\n`;
  const out: Array<{ id: string; idNumberHash: string }> = [];
  // The lines are UTF-8 already; what is put around them (ids, household, times) is ASCII, a byte a character.
  let size = 0;
  for (const r of rows) size += 36 + 1 + (r.householdId?.length ?? 2) + 1 + r.line.length + tail.length;
  const data = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const r of rows) {
    const id = randomUUID();
    out.push({ id, idNumberHash: r.idNumberHash });
    pos += data.write(`${id}\t${r.householdId ?? '\\N'}\t`, pos, 'latin1');
    data.set(r.line, pos);
    pos += r.line.length;
    pos += data.write(tail, pos, 'latin1');
  }
  await copyIn(client, WORKER_COPY, data.subarray(0, pos));
  return out;
}

const JOB_COLUMNS: Array<[string, (j: JobRow) => unknown]> = [
  ['worker_id', (j) => j.workerId], ['employer_name', (j) => j.employerName], ['place', (j) => j.place], ['start_date', (j) => j.startDate],
  ['end_date', (j) => j.endDate ?? null], ['monthly_income_fen', (j) => j.monthlyIncomeFen], ['source', (j) => j.source], ['recorded_by', (j) => j.recordedBy ?? null],
];

/** Employment records as `bulkInsertJobs` writes them, by COPY on a PostgreSQL server's transaction (an import's chunk). */
export async function copyInsertJobs(db: Db, jobs: JobRow[]): Promise<void> {
  const client = copyClient(db);
  if (!jobs.length || !client) return bulkInsertJobs(db, jobs);
  await copyRows(client, 'employment_records', JOB_COLUMNS, jobs);
}
