import { parseArgs } from 'node:util';
import { like, and, eq } from 'drizzle-orm';
import { bootstrap } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { regions } from '../src/db/schema';
import { Generator, type SyntheticHousehold } from '../src/demo/synthetic';
import { writeHouseholds } from '../src/demo/write';
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
    let made = 0;
    let jobs = 0;
    let batch: SyntheticHousehold[] = [];
    let inBatch = 0;
    const started = Date.now();
    while (made < target) {
      const h = gen.household();
      h.members = h.members.slice(0, target - made - inBatch);
      batch.push(h);
      inBatch += h.members.length;
      if (inBatch >= 2000 || made + inBatch >= target) {
        const w = await writeHouseholds(database.db, vault, batch, today);
        made += w.workers;
        jobs += w.jobs;
        batch = [];
        inBatch = 0;
        process.stdout.write(`\r${made}/${target} workers, ${jobs} employment records`);
      }
    }
    process.stdout.write(`\nseeded ${made} workers in ${((Date.now() - started) / 1000).toFixed(1)} s (${database.kind})\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
