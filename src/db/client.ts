import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { Pool } from 'pg';
import * as schema from './schema';
import { DatabaseUnreachable } from './outage';
import { ReadRouter, RoutingPool } from './reader';
import type { Logger } from '../logger';
import { MIGRATIONS_DIR, type Database, type Db } from './database';

export type { Database, Db, Schema } from './database';
export { MIGRATIONS_DIR };

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite under `dataDir` is used. */
  url: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** What opens it, shown to a second process the embedded database refuses (`npm start`, `seed`, ...). */
  what?: string;
  /** Who connects, as PostgreSQL shows it (`application_name`: bangfu-api, bangfu-worker, …; bangfu when unsaid). */
  name?: string;
  /** A streaming replica for lag-tolerant reads (PostgreSQL only; the embedded database has none). */
  read?: { url: string; maxLagSeconds: number; checkMs?: number; logger?: Logger };
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize ?? 10, opts.read, opts.name ?? 'bangfu');
  // Loaded only here: a service on a PostgreSQL server never needs the embedded one (a quarter of a second to
  // load). `require` as in shared/libraries.ts.
  const { openPglite } = require('./embedded') as typeof import('./embedded');
  return openPglite(join(opts.dataDir, 'pglite'), opts.what ?? 'bangfu');
}

async function openPostgres(url: string, poolSize: number, read: DatabaseOptions['read'], name: string): Promise<Database> {
  // A server that never answers fails a query after 10 s instead of holding it until the OS gives up.
  const pool = new Pool({ connectionString: url, max: poolSize, application_name: name, connectionTimeoutMillis: 10_000 });
  // A client that loses its server must not crash the process; the statement it was running (or the next)
  // reports it. The pool listens only to idle clients: one lent out for a transaction, whose socket dies
  // mid-statement or between statements, emits its error with no listener, which ends the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // A wrong address or a server that is down is said at once, in one line (host, port, cause; never the password).
  await pool.query('select 1').catch(async (err: unknown) => {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnreachable(url, err);
  });
  // With a replica, every statement passes the router (src/db/reader.ts); a replica that does not answer
  // at start only means the primary reads until it does.
  const reads = read ? new ReadRouter({ primary: pool, name: `${name}-read`, readUrl: read.url, poolSize, maxLagSeconds: read.maxLagSeconds, checkMs: read.checkMs, logger: read.logger }) : undefined;
  await reads?.check();
  const db: Db = drizzlePg((reads ? new RoutingPool(reads) : pool) as Pool, { schema });
  let closed = false;
  return {
    db,
    kind: 'postgres',
    ...(reads ? { reads } : {}),
    migrate: () => migratePg(drizzlePg(pool, { schema }), { migrationsFolder: MIGRATIONS_DIR }),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    pool: () => ({ max: poolSize, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      if (closed) return;
      closed = true;
      await reads?.close();
      await pool.end();
    },
  };
}

/** Rows of a raw `db.execute(sql…)` result; node-postgres and PGlite both answer with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
