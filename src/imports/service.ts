import { and, asc, eq, getTableColumns, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import { excel } from '../shared/libraries';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { recordAudit } from '../audit/service';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { findAccount } from '../access';
import { importRejections, imports } from '../db/schema/imports';
import { DomainError, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { regionExists } from '../registry';
import { warmReadiers } from './ready-pool';
import { ImportTakenOver, openSheet, readSheet, runImport, type Outcome, type Rejection } from './engine';
import type { OpenSheet } from './bounded';
import { importLimits } from './limits';
import type { ImportsProps } from './props';

/** `config` brings this deployment's import limits; without it (benchmarks, scripts) the defaults apply. */
type Ctx = Pick<AppContext, 'db' | 'pii' | 'clock'> & Partial<Pick<AppContext, 'config'>>;

/** A stored reason is a locale key, optionally with `|row` of the first occurrence. */
export function reasonText(t: TFunction, reason: string): string {
  const [key, first] = reason.split('|');
  return t(key!, { row: first, defaultValue: key });
}

export function presentRows(t: TFunction, rows: Rejection[]) {
  return rows.map((r) => ({ row: r.row, column: r.column, reason: reasonText(t, r.reason) }));
}

/** People without a region column are placed in this region: it must exist and be a county or below. */
async function checkRegion(ctx: Pick<AppContext, 'db'>, actor: Actor, regionCode: string | undefined): Promise<string> {
  const region = regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new Forbidden('region outside scope', [{ path: 'query.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (region.length < 6) throw new ValidationFailed('region too high', [{ path: 'query.regionCode', message: 'errors:detail.import_region' }]);
  if (!(await regionExists(ctx.db, region))) throw new ValidationFailed('unknown region', [{ path: 'query.regionCode', message: 'errors:detail.unknown_region' }]);
  return region;
}

/** Reads the file and reports what would happen to every row, writing nothing. */
export async function dryRun(ctx: Ctx, actor: Actor, file: { fileName: string; data: Buffer }, regionCode: string | undefined): Promise<Outcome> {
  const region = await checkRegion(ctx, actor, regionCode);
  const sheet = await readSheet(file.fileName, file.data, importLimits(ctx));
  return runImport(ctx, actor, sheet, { regionCode: region });
}

/** Stores the file and queues the import; the answer comes back at once with the import's id. */
export async function startImport(
  { ctx, actor, meta }: ImportsProps<Ctx & Pick<AppContext, 'queues'>>,
  file: { fileName: string; data: Buffer },
  regionCode: string | undefined,
): Promise<{ id: string; totalRows: number }> {
  const region = await checkRegion(ctx, actor, regionCode);
  // Read it now, so an unreadable file is refused with a clear message instead of failing later.
  const sheet = await readSheet(file.fileName, file.data, importLimits(ctx));
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(imports)
      .values({ fileName: file.fileName.slice(0, 200), file: ctx.pii.encryptBytes(file.data), regionCode: region, createdBy: actor.accountId, totalRows: sheet.rows.length })
      .returning({ id: imports.id });
    audit({ action: 'import.start', entity: 'import', entityId: row!.id, regionCode: region, details: { rows: sheet.rows.length } });
    return row;
  });
  await ctx.queues.enqueue('imports', 'run-import', { importId: row!.id }, { jobId: row!.id });
  return { id: row!.id, totalRows: sheet.rows.length };
}

/** The queue job: runs (or resumes) an import from the first row not yet committed. */
/** How long an import's heartbeat may be silent before another run takes it over. */
export function importStaleMs(ctx: Partial<Pick<AppContext, 'config'>>): number {
  return Math.max(60_000, 4 * (ctx.config?.queueLockMs ?? 30_000));
}

/**
 * Imports waiting or running whose heartbeat stopped (their job lost with Redis, or their worker killed
 * before BullMQ's own retry could claim them), queued again under a job id of their own stall, so each
 * stall is put back once. Called by the keeper every few seconds.
 */
export async function resumeStalledImports(ctx: Pick<AppContext, 'db' | 'queues' | 'clock' | 'config'>): Promise<number> {
  const stale = new Date(ctx.clock.now().getTime() - importStaleMs(ctx));
  const rows = await ctx.db
    .select({ id: imports.id, at: sql<Date>`coalesce(${imports.heartbeatAt}, ${imports.createdAt})` })
    .from(imports)
    .where(and(inArray(imports.status, ['queued', 'running']), lt(sql`coalesce(${imports.heartbeatAt}, ${imports.createdAt})`, stale)));
  for (const r of rows) await ctx.queues.enqueue('imports', 'run-import', { importId: r.id }, { jobId: `${r.id}-resume-${new Date(r.at).getTime()}` });
  return rows.length;
}

/** An import's columns, its stored file read as base64 text: a file of megabytes comes back far faster than as bytea's hex. */
const { file: _file, ...importColumns } = getTableColumns(imports);
const importWithFile = { ...importColumns, file: sql<string | null>`encode(${imports.file}, 'base64')` };

export async function executeImport(ctx: Ctx, importId: string, lastAttempt: boolean): Promise<{ status: string }> {
  const [imp] = await ctx.db.select(importWithFile).from(imports).where(eq(imports.id, importId)).limit(1);
  if (!imp) throw new NotFound('import', importId);
  if (imp.status === 'done' || imp.status === 'failed') return { status: imp.status };
  const owner = await findAccount(ctx.db, imp.createdBy);
  if (!owner || !imp.file) {
    await ctx.db.update(imports).set({ status: 'failed', error: 'missing', file: null, finishedAt: ctx.clock.now() }).where(eq(imports.id, importId));
    throw new ValidationFailed('import cannot run: owner or file missing');
  }
  const actor: Actor = {
    accountId: owner.id,
    username: owner.username,
    role: owner.role,
    regionCode: owner.regionCode,
    stationId: owner.stationId,
    canRevealPii: false,
  };
  // Claimed by one run at a time: a queued import, or a running one whose heartbeat stopped (its worker
  // died, or Redis lost the job and it was put back). A second job for the same import finds it taken.
  const now = ctx.clock.now();
  const [claimed] = await ctx.db
    .update(imports)
    .set({ status: 'running', startedAt: imp.startedAt ?? now, heartbeatAt: now })
    .where(
      and(
        eq(imports.id, importId),
        or(eq(imports.status, 'queued'), and(eq(imports.status, 'running'), or(isNull(imports.heartbeatAt), lt(imports.heartbeatAt, new Date(now.getTime() - importStaleMs(ctx)))))),
      ),
    )
    .returning({ processedRows: imports.processedRows, created: imports.created, updated: imports.updated, unchanged: imports.unchanged, rejected: imports.rejected });
  if (!claimed) return { status: 'running_elsewhere' };
  Object.assign(imp, claimed);
  let sheet: OpenSheet | undefined;
  try {
    // The threads that check and encrypt the rows start while the file is read, and the first rows are written
    // while the rest are still being read. The file was read whole when it was uploaded, under the same limits.
    warmReadiers(ctx.pii, imp.totalRows - imp.processedRows);
    sheet = await openSheet(imp.fileName, ctx.pii.decryptBytes(Buffer.from(imp.file, 'base64')), importLimits(ctx));
    await runImport(ctx, actor, sheet, {
      regionCode: imp.regionCode,
      apply: {
        importId,
        startAt: imp.processedRows,
        counts: { created: imp.created, updated: imp.updated, unchanged: imp.unchanged, rejected: imp.rejected },
      },
    });
    await ctx.db.update(imports).set({ status: 'done', file: null, finishedAt: ctx.clock.now() }).where(eq(imports.id, importId));
    return { status: 'done' };
  } catch (err) {
    if (err instanceof ImportTakenOver) return { status: 'taken_over' };
    // Domain errors are not retried (the worker turns them into unrecoverable failures), so they end it too.
    if (!lastAttempt && !(err instanceof DomainError)) {
      // Given back for the retry to claim (it goes on from the last chunk written).
      await ctx.db.update(imports).set({ status: 'queued' }).where(and(eq(imports.id, importId), eq(imports.status, 'running')));
    }
    if (lastAttempt || err instanceof DomainError) {
      await ctx.db
        .update(imports)
        .set({ status: 'failed', error: (err as Error).name, file: null, finishedAt: ctx.clock.now() })
        .where(eq(imports.id, importId));
    }
    throw err;
  } finally {
    // A run that stopped early does not go on reading.
    sheet?.stop();
  }
}

export async function getImport(ctx: Ctx, actor: Actor, id: string) {
  const [imp] = await ctx.db.select().from(imports).where(eq(imports.id, id)).limit(1);
  if (!imp) throw new NotFound('import', id);
  assertInScope(actor, imp.regionCode, 'import', id);
  const rows = await ctx.db
    .select({ row: importRejections.row, column: importRejections.column, reason: importRejections.reason })
    .from(importRejections)
    .where(eq(importRejections.importId, id))
    .orderBy(asc(importRejections.row));
  return { imp, rows };
}

export function presentImport(t: TFunction, imp: typeof imports.$inferSelect, rows: Rejection[]) {
  return {
    id: imp.id,
    status: imp.status,
    fileName: imp.fileName,
    regionCode: imp.regionCode,
    progress: {
      processed: imp.processedRows,
      total: imp.totalRows,
      percent: imp.totalRows ? Math.floor((imp.processedRows / imp.totalRows) * 100) : 100,
    },
    counts: { created: imp.created, updated: imp.updated, unchanged: imp.unchanged, rejected: imp.rejected },
    rows: presentRows(t, rows),
    error: imp.error,
    createdAt: imp.createdAt.toISOString(),
    startedAt: imp.startedAt?.toISOString() ?? null,
    finishedAt: imp.finishedAt?.toISOString() ?? null,
  };
}

/** The rejected rows as a spreadsheet a clerk can open beside the original file. */
export async function reportXlsx(t: TFunction, rows: Rejection[], counts: Outcome['counts']): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet(t('registry:import.report.sheet'));
  ws.addRow([t('registry:import.report.title')]);
  ws.addRow([
    `${t('registry:import.counts.created')} ${counts.created}`,
    `${t('registry:import.counts.updated')} ${counts.updated}`,
    `${t('registry:import.counts.unchanged')} ${counts.unchanged}`,
    `${t('registry:import.counts.rejected')} ${counts.rejected}`,
  ]);
  ws.addRow([t('registry:import.report.row'), t('registry:import.report.column'), t('registry:import.report.reason')]).font = { bold: true };
  for (const r of rows) ws.addRow([r.row, r.column ?? '', reasonText(t, r.reason)]);
  ws.columns = [{ width: 10 }, { width: 18 }, { width: 60 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export { recordAudit };
