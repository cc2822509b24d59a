import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Job } from 'bullmq';
import { deliveries, subscriptions, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { deliverBatch, fanOut, markBatchExhausted, sweepDeliveries } from '../../src/outreach/service';
import { requeueFromDatabase } from '../../src/outreach/recovery';
import { InDoubt, logChannel, type Channel, type OutgoingMessage } from '../../src/outreach/channels';
import { BATCH_SIZE } from '../../src/queues/deliveries';
import { systemClock } from '../../src/shared/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';

const PEOPLE = 250;

/**
 * A broadcast's deliveries on a channel with no rate limit of its own go out a batch per queue job, each
 * delivery still claimed, judged and closed on its own (at today's date, on the real PostgreSQL and Redis).
 */
describe('the push engine in batches: one queue job for up to a hundred deliveries', () => {
  let h: Harness;
  let station: Staff;

  beforeAll(async () => {
    h = await createHarness({ clock: systemClock });
    await seedRegions(h.ctx.db);
    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageA.code], 7, new Date()), PEOPLE, new Date());
    await h.ctx.db.execute(sql`update workers set consent = true, status = 'active'`);
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap) select id, 'log', 0, 0, 50 from ${workers}`);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  beforeEach(async () => {
    for (const q of ['deliveries', 'deliveries-bulk'] as const) await h.ctx.queues.queue(q).obliterate({ force: true });
  });

  /** A village broadcast, fanned out: its deliveries by batch. */
  const broadcast = async (text: string) => {
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': text } })).body as { id: string };
    await fanOut(h.ctx, b.id);
    const rows = await h.ctx.db.select({ id: deliveries.id, batch: deliveries.batch, workerId: deliveries.workerId }).from(deliveries).where(eq(deliveries.broadcastId, b.id)).orderBy(asc(deliveries.id));
    const batches = new Map<string, string[]>();
    for (const r of rows) if (r.batch) batches.set(r.batch, [...(batches.get(r.batch) ?? []), r.id]);
    return { id: b.id, rows, batches };
  };
  const statusOf = async (ids: string[]) => {
    const rows = await h.ctx.db.select({ id: deliveries.id, status: deliveries.status, reason: deliveries.reason, batch: deliveries.batch }).from(deliveries).where(inArray(deliveries.id, ids));
    return new Map(rows.map((r) => [r.id, r]));
  };

  it('queues one job per batch (job id batch-<batch>), none per delivery, and each batch sends each of its deliveries once', async () => {
    const b = await broadcast('本周六乡里有招聘会');
    expect(b.rows).toHaveLength(PEOPLE);
    // 250 in one fan-out page: batches of 100, 100 and 50, and every delivery in one.
    expect([...b.batches.values()].map((ids) => ids.length).sort((x, y) => x - y)).toEqual([50, BATCH_SIZE, BATCH_SIZE]);
    const bulk = (await h.ctx.queues.queue('deliveries-bulk').getJobs(['waiting', 'prioritized', 'delayed'])) as Job[];
    expect(bulk.map((j) => j.id).sort()).toEqual([...b.batches.keys()].map((k) => `batch-${k}`).sort());
    expect(bulk.map((j) => j.data)).toEqual(expect.arrayContaining([...b.batches.keys()].map((batch) => ({ batch }))));
    expect(await h.ctx.queues.queue('deliveries').getJob(b.rows[0]!.id)).toBeUndefined();

    const sink: OutgoingMessage[] = [];
    const channels = new Map([['log', logChannel(h.ctx.logger, sink)]]);
    for (const batch of b.batches.keys()) expect(await deliverBatch(h.ctx, batch, channels)).toEqual({ sent: b.batches.get(batch)!.length });
    expect(sink).toHaveLength(PEOPLE);
    expect(new Set(sink.map((m) => m.workerId)).size).toBe(PEOPLE);
    // A batch's job run again (a retry, a copy put back by the sweeper) finds nothing left to send.
    for (const batch of b.batches.keys()) expect(await deliverBatch(h.ctx, batch, channels)).toEqual({});
    expect(sink).toHaveLength(PEOPLE);
    const closed = await statusOf(b.rows.map((r) => r.id));
    expect([...closed.values()].every((r) => r.status === 'sent')).toBe(true);
  });

  it('a batch whose job was cut off mid-send: what it had claimed is never sent again and becomes unknown at the sweep; the rest go once', async () => {
    const b = await broadcast('明天村委会发放技能培训补贴');
    const [batch, ids] = [...b.batches.entries()][0]!;
    // Claimed by the job's first run, which then died between claim and record.
    const cut = ids.slice(0, 5);
    await h.ctx.db.update(deliveries).set({ status: 'sending' }).where(inArray(deliveries.id, cut));
    const sink: OutgoingMessage[] = [];
    // The job's next run cannot tell a dead run from one still sending (its job put back after Redis lost it): it leaves those five alone.
    expect(await deliverBatch(h.ctx, batch, new Map([['log', logChannel(h.ctx.logger, sink)]]))).toEqual({ sending: 5, sent: ids.length - 5 });
    expect(sink.map((m) => m.deliveryId).sort()).toEqual(ids.slice(5).sort());
    // Claimed for longer than any run holds one: the sweeper calls them unknown (settled later by the report or the channel's rule).
    await h.ctx.db.execute(sql`update deliveries set updated_at = now() - interval '5 minutes' where id in (${sql.join(cut.map((id) => sql`${id}::uuid`), sql`, `)})`);
    await sweepDeliveries(h.ctx);
    const after = await statusOf(ids);
    for (const id of cut) expect(after.get(id)).toMatchObject({ status: 'unknown', reason: 'interrupted' });
    expect(await deliverBatch(h.ctx, batch, new Map([['log', logChannel(h.ctx.logger, sink)]]))).toEqual({});
    expect(sink).toHaveLength(ids.length - 5);
  });

  it('two runs of one batch at once (its job put back while it still ran): each delivery sent once, and each ends as its sender learnt', async () => {
    const b = await broadcast('县人社局周五举办返乡创业培训');
    const [batch, ids] = [...b.batches.entries()][0]!;
    const sink: OutgoingMessage[] = [];
    const failing = ids[ids.length - 1]!;
    const slow: Channel = {
      name: 'log',
      async send(msg) {
        await new Promise((r) => setTimeout(r, 5));
        // Called interrupted meanwhile (by the sweeper, the send having taken long); the send then fails before the provider.
        if (msg.deliveryId === failing) {
          await h.ctx.db.update(deliveries).set({ status: 'unknown', reason: 'interrupted' }).where(eq(deliveries.id, failing));
          throw new Error('connection refused');
        }
        sink.push(msg);
        return { ok: true };
      },
    };
    await Promise.all([deliverBatch(h.ctx, batch, new Map([['log', slow]])), deliverBatch(h.ctx, batch, new Map([['log', slow]]))]);
    expect(sink).toHaveLength(ids.length - 1);
    expect(new Set(sink.map((m) => m.deliveryId)).size).toBe(ids.length - 1);
    const after = await statusOf(ids);
    // Sent ones are sent, whatever the other run called them meanwhile; the failed send is queued again for its own job, not left in doubt.
    expect(ids.filter((id) => id !== failing).every((id) => after.get(id)!.status === 'sent' && after.get(id)!.reason === null)).toBe(true);
    expect(after.get(failing)).toMatchObject({ status: 'queued', reason: 'retry: Error', batch: null });
    expect(await (await h.ctx.queues.queue('deliveries').getJob(failing))?.getState()).toBe('delayed');
  });

  it('one that must wait (the daily cap) or whose send failed leaves the batch for a job of its own; the others are sent', async () => {
    const b = await broadcast('县里新开了家政培训班');
    const [batch, ids] = [...b.batches.entries()][0]!;
    const rowOf = new Map(b.rows.map((r) => [r.id, r]));
    const capped = ids[0]!;
    const failing = ids[1]!;
    await h.ctx.db.update(subscriptions).set({ dailyCap: 0 }).where(eq(subscriptions.workerId, rowOf.get(capped)!.workerId!));
    const sink: OutgoingMessage[] = [];
    const flaky: Channel = {
      name: 'log',
      async send(msg) {
        if (msg.deliveryId === failing) throw new Error('provider unreachable');
        sink.push(msg);
        return { ok: true };
      },
    };
    const out = await deliverBatch(h.ctx, batch, new Map([['log', flaky]]));
    expect(out).toEqual({ sent: ids.length - 2, deferred: 1, retry: 1 });
    expect(sink).toHaveLength(ids.length - 2);
    const after = await statusOf(ids);
    expect(after.get(capped)).toMatchObject({ status: 'deferred', reason: 'daily_cap', batch: null });
    expect(after.get(failing)).toMatchObject({ status: 'queued', reason: 'retry: Error', batch: null });
    // Each now has its own delayed job (job id = delivery id) on the channel's queue, with the usual retries.
    for (const id of [capped, failing]) expect(await (await h.ctx.queues.queue('deliveries').getJob(id))?.getState()).toBe('delayed');
    // Out of the batch: its job run again leaves both alone.
    expect(await deliverBatch(h.ctx, batch, new Map([['log', flaky]]))).toEqual({});
    await h.ctx.db.update(subscriptions).set({ dailyCap: 50 }).where(eq(subscriptions.workerId, rowOf.get(capped)!.workerId!));
  });

  it('one of a batch that may have reached the provider stays in doubt, never tried again; one the channel cannot take goes to chat on its own', async () => {
    const b = await broadcast('乡里招聘保洁员');
    const [batch, ids] = [...b.batches.entries()][0]!;
    const rowOf = new Map(b.rows.map((r) => [r.id, r]));
    const doubtful = ids[0]!;
    const toChat = ids[1]!;
    await h.ctx.db.update(subscriptions).set({ fallbackChannel: 'chat' }).where(eq(subscriptions.workerId, rowOf.get(toChat)!.workerId!));
    const sink: OutgoingMessage[] = [];
    const channel: Channel = {
      name: 'log',
      async send(msg) {
        if (msg.deliveryId === doubtful) throw new InDoubt('timeout after the request was written', 'ref-1');
        if (msg.deliveryId === toChat) return { ok: false, permanent: true, reason: 'no_openid' };
        sink.push(msg);
        return { ok: true };
      },
    };
    expect(await deliverBatch(h.ctx, batch, new Map([['log', channel]]))).toEqual({ sent: ids.length - 2, unknown: 1, handed_off: 1 });
    const after = await statusOf(ids);
    expect(after.get(doubtful)).toMatchObject({ status: 'unknown', reason: 'in_doubt: timeout after the request was written' });
    expect(await h.ctx.queues.queue('deliveries').getJob(doubtful)).toBeUndefined();
    expect(after.get(toChat)).toMatchObject({ status: 'queued', batch: null });
    expect((await h.ctx.db.select({ channel: deliveries.channel }).from(deliveries).where(eq(deliveries.id, toChat)))[0]!.channel).toBe('chat');
    expect(await (await h.ctx.queues.queue('deliveries-chat').getJob(toChat))?.getState()).toBe('waiting');
    await h.ctx.db.update(subscriptions).set({ fallbackChannel: null }).where(eq(subscriptions.workerId, rowOf.get(toChat)!.workerId!));
  });

  it('jobs lost with Redis come back as the same batch jobs (never one per delivery), from the sweeper and from the database', async () => {
    // Only this broadcast left to send (the earlier ones' leftovers closed).
    await h.ctx.db.execute(sql`update deliveries set status = 'failed' where status in ('queued', 'deferred')`);
    const b = await broadcast('春风行动招聘会改到下周一');
    await h.ctx.queues.queue('deliveries-bulk').obliterate({ force: true });
    await requeueFromDatabase(h.ctx);
    const ids = async () => ((await h.ctx.queues.queue('deliveries-bulk').getJobs(['waiting', 'prioritized', 'delayed'])) as Job[]).map((j) => j.id).sort();
    const expected = [...b.batches.keys()].map((k) => `batch-${k}`).sort();
    expect(await ids()).toEqual(expected);
    // Put back again while they wait: nothing doubles.
    await requeueFromDatabase(h.ctx);
    expect(await ids()).toEqual(expected);
    expect(await h.ctx.queues.queue('deliveries').getJob(b.rows[0]!.id)).toBeUndefined();

    // The sweeper finds deliveries queued for over a minute whose job is gone, and puts back their batches' jobs.
    await h.ctx.queues.queue('deliveries-bulk').obliterate({ force: true });
    await h.ctx.db.execute(sql`update deliveries set updated_at = now() - interval '5 minutes' where broadcast_id = ${b.id}`);
    await sweepDeliveries(h.ctx);
    expect(await ids()).toEqual(expected);
    for (const batch of b.batches.keys()) await deliverBatch(h.ctx, batch, new Map([['log', logChannel(h.ctx.logger)]]));
  });

  it('one deferred with its batch still set (an older release, during an upgrade) is given a job of its own by the sweeper', async () => {
    await h.ctx.db.execute(sql`update deliveries set status = 'failed' where status in ('queued', 'deferred')`);
    const b = await broadcast('下周二镇上招聘会');
    const stray = b.rows[0]!.id;
    await h.ctx.db.execute(sql`update deliveries set status = 'deferred', not_before = now() - interval '1 minute', updated_at = now() - interval '5 minutes' where id = ${stray}::uuid`);
    await sweepDeliveries(h.ctx);
    expect((await statusOf([stray])).get(stray)).toMatchObject({ status: 'deferred', batch: null });
    expect(await (await h.ctx.queues.queue('deliveries').getJob(stray))?.getState()).toBe('waiting');
  });

  it("a batch whose job failed its last retry: its deliveries not yet claimed are closed as failed, with the reason", async () => {
    const b = await broadcast('村里招聘护林员');
    const [batch, ids] = [...b.batches.entries()][0]!;
    await h.ctx.db.update(deliveries).set({ status: 'sent' }).where(eq(deliveries.id, ids[0]!));
    await markBatchExhausted(h.ctx, batch, 'PostgresError');
    const after = await statusOf(ids);
    expect(after.get(ids[0]!)!.status).toBe('sent');
    expect(ids.slice(1).every((id) => after.get(id)!.status === 'failed' && after.get(id)!.reason === 'retries_exhausted: PostgresError')).toBe(true);
    // Other batches are untouched.
    const others = await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(deliveries).where(and(eq(deliveries.broadcastId, b.id), eq(deliveries.status, 'queued'), isNotNull(deliveries.batch)));
    expect(others[0]!.n).toBe(PEOPLE - ids.length);
  });
});
