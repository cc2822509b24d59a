import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword, verifyPassword, type HashCost } from '../src/access/password';
import { buildApp, contextPorts } from '../src/app';
import { loadConfig } from '../src/config';
import type { AppContext } from '../src/context';
import { accounts, regions } from '../src/db/schema';
import { PiiVault } from '../src/pii/vault';
import { systemClock } from '../src/shared/clock';
import { percentile, report, scratchDatabase, scratchRedis } from './support';

/**
 * `npm run bench:login [-- --concurrency 16 --rounds 5 --samples 40]`: the API in this process on a
 * scratch database and Redis prefix. CONCURRENCY people sign in at once, ROUNDS times over, first with
 * passwords stored at the old cost (argon2id 64 MiB × 3 passes × 4 lanes, the library's default) and
 * then at the configured one (default 19 MiB × 2 × 1), and the same without hashing; beside each, the
 * checks alone (no HTTP, no database) as many at once; then, one at a time, SAMPLES refusals of a wrong
 * password for a real name beside as many for a name that is no account, and the same for tries
 * refused by the throttle. Target: p99 under 2 s at 16 at once; refusals alike for both kinds of name.
 */
const OLD_COST: HashCost = { memoryKib: 65536, passes: 3, parallelism: 4 };
const FLOOR_COST: HashCost = { memoryKib: 64, passes: 1, parallelism: 1 };
const PASSWORD = 'bench password 2026';

let addressSeq = 0;
/** Every try from its own address, so the throttle, which is per address, stays out of the figures. */
const nextAddress = () => {
  addressSeq++;
  return `10.${(addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255}`;
};

async function signIn(base: string, username: string, password: string, address = nextAddress()): Promise<{ ms: number; status: number }> {
  const t = performance.now();
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ username, password }) });
  await res.arrayBuffer();
  return { ms: performance.now() - t, status: res.status };
}

