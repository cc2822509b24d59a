/**
 * Where the tests find PostgreSQL and Redis. Both are real servers; each test run gets its own
 * databases (bangfu_t_<run>_*) and its own Redis key prefix, and removes them at the end.
 */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DB_PREFIX = 'bangfu_t_';
export const REDIS_PREFIX_ROOT = 'bangfu-test';

/**
 * argon2id's cost in the tests: far below OWASP's minimum, which only NODE_ENV=test accepts. Each of
 * the suite's many sign-ins would otherwise spend a real hash's memory and time on a busy machine.
 * A hash records its own cost, so these verify like any other.
 */
export const TEST_HASH_COST = { memoryKib: 64, passes: 1 } as const;

export function databaseUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export function runId(): string {
  const id = process.env.BANGFU_TEST_RUN;
  if (!id) throw new Error('BANGFU_TEST_RUN is not set: run the tests through jest (npm test)');
  return id;
}

export function templateDatabase(): string {
  return `${DB_PREFIX}${runId()}_template`;
}
