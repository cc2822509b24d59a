import { parseArgs } from 'node:util';
import { bootstrap } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config';
import { openControl } from '../src/control/client';
import { controlSocketPath } from '../src/control/socket';
import { openDatabase } from '../src/db/client';
import { DataDirInUse } from '../src/db/owner';
import { SeedRefused, seedPeople, type SeedRequest } from '../src/demo/seed';
import { PiiVault } from '../src/pii/vault';

/**
 * `npm run seed -- --workers N [--region CODE] [--seed S]`: synthetic but realistic people
 * (valid ID numbers, real village codes, households, employment histories) for demos and
 * benchmarks, in the database of DATABASE_URL or the embedded one. Beside a running service on the
 * embedded database, the service itself writes them (through its control socket): the database's
 * files are never opened by two processes.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workers: { type: 'string', default: '1000' }, region: { type: 'string' }, seed: { type: 'string', default: '42' } },
  });
  const target = Number(values.workers);
  if (!Number.isInteger(target) || target < 1 || target > 5_000_000) throw new ConfigError(['--workers: expected a whole number from 1 to 5000000']);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new ConfigError(['--seed: expected a whole number']);
  const req: SeedRequest = { workers: target, seed, ...(values.region ? { region: values.region } : {}) };
  const config = loadConfig();
  const started = Date.now();
  const report = (made: { workers: number; jobs: number }, where: string): void =>
    void process.stdout.write(`\nseeded ${made.workers} workers with ${made.jobs} employment records in ${((Date.now() - started) / 1000).toFixed(1)} s (${where})\n`);

  if (!config.databaseUrl) {
    const running = await openControl(controlSocketPath(config.dataDir));
    if (running) {
      process.stdout.write('正在通过运行中的服务写入 / writing through the running service\n');
      running.send({ cmd: 'seed', ...req });
      for await (const a of running.answers) {
        if (a.type === 'progress') process.stdout.write(`\r${a.made}/${target} workers`);
        else if (a.type === 'done') return report({ workers: a.workers ?? 0, jobs: a.jobs ?? 0 }, 'through the running service');
        else if (a.type === 'error') throw new SeedRefused(a.message);
      }
      throw new SeedRefused('the running service closed the connection before the seed finished');
    }
  }

  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, what: 'npm run seed' });
  try {
    await database.migrate();
    const boot = await bootstrap(database.db, { regionRoot: config.regionRoot, adminPassword: config.auth.adminPassword, demo: config.demoData, hashCost: config.auth.argon2 });
    if (boot.generatedPassword) process.stdout.write(`管理员账号 admin 的初始密码 / initial password of account admin: ${boot.generatedPassword}\n`);
    const made = await seedPeople(database.db, new PiiVault(config.secrets.piiKey), config.regionRoot, req, (n) => process.stdout.write(`\r${n}/${target} workers`));
    report(made, database.kind);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  const plain = err instanceof ConfigError || err instanceof SeedRefused || err instanceof DataDirInUse;
  process.stderr.write(`${plain ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
