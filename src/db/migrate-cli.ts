import { loadConfig, ConfigError } from '../config';
import { openDatabase } from './client';
import { DatabaseUnreachable } from './outage';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    process.stdout.write(`migrations applied (${database.kind})\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof DatabaseUnreachable ? err.message : String(err)}\n`);
  process.exit(1);
});
