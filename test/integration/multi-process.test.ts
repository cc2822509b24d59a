import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { accountLeases, deliveries, identities, imports, sendingAccounts, subscribeConsents, subscriptions, workers } from '../../src/db/schema';
import { controlSocketPath } from '../../src/control/socket';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { systemClock } from '../../src/shared/clock';
import { rowsOf } from '../../src/db/client';
import { appOf, signIn, type Staff } from '../helpers/api';
import { fakeTencentSms, type FakeTencentSms } from '../helpers/fake-tencent-sms';
import { fakeWechat, type FakeWechat } from '../helpers/fake-wechat';
import { REGIONS, seedRegions, validIdNumber } from '../helpers/factories';
import { createHarness, TEST_PII_KEY, TEST_TOKEN_SECRET, type Harness } from '../helpers/harness';
import { freeLowPort, runEntry, stopAll, waitReady, type Run } from '../helpers/processes';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { until } from '../helpers/wait';

const PEOPLE = 240;
const IMPORT_ROWS = 60;
const LEASE_S = 12;
const APP_ID = 'wx0a1b2c3d4e5f6a7b';
const SECRET = 'multi-process-secret';

/** A simulated WeChat user on one bot process's control socket: what it says, what the bot answers. */
class SocketUser {
  readonly replies: string[] = [];
  private readonly socket: Socket;
  private ready: Promise<void>;
  constructor(path: string, name: string, bind: string) {
    this.socket = createConnection(path);
    let buffer = '';
    this.ready = new Promise((resolve, reject) => {
      this.socket.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const a = JSON.parse(line) as { type: string; text?: string; message?: string };
          if (a.type === 'ready') resolve();
          else if (a.type === 'reply') this.replies.push(a.text ?? '');
          else if (a.type === 'error') reject(new Error(a.message));
        }
      });
      this.socket.once('error', reject);
    });
    this.socket.write(`${JSON.stringify({ cmd: 'chat', name, bind })}\n`);
  }
  async say(text: string): Promise<void> {
    await this.ready;
    this.socket.write(`${JSON.stringify({ say: text })}\n`);
  }
  close(): void {
    this.socket.destroy();
  }
}

