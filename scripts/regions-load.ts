import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { DataDirInUse } from '../src/db/owner';
import { loadRegions } from '../src/regions/load';

/** `npm run regions:load -- --prefix 53`: loads (or refreshes) the divisions under a code, keeping flags. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { prefix: { type: 'string' } } });
  if (!values.prefix || !/^(\d{2}|\d{4}|\d{6})$/.test(values.prefix)) throw new ConfigError(['--prefix: expected a province, prefecture or county code such as 53']);
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, what: 'npm run regions:load' });
  try {
    await database.migrate();
    const n = await loadRegions(database.db, values.prefix);
    process.stdout.write(`${n} regions loaded under ${values.prefix}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof DataDirInUse ? err.message : String(err)}\n`);
  process.exit(1);
});
