import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from '../../src/db/schema';
import type { Db } from '../../src/db/client';
import { ensureCatalogue } from '../../src/policies/service';
import { MIGRATIONS_DIR } from '../../src/db/client';
import { DB_PREFIX, PG_ADMIN_URL, databaseUrl } from './test-env';
import { buildJs } from './js-build';

/** Creates this run's template database, migrated once; each jest worker copies it. */
export default async function globalSetup(): Promise<void> {
  const run = `${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}`;
  process.env.BANGFU_TEST_RUN = run;
  // The processes the tests start run the project compiled once here, not each through tsx (scripts/entry.ts).
  process.env.BANGFU_BUILD_DIR = await buildJs();
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`The tests need PostgreSQL at ${PG_ADMIN_URL} (set TEST_PG_URL to change it): ${(err as Error).message}`, { cause: err });
  }
  try {
    // Databases left by runs that were killed more than six hours ago.
    const stale = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${DB_PREFIX}%`]);
    const cutoff = Date.now() / 1000 - 6 * 3600;
    for (const { datname } of stale.rows) {
      const started = Number(datname.slice(DB_PREFIX.length).split('_')[0]);
      if (Number.isFinite(started) && started < cutoff) await admin.query(`drop database if exists "${datname}" with (force)`);
    }
    const template = `${DB_PREFIX}${run}_template`;
    await admin.query(`create database "${template}"`);
    const client = new Client({ connectionString: databaseUrl(template) });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
      // The policy catalogue, as every start of the service adds it.
      await ensureCatalogue(drizzle(client, { schema }) as unknown as Db);
    } finally {
      await client.end();
    }
  } finally {
    await admin.end();
  }
}
