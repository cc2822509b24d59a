/**
 * The embedded database (PGlite), for a single machine without a PostgreSQL server. Its own module, loaded
 * only when it is used (openDatabase without a URL, a restore of its files).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleLite } from 'drizzle-orm/pglite';
import { migrate as migrateLite } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_DIR, type Database, type Db } from './database';
import { assertNotRestoring, holdDataDir } from './owner';
import * as schema from './schema';

export { PGlite };

export async function openPglite(dir: string, what: string): Promise<Database> {
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