async function concurrentLogins(ctx: AppContext, base: string, label: string, cost: HashCost, concurrency: number, rounds: number) {
  ctx.config.auth.argon2 = { memoryKib: cost.memoryKib, passes: cost.passes, parallelism: cost.parallelism ?? 1 };
  const hash = await hashPassword(PASSWORD, cost);
  const names = Array.from({ length: concurrency }, (_, i) => `bench-${label}-${i}`);
  await ctx.db.insert(accounts).values(names.map((username) => ({ username, passwordHash: hash, displayName: username, role: 'station' as const, regionCode: '5325' })));
  await signIn(base, names[0]!, PASSWORD); // warm: connections, the first query plans
  const latencies: number[] = [];
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    const results = await Promise.all(names.map((n) => signIn(base, n, PASSWORD)));
    for (const x of results) {
      if (x.status !== 200) throw new Error(`${label}: a sign-in answered ${x.status}`);
      latencies.push(x.ms);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { label, cost: `${Math.round(cost.memoryKib / 1024)} MiB × ${cost.passes} × ${cost.parallelism ?? 1}`, p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: Math.round((latencies.length / seconds) * 10) / 10 };
}

/** The checks alone, CONCURRENCY at once, without HTTP or the database: what argon2 itself takes. */
async function checksAlone(cost: HashCost, concurrency: number, rounds: number) {
  const hash = await hashPassword(PASSWORD, cost);
  const latencies: number[] = [];
  for (let r = 0; r < rounds; r++) {
    latencies.push(
      ...(await Promise.all(
        Array.from({ length: concurrency }, async () => {
          const t = performance.now();
          await verifyPassword(hash, PASSWORD);
          return performance.now() - t;
        }),
      )),
    );
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function refusals(base: string, samples: number, throttled: boolean) {
  const known: number[] = [];
  const unknown: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < samples; i++) {
    // Alternating, so a drift in the machine's load falls on both alike.
    for (const [name, into] of [['bench-new-0', known], [`nobody-${i}`, unknown]] as const) {
      const address = nextAddress();
      // Four tries let in, the fifth is refused by the delay before any password is checked.
      if (throttled) for (let k = 0; k < 4; k++) await signIn(base, name, `wrong-${k}`, address);
      const x = await signIn(base, name, `wrong-${i}`, address);
      statuses.add(x.status);
      into.push(x.ms);
    }
  }
  return { known: { p50: percentile(known, 50), p90: percentile(known, 90) }, unknown: { p50: percentile(unknown, 50), p90: percentile(unknown, 90) }, statuses: [...statuses] };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '16' }, rounds: { type: 'string', default: '5' }, samples: { type: 'string', default: '40' } } });
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);
  const samples = Number(values.samples);
  const scratch = await scratchDatabase();
  const kv = await scratchRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'bangfu-bench-'));
  let server: Server | undefined;
  try {
    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: scratch.url,
      REDIS_PREFIX: kv.prefix,
      DATA_DIR: dataDir,
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'silent',
      PII_KEY: '11'.repeat(32),
      TOKEN_SECRET: 'bench-token-secret-that-is-long-enough-0123456789',
      // The refusal samples fail on one real name from many addresses; its lock is not what is measured.
      LOGIN_LOCK_ADDRESSES: '100000',
    });
    const configured: HashCost = { ...config.auth.argon2 };
    const ctx: AppContext = { config, logger: kv.logger, database: scratch.database, db: scratch.database.db, redis: kv.redis, queues: kv.queues, clock: systemClock, pii: new PiiVault(config.secrets.piiKey), ...contextPorts };
    await ctx.db.insert(regions).values([
      { code: '53', name: '云南省', level: 1, parentCode: null },
      { code: '5325', name: '红河哈尼族彝族自治州', level: 2, parentCode: '53' },
    ]);
    const app = buildApp(ctx);
    server = createServer(app.callback());
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // Other work on the machine shares its cores; the figures are read beside it.
    const loadBefore = loadavg()[0]!;
    const baseline = await concurrentLogins(ctx, base, 'old', OLD_COST, concurrency, rounds);
    const current = await concurrentLogins(ctx, base, 'new', configured, concurrency, rounds);
    // Not a setting anyone may choose: what the rest of a sign-in (HTTP, Redis, the queries, the audit entry) costs.
    const floor = await concurrentLogins(ctx, base, 'floor', FLOOR_COST, concurrency, rounds);
    ctx.config.auth.argon2 = { memoryKib: configured.memoryKib, passes: configured.passes, parallelism: 1 };
    const aloneOld = await checksAlone(OLD_COST, concurrency, rounds);
    const aloneNew = await checksAlone(configured, concurrency, rounds);
    const wrong = await refusals(base, samples, false);
    const slowed = await refusals(base, Math.min(samples, 20), true);

    const load = Math.round(((loadBefore + loadavg()[0]!) / 2) * 10) / 10;
    const row = (cells: Array<string | number>) => process.stdout.write(cells.map((c, i) => String(c).padEnd(i === 0 ? 34 : 14)).join('') + '\n');
    process.stdout.write(`\n${concurrency} sign-ins at once, ${rounds} rounds (${process.env.UV_THREADPOOL_SIZE ?? 4} libuv threads, ${availableParallelism()} cores, load average ${load})\n`);
    row(['argon2id cost', 'p50 ms', 'p99 ms', 'sign-ins/s', 'check alone p50', 'check alone p99']);
    for (const [r, alone] of [[baseline, aloneOld], [current, aloneNew]] as const) row([`${r.label === 'old' ? 'baseline' : 'now'}: ${r.cost}`, r.p50, r.p99, r.perSecond, alone.p50, alone.p99]);
    row(['without hashing (64 KiB × 1)', floor.p50, floor.p99, floor.perSecond]);
    process.stdout.write(`\nrefused one at a time, ${samples} each (statuses ${wrong.statuses.join(', ')}; throttled ${slowed.statuses.join(', ')})\n`);
    row(['', 'real name p50', 'no account p50', 'real name p90', 'no account p90']);
    row(['wrong password (401)', wrong.known.p50, wrong.unknown.p50, wrong.known.p90, wrong.unknown.p90]);
    row(['throttled (429)', slowed.known.p50, slowed.unknown.p50, slowed.known.p90, slowed.unknown.p90]);
    process.stdout.write('\n');
    report({
      bench: 'login',
      concurrency,
      rounds,
      cores: availableParallelism(),
      loadAverage: load,
      baseline: { cost: baseline.cost, p50Ms: baseline.p50, p99Ms: baseline.p99, perSecond: baseline.perSecond, checkAloneP50Ms: aloneOld.p50, checkAloneP99Ms: aloneOld.p99 },
      current: { cost: current.cost, p50Ms: current.p50, p99Ms: current.p99, perSecond: current.perSecond, checkAloneP50Ms: aloneNew.p50, checkAloneP99Ms: aloneNew.p99 },
      speedup: Math.round((current.perSecond / baseline.perSecond) * 10) / 10,
      withoutHashing: { p50Ms: floor.p50, p99Ms: floor.p99, perSecond: floor.perSecond },
      refusedWrongPasswordMs: { knownP50: wrong.known.p50, unknownP50: wrong.unknown.p50, knownP90: wrong.known.p90, unknownP90: wrong.unknown.p90 },
      refusedThrottledMs: { knownP50: slowed.known.p50, unknownP50: slowed.unknown.p50 },
      p99UnderTarget: current.p99 < 2000,
    });
  } finally {
    if (server) await new Promise((r) => server!.close(r));
    await kv.drop();
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
