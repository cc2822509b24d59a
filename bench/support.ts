import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../src/db/client';
import { createLogger, type Logger } from '../src/logger';
import { openRedis, type RedisHandle } from '../src/redis';
import { Queues } from '../src/queues/queues';

const admin = () => process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates `name` on BENCH_PG_URL's server (or, when `reuse`, takes it as it is if it exists), then opens and migrates it. */
async function openBenchDatabase(name: string, reuse: boolean): Promise<{ database: Database; url: string; fresh: boolean }> {
  const c = new Client({ connectionString: admin() });
  await c.connect();
  const exists = reuse && (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  if (!exists) await c.query(`create database "${name}"`);
  await c.end();
  const u = new URL(admin());
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), dataDir: '/tmp', poolSize: 10 });
  await database.migrate();
  return { database, url: u.toString(), fresh: !exists };
}

/**
 * A scratch PostgreSQL database for one benchmark run: BENCH_PG_URL's server (default the local
 * one), a fresh database that is dropped at the end.
 */
export async function scratchDatabase(): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const name = `bangfu_bench_${Date.now()}_${randomBytes(2).toString('hex')}`;
  const { database, url } = await openBenchDatabase(name, false);
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      // BENCH_KEEP=1 leaves the scratch database in place for EXPLAIN and friends.
      if (process.env.BENCH_KEEP === '1') {
        process.stdout.write(`kept scratch database ${name}\n`);
        return;
      }
      const d = new Client({ connectionString: admin() });
      await d.connect();
      await d.query(`drop database if exists "${name}" with (force)`);
      await d.end();
    },
  };
}

/**
 * A named benchmark database that is kept between runs (`BENCH_DB=name`): created when missing, migrated
 * on every run, never dropped, so data seeded once at a million rows is measured again without reseeding.
 */
export async function keptDatabase(name: string): Promise<{ database: Database; url: string; fresh: boolean; drop(): Promise<void> }> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`BENCH_DB must be a plain database name, not ${name}`);
  const { database, url, fresh } = await openBenchDatabase(name, true);
  return {
    database,
    url,
    fresh,
    drop: async () => {
      await database.close();
      process.stdout.write(`kept database ${name}\n`);
    },
  };
}

/** BENCH_DB's kept database when set, otherwise a scratch one dropped at the end. */
export async function benchDatabase(): Promise<{ database: Database; url: string; fresh: boolean; drop(): Promise<void> }> {
  const name = process.env.BENCH_DB;
  if (name) return keptDatabase(name);
  return { ...(await scratchDatabase()), fresh: true };
}

export function seconds(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

/** The last line of every benchmark: one JSON object, stable for outside tools. */
export function report(figures: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(figures) + '\n');
}

/** The p-th percentile of a sample, in the sample's unit, to two decimals. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

/** A Redis key prefix of its own for one benchmark run, with queues on it; `drop` removes every key. */
export async function scratchRedis(): Promise<{ redis: RedisHandle; queues: Queues; prefix: string; logger: Logger; drop(): Promise<void> }> {
  const prefix = `bangfu-bench:${Date.now()}`;
  const logger = createLogger('silent');
  const redis = await openRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix, serverBin: 'redis-server', dataDir: '/tmp' }, logger);
  const queues = new Queues(redis, prefix);
  return {
    redis,
    queues,
    prefix,
    logger,
    drop: async () => {
      await queues.close();
      const cleaner = redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await cleaner.del(...keys);
      } while (cursor !== '0');
      cleaner.disconnect();
      await redis.close();
    },
  };
}
