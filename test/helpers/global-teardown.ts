import Redis from 'ioredis';
import { Client } from 'pg';
import { DB_PREFIX, PG_ADMIN_URL, REDIS_PREFIX_ROOT, TEST_REDIS_URL } from './test-env';

/** Drops this run's databases and Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.BANGFU_TEST_RUN;
  if (!run) return;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const dbs = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${DB_PREFIX}${run}%`]);
    for (const { datname } of dbs.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX_ROOT}:${run}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
