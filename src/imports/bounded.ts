import { extname } from 'node:path';
import { Piscina } from 'piscina';
import { DEFAULT_IMPORT_LIMITS } from '../config';
import { ValidationFailed } from '../shared/errors';
import { threadFile } from '../shared/thread-file';
import { closeReadiers } from './ready-pool';
import type { ImportLimits } from './limits';
import { unpackSheet, type Sheet } from './sheet';
import type { ReadAnswer, ReadTask } from './thread';

/*
 * A spreadsheet is read on a thread of its own whose heap is capped (IMPORT_READ_MEMORY_MB). A file of
 * millions of shared strings or cells makes a lot of short-lived garbage, and on a busy machine the
 * collector falls behind: in the service's own heap that cost was three times the file's share. On the
 * thread the collector must keep within the cap, a file that cannot be read within it is refused, and
 * the service keeps serving meanwhile. Threads are started when a file comes and end when idle.
 */

/** Young generation of the reading thread (MB): small, so garbage is collected often. */
const YOUNG_MB = 16;
const pools = new Map<number, Piscina<ReadTask, ReadAnswer>>();

/** The thread's code beside this file; run from TypeScript sources, the thread loads them the same way. */
const threadOptions = () => threadFile(__dirname, 'thread', extname(__filename));

/** The reading threads' pool for a heap cap (exported for the tests). */
export function poolFor(memoryMb: number): Piscina<ReadTask, ReadAnswer> {
  let pool = pools.get(memoryMb);
  if (!pool) {
    pool = new Piscina<ReadTask, ReadAnswer>({
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

/** Reads a file into the header and its data rows on a reading thread of bounded memory. */
export async function readSheet(fileName: string, data: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<Sheet> {
  // A copy of exactly the file's bytes: an upload may be a view into a larger buffer.
  const bytes = new Uint8Array(data);
  let answer: ReadAnswer;
  try {
    answer = await poolFor(limits.readMemoryMb).run({ fileName, data: bytes, limits }, { transferList: [bytes.buffer] });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      throw new ValidationFailed('import file needs too much memory', [{ path: 'file', message: 'errors:detail.import.too_complex', limit: limits.readMemoryMb }]);
    }
    throw err;
  }
  if (!answer.ok) throw new ValidationFailed(answer.refusal.message, answer.refusal.details, answer.refusal.params);
  return unpackSheet(answer.sheet);
}

/** Ends the reading threads and those preparing rows (at shutdown; they also end by themselves when idle). */
export async function closeReaders(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all([...all.map((p) => p.destroy()), closeReadiers()]);
}
