import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzleLite } from 'drizzle-orm/pglite';
import { migrate as migrateLite } from 'drizzle-orm/pglite/migrator';
import { Pool } from 'pg';
import * as schema from './schema';
import { DatabaseUnreachable } from './outage';
import { assertNotRestoring, holdDataDir, type Hold } from './owner';
import { ReadRouter, RoutingPool } from './reader';
import type { Logger } from '../logger';

export type Schema = typeof schema;
/** The one database type the services see, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The embedded database's ownership (absent on a PostgreSQL server, where many processes share it). */
  hold?: Hold;
  /** The embedded database's files as one gzipped tar, for a backup (absent on a server: pg_dump does that). */
  dumpFiles?: () => Promise<Blob>;
  /** Applies pending migrations; safe to call on every start. */
  migrate(): Promise<void>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** The connection pool's use now (absent for the embedded database, which has one connection and no pool). */
  pool?: () => { max: number; total: number; idle: number; waiting: number };
  /** The read replica (DATABASE_READ_URL) and what decides which reads it serves; absent without one. */
  reads?: ReadRouter;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = resolve(__dirname, 'migrations');

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite under `dataDir` is used. */
  url: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** What opens it, shown to a second process the embedded database refuses (`npm start`, `seed`, ...). */
  what?: string;
  /** A streaming replica for lag-tolerant reads (PostgreSQL only; the embedded database has none). */
  read?: { url: string; maxLagSeconds: number; checkMs?: number; logger?: Logger };
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? 10, opts.read) : openPglite(join(opts.dataDir, 'pglite'), opts.what ?? 'bangfu');
}

async function openPostgres(url: string, poolSize: number, read: DatabaseOptions['read']): Promise<Database> {
  // A server that never answers fails a query after 10 s instead of holding it until the OS gives up.
  const pool = new Pool({ connectionString: url, max: poolSize, application_name: 'bangfu', connectionTimeoutMillis: 10_000 });
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
  const reads = read ? new ReadRouter({ primary: pool, readUrl: read.url, poolSize, maxLagSeconds: read.maxLagSeconds, checkMs: read.checkMs, logger: read.logger }) : undefined;
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

async function openPglite(dir: string, what: string): Promise<Database> {
  let client: PGlite | undefined;
  // One process at a time: a second writer corrupts the files (see owner.ts); never half a restore.
  const hold = holdDataDir(dir, what);
  try {
    assertNotRestoring(dir);
    mkdirSync(dir, { recursive: true });
    client = await PGlite.create(dir);
  } catch (err) {
    await hold.release();
    throw err;
  }
  const typed = drizzleLite(client, { schema });
  const db: Db = typed;
  let closed = false;
  return {
    db,
    kind: 'pglite',
    hold,
    dumpFiles: () => client.dumpDataDir('gzip'),
    migrate: () => migrateLite(typed, { migrationsFolder: MIGRATIONS_DIR }),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close().catch(() => undefined);
      await hold.release();
    },
  };
}

/** Rows of a raw `db.execute(sql…)` result; node-postgres and PGlite both answer with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
