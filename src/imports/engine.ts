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
import { bulkInsertWorkers, copyInsertJobs, copyInsertWorkerLines, createHouseholdsByHead, registeredIdHashes, endImportedJob, type EmploymentRecord, householdsByHeads, openJobsOf, setHouseholdRelocated, startImportedJob, updateFromImport, workersByIdHashes, VILLAGE_LEVEL, existingFields, prepareWorker, isMonitoredCategory, writesByCopy } from '../registry';
import { columnHeader } from './columns';
import { FIELD_COLUMN, type ReadyRow, type Rejection, type Want } from './ready';
import { readyRows } from './ready-pool';
import { parseRow, type ParsedRow } from './rows';
import type { Sheet } from './sheet';

export { openSheet, readSheet } from './bounded';
export { type Sheet } from './sheet';

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}
export type { Rejection };
export interface Outcome {
  counts: Counts;
  rows: Rejection[];
  totalRows: number;
}

export const CHUNK = 5000;

type Ctx = Pick<AppContext, 'db' | 'pii' | 'clock'> & Partial<Pick<AppContext, 'queues'>>;

/**
 * Reads every row into created / updated / unchanged / rejected. With `apply`, writes each chunk
 * in one transaction together with the import's counters, so a crash resumes exactly where the
 * last committed chunk ended and no row is counted twice or lost.
 */