/** Lines of a child's standard output that match, parsed. */
function logLines(run: Run, msg: string): Array<Record<string, unknown>> {
  return run.stdout
    .join('')
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Two API, two queue-worker and two bot processes on one database and one Redis prefix, at once: a
 * broadcast to a few hundred people through the mini-program and text messages, an import, and chats with
 * both bots. Nothing is done twice and nothing is lost. Each WeChat account is driven by one bot process
 * under a lease; the holder of one is killed, the other takes it over within the lease's time, and the
 * messages queued meanwhile go out once, under the new fencing token.
 */
describe('several processes of each role', () => {
  let h: Harness;
  let sms: FakeTencentSms;
  let wx: FakeWechat;
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const users: SocketUser[] = [];

  beforeAll(async () => {
    sms = await fakeTencentSms('AKIDmultimultimulti', 'multi-secret-key-00');
    wx = await fakeWechat(APP_ID, SECRET);
    h = await createHarness({ clock: systemClock });
    await seedRegions(h.ctx.db);
  }, 60_000);
  afterAll(async () => {
    users.forEach((u) => u.close());
    stopAll(children);
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await h?.close();
    await sms?.close();
    await wx?.close();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  }, 30_000);

  const start = async (role: 'api' | 'worker' | 'bot'): Promise<Run & { url?: string; dataDir: string }> => {
    const dataDir = mkdtempSync(join(tmpdir(), `bangfu-mp-${role}-`));
    dirs.push(dataDir);
    const port = role === 'api' ? await freeLowPort() : 0;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      DATABASE_URL: h.config.databaseUrl!,
      REDIS_URL: h.config.redis.url!,
      REDIS_PREFIX: h.config.redis.prefix,
      PII_KEY: TEST_PII_KEY,
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      LOG_LEVEL: 'info',
      DEMO_DATA: 'false',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      BOT_LEASE_SECONDS: String(LEASE_S),
      CHAT_SEND_INTERVAL_MS: '10',
      QUEUE_LOCK_MS: '5000',
      SMS_PROVIDER: 'tencent',
      SMS_SECRET_ID: 'AKIDmultimultimulti',
      SMS_SECRET_KEY: 'multi-secret-key-00',
      SMS_SDK_APP_ID: '1400000003',
      SMS_SIGN_NAME: '元阳就业',
      SMS_TEMPLATE_ID: '2000003',
      SMS_API_BASE: sms.url,
      SMS_SENDS_PER_SECOND: '1000',
      WECHAT_API_BASE: wx.url,
      WECHAT_APP_ID: APP_ID,
      WECHAT_APP_SECRET: SECRET,
      WECHAT_TEMPLATE_ID: 'tmpl-job-notice-01',
      MINI_PROGRAM_SENDS_PER_SECOND: '1000',
      ...(port ? { PORT: String(port) } : {}),
    };
    const run = runEntry('server/main.ts', [role], env, children);
    return { ...run, dataDir, ...(port ? { url: `http://127.0.0.1:${port}` } : {}) };
  };

  it('sends, imports and answers each thing once across two processes of each role, and hands a dead bot’s account over within the lease', async () => {
    // People of village A: half reached by the mini-program, half by text. Six in village B chat with the bots.
    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageA.code], 21, new Date()), PEOPLE, new Date());
    const people = await h.ctx.db.select({ id: workers.id, phoneEnc: workers.phoneEnc }).from(workers).orderBy(workers.id);
    const mp = people.slice(0, PEOPLE / 2);
    const texted = people.slice(PEOPLE / 2);
    for (const [i, p] of mp.entries()) {
      await h.ctx.db.insert(identities).values({ workerId: p.id, kind: 'mp_openid', value: `openid-${i}` });
      await h.ctx.db.insert(subscribeConsents).values({ workerId: p.id, templateId: 'tmpl-job-notice-01', remaining: 5 });
    }
    const byPhone = new Map<string, string>();
    for (const [i, p] of texted.entries()) {
      const phone = `139${String(20_000_000 + i)}`;
      await h.ctx.db.update(workers).set({ phoneEnc: h.ctx.pii.encrypt(phone), phoneHash: h.ctx.pii.index('phone', phone) }).where(eq(workers.id, p.id));
      byPhone.set(`+86${phone}`, p.id);
    }
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap)
      select id, case when exists (select 1 from ${identities} i where i.worker_id = w.id and i.kind = 'mp_openid') then 'mini_program' else 'sms' end::channel_kind, 0, 0, 50 from ${workers} w`);
    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageB.code], 22, new Date()), 6, new Date());
    const chatters = (await h.ctx.db.select({ id: workers.id }).from(workers).where(eq(workers.regionCode, REGIONS.villageB.code))).map((w) => w.id);
    expect(chatters).toHaveLength(6);
    await h.ctx.db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap) select id, 'chat', 0, 0, 50 from ${workers} where region_code = ${REGIONS.villageB.code}`);
    // Two WeChat accounts: the default one and a second, both on the simulated WeChat.
    await h.ctx.db.insert(sendingAccounts).values([{ name: 'bangfu', regionCode: '53', puppet: 'wechaty-puppet-mock' }, { name: '迤萨站', regionCode: REGIONS.countyB.code, puppet: 'wechaty-puppet-mock' }]);

    const app = appOf(h);
    const countyA: Staff = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code });
    const countyB: Staff = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code });

    const [api1, api2, worker1, worker2, bot1, bot2] = await Promise.all([start('api'), start('api'), start('worker'), start('worker'), start('bot'), start('bot')]);
    await Promise.all([waitReady(api1.url!, api1, 150_000), waitReady(api2.url!, api2, 150_000)]);
    // The two bot processes share the two accounts out: one each.
    const holders = await until(
      async () => h.ctx.db.select().from(accountLeases),
      (rows) => rows.length === 2 && rows.every((r) => r.holder !== null) && new Set(rows.map((r) => r.holder)).size === 2,
      120_000,
    );
    expect(new Set(holders.map((r) => r.holder)).size).toBe(2);
    const bots = [bot1, bot2];
    const pidOf = (holder: string) => Number(holder.split(':')[1]);

    // The queue workers yield the CPU to the api and bot processes on a shared host (WORKER_NICE, 10 by default):
    // the kernel's own record of each process's niceness, read from /proc by the pid each one logged.
    /** The niceness in a /proc stat file (its 19th field, counted after the command's closing parenthesis). */
    const niceIn = (statFile: string) => {
      const stat = readFileSync(statFile, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const niceOf = async (run: Run): Promise<number | undefined> => {
      const line = await until(
        async () => run.stdout.join('').split('\n').find((l) => l.includes('"bangfu started"')),
        (l) => l !== undefined,
        60_000,
      );
      if (!line) return undefined;
      return niceIn(`/proc/${(JSON.parse(line) as { pid: number }).pid}/stat`);
    };
    // Niceness belongs to each thread on Linux: every one of the process's threads (the garbage collector's
    // among them, where an import's collection runs), not the main thread alone.
    const threadNices = (run: Run): number[] => {
      const line = run.stdout.join('').split('\n').find((l) => l.includes('"bangfu started"'))!;
      const pid = (JSON.parse(line) as { pid: number }).pid;
      return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
        try {
          return [niceIn(`/proc/${pid}/task/${tid}/stat`)];
        } catch {
          return [];
        }
      });
    };
    const ownNice = getPriority();
    expect(await niceOf(worker1)).toBe(Math.max(ownNice, 10));
    expect(await niceOf(worker2)).toBe(Math.max(ownNice, 10));
    const workerThreads = threadNices(worker1);
    expect(workerThreads.length).toBeGreaterThan(4);
    expect(new Set(workerThreads)).toEqual(new Set([Math.max(ownNice, 10)]));
    expect(new Set(threadNices(api1))).toEqual(new Set([ownNice]));
    expect(await niceOf(api1)).toBe(ownNice);
    expect(await niceOf(bot1)).toBe(ownNice);

    // Each role's connections are told apart on the database server (pg_stat_activity, the server's log).
    const names = rowsOf<{ name: string }>(
      await h.ctx.db.execute(sql`select distinct application_name as name from pg_stat_activity where datname = current_database()`),
    ).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['bangfu-api', 'bangfu-worker', 'bangfu-bot']));
    const botOf = (accountId: string) => bots.find((b) => b.child.pid === pidOf(holders.find((r) => r.accountId === accountId)!.holder!))!;
    // Each bot process is up (its control socket served) once it says so, and logged in to the account it holds.
    await until(
      async () => bots.every((b) => logLines(b, 'bangfu started').length > 0) && holders.every((r) => logLines(botOf(r.accountId), 'bot logged in').some((l) => l.account === r.accountId)),
      (ok) => ok,
      60_000,
    );
    // The accounts list says which process drives each.
    const listed = await fetch(`${api1.url}/api/v1/sending-accounts`, { headers: { authorization: `Bearer ${countyB.token}` } }).then((r) => r.json() as Promise<{ items: Array<{ id: string; name: string; drivenBy: { holder: string; token: number } | null }> }>);
    const station = listed.items.find((a) => a.name === '迤萨站')!;
    // The same process; its fencing token is 1, or more where a renewal came late on a busy machine and the
    // holder took its lapsed lease again (a new token, as any taker gets).
    expect(station.drivenBy).toEqual(expect.objectContaining({ holder: holders.find((r) => r.accountId === station.id)!.holder }));
    expect(station.drivenBy!.token).toBeGreaterThanOrEqual(1);

    // All at once: the broadcast on one API, the import on the other, and three people chatting with each bot.
    const call = (url: string, staff: Staff, path: string, body: object) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const form = new FormData();
    const rows = Array.from({ length: IMPORT_ROWS }, (_, i) => [String(i + 1), `迤萨${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉戌亥'[Math.floor(i / 10) % 12]}`, i % 2 ? '女' : '男', validIdNumber({ region: REGIONS.countyB.code, sex: i % 2 ? 'female' : 'male' }), '哈尼族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', '']);
    form.append('file', new Blob([new Uint8Array(csv([FORM_HEADER, ...rows]))]), '迤萨.csv');
    const [broadcast, imported] = await Promise.all([
      call(api1.url!, countyA, '/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageA.code }, message: { 'zh-CN': '本周六南沙镇有招聘会' } }).then((r) => r.json() as Promise<{ id: string }>),
      fetch(`${api2.url}/api/v1/imports?regionCode=${REGIONS.villageB.code}`, { method: 'POST', headers: { authorization: `Bearer ${countyB.token}` }, body: form }).then(async (r) => {
        expect(r.status).toBe(202);
        return (await r.json()) as { id: string };
      }),
      ...bots.map(async (b, k) => {
        for (let u = 0; u < 3; u++) {
          const user = new SocketUser(controlSocketPath(b.dataDir), `mp${k}${u}`, chatters[k * 3 + u]!);
          users.push(user);
          for (const text of ['你好', '找工作', '帮助']) await user.say(text);
        }
      }),
    ]);
    const chatted = 6 * 3;

    const done = await until(async () => (await countyA.get(`/api/v1/broadcasts/${broadcast.id}`)).body, (x) => x.status === 'done', 60_000);
    expect(done.total).toBe(PEOPLE);
    // Any not sent are shown by state and reason, with what the processes logged about them.
    const notSent = await h.ctx.db.select({ id: deliveries.id, status: deliveries.status, reason: deliveries.reason, channel: deliveries.channel }).from(deliveries).where(and(eq(deliveries.broadcastId, broadcast.id), sql`${deliveries.status} <> 'sent'`));
    const loggedAbout = [api1, api2, worker1, worker2, bot1, bot2].flatMap((r) => r.stdout.join('').split('\n')).filter((l) => notSent.some((d) => l.includes(d.id)));
    expect({ sent: done.counts.sent, notSent, loggedAbout }).toEqual({ sent: PEOPLE, notSent: [], loggedAbout: [] });
    // Each person reached once, by the door they chose.
    const perOpenid = new Map<string, number>();
    for (const s of wx.sends) perOpenid.set(s.body.touser, (perOpenid.get(s.body.touser) ?? 0) + 1);
    expect(perOpenid.size).toBe(mp.length);
    expect(Math.max(...perOpenid.values())).toBe(1);
    const perPhone = new Map<string, number>();
    for (const s of sms.sends) for (const p of s.PhoneNumberSet) perPhone.set(p, (perPhone.get(p) ?? 0) + 1);
    expect(perPhone.size).toBe(texted.length);
    expect(Math.max(...perPhone.values())).toBe(1);

    // The import: every row once.
    const imp = await until(async () => (await h.ctx.db.select().from(imports).where(eq(imports.id, imported.id)))[0], (x) => x?.status === 'done', 60_000);
    expect(imp).toMatchObject({ status: 'done', totalRows: IMPORT_ROWS, processedRows: IMPORT_ROWS, created: IMPORT_ROWS, rejected: 0 });
    const inB = await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(workers).where(eq(workers.regionCode, REGIONS.villageB.code));
    expect(inB[0]!.n).toBe(IMPORT_ROWS + 6);

    // Each chat message answered once, by the process driving its account.
    const answered = await until(async () => [...logLines(bot1, 'chat message answered'), ...logLines(bot2, 'chat message answered')], (l) => l.length >= chatted, 30_000);
    expect(answered).toHaveLength(chatted);
    expect(new Set(answered.map((l) => l.messageId)).size).toBe(chatted);
    expect(answered.every((l) => Number(l.replies) > 0)).toBe(true);
    await until(async () => users.every((u) => u.replies.length >= 3), (ok) => ok, 10_000);
    expect(users.every((u) => u.replies.length >= 3)).toBe(true);

    // The holder of the default account dies. A broadcast to the six who chat goes out meanwhile: those of the
    // other account at once; those of the dead one's wait, and go once the other process has taken it over.
    const [defaultAccount] = await h.ctx.db.select().from(sendingAccounts).where(eq(sendingAccounts.name, 'bangfu'));
    const victim = botOf(defaultAccount!.id);
    const survivor = bots.find((b) => b !== victim)!;
    const before = holders.find((r) => r.accountId === defaultAccount!.id)!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    const second = (await (await call(api2.url!, countyB, '/api/v1/broadcasts', { audience: { regionCode: REGIONS.villageB.code }, message: { 'zh-CN': '迤萨镇明天有招聘会' } })).json()) as { id: string };
    const taken = await until(async () => (await h.ctx.db.select().from(accountLeases).where(eq(accountLeases.accountId, defaultAccount!.id)))[0], (r) => r?.holder !== before.holder && r?.holder !== null, 2 * LEASE_S * 1000 + 10_000);
    const tookMs = Date.now() - killedAt;
    expect(pidOf(taken!.holder!)).toBe(survivor.child.pid);
    // A fencing token above any the dead holder had (it may have taken its own lapsed lease again under load).
    expect(taken!.token).toBeGreaterThan(before.token);
    // Within the lease's time and one look (every 2 s), with room for a busy machine.
    expect(tookMs).toBeLessThan((LEASE_S + 6) * 1000);

    const chats = await until(
      async () => h.ctx.db.select().from(deliveries).where(and(eq(deliveries.broadcastId, second.id), inArray(deliveries.workerId, chatters))),
      (ds) => ds.length === 6 && ds.every((d) => d.status === 'sent'),
      40_000,
    );
    expect(chats.map((d) => d.status)).toEqual(Array(6).fill('sent'));
    expect(chats.every((d) => d.channel === 'chat')).toBe(true);
    // The dead holder's people were sent to under the new token, by the process that took the account.
    const bound = await h.ctx.db.select({ workerId: identities.workerId, accountId: identities.accountId }).from(identities).where(and(eq(identities.kind, 'wechat_contact'), inArray(identities.workerId, chatters)));
    const ofDefault = new Set(bound.filter((b) => b.accountId === defaultAccount!.id).map((b) => b.workerId));
    expect(ofDefault.size).toBe(3);
    for (const d of chats) {
      if (ofDefault.has(d.workerId!)) expect(d.providerRef).toBe(`lease:${defaultAccount!.id}:${taken!.token}`);
    }
    // Each chat delivery said once, across both bot processes' records.
    const said = [...logLines(bot1, 'message sent (chat)'), ...logLines(bot2, 'message sent (chat)')].filter((l) => chats.some((d) => d.id === l.deliveryId));
    expect(said).toHaveLength(6);
    expect(new Set(said.map((l) => l.deliveryId)).size).toBe(6);
    expect(logLines(survivor, 'message sent (chat)').filter((l) => l.account === defaultAccount!.id && l.lease === taken!.token).length).toBe(3);
    // Nothing of the first broadcast was sent again meanwhile.
    expect(Math.max(...perOpenid.values())).toBe(1);
    expect(wx.sends.length).toBe(mp.length);

    for (const r of [api1, api2, worker1, worker2, survivor]) r.child.kill('SIGTERM');
    for (const r of [api1, api2, worker1, worker2, survivor]) expect(await r.exited).toBe(0);
    // A clean stop gives the accounts up at once.
    const after = await h.ctx.db.select().from(accountLeases);
    expect(after.every((r) => r.holder === null)).toBe(true);
  }, 240_000);
});
