import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { and, eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { Secret, TOTP } from 'otpauth';
import { Conversation } from '../../bots/conversation';
import { auditLog, consents, deliveries, employmentRecords, helpRequests, identities, providerReports, workerChanges, workerSessions, workers } from '../../src/db/schema';
import { rowsOf } from '../../src/db/client';
import { Generator } from '../../src/demo/synthetic';
import { writeHouseholds } from '../../src/demo/write';
import { logChannel } from '../../src/outreach/channels';
import { deliver, fanOut } from '../../src/outreach/service';
import { anonymiseDeparted } from '../../src/privacy';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers } from '../../jobs/workers';
import { appOf, signIn, type Staff } from '../helpers/api';
import { makeAccount, PASSWORD, REGIONS, seedRegions, validIdNumber, validPhone, workerInput } from '../helpers/factories';
import { createHarness, logLeaks, type Harness } from '../helpers/harness';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { until } from '../helpers/wait';
import { AUDITED, expectRefused, expectRefusedUnwritten } from '../helpers/refused';

const NOON = '2026-06-01T04:00:00Z';
const run = promisify(execFile);

/** What the harness looks for in every test file's logs, plus the given strings (names, a token). */
function leaks(text: string, also: string[] = []): string[] {
  return [...logLeaks(text), ...also.filter((x) => text.includes(x))];
}