export async function runImport(
  ctx: Ctx,
  actor: Actor,
  sheet: Sheet,
  opts: { regionCode: string; apply?: { importId: string; startAt: number; counts: Counts } ; onChunk?: (done: number, read: number) => Promise<void> | void },
): Promise<Outcome> {
  const counts: Counts = opts.apply ? { ...opts.apply.counts } : { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejections: Rejection[] = [];
  const seen = new Map<string, number>();
  const today = shanghaiDate(ctx.clock.now());
  const startAt = opts.apply?.startAt ?? 0;
  // The level of each division the file names (null: no such division), read once for the whole file.
  const levelOf = new Map<string, number | null>();

  // A new person travels back from the preparing threads as its COPY text on a PostgreSQL server, and as the
  // prepared row on the embedded database; a dry run needs neither.
  const want: Want = opts.apply ? (writesByCopy(ctx.db) ? 'line' : 'row') : 'none';
  const ready = (start: number, end: number, w: Want) =>
    readyRows(ctx.pii, sheet, start, end, { defaultRegion: opts.regionCode, scope: actor.regionCode, today: ctx.clock.now(), want: w });

  // Duplicates inside the file are found over the whole file, including rows already applied. Rows still being
  // read (see `openSheet`) are waited for.
  for (let i = 0; i < startAt; i += CHUNK) {
    const end = await sheet.rows.until(Math.min(i + CHUNK, startAt));
    if (end <= i) break;
    for (const r of await ready(i, end, 'none')) {
      if (r.ok && !seen.has(r.idNumberHash)) seen.set(r.idNumberHash, r.row);
    }
  }

  /**
   * Parse, validate and encrypt one chunk (on the preparing threads), while PostgreSQL works on the previous one;
   * undefined when the sheet has no rows from `start`.
   */
  const prepareChunk = async (start: number) => {
    const end = await sheet.rows.until(start + CHUNK);
    if (end <= start) return undefined;
    const chunkRejections: Rejection[] = [];
    const planned: ReadyRow[] = [];
    for (const r of await ready(start, end, want)) {
      if (!r.ok) {
        chunkRejections.push(...r.problems);
        continue;
      }
      const first = seen.get(r.idNumberHash);
      if (first !== undefined) {
        chunkRejections.push({ row: r.row, column: columnHeader(sheet.layout, 'idNumber'), reason: `errors:detail.import.duplicate_in_file|${first}` });
        continue;
      }
      seen.set(r.idNumberHash, r.row);
      planned.push(r);
    }
    // On a PostgreSQL server, who of these is already registered is asked here, on a connection of its own while
    // the previous chunk is written, and the chunk's transaction reads the records of those people only. Someone
    // registered in between (another import, a station) makes the chunk's COPY fail on the unique index of ID
    // hashes; the chunk is then written again, asking inside its transaction (see applyChunk).
    const registered = want === 'line' && planned.length ? await registeredIdHashes(ctx.db, planned.map((p) => p.idNumberHash)) : undefined;
    return { start, end, chunkRejections, planned, registered };
  };

  const applyChunk = async ({ start, end, chunkRejections: refused, planned, registered }: NonNullable<Awaited<ReturnType<typeof prepareChunk>>>) => {
    const apply = async (db: Db, registeredBefore: Set<string> | undefined) => {
      const delta: Counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
      const chunkRejections = [...refused];
      const hashes = planned.map((p) => p.idNumberHash);
      const existing = await workersByIdHashes(db, registeredBefore ? hashes.filter((h) => registeredBefore.has(h)) : hashes);
      const byHash = new Map(existing.map((w) => [w.idNumberHash, w]));
      const open = await openJobsOf(db, existing.map((w) => w.id));
      const openByWorker = new Map(open.map((r) => [r.workerId, r]));
      // Region codes given in the file must be real divisions.
      const codes = [...new Set(planned.map((p) => p.regionCode))];
      const unread = codes.filter((c) => !levelOf.has(c));
      if (unread.length) {
        const found = new Map((await levelsOf(db, unread)).map((r) => [r.code, r.level]));
        for (const c of unread) levelOf.set(c, found.get(c) ?? null);
      }
      const levels = new Map(codes.filter((c) => levelOf.get(c) != null).map((c) => [c, levelOf.get(c)!]));
      const known = new Set(levels.keys());
      // A home is a village or community (seed 003: the form asks for the 村); a township or above is refused.
      const village = (code: string) => levels.get(code) === VILLAGE_LEVEL;
      const householdIds = await resolveHouseholds(db, actor, planned.filter((p) => known.has(p.regionCode)), Boolean(opts.apply), ctx.clock.now());
      // Rain Dew graduate lists: the files of the people already registered.
      const files = planned.some((p) => p.rainDew) ? await filesOf(db, existing.map((w) => w.id)) : new Map<string, Awaited<ReturnType<typeof filesOf>> extends Map<string, infer F> ? F : never>();
      const fileItems: ImportedFile[] = [];

      const toInsert: Array<{ p: ReadyRow; householdId: string | null }> = [];
      for (const p of planned) {
        const w = byHash.get(p.idNumberHash);
        const household = p.headHash ? householdIds.get(p.headHash) : undefined;
        if (household === DENIED || (w && !inScope(actor, w.regionCode))) {
          // The same answer whether the person or the household is held by another region.
          chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, household === DENIED ? 'householdHeadId' : 'idNumber'), reason: 'errors:detail.import.cannot_register_here' });
          continue;
        }
        const householdId = p.headHash ? (household ?? null) : undefined;
        if (!w) {
          if (!known.has(p.regionCode)) {
            chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, 'regionCode'), reason: 'errors:detail.unknown_region' });
            continue;
          }
          if (!village(p.regionCode)) {
            chunkRejections.push({ row: p.row, column: columnHeader(sheet.layout, 'regionCode'), reason: 'errors:detail.import.home_village' });
            continue;
          }
          toInsert.push({ p, householdId: householdId ?? null });
          continue;
        }
        // An existing person keeps whatever this row does not give: a short form never wipes a record. The row is
        // read again here for what it gives (the threads send back only what a new person needs).
        const parsed = parseRow(sheet.rows.cellsAt(p.at), p.row, sheet.layout, opts.regionCode, actor.regionCode);
        const given = Object.fromEntries([...parsed.given].map((k) => [k, parsed.fields![k]]));
        // A type given without a category: someone already monitored keeps the name their record has (监测对象
        // or 致贫对象); anyone else becomes monitored under the 2026 name.
        if (parsed.given.has('monitoringType') && !parsed.given.has('category') && !isMonitoredCategory(w.category)) given.category = 'at_risk';
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
        const fieldsChanged = w.contentHash !== merged.row.contentHash;
        const householdChanged = householdId !== undefined && householdId !== w.householdId;
        const job = employmentChange(parsed, openByWorker.get(w.id), today);
        const school = parsed.rainDew;
        const fileChanged = school !== undefined && fileChanges(files.get(w.id), school);
        if (!fieldsChanged && !householdChanged && job.kind === 'none' && !fileChanged) {
          delta.unchanged++;
          continue;
        }
        delta.updated++;
        if (!opts.apply) continue;
        const now = ctx.clock.now();
        if (fieldsChanged || householdChanged) {
          await updateFromImport(db, w.id, { fields: fieldsChanged ? merged.row : undefined, householdId: householdChanged ? householdId : undefined }, now);
        }
        await applyEmployment(db, w.id, job, actor.accountId, now);
        if (fileChanged) fileItems.push({ workerId: w.id, regionCode: merged.row.regionCode, employed: job.kind === 'start' || (job.kind === 'none' && w.employed), facts: school });
      }

      delta.created += toInsert.length;
      if (opts.apply && toInsert.length) {
        const now = ctx.clock.now();
        const inserted =
          want === 'line'
            ? await copyInsertWorkerLines(db, toInsert.map(({ p, householdId }) => ({ line: p.line!, householdId, idNumberHash: p.idNumberHash })), now)
            : await bulkInsertWorkers(db, toInsert.map(({ p, householdId }) => ({ ...p.prepared!, householdId, employed: Boolean(p.job) })), now);
        const idByHash = new Map(inserted.map((r) => [r.idNumberHash, r.id]));
        const jobs = toInsert.flatMap(({ p }) =>
          p.job ? [{ workerId: idByHash.get(p.idNumberHash)!, ...p.job, source: 'import' as const, recordedBy: actor.accountId }] : [],
        );
        await copyInsertJobs(db, jobs);
        for (const { p } of toInsert) {
          if (p.rainDew) fileItems.push({ workerId: idByHash.get(p.idNumberHash)!, regionCode: p.regionCode, employed: Boolean(p.job), facts: p.rainDew });
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
            processedRows: end,
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
      return { delta, steps, chunkRejections };
    };

    const write = async (registeredBefore: Set<string> | undefined) =>
      opts.apply ? ctx.db.transaction((tx) => apply(tx, registeredBefore)) : apply(ctx.db, registeredBefore);
    const { delta, steps, chunkRejections } = await write(registered).catch((err: unknown) => {
      if (registered && isIdHashClash(err)) return write(undefined);
      throw err;
    });
    // Follow-ups of newly opened Rain Dew files get their delayed jobs once the chunk has committed.
    if (steps.length && ctx.queues) await scheduleSteps({ queues: ctx.queues, clock: ctx.clock }, steps);
    return { delta, chunkRejections, done: end };
  };

  let next = prepareChunk(startAt);
  for (let current = await next; current; current = await next) {
    // The next chunk is prepared while this one is written.
    next = prepareChunk(current.end);
    // If writing this chunk fails, the prepared one is dropped without an unhandled rejection.
    next.catch(() => undefined);
    const { delta, chunkRejections, done } = await applyChunk(current);
    counts.created += delta.created;
    counts.updated += delta.updated;
    counts.unchanged += delta.unchanged;
    counts.rejected += delta.rejected;
    rejections.push(...chunkRejections);
    await opts.onChunk?.(done, sheet.rows.length);
  }
  rejections.sort((a, b) => a.row - b.row);
  return { counts, rows: rejections, totalRows: sheet.rows.length };
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

