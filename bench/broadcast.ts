import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { and, eq, like, sql } from 'drizzle-orm';
import { loadConfig } from '../src/config';
import { rowsOf } from '../src/db/client';
import { broadcasts, regions, subscriptions, workers } from '../src/db/schema';
import { Generator } from '../src/demo/synthetic';
import { writePeople } from '../src/demo/write';
import { fanOut } from '../src/outreach/service';
import { PiiVault } from '../src/pii/vault';
import { loadRegions } from '../src/regions/load';
import { systemClock } from '../src/shared/clock';
import { startWorkers } from '../jobs/workers';
import { report, scratchDatabase, scratchRedis, seconds } from './support';
import { contextPorts } from '../src/app';

/**
 * `npm run bench:broadcast [-- --recipients N]`: a broadcast to N people (default 100,000). Prints the
 * fan-out time beside raw BullMQ addBulk of N jobs, and the delivery rate through the log channel
 * (silenced, so it does no work) beside a raw no-op BullMQ worker, both in the same run.
 * Targets: fan-out at most 2× raw; delivery at least half of raw.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { recipients: { type: 'string', default: '100000' } } });
  const n = Number(values.recipients);
  const scratch = await scratchDatabase();
  const scratchKv = await scratchRedis();
  const { redis, queues, prefix, logger } = scratchKv;
  try {
    const db = scratch.database.db;
    await loadRegions(db, '5325');
    const villages = (await db.select({ code: regions.code }).from(regions).where(and(like(regions.code, '5325%'), eq(regions.level, 5)))).map((r) => r.code);
    const gen = new Generator(villages, 4, new Date());
    const vault = new PiiVault(Buffer.alloc(32, 4));
    await writePeople(db, vault, gen, n, new Date(), { batchSize: 5000, onProgress: (made) => process.stdout.write(`\rseeding people: ${made}/${n}`) });
    process.stdout.write('\n');
    await db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap) select id, 'log', 0, 0, 50 from ${workers}`);
    // Statistics as autovacuum keeps them on a running server.
    await db.execute(sql`analyze`);
    const config = loadConfig({ ...process.env, DATABASE_URL: scratch.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
    const ctx = { config, logger, database: scratch.database, db, redis, queues, clock: systemClock, pii: vault, ...contextPorts };

    // Raw BullMQ: addBulk of the same number of jobs, in pages of the same size as the fan-out's.
    const raw = new Queue('bench-raw', { connection: redis.connect(), prefix });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1000) {
      await raw.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { jobId: `raw-${i + k}`, removeOnComplete: true } })));
    }
    const rawAddS = seconds(t0);

    const [b] = await db.insert(broadcasts).values({ regionCode: '5325', audience: { regionCode: '5325' }, message: { 'zh-CN': '基准测试' }, sendAt: new Date() }).returning();
    const t1 = process.hrtime.bigint();
    await fanOut(ctx, b!.id);
    const fanoutS = seconds(t1);

    // Raw no-op worker over the raw jobs.
    const t2 = process.hrtime.bigint();
    let rawDone = 0;
    const rawWorker = new Worker('bench-raw', async () => undefined, { connection: redis.connect(), prefix, concurrency: 8 });
    rawWorker.on('completed', () => rawDone++);
    while (rawDone < n) await new Promise((r) => setTimeout(r, 50));
    const rawDeliverS = seconds(t2);
    await rawWorker.close();

    const t3 = process.hrtime.bigint();
    const w = startWorkers(ctx, { only: ['deliveries', 'deliveries-bulk'] });
    for (;;) {
      const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int n from deliveries where broadcast_id = ${b!.id} and status in ('sent', 'failed', 'skipped')`));
      if ((row?.n ?? 0) >= n) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const deliverS = seconds(t3);
    await w.close();
    await raw.obliterate({ force: true });
    await raw.close();

    const fanoutRatio = fanoutS / rawAddS;
    const deliveryPerS = Math.round(n / deliverS);
    const rawPerS = Math.round(n / rawDeliverS);
    process.stdout.write(`fan-out of ${n}: ${fanoutS.toFixed(2)} s; raw addBulk: ${rawAddS.toFixed(2)} s (×${fanoutRatio.toFixed(2)})\n`);
    process.stdout.write(`delivery: ${deliveryPerS}/s; raw no-op worker: ${rawPerS}/s (×${(deliveryPerS / rawPerS).toFixed(2)})\n`);
    report({
      bench: 'broadcast',
      recipients: n,
      fanoutS: Number(fanoutS.toFixed(2)),
      baselineAddBulkS: Number(rawAddS.toFixed(2)),
      fanoutRatio: Number(fanoutRatio.toFixed(2)),
      deliveryPerS,
      baselinePerS: rawPerS,
      ratio: Number((deliveryPerS / rawPerS).toFixed(3)),
      target: 'fanoutRatio<=2 && ratio>=0.5',
    });
  } finally {
    await scratchKv.drop();
    await scratch.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
