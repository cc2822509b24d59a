import { resolve } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';
import type { Hold } from './owner';
import type { ReadRouter } from './reader';

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

/** The migrations both drivers apply, in order (drizzle-kit writes them). */
export const MIGRATIONS_DIR = resolve(__dirname, 'migrations');
