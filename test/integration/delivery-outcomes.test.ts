import { createHash } from 'node:crypto';
import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { deliveries, digests, identities, providerReports, subscriptions, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { Client } from 'pg';
import { fanOut, deliver, sweepDeliveries } from '../../src/outreach/service';
import { withRetries } from '../../src/shared/batcher';
import { logChannel } from '../../src/outreach/channels';
import { settleDeliveries } from '../../src/outreach/settle';
import { systemClock } from '../../src/shared/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';

const PUSH_TOKEN = 'pushtoken123';

function signed(token: string, at = Math.floor(Date.now() / 1000), nonce = Math.random().toString(36).slice(2)) {
  const timestamp = String(at);
  return { signature: createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex'), timestamp, nonce };
}

/** Every recipient accounted for in plain words, and reports that settle what is in doubt (at today's date). */
describe('delivery outcomes: reasons, the call list and provider reports', () => {
  let h: Harness;
  let station: Staff;

  beforeAll(async () => {
    h = await createHarness({
      clock: systemClock,
      env: { WECHAT_APP_ID: 'wxoutcomes0000001', WECHAT_APP_SECRET: 'outcomes-secret-0123456789', WECHAT_TEMPLATE_ID: 'tmpl-outcomes-1', WECHAT_PUSH_TOKEN: PUSH_TOKEN },
    });
    await seedRegions(h.ctx.db);
    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageA.code], 3, new Date()), 9, new Date());
    await h.ctx.db.execute(sql`update workers set consent = true, status = 'active'`);
    // Nobody is bound to WeChat: chat, the default channel, cannot reach them and there is no SMS.
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap) select id, 'chat', 0, 0, 50 from ${workers}`);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  /** A new village broadcast's deliveries, queued, in id order. */
  const freshDeliveries = async (text: string) => {
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': text } })).body as { id: string };
    await fanOut(h.ctx, b.id);
    return h.ctx.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.broadcastId, b.id)).orderBy(deliveries.id);
  };

  it('a village broadcast nobody can be reached by says why for each person, and gives staff a call list (JSON and XLSX)', async () => {
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': '明天村委会有招聘会' } })).body as { id: string };
    await fanOut(h.ctx, b.id);
    // The bot process is the only one with chat; here it is not running, so the worker's channels have none.
    const ds = await h.ctx.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.broadcastId, b.id));
    const noChat = new Map([['log', logChannel(h.ctx.logger)]]);
    for (const d of ds) await h.ctx.db.update(deliveries).set({ channel: 'sms' }).where(eq(deliveries.id, d.id));
    for (const d of ds) expect(await deliver(h.ctx, d.id, noChat)).toBe('failed');
    const view = (await station.get(`/api/v1/broadcasts/${b.id}`)).body;
    expect(view.counts).toMatchObject({ sent: 0, failed: 9 });
    expect(Object.values(view.counts as Record<string, number>).reduce((a, n) => a + n, 0)).toBe(view.total);
    expect(view.notReached).toEqual([expect.objectContaining({ status: 'failed', count: 9, label: expect.stringContaining('该发送渠道未开通') })]);
    const list = await station.get(`/api/v1/broadcasts/${b.id}/not-reached`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(9);
    expect(list.body.items[0]).toMatchObject({ village: REGIONS.villageA.name, status: 'failed' });
    expect(list.body.items[0].phoneMasked ?? '').not.toMatch(/^1[3-9]\d{9}$/);
    const en = await station.get(`/api/v1/broadcasts/${b.id}/not-reached`).set('Accept-Language', 'en');
    expect(en.body.items[0].label).toContain('this channel is not set up');
    const xlsx = await station.get(`/api/v1/broadcasts/${b.id}/not-reached?format=xlsx`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    expect(wb.worksheets[0]!.getRow(1).values).toEqual([undefined, '姓名', '手机号', '村（社区）', '状态', '原因']);
    expect(wb.worksheets[0]!.rowCount).toBe(10);
    const other = await signIn(h, appOf(h), { regionCode: REGIONS.countyB.code });
    expect((await other.get(`/api/v1/broadcasts/${b.id}/not-reached`)).status).toBe(404);
  });

  it("WeChat's report of a subscribe message settles a delivery in doubt; a forged or stale push changes nothing", async () => {
    const [w] = await h.ctx.db.select({ id: workers.id }).from(workers).limit(1);
    await h.ctx.db.insert(identities).values({ workerId: w!.id, kind: 'mp_openid', value: 'o-outcome-1' });
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': '第二条' } })).body as { id: string };
    await fanOut(h.ctx, b.id);
    const [d] = await h.ctx.db.select().from(deliveries).where(sql`${deliveries.broadcastId} = ${b.id} and ${deliveries.workerId} = ${w!.id}`);
    const doubtSince = new Date(Date.now() - 30_000);
    await h.ctx.db.update(deliveries).set({ channel: 'mini_program', status: 'unknown', reason: 'in_doubt: no answer within 10000 ms', doubtSince }).where(eq(deliveries.id, d!.id));
    const event = { ToUserName: 'gh_x', FromUserName: 'o-outcome-1', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'subscribe_msg_sent_event', SubscribeMsgSentEvent: { List: { TemplateId: 'tmpl-outcomes-1', MsgID: '777', ErrorCode: '0', ErrorStatus: 'success' } } };
    const app = appOf(h);
    // Forged (wrong token) and stale (an hour old) pushes are refused and record nothing.
    const forged = await request(app).post('/wechat/mp/events').query(signed('not-the-token')).send(event);
    expect(forged.status).toBe(403);
    const stale = await request(app).post('/wechat/mp/events').query(signed(PUSH_TOKEN, Math.floor(Date.now() / 1000) - 3600)).send(event);
    expect(stale.status).toBe(403);
    expect(await h.ctx.db.select().from(providerReports)).toHaveLength(0);
    const q = signed(PUSH_TOKEN);
    const ok = await request(app).post('/wechat/mp/events').query(q).send(event);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('success');
    // The same signed call again is a replay.
    expect((await request(app).post('/wechat/mp/events').query(q).send(event)).status).toBe(403);
    const [after] = await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id));
    expect(after).toMatchObject({ status: 'sent', doubtSince: null });
    // WeChat checks the address with a signed GET.
    const check = await request(app).get('/wechat/mp/events').query({ ...signed(PUSH_TOKEN), echostr: 'hello' });
    expect(check.text).toBe('hello');
  });

  it('with the message push on, a mini-program message in doubt with no report after the wait counts as not received and is on the call list', async () => {
    const [w] = await h.ctx.db.select({ id: workers.id }).from(workers).offset(1).limit(1);
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': '第三条' } })).body as { id: string };
    await fanOut(h.ctx, b.id);
    const [d] = await h.ctx.db.select().from(deliveries).where(sql`${deliveries.broadcastId} = ${b.id} and ${deliveries.workerId} = ${w!.id}`);
    await h.ctx.db.update(deliveries).set({ channel: 'mini_program', status: 'unknown', reason: 'interrupted', doubtSince: new Date() }).where(eq(deliveries.id, d!.id));
    // Within the wait nothing is decided.
    await settleDeliveries(h.ctx);
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id)))[0]!.status).toBe('unknown');
    await h.ctx.db.update(deliveries).set({ doubtSince: new Date(Date.now() - (h.config.delivery.settleMinutes + 1) * 60_000) }).where(eq(deliveries.id, d!.id));
    await settleDeliveries(h.ctx);
    expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id)))[0]).toMatchObject({ status: 'failed', reason: 'no_report' });
    const list = (await station.get(`/api/v1/broadcasts/${b.id}/not-reached`)).body;
    expect(list.items.find((i: { workerId: string }) => i.workerId === w!.id)).toMatchObject({ status: 'failed', reason: 'no_report' });
  });

  it('a statement that meets a deadlock is run again, so an outcome already with the provider is still written', async () => {
    const ds = await freshDeliveries('第四条');
    const [a, b] = [ds[0]!.id, ds[1]!.id];
    const other = new Client({ connectionString: h.config.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`update deliveries set reason = 'held' where id = $1`, [b]);
      let tries = 0;
      const written = withRetries(async () => {
        tries++;
        // a, then b: crosswise to the other transaction, which holds b and will ask for a.
        return h.ctx.db.transaction(async (tx) => {
          await tx.execute(sql`update deliveries set reason = 'outcome' where id = ${a}`);
          await tx.execute(sql`update deliveries set reason = 'outcome' where id = ${b}`);
        });
      });
      // Wait until the first try holds a and waits for b, then close the circle.
      const waiting = async () => (await other.query(`select count(*)::int n from pg_locks where not granted and pid <> pg_backend_pid()`)).rows[0].n as number;
      while ((await waiting()) === 0) await new Promise((r) => setImmediate(r));
      const mine = other.query(`update deliveries set reason = 'held' where id = $1`, [a]).then(() => 'ok', (e: { code?: string }) => e.code);
      const first = await Promise.race([mine, written.then(() => 'written')]);
      // PostgreSQL breaks the circle by failing one side; whichever it was, the other goes on.
      if (first === '40P01') await other.query('rollback');
      else await other.query('commit');
      await written;
      expect(tries).toBeGreaterThanOrEqual(first === '40P01' ? 1 : 2);
      const rows = await h.ctx.db.select({ reason: deliveries.reason }).from(deliveries).where(sql`${deliveries.id} in (${a}, ${b})`);
      expect(rows.map((r) => r.reason)).toEqual(['outcome', 'outcome']);
    } finally {
      await other.end();
    }
  });

  it('the sweeper passes over a delivery whose outcome is being written, rather than waiting on it or calling it interrupted', async () => {
    const [d] = await freshDeliveries('第五条');
    const old = new Date(Date.now() - 60 * 60_000);
    await h.ctx.db.update(deliveries).set({ status: 'sending', updatedAt: old }).where(eq(deliveries.id, d!.id));
    const other = new Client({ connectionString: h.config.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`select id from deliveries where id = $1 for update`, [d!.id]);
      await sweepDeliveries(h.ctx);
      await other.query(`update deliveries set status = 'sent', sent_at = now() where id = $1`, [d!.id]);
      await other.query('commit');
      expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id)))[0]).toMatchObject({ status: 'sent' });
      // Left claimed with nobody writing, the same row is called interrupted.
      await h.ctx.db.update(deliveries).set({ status: 'sending', updatedAt: old }).where(eq(deliveries.id, d!.id));
      await sweepDeliveries(h.ctx);
      expect((await h.ctx.db.select().from(deliveries).where(eq(deliveries.id, d!.id)))[0]).toMatchObject({ status: 'unknown', reason: 'interrupted' });
    } finally {
      await other.end();
    }
  });

  it('a claim whose reading fails is undone with it, so the retry sends the message instead of calling it interrupted', async () => {
    const [d] = await freshDeliveries('第六条');
    await h.ctx.db.update(deliveries).set({ channel: 'log' }).where(eq(deliveries.id, d!.id));
    // A digest's delivery claimed in the same batch: what it needs is read by the claim's second statement.
    const [{ workerId }] = (await h.ctx.db.select({ workerId: deliveries.workerId }).from(deliveries).where(eq(deliveries.id, d!.id))) as [{ workerId: string }];
    const [dg] = await h.ctx.db.insert(digests).values({ workerId, dueAt: new Date(), items: [], text: '今日新岗位两个' }).returning();
    const [dd] = await h.ctx.db.insert(deliveries).values({ digestId: dg!.id, workerId, channel: 'log' }).returning();
    const log = new Map([['log', logChannel(h.ctx.logger)]]);
    const other = new Client({ connectionString: h.config.databaseUrl });
    await other.connect();
    try {
      // Another session holds the digests table: the second statement waits on it and is then cancelled.
      await other.query('begin');
      await other.query('lock table digests in access exclusive mode');
      const both = Promise.allSettled([deliver(h.ctx, d!.id, log), deliver(h.ctx, dd!.id, log)]);
      const waiting = async () => (await other.query(`select pid from pg_locks where not granted and relation = 'digests'::regclass`)).rows[0]?.pid as number | undefined;
      let pid: number | undefined;
      while (!(pid = await waiting())) await new Promise((r) => setImmediate(r));
      await other.query('select pg_cancel_backend($1)', [pid]);
      expect((await both).map((o) => o.status)).toEqual(['rejected', 'rejected']);
      await other.query('rollback');
      // Nothing stayed claimed: both are still queued, and their jobs' retries send them.
      const statuses = async () => (await h.ctx.db.select({ status: deliveries.status }).from(deliveries).where(sql`${deliveries.id} in (${d!.id}, ${dd!.id})`)).map((r) => r.status);
      expect(await statuses()).toEqual(['queued', 'queued']);
      expect(await Promise.all([deliver(h.ctx, d!.id, log), deliver(h.ctx, dd!.id, log)])).toEqual(['sent', 'sent']);
      expect(await statuses()).toEqual(['sent', 'sent']);
    } finally {
      await other.end();
    }
  });
});
