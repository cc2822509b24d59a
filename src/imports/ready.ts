import type { PiiVault } from '../pii/vault';
import { prepareWorker, workerCopyLine, type PreparedWorker, type WorkerFields } from '../registry/pure';
import type { SchoolFacts } from '../rain-dew';
import { unpackCells } from './cells';
import { columnHeader, type ColumnKey, type HeaderLayout } from './columns';
import { parseRow } from './rows';

export interface Rejection {
  row: number;
  column: string | null;
  /** Locale key under errors:detail (translated when shown). */
  reason: string;
}

/** The column a problem with one of a person's fields is reported under. */
export const FIELD_COLUMN: Partial<Record<keyof WorkerFields, ColumnKey>> = {
  name: 'name',
  idNumber: 'idNumber',
  phone: 'phone',
  sex: 'sex',
  monitoringType: 'monitoringType',
  regionCode: 'regionCode',
  notTransferredReason: 'notTransferredReason',
};

/**
 * What a row becomes before its chunk is written: `line`, the new person's values as COPY text (on a
 * PostgreSQL server); `row`, the prepared person itself (the embedded database writes it by an insert);
 * `none`, neither (a dry run, or rows already applied, read again only for their ID numbers).
 */
export type Want = 'line' | 'row' | 'none';

/** A row that passed every check of its own: what writing it as a new person needs, and no more. */
export interface ReadyRow {
  ok: true;
  /** The row number a person sees in the spreadsheet. */
  row: number;
  /** Its place among the sheet's data rows: a person already registered is read again from there. */
  at: number;
  idNumberHash: string;
  regionCode: string;
  /** The householder's ID number, as the vault indexes it, when the row names one. */
  headHash?: string;
  relocated?: boolean;
  /** The job the row says the person holds (employed, from a date). */
  job?: { employerName: string | null; place: string | null; startDate: string; monthlyIncomeFen: number | null };
  rainDew?: SchoolFacts;
  /** The new person's values as COPY text, in UTF-8 (see `encodeLines`). */
  line?: Uint8Array;
  /** The same as a string, until `encodeLines` has made it `line`. */
  text?: string;
  prepared?: PreparedWorker;
}

export interface RefusedRow {
  ok: false;
  row: number;
  problems: Rejection[];
}

export type RowResult = ReadyRow | RefusedRow;

export interface ReadyOptions {
  layout: HeaderLayout;
  /** Where rows without a region column are placed. */
  defaultRegion: string;
  /** Where a region given in the file may be. */
  scope: string;
  today: Date;
  want: Want;
}

/**
 * Parses, checks, encrypts and indexes one row, as a preparing thread does for a whole chunk: the same
 * answer wherever it runs, since it reads nothing but the row, the layout and the vault's keys.
 */
export function readyRow(packedCells: string, rowNumber: number, at: number, vault: PiiVault, o: ReadyOptions): RowResult {
  const parsed = parseRow(unpackCells(packedCells), rowNumber, o.layout, o.defaultRegion, o.scope);
  if (!parsed.fields) return { ok: false, row: rowNumber, problems: parsed.problems.map((p) => ({ row: rowNumber, column: p.column, reason: p.reason })) };
  const prepared = prepareWorker(parsed.fields, vault, o.today);
  if (!prepared.ok) {
    return { ok: false, row: rowNumber, problems: prepared.problems.map((p) => ({ row: rowNumber, column: columnHeader(o.layout, FIELD_COLUMN[p.field]), reason: p.reason })) };
  }
  const e = parsed.employment;
  const job = e?.employed && e.startDate ? { employerName: e.employerName, place: e.place, startDate: e.startDate, monthlyIncomeFen: e.monthlyIncomeFen } : undefined;
  const ready: ReadyRow = { ok: true, row: rowNumber, at, idNumberHash: prepared.row.idNumberHash, regionCode: prepared.row.regionCode };
  if (parsed.householdHeadId) ready.headHash = vault.index('id', parsed.householdHeadId);
  if (parsed.relocated !== undefined) ready.relocated = parsed.relocated;
  if (job) ready.job = job;
  if (parsed.rainDew) ready.rainDew = parsed.rainDew;
  if (o.want === 'line') ready.text = workerCopyLine(prepared.row, Boolean(job));
  else if (o.want === 'row') ready.prepared = prepared.row;
  return ready;
}

/**
 * Turns the rows' COPY text into UTF-8 bytes, all in one buffer of which each row keeps a view. A slice of rows
 * then crosses from its thread as one copy of bytes rather than a string a row, and is written to PostgreSQL as
 * it is, with nothing to encode or collect on the event loop.
 */
export function encodeLines(results: RowResult[]): RowResult[] {
  let size = 0;
  for (const r of results) if (r.ok && r.text !== undefined) size += Buffer.byteLength(r.text, 'utf8');
  if (!size) return results;
  const bytes = Buffer.from(new ArrayBuffer(size));
  let at = 0;
  for (const r of results) {
    if (!r.ok || r.text === undefined) continue;
    const n = bytes.write(r.text, at, 'utf8');
    r.line = new Uint8Array(bytes.buffer, at, n);
    at += n;
    delete r.text;
  }
  return results;
}
