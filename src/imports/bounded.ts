import { extname } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DEFAULT_IMPORT_LIMITS } from '../config';
import { ValidationFailed } from '../shared/errors';
import { threadFile } from '../shared/thread-file';
import { closeReadiers } from './ready-pool';
import type { ImportLimits } from './limits';
import { SheetRows, type Sheet } from './sheet';
import type { HeaderLayout } from './columns';
import type { ReadPart, ReadTask, Refusal } from './thread';

/*
 * A spreadsheet is read on a thread of its own whose heap is capped (IMPORT_READ_MEMORY_MB). A file of
 * millions of shared strings or cells makes a lot of short-lived garbage, and on a busy machine the
 * collector falls behind: in the service's own heap that cost was three times the file's share. On the
 * thread the collector must keep within the cap, a file that cannot be read within it is refused, and
 * the service keeps serving meanwhile. Threads are started when a file comes and end when idle.
 */

/** Young generation of the reading thread (MB): small, so garbage is collected often. */
const YOUNG_MB = 16;
const pools = new Map<number, Piscina<ReadTask, void>>();

/** The thread's code beside this file; run from TypeScript sources, the thread loads them the same way. */
const threadOptions = () => threadFile(__dirname, 'thread', extname(__filename));

/** The reading threads' pool for a heap cap (exported for the tests). */
export function poolFor(memoryMb: number): Piscina<ReadTask, void> {
  let pool = pools.get(memoryMb);
  if (!pool) {
    pool = new Piscina<ReadTask, void>({
      ...threadOptions(),
      minThreads: 0,
      maxThreads: 2,
      idleTimeout: 30_000,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: YOUNG_MB },
    });
    // A thread that dies with no file in hand (out of memory just after handing its answer back) is reported by the
    // pool as an 'error' event, which unheard would end the process: the pool starts another for the next file.
    pool.on('error', () => undefined);
    pools.set(memoryMb, pool);
  }
  return pool;
}

/** A reading thread's failure as the service reports it: a file that needs more memory than the cap is refused. */
function readingFailure(err: unknown, limits: ImportLimits): unknown {
  if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ValidationFailed('import file needs too much memory', [{ path: 'file', message: 'errors:detail.import.too_complex', limit: limits.readMemoryMb }]);
  }
  return err;
}

const refused = (r: Refusal) => new ValidationFailed(r.message, r.details, r.params);

/** A sheet whose rows may still be coming: `stop` ends the reading when they are no longer wanted. */
export type OpenSheet = Sheet & { stop(): void };

/**
 * Reads a file on a reading thread of bounded memory, and gives the sheet as soon as its header is known, its rows
 * as they are read: `rows.until(n)` waits for them. An import's writing then starts with the first rows instead of after the
 * last. A CSV comes a few thousand rows at a time; an XLSX whole, once read, since a merged range listed after
 * its rows may still fill them in. A reading that fails after the header throws from `rows.until`.
 */
export async function openSheet(fileName: string, data: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<OpenSheet> {
  // A copy of exactly the file's bytes: an upload may be a view into a larger buffer.
  const bytes = new Uint8Array(data);
  const { port1, port2 } = new MessageChannel();
  const rows = SheetRows.growing();
  const abort = new AbortController();
  let known: (layout: HeaderLayout) => void = () => undefined;
  let unreadable: (err: unknown) => void = () => undefined;
  const layout = new Promise<HeaderLayout>((resolve, reject) => {
    known = resolve;
    unreadable = reject;
  });
  let ended = false;
  const end = (error?: unknown) => {
    ended = true;
    port1.close();
    rows.end(error);
    unreadable(error ?? new Error('the file ended before its header was known'));
  };
  port1.on('message', (part: ReadPart) => {
    // Parts already on their way when a reading was stopped (or its thread died) still arrive: they are dropped.
    if (ended) return;
    if ('layout' in part) known(part.layout);
    else if ('cells' in part) rows.append(part.numbers, part.cells);
    else if ('refusal' in part) end(refused(part.refusal));
    else if ('sheet' in part) {
      known(part.sheet.layout);
      rows.append(part.sheet.numbers, part.sheet.cells);
      end();
    } else end();
  });
  // A part that cannot be read back would otherwise be dropped unseen, and the rows after it taken for the next ones.
  port1.on('messageerror', (err: unknown) => end(err));
  // Everything read comes through the port, in order; the task's own answer matters only when it fails (a thread that
  // ran out of memory or died, or a reading stopped).
  try {
    poolFor(limits.readMemoryMb)
      .run({ fileName, data: bytes, limits, port: port2 }, { transferList: [bytes.buffer, port2], signal: abort.signal })
      .catch((err: unknown) => end(readingFailure(err, limits)));
  } catch (err) {
    end(err);
  }
  return { layout: await layout, rows, stop: () => abort.abort() };
}

/** Reads a file into the header and its data rows on a reading thread of bounded memory: `openSheet`, read to its end. */
export async function readSheet(fileName: string, data: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<Sheet> {
  const sheet = await openSheet(fileName, data, limits);
  await sheet.rows.until(Number.POSITIVE_INFINITY);
  return { layout: sheet.layout, rows: sheet.rows };
}

/** Ends the reading threads and those preparing rows (at shutdown; they also end by themselves when idle). */
export async function closeReaders(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all([...all.map((p) => p.destroy()), closeReadiers()]);
}
