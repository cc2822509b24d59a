import { parseArgs } from 'node:util';
import { like, and, eq } from 'drizzle-orm';
import { bootstrap } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { regions } from '../src/db/schema';
import { Generator } from '../src/demo/synthetic';
import { writePeople } from '../src/demo/write';
import { PiiVault } from '../src/pii/vault';

/**
 * `npm run seed -- --workers N [--region CODE] [--seed S]`: synthetic but realistic people
 * (valid ID numbers, real village codes, households, employment histories) for demos and
 * benchmarks, in the database of DATABASE_URL or the embedded one.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workers: { type: 'string', default: '1000' }, region: { type: 'string' }, seed: { type: 'string', default: '42' } },
  });
  const target = Number(values.workers);
  if (!Number.isInteger(target) || target < 1 || target > 5_000_000) throw new ConfigError(['--workers: expected a whole number from 1 to 5000000']);
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    const boot = await bootstrap(database.db, { regionRoot: config.regionRoot, adminPassword: config.auth.adminPassword, demo: config.demoData });
    if (boot.generatedPassword) process.stdout.write(`管理员账号 admin 的初始密码 / initial password of account admin: ${boot.generatedPassword}\n`);
    const region = values.region ?? config.regionRoot;
    const villages = (
      await database.db.select({ code: regions.code }).from(regions).where(and(like(regions.code, `${region}%`), eq(regions.level, 5)))
    ).map((r) => r.code);
    if (!villages.length) throw new ConfigError([`--region: no villages loaded under ${region} (it must lie within REGION_ROOT ${config.regionRoot})`]);
    const today = new Date();
    const gen = new Generator(villages, Number(values.seed), today);
    const vault = new PiiVault(config.secrets.piiKey);
    const started = Date.now();
    const { workers: made, jobs } = await writePeople(database.db, vault, gen, target, today, {
      onProgress: (n) => process.stdout.write(`\r${n}/${target} workers`),
    });
    process.stdout.write(`\nseeded ${made} workers with ${jobs} employment records in ${((Date.now() - started) / 1000).toFixed(1)} s (${database.kind})\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
