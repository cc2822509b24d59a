import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Piscina } from 'piscina';
import type { PiiVault } from '../pii/vault';
import { threadFile } from '../shared/thread-file';
import { encodeLines, readyRow, type ReadyOptions, type RowResult } from './ready';
import type { ReadyTask } from './ready-thread';
import type { Sheet } from './sheet';

/*
 * An import's rows are parsed, checked and encrypted on worker threads, so the event loop stays free for
 * the database and for other requests: each row costs its parsing, an ID-number check, two AES-GCM
 * encryptions, three HMACs and a content hash. A thread hands back, for a new person, the values to write
 * already as COPY text, so the rows themselves never cross back. One pool per vault, whose keys reach its
 * threads in their workerData when they start; threads end when idle.
 */

/** Fewer rows than this are made ready here: a thread's start costs more than they do. */
const ON_THREADS_FROM = 200;
/** Rows per task, so that both threads of a chunk work at once. */
const TASK_ROWS = 250;
const THREADS = Math.max(1, Math.min(2, availableParallelism()));

const pools = new Map<PiiVault, Piscina<ReadyTask, RowResult[]>>();

function poolFor(vault: PiiVault): Piscina<ReadyTask, RowResult[]> {
  let pool = pools.get(vault);
  if (!pool) {
    pool = new Piscina<ReadyTask, RowResult[]>({
      ...threadFile(__dirname, 'ready-thread', extname(__filename)),
      workerData: { keys: vault.threadKeys() },
      minThreads: 0,
      maxThreads: THREADS,
      idleTimeout: 30_000,
    });
    // A thread that dies between chunks is reported as an 'error' event, which unheard would end the process; the
    // pool starts another for the next chunk (a chunk in hand fails its import's run, which is retried).
    pool.on('error', () => undefined);
    pools.set(vault, pool);
  }
  return pool;
}

/** Rows `start` to `end` of `sheet` made ready, in order; on the preparing threads when there are enough of them. */
export async function readyRows(vault: PiiVault, sheet: Sheet, start: number, end: number, o: Omit<ReadyOptions, 'layout'>): Promise<RowResult[]> {
  const options: ReadyOptions = { ...o, layout: sheet.layout };
  const { numbers, cells } = sheet.rows.packed(start, end);
  if (cells.length < ON_THREADS_FROM) return encodeLines(cells.map((c, i) => readyRow(c, numbers[i]!, start + i, vault, options)));
  const pool = poolFor(vault);
  const parts: Array<Promise<RowResult[]>> = [];
  for (let i = 0; i < cells.length; i += TASK_ROWS) {
    parts.push(pool.run({ ...options, numbers: numbers.slice(i, i + TASK_ROWS), cells: cells.slice(i, i + TASK_ROWS), from: start + i }));
  }
  return (await Promise.all(parts)).flat();
}

/**
 * Starts the threads ahead of the rows (while a file is being read, say), so the first rows do not wait
 * for them to load: when `rows` are enough to be made ready there. They end by themselves when no rows come.
 */
export function warmReadiers(vault: PiiVault, rows: number): void {
  if (rows < ON_THREADS_FROM) return;
  const pool = poolFor(vault);
  const nothing: ReadyTask = {
    numbers: [],
    cells: [],
    from: 0,
    layout: { lastHeaderRow: 0, columns: new Map(), headers: new Map(), unknownHeaders: [] },
    defaultRegion: '',
    scope: '',
    today: new Date(),
    want: 'none',
  };
  for (let i = 0; i < THREADS; i++) pool.run(nothing).catch(() => undefined);
}

/** Ends the threads (at shutdown; they also end by themselves when idle). */
export async function closeReadiers(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}