describe('privacy: consent, least data, nothing in clear, an append-only audit', () => {
  let h: Harness;
  let station: Staff;
  const clock = new ManualClock(NOON);

  beforeAll(async () => {
    h = await createHarness({ clock, env: { TRUST_PROXY: 'true' } });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  describe('consent (PIPL Art. 29)', () => {
    it('keeps people without consent out of matching and messages until it is recorded, and a withdrawal stops pending messages at once', async () => {
      const w = (await station.post('/api/v1/workers', workerInput({ name: '未同意者', consent: false }))).body;
      expect(w.consent).toBe(false);
      const matches = await station.get(`/api/v1/workers/${w.id}/matches`);
      expectRefused(matches, 'conflict');
      expect(matches.body.error.details[0].message).toContain('尚未同意');
      const b1 = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '通知一' } })).body;
      await fanOut(h.ctx, b1.id);
      // Nothing is queued for them: the broadcast lists them as skipped for want of consent.
      expect(await h.ctx.db.select({ status: deliveries.status, reason: deliveries.reason }).from(deliveries).where(and(eq(deliveries.broadcastId, b1.id), eq(deliveries.workerId, w.id)))).toEqual([{ status: 'skipped', reason: 'no_consent' }]);

      const given = await station.post(`/api/v1/workers/${w.id}/consent`, { granted: true });
      expect(given.status).toBe(200);
      expect(given.body).toMatchObject({ granted: true, history: [expect.objectContaining({ granted: true, channel: 'station_form', recordedBy: station.id })] });
      expect((await station.get(`/api/v1/workers/${w.id}/matches`)).status).toBe(200);
      await station.put(`/api/v1/workers/${w.id}/subscription`, { channel: 'log' });
      const b2 = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '通知二' } })).body;
      await fanOut(h.ctx, b2.id);
      const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, b2.id), eq(deliveries.workerId, w.id)));
      expect(d).toBeDefined();

      // Withdrawn after the message was queued: it is not sent.
      expect((await station.post(`/api/v1/workers/${w.id}/consent`, { granted: false })).body.granted).toBe(false);
      expect(await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger)]]))).toBe('skipped:no_consent');
      const audit = await h.ctx.db.select().from(auditLog).where(and(eq(auditLog.entityId, w.id), sql`${auditLog.action} like 'consent.%'`));
      expect(audit.map((a) => a.action)).toEqual(['consent.grant', 'consent.withdraw']);
    });

    it('shows the notice in the bot on binding, records the answer with its channel, and takes a withdrawal by chat', async () => {
      const w = (await station.post('/api/v1/workers', workerInput({ name: '微信同意者', consent: false }))).body;
      const code = (await station.post(`/api/v1/workers/${w.id}/binding-code`)).body.code;
      const c = new Conversation(h.ctx);
      const say = async (text: string) => (await c.respond({ kind: 'text', text, senderId: 'wxid-consent' })).join('\n');
      await say('绑定');
      const bound = await say(code);
      expect(bound).toContain('【个人信息使用说明】');
      expect(await say('找工作')).toContain('【个人信息使用说明】');
      expect(await say('同意')).toContain('谢谢！已记下您同意');
      expect(await say('找工作')).not.toContain('【个人信息使用说明】');
      expect(await say('我不同意了')).toContain('不再给您发消息');
      const rows = await h.ctx.db.select().from(consents).where(eq(consents.workerId, w.id));
      expect(rows.map((r) => [r.granted, r.channel])).toEqual([
        [true, 'chat'],
        [false, 'chat'],
      ]);
    });
  });

  it('records requests refused to staff in the audit log', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expectRefusedUnwritten(h, () => station.get(`/api/v1/workers/${missing}`), 'not_found', { writes: AUDITED });
    const denied = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'request.denied'));
    expect(denied).toEqual([expect.objectContaining({ actorId: station.id, details: { method: 'GET', route: '/api/v1/workers/:id', code: 'not_found' } })]);
  });

  it('keeps the audit log append-only: no update, delete or truncate, whoever asks', async () => {
    const [row] = await h.ctx.db.select().from(auditLog).limit(1);
    expect(row).toBeDefined();
    const refusal = (q: Promise<unknown>) => q.then(() => 'done', (e: Error & { cause?: Error }) => e.cause?.message ?? e.message);
    expect(await refusal(h.ctx.db.execute(sql`update audit_log set action = 'forged' where id = ${row!.id}`))).toMatch(/append-only \(UPDATE refused\)/);
    expect(await refusal(h.ctx.db.execute(sql`delete from audit_log where id = ${row!.id}`))).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(h.ctx.db.execute(sql`truncate audit_log`))).toMatch(/append-only \(TRUNCATE refused\)/);
    const [still] = await h.ctx.db.select().from(auditLog).where(eq(auditLog.id, row!.id));
    expect(still!.action).toBe(row!.action);
  });

  it('locks an address that fails too many sign-ins, whatever the accounts, and not the others', async () => {
    const app = appOf(h);
    const a = await makeAccount(h.ctx.db, { regionCode: REGIONS.countyA.code });
    const from = (ip: string, username: string, password: string) => request(app).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ username, password });
    for (let i = 0; i < 20; i++) expect((await from('203.0.113.9', `nobody-${i}`, 'wrong password')).status).toBe(401);
    const locked = await from('203.0.113.9', a.username, PASSWORD);
    expectRefused(locked, 'rate_limited');
    expect((await from('198.51.100.7', a.username, PASSWORD)).status).toBe(200);
    const refused = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'auth.login_refused'));
    expect(refused.some((r) => r.ip === '203.0.113.9' && (r.details as { reason: string }).reason === 'address_locked')).toBe(true);
  });

  it('carries only internal ids in queue payloads during an import and a broadcast', async () => {
    const names = ['队列检查甲', '队列检查乙'];
    const ids = [validIdNumber({ region: '532528' }), validIdNumber({ region: '532528' })];
    const phones = [validPhone(), validPhone()];
    const file = csv([FORM_HEADER, ...names.map((n, i) => [String(i + 1), n, '男', ids[i]!, '', '', '', '', '', phones[i]!, '否', '', '', '', '', ''])]);
    const upload = await request(appOf(h)).post(`/api/v1/imports?regionCode=${REGIONS.villageA.code}`).set('Authorization', `Bearer ${station.token}`).attach('file', file, 'form.csv');
    expect(upload.status).toBe(202);
    await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '队列检查' }, sendAt: '2099-01-01T00:00:00Z' });
    await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '队列检查现在' } });
    // Everything now on the queues (waiting, delayed), and what the import job leaves behind when done.
    const redis = h.ctx.redis.connect();
    const running = startWorkers(h.ctx, { only: ['imports'] });
    try {
      await until(async () => (await station.get(`/api/v1/imports/${upload.body.id}`)).body.status, (s) => s === 'done', 30_000);
      const keys = await redis.keys(`${h.ctx.queues.prefix}:*`);
      let payloads = '';
      for (const k of keys) if ((await redis.type(k)) === 'hash') payloads += JSON.stringify(await redis.hgetall(k));
      expect(payloads.length).toBeGreaterThan(100);
      expect(leaks(payloads, [...names, ...ids, ...phones])).toEqual([]);
    } finally {
      await running.close();
      redis.disconnect();
    }
  });

  it('leaves no resident ID or mobile number in clear in a dump of the database, nor in the logs', async () => {
    const gen = new Generator([REGIONS.villageA.code], 77, new Date(NOON));
    await writeHouseholds(h.ctx.db, h.ctx.pii, Array.from({ length: 50 }, () => gen.household()), new Date(NOON));
    const someone = workerInput({ name: '日志检查者' });
    expect((await station.post('/api/v1/workers', someone)).status).toBe(201);
    const c = new Conversation(h.ctx);
    await c.respond({ kind: 'text', text: '绑定', senderId: 'wxid-log' });
    await c.respond({ kind: 'text', text: `日志检查者 ${someone.idNumber as string}`, senderId: 'wxid-log' });
    expect(await h.ctx.db.select().from(identities).where(eq(identities.value, 'wxid-log'))).toHaveLength(1);
    // An uploaded file still waiting for its import holds ID and phone numbers: it waits encrypted.
    const waiting = csv([FORM_HEADER, ['1', '待导入者', '女', validIdNumber({ region: '532528' }), '', '', '', '', '', validPhone(), '否', '', '', '', '', '']]);
    expect((await request(appOf(h)).post(`/api/v1/imports?regionCode=${REGIONS.villageA.code}`).set('Authorization', `Bearer ${station.token}`).attach('file', waiting, 'waiting.csv')).status).toBe(202);

    const { stdout } = await run('pg_dump', ['--data-only', '--no-owner', h.ctx.config.databaseUrl!], { maxBuffer: 256 * 1024 * 1024 });
    expect(stdout).toContain('COPY public.workers');
    // Binary columns (an uploaded file) appear as hex: read them as text too.
    const readable = stdout.replace(/\\\\x([0-9a-f]+)/g, (_, hex: string) => Buffer.from(hex, 'hex').toString('utf8'));
    expect(leaks(readable)).toEqual([]);
    // Nor a worker's full name (the logger redacts name fields; nothing else should carry one).
    expect(leaks(h.logs.text(), [someone.idNumber as string, someone.phone as string, station.token, PASSWORD, '日志检查者', '微信同意者', '将离开者'])).toEqual([]);
  });

  it("gives a person their own data on request, and anonymises those who left the programme three years after they were last heard of", async () => {
    const revealer = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code, canRevealPii: true });
    const input = workerInput({ name: '将离开者', homeLat: 23.2, homeLng: 102.8 });
    const w = (await station.post('/api/v1/workers', input)).body;
    await station.post(`/api/v1/workers/${w.id}/employment`, { employerName: '县城超市', placeRegionCode: REGIONS.countyA.code, startDate: '2026-01-01' });
    // Every door's identifier, and the places one is kept besides the binding: a help request (also one
    // made before binding, with no worker id), mini-program sign-ins (bound and not yet bound), a provider's report.
    const wechatIds = ['wxid-leaving', 'o-mp-leaving', 'u-union-leaving', 'o-oa-leaving'];
    await h.ctx.db.insert(identities).values([
      { workerId: w.id, kind: 'wechat_contact', value: 'wxid-leaving' },
      { workerId: w.id, kind: 'mp_openid', value: 'o-mp-leaving' },
      { workerId: w.id, kind: 'wechat_unionid', value: 'u-union-leaving' },
      { workerId: w.id, kind: 'oa_openid', value: 'o-oa-leaving' },
    ]);
    await h.ctx.db.insert(helpRequests).values([
      { workerId: w.id, regionCode: w.regionCode, door: 'wechat', contact: 'wxid-leaving', context: [{ at: NOON, text: '我想找工作' }], note: '已电话联系将离开者' },
      { workerId: null, regionCode: w.regionCode, door: 'oa_openid', contact: 'o-oa-leaving', context: [{ at: NOON, text: '人工' }] },
    ]);
    const later = new Date('2030-01-01T00:00:00Z');
    await h.ctx.db.insert(workerSessions).values([
      { tokenHash: 'digest-leaving-bound', openid: 'o-mp-leaving', unionid: 'u-union-leaving', workerId: w.id, expiresAt: later },
      { tokenHash: 'digest-leaving-before', openid: 'o-mp-leaving', workerId: null, expiresAt: later },
    ]);
    await h.ctx.db.insert(providerReports).values({ channel: 'official_account', address: 'o-oa-leaving', ref: 'msg-leaving', delivered: true, reportedAt: new Date(NOON) });

    await expectRefusedUnwritten(h, () => station.get(`/api/v1/workers/${w.id}/personal-data?purpose=${encodeURIComponent('本人查询')}`), 'forbidden', { writes: AUDITED });
    const mine = await revealer.get(`/api/v1/workers/${w.id}/personal-data?purpose=${encodeURIComponent('本人查询')}`);
    expect(mine.status).toBe(200);
    expect(mine.body.person).toMatchObject({ name: '将离开者', idNumber: input.idNumber, phone: input.phone });
    expect(mine.body.employment).toHaveLength(1);
    expect(mine.body.consents).toHaveLength(1);
    const read = await h.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'worker.personal_data'), eq(auditLog.entityId, w.id)));
    expect(read[0]).toMatchObject({ actorId: revealer.id, details: { purpose: '本人查询' } });

    // A correction: the change history records it.
    const newPhone = validPhone();
    const current = (await station.get(`/api/v1/workers/${w.id}`)).body;
    expect((await station.patch(`/api/v1/workers/${w.id}`, { phone: newPhone, version: current.version })).status).toBe(200);

    const stays = (await station.post('/api/v1/workers', workerInput({ name: '近期离开者' }))).body;
    expect((await station.post(`/api/v1/workers/${w.id}/leave`, { reason: '迁往外省' })).status).toBe(200);
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/workers/${w.id}/leave`, { reason: '迁往外省' }), 'conflict');
    clock.set('2028-06-01T04:00:00Z');
    expect((await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code }).then((s) => s.post(`/api/v1/workers/${stays.id}/leave`, { reason: '不再纳入' }))).status).toBe(200);
    // Three years after the first one left: only they are anonymised.
    clock.set('2029-06-02T04:00:00Z');
    expect(await anonymiseDeparted({ ctx: h.ctx })).toBe(1);
    expect(await anonymiseDeparted({ ctx: h.ctx })).toBe(0);
    const [gone] = await h.ctx.db.select().from(workers).where(eq(workers.id, w.id));
    expect(gone).toMatchObject({ name: '已匿名', phoneEnc: null, phoneMasked: null, homeLat: null, idNumberMasked: '******************', status: 'left', regionCode: w.regionCode });
    expect(gone!.birthDate.slice(4)).toBe('-01-01');
    expect(await h.ctx.db.select().from(identities).where(eq(identities.workerId, w.id))).toHaveLength(0);
    // Help requests stay (they are counted), without the chat id, the words or the station's note.
    const asked = await h.ctx.db.select().from(helpRequests).where(eq(helpRequests.regionCode, w.regionCode));
    expect(asked.map((r) => ({ contact: r.contact, context: r.context, note: r.note }))).toEqual([
      { contact: '已匿名', context: [], note: null },
      { contact: '已匿名', context: [], note: null },
    ]);
    expect(await h.ctx.db.select().from(workerSessions)).toEqual([]);
    const reports = await h.ctx.db.select().from(providerReports).where(eq(providerReports.ref, 'msg-leaving'));
    expect(reports).toMatchObject([{ address: null, delivered: true }]);
    // The change history keeps that the record was changed, and when; not what.
    const changes = await h.ctx.db.select().from(workerChanges).where(eq(workerChanges.workerId, w.id));
    expect(changes).toMatchObject([{ fields: [], source: 'station', at: new Date(NOON) }]);
    // No table holds any of the person's WeChat identifiers, their name, or their phone numbers (old and new) any more.
    const tables = rowsOf<{ tablename: string }>(await h.ctx.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)).map((t) => t.tablename);
    const left: string[] = [];
    for (const table of tables) {
      for (const needle of [...wechatIds, '将离开者', input.phone as string, newPhone]) {
        const [hit] = rowsOf<{ n: number }>(await h.ctx.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} t where t::text like ${`%${needle}%`}`));
        if (hit!.n) left.push(`${table}: ${needle.slice(0, 4)}…`);
      }
    }
    expect(left).toEqual([]);
    // The figures keep their numbers: the job is still counted, without the place.
    const jobs = await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, w.id));
    expect(jobs).toHaveLength(1);
    const [kept] = await h.ctx.db.select().from(workers).where(eq(workers.id, stays.id));
    expect(kept!.name).toBe('近期离开者');
    clock.set(NOON);
  });

  describe('a second factor for administrators (ADMIN_TOTP=required)', () => {
    let h2: Harness;
    const clock2 = new ManualClock(NOON);
    beforeAll(async () => {
      h2 = await createHarness({ clock: clock2, env: { ADMIN_TOTP: 'required' } });
      await seedRegions(h2.ctx.db);
    });
    afterAll(() => h2.close());

    it('lets an administrator in only to set it up, then asks for a fresh code at every sign-in', async () => {
      const app = appOf(h2);
      const account = await makeAccount(h2.ctx.db, { role: 'county', regionCode: REGIONS.countyA.code });
      const login = (code?: string) => request(app).post('/api/v1/auth/login').send({ username: account.username, password: PASSWORD, ...(code ? { code } : {}) });
      const first = await login();
      expect(first.status).toBe(200);
      const auth = (t: request.Test) => t.set('Authorization', `Bearer ${first.body.token}`);
      const blocked = await auth(request(app).get('/api/v1/workers'));
      expectRefused(blocked, 'forbidden');
      expect(blocked.body.error.details[0].message).toContain('两步验证');
      expect((await auth(request(app).get('/api/v1/auth/me'))).status).toBe(200);

      const setup = await auth(request(app).post('/api/v1/auth/totp/setup'));
      expect(setup.status).toBe(200);
      expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/bangfu:/);
      const totp = new TOTP({ issuer: 'bangfu', label: account.username, secret: Secret.fromBase32(setup.body.secret) });
      const at = (ms: number) => totp.generate({ timestamp: clock2.now().getTime() + ms });
      await expectRefusedUnwritten(h2, () => auth(request(app).post('/api/v1/auth/totp/enable')).send({ code: '123456' === at(0) ? '654321' : '123456' }), 'validation_failed');
      expect((await auth(request(app).post('/api/v1/auth/totp/enable')).send({ code: at(0) })).body).toEqual({ enabled: true });
      expect((await auth(request(app).get('/api/v1/workers'))).status).toBe(200);

      const noCode = await login();
      expectRefused(noCode, 'unauthorized');
      expect(noCode.body.error.details[0].path).toBe('body.code');
      clock2.set(new Date(new Date(NOON).getTime() + 60_000));
      const fresh = at(0);
      // A wrong code is refused, and recorded as a failed sign-in.
      await expectRefusedUnwritten(h2, () => login(fresh === '000000' ? '111111' : '000000'), 'unauthorized', { writes: AUDITED });
      expect((await login(fresh)).status).toBe(200);
      // The same code a second time is refused.
      await expectRefusedUnwritten(h2, () => login(fresh), 'unauthorized', { writes: AUDITED });
      // A station account is not asked for one.
      const clerk = await makeAccount(h2.ctx.db, { regionCode: REGIONS.countyA.code });
      const signed = await request(app).post('/api/v1/auth/login').send({ username: clerk.username, password: PASSWORD });
      expect((await request(app).get('/api/v1/workers').set('Authorization', `Bearer ${signed.body.token}`)).status).toBe(200);
    });
  });
});
