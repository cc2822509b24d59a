import { and, eq, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { importRejections, imports } from '../db/schema/imports';
import { levelsOf } from '../regions';
import { dayBefore, shanghaiDate } from '../shared/time';
import { applyImportedFiles, fileChanges, filesOf, type ImportedFile, followJob } from '../rain-dew';
import { closeHouseholdCase } from '../monitoring';
import { scheduleSteps } from '../outreach';
import { copyInsertJobs, copyInsertWorkers, createHouseholdsByHead, endImportedJob, type EmploymentRecord, householdsByHeads, openJobsOf, setHouseholdRelocated, startImportedJob, updateFromImport, workersByIdHashes, VILLAGE_LEVEL, existingFields, prepareWorker, prepareWorkers, type PreparedWorker, type WorkerFields, isMonitoredCategory } from '../registry';
import type { ColumnKey, HeaderLayout } from './columns';
import { parseRow, type ParsedRow } from './rows';
import type { Sheet } from './sheet';
import type { Cell } from './cells';

export { readSheet } from './bounded';
export { type Sheet } from './sheet';

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}
export interface Rejection {
  row: number;
  column: string | null;
  /** Locale key under errors:detail (translated when shown). */
  reason: string;
}
export interface Outcome {
  counts: Counts;
  rows: Rejection[];
  totalRows: number;
}

export const CHUNK = 2000;

type Ctx = Pick<AppContext, 'db' | 'pii' | 'clock'> & Partial<Pick<AppContext, 'queues'>>;

const FIELD_COLUMN: Partial<Record<keyof WorkerFields, ColumnKey>> = {
  name: 'name',
  idNumber: 'idNumber',
  phone: 'phone',
  sex: 'sex',
  monitoringType: 'monitoringType',
  regionCode: 'regionCode',
  notTransferredReason: 'notTransferredReason',
};

interface Planned {
  row: number;
  parsed: ParsedRow;
  prepared: PreparedWorker;
  headHash?: string;
}

/**
 * Reads every row into created / updated / unchanged / rejected. With `apply`, writes each chunk
 * in one transaction together with the import's counters, so a crash resumes exactly where the
 * last committed chunk ended and no row is counted twice or lost.
 */
