import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, type PoolClient, type QueryConfig, type QueryResult } from 'pg';
import type { Logger } from '../logger';

/**
 * The read replica (DATABASE_READ_URL): the one place that decides which server a statement goes to.
 *
 * The service's drizzle instance talks to a `RoutingPool` instead of the primary's pool. A statement goes
 * to the replica only when all of these hold, otherwise to the primary:
 * - it runs inside a lag-tolerant scope (a route declared `reads: 'replica'`: figures, reports, forms,
 *   exports, the console's long lists);
 * - it is a plain read (`select`/`with`/`values`/`table`, and no insert, update, delete, merge, row lock,
 *   `select … into` or function with side effects anywhere in its text);
 * - it is not inside a transaction (a transaction takes a primary connection for all of its statements);
 * - the replica answers and has replayed the primary's WAL to within DATABASE_READ_MAX_LAG_S;
 * - the request has not written anything yet (an audit entry aside), and the caller (the signed-in account)
 *   has no write of its own from an earlier request that the replica has not replayed yet.
 * A replica that fails a read (it went down, or cancelled the read for a conflict with recovery) has the
 * read run again on the primary, and is left aside until the next check finds it well.
 */

export type ReplicaState = 'ok' | 'lagging' | 'down';

export interface ReplicaStatus {
  state: ReplicaState;
  /** Seconds the replica's replay is behind the primary (0 when it has replayed everything); null when it does not answer. */
  lagSeconds: number | null;
  /** When this state was last checked. */
  checkedAt: string | null;
}

export interface ReadRouterOptions {
  primary: Pool;
  /** application_name of the replica's connections (bangfu-read when unsaid). */
  name?: string;
  readUrl: string;
  poolSize: number;
  maxLagSeconds: number;
  /** How often the replica's state is checked (ms). */
  checkMs?: number;
  logger?: Logger;
}

interface Scope {
  /** Whose request this is (an account id): their own writes are read from the primary until replayed. */
  key: string | undefined;
  tolerant: boolean;
  /** Wrote anything (an audit entry included): remembered for the caller's next requests. */
  wrote: boolean;
  /** Wrote something other than an audit entry: this request's later reads go to the primary. */
  dirty: boolean;
  /** When it began (a counter): only writes remembered before it concern it; its own are its `dirty`. */
  began: number;
}

