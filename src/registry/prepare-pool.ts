import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Piscina } from 'piscina';
import type { PiiVault } from '../pii/vault';
import { threadFile } from '../shared/thread-file';
import { prepareWorker, type WorkerFields } from './prepare';
import type { PrepareTask } from './prepare-thread';

/*
 * Checking and encrypting people in bulk (an import's rows) on worker threads, so the event loop stays
 * free for the database and for other requests: each row costs an ID-number check, two AES-GCM
 * encryptions, two HMACs and a content hash. One pool per vault, whose keys reach its threads in their
 * workerData when they start (never in a task or a log); threads end when idle.
 */

type Prepared = ReturnType<typeof prepareWorker>;

/** Fewer rows than this are prepared here: a thread's start costs more than they do. */
const ON_THREADS_FROM = 200;
/** Rows per task, so that both threads of a chunk work at once. */
const TASK_ROWS = 250;
const THREADS = Math.max(1, Math.min(2, availableParallelism()));

const pools = new Map<PiiVault, Piscina<PrepareTask, Prepared[]>>();

function poolFor(vault: PiiVault): Piscina<PrepareTask, Prepared[]> {
  let pool = pools.get(vault);
  if (!pool) {
    pool = new Piscina<PrepareTask, Prepared[]>({
      ...threadFile(__dirname, 'prepare-thread', extname(__filename)),
      workerData: { keys: vault.threadKeys() },
      minThreads: 0,
      maxThreads: THREADS,
      idleTimeout: 30_000,
    });
    pools.set(vault, pool);
  }
  return pool;
}

/** `prepareWorker` for each of `fields`, in order; on worker threads when there are enough of them. */
export async function prepareWorkers(vault: PiiVault, fields: WorkerFields[], today: Date): Promise<Prepared[]> {
  if (fields.length < ON_THREADS_FROM) return fields.map((f) => prepareWorker(f, vault, today));
  const pool = poolFor(vault);
  const parts: Array<Promise<Prepared[]>> = [];
  for (let i = 0; i < fields.length; i += TASK_ROWS) parts.push(pool.run({ fields: fields.slice(i, i + TASK_ROWS), today }));
  return (await Promise.all(parts)).flat();
}

/**
 * Starts the threads ahead of the rows (while a file is being read, say), so the first rows do not wait
 * for them to load: when `rows` are enough to be prepared there. They end by themselves when no rows come.
 */
export function warmPreparers(vault: PiiVault, rows: number): void {
  if (rows < ON_THREADS_FROM) return;
  const pool = poolFor(vault);
  for (let i = 0; i < THREADS; i++) pool.run({ fields: [], today: new Date() }).catch(() => undefined);
}

/** Ends the threads (at shutdown; they also end by themselves when idle). */
export async function closePreparers(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}