export async function runImport(
  ctx: Ctx,
  actor: Actor,
  sheet: Sheet,
  opts: { regionCode: string; apply?: { importId: string; startAt: number; counts: Counts } ; onChunk?: (done: number, total: number) => Promise<void> | void },
): Promise<Outcome> {
  const counts: Counts = opts.apply ? { ...opts.apply.counts } : { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejections: Rejection[] = [];
  const seen = new Map<string, number>();
  const today = shanghaiDate(ctx.clock.now());
  const startAt = opts.apply?.startAt ?? 0;
  // The level of each division the file names (null: no such division), read once for the whole file.
  const levelOf = new Map<string, number | null>();

  /**
   * Parses one chunk here (yielding now and then, so PostgreSQL's answers to the chunk being written are
   * taken meanwhile) and has its rows checked, encrypted and hashed on the preparing threads.
   */
  const parseAndPrepare = async (rows: Array<[number, Cell[]]>) => {
    const parsedRows: ParsedRow[] = [];
    let n = 0;
    for (const [rowNumber, cells] of rows) {
      if (++n % 200 === 0) await new Promise((r) => setImmediate(r));
      parsedRows.push(parseRow(cells, rowNumber, sheet.layout, opts.regionCode, actor.regionCode));
    }
    const withFields = parsedRows.filter((p) => p.fields);
    const prepared = await prepareWorkers(ctx.pii, withFields.map((p) => p.fields!), ctx.clock.now());
    const preparedOf = new Map(withFields.map((p, i) => [p, prepared[i]!]));
    return parsedRows.map((parsed) => ({ parsed, prepared: preparedOf.get(parsed) }));
  };

  // Duplicates inside the file are found over the whole file, including rows already applied.
  for (let i = 0; i < startAt && i < sheet.rows.length; i += CHUNK) {
    for (const { parsed, prepared } of await parseAndPrepare(sheet.rows.slice(i, Math.min(i + CHUNK, startAt)))) {
      if (prepared?.ok && !seen.has(prepared.row.idNumberHash)) seen.set(prepared.row.idNumberHash, parsed.row);
    }
  }

  /** Parse, validate and encrypt one chunk, while PostgreSQL works on the previous one. */
  const prepareChunk = async (start: number) => {
    const chunk = sheet.rows.slice(start, start + CHUNK);
    const chunkRejections: Rejection[] = [];
    const planned: Planned[] = [];
    for (const { parsed, prepared } of await parseAndPrepare(chunk)) {
      const rowNumber = parsed.row;
      if (!parsed.fields || !prepared) {
        chunkRejections.push(...parsed.problems.map((p) => ({ row: rowNumber, column: p.column, reason: p.reason })));
        continue;
      }
      if (!prepared.ok) {
        chunkRejections.push(...prepared.problems.map((p) => ({ row: rowNumber, column: columnHeader(sheet.layout, FIELD_COLUMN[p.field]), reason: p.reason })));
        continue;
      }
      const first = seen.get(prepared.row.idNumberHash);
      if (first !== undefined) {
        chunkRejections.push({ row: rowNumber, column: columnHeader(sheet.layout, 'idNumber'), reason: `errors:detail.import.duplicate_in_file|${first}` });
        continue;
      }
      seen.set(prepared.row.idNumberHash, rowNumber);
      const headHash = parsed.householdHeadId ? ctx.pii.index('id', parsed.householdHeadId) : undefined;
      planned.push({ row: rowNumber, parsed, prepared: prepared.row, headHash });
    }
    return { start, chunk, chunkRejections, planned };
  };

  const applyChunk = async ({ start, chunk, chunkRejections, planned }: Awaited<ReturnType<typeof prepareChunk>>) => {
    const apply = async (db: Db) => {
      const delta: Counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
      const hashes = planned.map((p) => p.prepared.idNumberHash);
      const existing = await workersByIdHashes(db, hashes);
      const byHash = new Map(existing.map((w) => [w.idNumberHash, w]));
      const open = await openJobsOf(db, existing.map((w) => w.id));
      const openByWorker = new Map(open.map((r) => [r.workerId, r]));
      // Region codes given in the file must be real divisions.
      const codes = [...new Set(planned.map((p) => p.prepared.regionCode))];
      const unread = codes.filter((c) => !levelOf.has(c));
      if (unread.length) {
        const found = new Map((await levelsOf(db, unread)).map((r) => [r.code, r.level]));
        for (const c of unread) levelOf.set(c, found.get(c) ?? null);
      }
      const levels = new Map(codes.filter((c) => levelOf.get(c) != null).map((c) => [c, levelOf.get(c)!]));
      const known = new Set(levels.keys());
      // A home is a village or community (seed 003: the form asks for the 村); a township or above is refused.
      const village = (code: string) => levels.get(code) === VILLAGE_LEVEL;
      const householdIds = await resolveHouseholds(db, actor, planned.filter((p) => known.has(p.prepared.regionCode)), Boolean(opts.apply), ctx.clock.now());
      // Rain Dew graduate lists: the files of the people already registered.
      const files = planned.some((p) => p.parsed.rainDew) ? await filesOf(db, existing.map((w) => w.id)) : new Map<string, Awaited<ReturnType<typeof filesOf>> extends Map<string, infer F> ? F : never>();
      const fileItems: ImportedFile[] = [];

      const toInsert: Array<{ p: Planned; householdId: string | null }> = [];
      for (const p of planned) {
        const w = byHash.get(p.prepared.idNumberHash);
        const household = p.headHash ? householdIds.get(p.headHash) : undefined;
        if (household === DENIED || (w && !inScope(actor, w.regionCode))) {
          // The same answer whether the person or the household is held by another region.
          chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, household === DENIED ? 'householdHeadId' : 'idNumber'), reason: 'errors:detail.import.cannot_register_here' });
          continue;
        }
        const householdId = p.headHash ? (household ?? null) : undefined;
        if (!w) {
          if (!known.has(p.prepared.regionCode)) {
            chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, 'regionCode'), reason: 'errors:detail.unknown_region' });
            continue;
          }
          if (!village(p.prepared.regionCode)) {
            chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, 'regionCode'), reason: 'errors:detail.import.home_village' });
            continue;
          }
          toInsert.push({ p, householdId: householdId ?? null });
          continue;
        }
        // An existing person keeps whatever this row does not give: a short form never wipes a record.
        const given = Object.fromEntries([...p.parsed.given].map((k) => [k, p.parsed.fields![k]]));
        // A type given without a category: someone already monitored keeps the name their record has (监测对象
        // or 致贫对象); anyone else becomes monitored under the 2026 name.
        if (p.parsed.given.has('monitoringType') && !p.parsed.given.has('category') && !isMonitoredCategory(w.category)) given.category = 'at_risk';
        const merged = prepareWorker({ ...existingFields(w, ctx.pii), ...given }, ctx.pii, ctx.clock.now());
        if (!merged.ok) {
          chunkRejections.push(...merged.problems.map((x) => ({ row: p.row, column: columnHeader(sheet.layout, FIELD_COLUMN[x.field]), reason: x.reason })));
          continue;
        }
        if (merged.row.regionCode !== w.regionCode && !known.has(merged.row.regionCode)) {
          chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, 'regionCode'), reason: 'errors:detail.unknown_region' });
          continue;
        }
        if (merged.row.regionCode !== w.regionCode && !village(merged.row.regionCode)) {
          chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, 'regionCode'), reason: 'errors:detail.import.home_village' });
          continue;
        }
        p.prepared = merged.row;
        const fieldsChanged = w.contentHash !== p.prepared.contentHash;
        const householdChanged = householdId !== undefined && householdId !== w.householdId;
        const job = employmentChange(p.parsed, openByWorker.get(w.id), today);
        const school = p.parsed.rainDew;
        const fileChanged = school !== undefined && fileChanges(files.get(w.id), school);
        if (!fieldsChanged && !householdChanged && job.kind === 'none' && !fileChanged) {
          delta.unchanged++;
          continue;
        }
        delta.updated++;
        if (!opts.apply) continue;
        const now = ctx.clock.now();
        if (fieldsChanged || householdChanged) {
          await updateFromImport(db, w.id, { fields: fieldsChanged ? p.prepared : undefined, householdId: householdChanged ? householdId : undefined }, now);
        }
        await applyEmployment(db, w.id, job, actor.accountId, now);
        if (fileChanged) fileItems.push({ workerId: w.id, regionCode: p.prepared.regionCode, employed: job.kind === 'start' || (job.kind === 'none' && w.employed), facts: school });
      }

      delta.created += toInsert.length;
      if (opts.apply && toInsert.length) {
        const now = ctx.clock.now();
        const inserted = await copyInsertWorkers(
          db,
          toInsert.map(({ p, householdId }) => ({
            ...p.prepared,
            householdId,
            employed: Boolean(p.parsed.employment?.employed && p.parsed.employment.startDate),
          })),
          now,
        );
        const idByHash = new Map(inserted.map((r) => [r.idNumberHash, r.id]));
        const jobs = toInsert
          .filter(({ p }) => p.parsed.employment?.employed && p.parsed.employment.startDate)
          .map(({ p }) => ({
            workerId: idByHash.get(p.prepared.idNumberHash)!,
            employerName: p.parsed.employment!.employerName,
            place: p.parsed.employment!.place,
            startDate: p.parsed.employment!.startDate!,
            monthlyIncomeFen: p.parsed.employment!.monthlyIncomeFen,
            source: 'import' as const,
            recordedBy: actor.accountId,
          }));
        await copyInsertJobs(db, jobs);
        for (const { p } of toInsert) {
          if (!p.parsed.rainDew) continue;
          const employed = Boolean(p.parsed.employment?.employed && p.parsed.employment.startDate);
          fileItems.push({ workerId: idByHash.get(p.prepared.idNumberHash)!, regionCode: p.prepared.regionCode, employed, facts: p.parsed.rainDew });
        }
      }
      const steps = opts.apply && fileItems.length ? await applyImportedFiles(db, fileItems, files, actor.accountId, ctx.clock.now()) : [];

      delta.rejected = new Set(chunkRejections.map((r) => r.row)).size;
      if (opts.apply) {
        if (chunkRejections.length) {
          await db.insert(importRejections).values(chunkRejections.map((r) => ({ importId: opts.apply!.importId, ...r })));
        }
        // Only from where this run expects the import to stand: a run that was taken over (it stalled and
        // another worker went on) finds the count moved, and its chunk is rolled back, never written twice.
        const moved = await db
          .update(imports)
          .set({
            processedRows: start + chunk.length,
            heartbeatAt: ctx.clock.now(),
            created: sql`${imports.created} + ${delta.created}`,
            updated: sql`${imports.updated} + ${delta.updated}`,
            unchanged: sql`${imports.unchanged} + ${delta.unchanged}`,
            rejected: sql`${imports.rejected} + ${delta.rejected}`,
          })
          .where(and(eq(imports.id, opts.apply.importId), eq(imports.processedRows, start), eq(imports.status, 'running')))
          .returning({ id: imports.id });
        if (!moved.length) throw new ImportTakenOver(opts.apply.importId);
      }
      return { delta, steps };
    };

    const { delta, steps } = opts.apply ? await ctx.db.transaction((tx) => apply(tx)) : await apply(ctx.db);
    // Follow-ups of newly opened Rain Dew files get their delayed jobs once the chunk has committed.
    if (steps.length && ctx.queues) await scheduleSteps({ queues: ctx.queues, clock: ctx.clock }, steps);
    return { delta, chunkRejections, done: start + chunk.length };
  };

  const total = sheet.rows.length;
  let next = startAt < total ? prepareChunk(startAt) : undefined;
  while (next) {
    const current = await next;
    const nextStart = current.start + CHUNK;
    // The next chunk is prepared while this one is written.
    next = nextStart < total ? prepareChunk(nextStart) : undefined;
    // If writing this chunk fails, the prepared one is dropped without an unhandled rejection.
    next?.catch(() => undefined);
    const { delta, chunkRejections, done } = await applyChunk(current);
    counts.created += delta.created;
    counts.updated += delta.updated;
    counts.unchanged += delta.unchanged;
    counts.rejected += delta.rejected;
    rejections.push(...chunkRejections);
    await opts.onChunk?.(done, total);
  }
  rejections.sort((a, b) => a.row - b.row);
  return { counts, rows: rejections, totalRows: sheet.rows.length };
}

