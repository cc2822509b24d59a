import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { loadConfig, type Config } from '../../src/config';
import type { AppContext } from '../../src/context';
import { contextPorts } from '../../src/app';
import { openDatabase, rowsOf } from '../../src/db/client';
import { createLogger } from '../../src/logger';
import { PiiVault } from '../../src/pii/vault';
import { openRedis } from '../../src/redis';
import { ManualClock, type Clock } from '../../src/shared/clock';
import { ensureCatalogue } from '../../src/policies/service';
import { PASSWORD } from './factories';
import { parseResidentId } from '../../src/pii/resident-id';
import { Queues } from '../../src/queues/queues';
import { PG_ADMIN_URL, REDIS_PREFIX_ROOT, TEST_HASH_COST, TEST_REDIS_URL, databaseUrl, runId, templateDatabase } from './test-env';

export const TEST_PII_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
export const TEST_TOKEN_SECRET = 'test-token-secret-that-is-long-enough-0123456789';

/** Every log line of this test file, to check what was (and was not) written. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface Harness {
  ctx: AppContext;
  config: Config;
  logs: LogCapture;
  clock: Clock;
  /** Empties every table (between test files or scenarios). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The database of this jest worker, copied from the run's migrated template on first use. */
async function workerDatabase(): Promise<string> {
  const name = `${templateDatabase().replace(/_template$/, '')}_w${process.env.JEST_WORKER_ID ?? '1'}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) await admin.query(`create database "${name}" template "${templateDatabase()}"`);
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PII_KEY: TEST_PII_KEY,
    TOKEN_SECRET: TEST_TOKEN_SECRET,
    LOG_LEVEL: 'debug',
    REDIS_URL: TEST_REDIS_URL,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bangfu-test-')),
    ARGON2_MEMORY_KIB: String(TEST_HASH_COST.memoryKib),
    ARGON2_PASSES: String(TEST_HASH_COST.passes),
    ...overrides,
  });
}

export async function createHarness(opts: { clock?: Clock; env?: Record<string, string> } = {}): Promise<Harness> {
  const url = await workerDatabase();
  const prefix = `${REDIS_PREFIX_ROOT}:${runId()}:${randomBytes(4).toString('hex')}`;
  const config = testConfig({ DATABASE_URL: url, REDIS_PREFIX: prefix, ...opts.env });
  const logs = new LogCapture();
  const logger = createLogger('debug', logs);
  const database = await openDatabase({ url, dataDir: config.dataDir, poolSize: 5 });
  const redis = await openRedis({ url: config.redis.url, prefix, serverBin: 'redis-server', dataDir: config.dataDir, cluster: config.redis.cluster }, logger);
  const queues = new Queues(redis, prefix);
  const clock = opts.clock ?? new ManualClock(new Date());
  const ctx: AppContext = { config, logger, database, db: database.db, redis, queues, clock, pii: new PiiVault(config.secrets.piiKey), ...contextPorts };
  const reset = async () => {
    const tables = rowsOf<{ tablename: string }>(
      await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`),
    );
    const names = tables.map((r) => `"${r.tablename}"`).join(', ');
    // Triggers are off for this one statement only: the audit log refuses truncation otherwise.
    if (names) {
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(sql.raw(`truncate ${names} restart identity cascade`));
      });
    }
    // What every start of the service adds: the policy catalogue.
    await ensureCatalogue(database.db);
  };
  await reset();
  return {
    ctx,
    config,
    logs,
    clock,
    reset,
    close: async () => {
      // Every test file's logs, checked as it ends: no ID or mobile number, token or password ever reaches them.
      const leaked = logLeaks(logs.text());
      if (leaked.length) throw new Error(`personal data in the logs: ${leaked.map((x) => x.slice(0, 3) + '…').join(', ')}`);
      await queues.close();
      await redis.close();
      await database.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident ID numbers (with a valid check character), mobile numbers, tokens and the test password. */
export function logLeaks(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])/g)) if (parseResidentId(m[0], new Date()).ok) found.push(m[0]);
  for (const m of text.matchAll(/(?<![\dA-Za-z])1[3-9]\d{9}(?![\dA-Za-z])/g)) found.push(m[0]);
  // Sign-in tokens, and the password every test account has.
  for (const m of text.matchAll(/bf_[A-Za-z0-9_-]{30,}/g)) found.push(m[0]);
  if (text.includes(PASSWORD)) found.push('the test password');
  return found;
}