/** An audit entry the request adds: nothing a route reads back, so it does not send the request's later reads to the primary. */
const AUDIT_INSERT = /^\s*insert\s+into\s+"audit_log"/i;
const READ_START = /^\s*(\(\s*)*(select|with|values|table)\b/i;
const WRITE_WORDS =
  /\b(insert|update|delete|merge|into|nextval|setval|set_config|pg_notify|txid_current|pg_current_xact_id|lo_\w+|pg_(try_)?advisory_\w+)\b|\bfor\s+(no\s+key\s+)?(update|share|key\s+share)\b/i;

/** Whether a statement only reads (conservative: anything in doubt counts as a write and goes to the primary). */
export function isPlainRead(text: string): boolean {
  return READ_START.test(text) && !WRITE_WORDS.test(text);
}

/** An LSN ('16/B374D848') as a number that compares. */
export function lsnValue(lsn: string | null | undefined): bigint | undefined {
  const m = lsn ? /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn) : null;
  return m ? (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`) : undefined;
}

/** The replica is gone: no connection (ECONNREFUSED, terminated, timeout), or the server is shutting down or not accepting. */
function replicaGone(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57P') || code === '53300';
}

/** Errors after which a read is run again on the primary: the replica is gone, or cancelled the read (a conflict with recovery). */
function replicaFailed(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return replicaGone(err) || code === '40001' || code === '25006' || code === '57014';
}

const RECENT_WRITES_LIMIT = 10_000;
const RECENT_WRITE_TTL_MS = 10 * 60_000;

export class ReadRouter {
  private readonly scopes = new AsyncLocalStorage<Scope>();
  readonly replica: Pool;
  private readonly primary: Pool;
  private readonly maxLagMs: number;
  private readonly logger: Logger | undefined;
  private status: ReplicaStatus = { state: 'down', lagSeconds: null, checkedAt: null };
  /** The replica's replay position at the last look. */
  private replayed: bigint | undefined;
  /** The primary's WAL position over the last while, to tell how long ago it wrote what the replica has yet to replay. */
  private history: Array<{ at: number; lsn: bigint }> = [];
  /** Each account's last write (the primary's WAL position after it), until the replica has replayed it. */
  private readonly ownWrites = new Map<string, { lsn: bigint; at: number; seq: number }>();
  private clock = 0;
  private reported: ReplicaState | undefined;
  /** The server at DATABASE_READ_URL answered but is not in recovery: not a replica (or one promoted since). */
  private notReplica = false;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private closed = false;
  readonly served = { replica: 0, primary: 0, fallback: 0 };

  constructor(opts: ReadRouterOptions) {
    this.primary = opts.primary;
    this.maxLagMs = opts.maxLagSeconds * 1000;
    this.logger = opts.logger;
    // A replica that does not answer is given up on quickly: the primary answers instead.
    this.replica = new Pool({ connectionString: opts.readUrl, max: opts.poolSize, application_name: opts.name ?? 'bangfu-read', connectionTimeoutMillis: 3_000 });
    this.replica.on('error', () => undefined);
    // As on the primary (client.ts): a lent-out client that loses its server reports it through its statement.
    this.replica.on('connect', (client) => client.on('error', () => undefined));
    const every = opts.checkMs ?? 1_000;
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  /** Runs `work` as one request of `key`: lag-tolerant reads may go to the replica; a write is remembered for read-your-writes. */
  async scope<T>(key: string | undefined, tolerant: boolean, work: () => Promise<T>): Promise<T> {
    const scope: Scope = { key, tolerant, wrote: false, dirty: false, began: ++this.clock };
    try {
      return await this.scopes.run(scope, work);
    } finally {
      if (scope.wrote && key) await this.rememberWrite(key).catch(() => undefined);
    }
  }

  /** The replica's state now (as of the last check). */
  state(): ReplicaStatus {
    return { ...this.status };
  }

  /** Checks the replica now (also done every second): whether it answers and how far behind it is. */
  check(): Promise<void> {
    this.checking ??= this.look().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async look(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    let next: ReplicaStatus;
    let primaryLsn: bigint;
    try {
      const { rows: p } = await this.primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      primaryLsn = lsnValue(p[0]?.lsn)!;
    } catch {
      return; // the primary is not answering: nothing to measure against (its own checks say so)
    }
    this.history.push({ at: now, lsn: primaryLsn });
    // Keep the history long enough to measure well past the limit.
    const keepFrom = now - Math.max(2 * this.maxLagMs, 60_000);
    while (this.history.length > 2 && this.history[0]!.at < keepFrom && this.history[1]!.at < keepFrom) this.history.shift();
    try {
      const { rows: r } = await this.replica.query<{ lsn: string | null; recovery: boolean }>(
        'select pg_last_wal_replay_lsn()::text as lsn, pg_is_in_recovery() as recovery',
      );
      // Not in recovery: a server that is not (or no longer) a replica has replayed nothing of ours since.
      const replayed = r[0]?.recovery ? lsnValue(r[0].lsn) : undefined;
      this.replayed = replayed;
      this.notReplica = r[0]?.recovery === false;
      let lagMs: number;
      if (replayed !== undefined && replayed >= primaryLsn) lagMs = 0;
      else {
        // Behind since the oldest moment the primary had already written past what the replica has replayed.
        const first = this.history.find((s) => replayed === undefined || s.lsn > replayed);
        lagMs = now - (first?.at ?? now);
      }
      const lagSeconds = Math.round(lagMs / 100) / 10;
      next = { state: replayed === undefined || lagMs > this.maxLagMs ? 'lagging' : 'ok', lagSeconds, checkedAt: new Date(now).toISOString() };
    } catch (err) {
      next = { state: 'down', lagSeconds: null, checkedAt: new Date(now).toISOString() };
      this.report(next, err);
      return;
    }
    this.report(next);
  }

  /** Logs a change of state once, not for every request it affects. */
  private report(next: ReplicaStatus, err?: unknown): void {
    this.status = next;
    if (next.state === this.reported) return;
    const first = this.reported === undefined;
    this.reported = next.state;
    if (next.state === 'ok') {
      if (!first) this.logger?.info({ replica: next }, 'read replica: back in use for lag-tolerant reads');
      else this.logger?.info({ replica: next }, 'read replica: in use for lag-tolerant reads');
    } else {
      this.logger?.warn(
        { replica: next, ...(err ? { err: (err as Error).message } : {}) },
        next.state === 'down'
          ? 'read replica: not answering, reads go to the primary'
          : this.notReplica
            ? 'read replica: the server at DATABASE_READ_URL is not in recovery (not a replica), reads go to the primary'
            : 'read replica: behind by more than DATABASE_READ_MAX_LAG_S, reads go to the primary',
      );
    }
  }

  private async rememberWrite(key: string): Promise<void> {
    // The insert position: past the commit record of every write that has returned, even one committed
    // without waiting for its flush (synchronous_commit off), which the write position may not have reached.
    const { rows } = await this.primary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
    const lsn = lsnValue(rows[0]?.lsn);
    if (lsn === undefined) return;
    this.ownWrites.delete(key);
    this.ownWrites.set(key, { lsn, at: Date.now(), seq: ++this.clock });
    // Oldest first: the map is kept bounded.
    while (this.ownWrites.size > RECENT_WRITES_LIMIT) this.ownWrites.delete(this.ownWrites.keys().next().value!);
  }

  /** Whether this read may go to the replica. */
  private async mayRead(scope: Scope): Promise<boolean> {
    if (this.status.state !== 'ok') return false;
    if (!scope.key) return true;
    const own = this.ownWrites.get(scope.key);
    // A write remembered after this request began is its own (an export still streaming after its audit entry).
    if (!own || own.seq > scope.began) return true;
    if (Date.now() - own.at > RECENT_WRITE_TTL_MS || (this.replayed !== undefined && this.replayed >= own.lsn)) {
      this.ownWrites.delete(scope.key);
      return true;
    }
    // Ask the replica where it is now rather than wait for the next check.
    try {
      const { rows } = await this.replica.query<{ lsn: string | null }>('select pg_last_wal_replay_lsn()::text as lsn');
      const now = lsnValue(rows[0]?.lsn);
      if (now !== undefined && (this.replayed === undefined || now > this.replayed)) this.replayed = now;
      if (now !== undefined && now >= own.lsn) {
        this.ownWrites.delete(scope.key);
        return true;
      }
    } catch {
      /* the replica is not answering: the primary reads */
    }
    return false;
  }

  /** A statement through the routing pool. */
  async query(config: string | QueryConfig, values?: unknown[]): Promise<QueryResult> {
    const scope = this.scopes.getStore();
    const text = typeof config === 'string' ? config : config.text;
    const read = isPlainRead(text);
    if (scope && !read) {
      scope.wrote = true;
      if (!AUDIT_INSERT.test(text)) scope.dirty = true;
    }
    if (scope?.tolerant && read && !scope.dirty && (await this.mayRead(scope))) {
      try {
        const result = await this.replica.query(config as QueryConfig, values);
        this.served.replica++;
        return result;
      } catch (err) {
        if (!replicaFailed(err)) throw err;
        this.served.fallback++;
        // A read cancelled for a conflict with recovery is only run again; a replica that is gone is left aside until a check finds it well.
        if (replicaGone(err)) this.report({ state: 'down', lagSeconds: null, checkedAt: new Date().toISOString() }, err);
      }
    }
    this.served.primary++;
    return this.primary.query(config as QueryConfig, values);
  }

  /** A connection for a transaction: always the primary's. */
  connect(): Promise<PoolClient> {
    const scope = this.scopes.getStore();
    if (scope) scope.wrote = scope.dirty = true;
    return this.primary.connect();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await this.replica.end();
  }
}

/**
 * What drizzle is given in place of the primary's pool when a replica is configured. Its class name says
 * Pool, so drizzle takes a connection of its own (from the primary) for each transaction.
 */
export class RoutingPool {
  constructor(private readonly router: ReadRouter) {}
  query(config: string | QueryConfig, values?: unknown[]): Promise<QueryResult> {
    return this.router.query(config, values);
  }
  connect(): Promise<PoolClient> {
    return this.router.connect();
  }
}
