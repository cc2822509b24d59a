/**
 * Gathers the single-row statements of many concurrent jobs into one statement: callers wait at most
 * `waitMs` (or until `max` have gathered), then each gets its own answer once the statement is done.
 * A failed statement fails every caller of that batch, so each job retries as it would alone.
 */
export class Batcher<K, R> {
  private pending: Array<{ key: K; resolve: (r: R | undefined) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, R> | void>,
    private readonly max = 200,
    private readonly waitMs = 2,
  ) {}

  add(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.pending.length >= this.max) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.waitMs);
    });
  }

  private async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (!batch.length) return;
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
