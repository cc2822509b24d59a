/**
 * Gathers the single-row statements of many concurrent jobs into one statement: callers wait at most
 * `waitMs` (or until `max` have gathered), then each gets its own answer once the statement is done.
 * At most `maxRunning` statements run at once: under load, callers arriving meanwhile gather into the
 * next one (up to `max`), so the batches grow instead of the statements multiplying.
 * A failed statement fails every caller of that batch, so each job retries as it would alone.
 */
export class Batcher<K, R> {
  private pending: Array<{ key: K; resolve: (r: R | undefined) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private running = 0;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, R> | void>,
    private readonly max = 200,
    private readonly waitMs = 2,
    private readonly maxRunning = 2,
  ) {}

  add(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.pending.length >= this.max) this.flush();
      else
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.flush();
        }, this.waitMs);
    });
  }

  private flush(): void {
    // Those waiting go with the next statement, when one of those running ends.
    if (this.running >= this.maxRunning) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.max);
    if (!batch.length) return;
    this.running++;
    void this.runBatch(batch).finally(() => {
      this.running--;
      this.flush();
    });
    if (this.pending.length >= this.max) this.flush();
  }

  private async runBatch(batch: Array<{ key: K; resolve: (r: R | undefined) => void; reject: (e: unknown) => void }>): Promise<void> {
    try {
      const out = await this.run(batch.map((b) => b.key));
      // A key asked twice in one batch is answered once: the second caller gets nothing.
      const answered = new Set<K>();
      for (const b of batch) {
        b.resolve(out && !answered.has(b.key) ? out.get(b.key) : undefined);
        answered.add(b.key);
      }
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}

/** PostgreSQL's answers that mean "try the same statement again": deadlock, serialization, lost connection. */
const TRANSIENT = new Set(['40P01', '40001', '57P01', '08000', '08003', '08006', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

function isTransient(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT.has(code)) return true;
  }
  return false;
}

/** Runs `work`, again up to `times` more after a transient database error, waiting a little longer each time. */
export async function withRetries<T>(work: () => Promise<T>, times = 4): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= times || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt + Math.random() * 50));
    }
  }
}