function columnHeader(layout: HeaderLayout, key: ColumnKey | undefined): string | null {
  if (!key) return null;
  for (const [c, k] of layout.columns) if (k === key) return layout.headers.get(c) ?? null;
  return null;
}

type JobChange =
  | { kind: 'none' }
  | { kind: 'start'; closeId?: string; closeOn?: string; record: { employerName: string | null; place: string | null; startDate: string; monthlyIncomeFen: number | null } }
  | { kind: 'end'; closeId: string; endDate: string };

/** What the row's employment columns change against the current record (a snapshot, read as of today). */
function employmentChange(parsed: ParsedRow, current: EmploymentRecord | undefined, today: string): JobChange {
  const e = parsed.employment;
  if (!e) return { kind: 'none' };
  if (!e.employed) {
    if (!current) return { kind: 'none' };
    return { kind: 'end', closeId: current.id, endDate: today < current.startDate ? current.startDate : today };
  }
  if (!e.startDate) return { kind: 'none' };
  if (current && (current.startDate > e.startDate || (current.startDate === e.startDate && current.employerName === e.employerName))) {
    return { kind: 'none' };
  }
  return {
    kind: 'start',
    closeId: current?.id,
    closeOn: current ? (current.startDate === e.startDate ? current.startDate : dayBefore(e.startDate)) : undefined,
    record: { employerName: e.employerName, place: e.place, startDate: e.startDate, monthlyIncomeFen: e.monthlyIncomeFen },
  };
}

