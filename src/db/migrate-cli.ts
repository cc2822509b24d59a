import { loadConfig, ConfigError } from '../config';
import { openDatabase } from './client';
import { migrateDatabase } from './roles';
import { DatabaseUnreachable } from './outage';
import { DataDirInUse } from './owner';

/**
 * `npm run migrate`: applies pending migrations as DATABASE_MIGRATE_URL's role (the owner) and grants
 * DATABASE_URL's role what the service needs; without DATABASE_MIGRATE_URL, through DATABASE_URL, or to
 * the embedded database.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, what: 'npm run migrate' });
  try {
    const { granted } = await migrateDatabase(database, { url: config.databaseUrl, migrateUrl: config.databaseMigrateUrl, dataDir: config.dataDir });
    process.stdout.write(`migrations applied (${database.kind}${granted ? `; rights granted to role ${granted}` : ''})\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof DatabaseUnreachable || err instanceof DataDirInUse ? err.message : String(err)}\n`);
  process.exit(1);
});