/** A person written as new was registered meanwhile: the unique index on ID hashes refused the chunk's COPY. */
function isIdHashClash(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const c = e.code ? e : (e.cause ?? e);
  return c.code === '23505' && c.constraint === 'workers_id_hash_idx';
}

/**
 * Households named by their householder's ID number: found again, or created in the row's region.
 * One held by another region is marked DENIED: it is neither shown nor changed.
 */
async function resolveHouseholds(db: Db, actor: Actor, planned: ReadyRow[], write: boolean, now: Date): Promise<Map<string, string>> {
  const wanted = new Map<string, ReadyRow>();
  for (const p of planned) if (p.headHash && !wanted.has(p.headHash)) wanted.set(p.headHash, p);
  if (!wanted.size) return new Map();
  const found = await householdsByHeads(db, [...wanted.keys()]);
  const ids = new Map(found.map((h) => [h.headIdHash!, inScope(actor, h.regionCode) ? h.id : DENIED]));
  for (const p of planned) {
    const hid = p.headHash ? ids.get(p.headHash) : undefined;
    if (hid === DENIED) continue;
    if (write && hid && p.relocated !== undefined) await setHouseholdRelocated(db, hid, p.relocated);
  }
  const missing = [...wanted.entries()].filter(([h]) => !ids.has(h));
  if (write && missing.length) {
    const made = await createHouseholdsByHead(db, missing.map(([h, p]) => ({ headIdHash: h, regionCode: p.regionCode, relocated: p.relocated ?? false, createdAt: now })));
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