async function applyEmployment(db: Db, workerId: string, job: JobChange, actorId: string, now: Date): Promise<void> {
  if (job.kind === 'none') return;
  if (job.kind === 'end') {
    await endImportedJob(db, workerId, job.closeId, job.endDate);
    await followJob(db, workerId, 'end', actorId, now);
    return;
  }
  await startImportedJob(db, workerId, job, actorId);
  await followJob(db, workerId, 'start', actorId, now);
  await closeHouseholdCase(db, workerId, now);
}

const DENIED = 'denied';

/**
 * Households named by their householder's ID number: found again, or created in the row's region.
 * One held by another region is marked DENIED: it is neither shown nor changed.
 */
async function resolveHouseholds(db: Db, actor: Actor, planned: Planned[], write: boolean, now: Date): Promise<Map<string, string>> {
  const wanted = new Map<string, Planned>();
  for (const p of planned) if (p.headHash && !wanted.has(p.headHash)) wanted.set(p.headHash, p);
  if (!wanted.size) return new Map();
  const found = await householdsByHeads(db, [...wanted.keys()]);
  const ids = new Map(found.map((h) => [h.headIdHash!, inScope(actor, h.regionCode) ? h.id : DENIED]));
  for (const p of planned) {
    const hid = p.headHash ? ids.get(p.headHash) : undefined;
    if (hid === DENIED) continue;
    if (write && hid && p.parsed.relocated !== undefined) await setHouseholdRelocated(db, hid, p.parsed.relocated);
  }
  const missing = [...wanted.entries()].filter(([h]) => !ids.has(h));
  if (write && missing.length) {
    const made = await createHouseholdsByHead(db, missing.map(([h, p]) => ({ headIdHash: h, regionCode: p.prepared.regionCode, relocated: p.parsed.relocated ?? false, createdAt: now })));
    for (const h of made) ids.set(h.headIdHash!, h.id);
  } else {
    // In a dry run a new household gets a placeholder id, so its members count as changed.
    for (const [h] of missing) ids.set(h, `new:${h}`);
  }
  return ids;
}

/** This run of an import lost it to another worker (it stalled past the heartbeat's limit): it stops without writing. */
export class ImportTakenOver extends Error {
  constructor(readonly importId: string) {
    super(`import ${importId} was taken over by another run`);
    this.name = 'ImportTakenOver';
  }
}
