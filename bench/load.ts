import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { and, eq, like, sql } from 'drizzle-orm';
import { hashPassword } from '../src/access/password';
import { controlSocketPath } from '../src/control/socket';
import { rowsOf } from '../src/db/client';
import { accounts, employers, identities, regions, subscribeConsents, subscriptions, vacancies, workers } from '../src/db/schema';
import { formRow, Generator } from '../src/demo/synthetic';
import { writePeople } from '../src/demo/write';
import { PiiVault } from '../src/pii/vault';
import { loadRegions } from '../src/regions/load';
import { freeLowPort, runEntry, type Run } from '../test/helpers/processes';
import { csv, FORM_HEADER } from '../test/helpers/sheets';
import { percentile, report, scratchDatabase, scratchRedis } from './support';

/**
 * `npm run load [-- --people 100000 --seconds 60 --staff 20 --chat-rate 50 --contacts 200 --import-rows 10000]`:
 * the whole service on loopback as separate processes (one api, one worker, one bot) on a scratch PostgreSQL
 * database and a Redis prefix of its own, with PEOPLE seeded people (half reached by the mini-program, the rest
 * by text, both through local stand-ins for WeChat's and Tencent Cloud's APIs). Then, at once, for SECONDS:
 * STAFF console sessions browsing with think time (the register list with filters and a search, a person's page,
 * posts, the dashboard's figures, broadcasts); mock WeChat contacts chatting with the bot at CHAT_RATE messages
 * a second (through the bot process's control socket, as `npm run chat` does); one broadcast to everyone
 * seeded; one import of IMPORT_ROWS rows. The baseline, in the same run: each kind of request on the idle
 * service first. Targets: staff p99 < 500 ms, chat p99 < 100 ms, no errors.
 */
const APP_ID = 'wx0a1b2c3d4e5f6a7b';
const WX_SECRET = 'load-bench-wechat-secret';
const SMS_ID = 'AKIDloadloadloadload';
const SMS_KEY = 'load-bench-sms-key-0001';
const TEMPLATE = 'tmpl-job-notice-01';
const PASSWORD = 'load bench password 2026';
const CHAT_MIX = ['帮助', '零工', '1', '我的', '找工作', '政策', '培训', '我想找附近的零工', '你好', '2'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A mock WeChat user on the bot process's control socket; `sentAt` is set while a message waits for its first reply. */
class ChatUser {
  sentAt: number | undefined;
  private socket: Socket;
  readonly ready: Promise<void>;
  constructor(path: string, name: string, bind: string | undefined, onReply: (ms: number) => void) {
    this.socket = createConnection(path);
    let buffer = '';
    this.ready = new Promise((resolve, reject) => {
      this.socket.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const a = JSON.parse(line) as { type: string; message?: string };
          if (a.type === 'ready') resolve();
          else if (a.type === 'error') reject(new Error(a.message));
          else if (a.type === 'reply' && this.sentAt !== undefined) {
            onReply(performance.now() - this.sentAt);
            this.sentAt = undefined;
          }
        }
      });
      this.socket.once('error', reject);
    });
    this.socket.write(`${JSON.stringify({ cmd: 'chat', name, ...(bind ? { bind } : {}) })}\n`);
  }
  say(text: string): void {
    this.sentAt = performance.now();
    this.socket.write(`${JSON.stringify({ say: text })}\n`);
  }
  close(): void {
    this.socket.destroy();
  }
}

/** Latencies and errors by kind. */
class Tally {
  readonly ms = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly firstError = new Map<string, string>();
  /** Each answer's end, in performance.now() time, beside its latency: the timeline of a kind. */
  readonly at = new Map<string, number[]>();
  ok(kind: string, ms: number): void {
    const xs = this.ms.get(kind);
    if (xs) xs.push(ms);
    else this.ms.set(kind, [ms]);
    const ts = this.at.get(kind);
    if (ts) ts.push(performance.now());
    else this.at.set(kind, [performance.now()]);
  }
  /** p50/p99/max of a kind in windows of `windowS` seconds from `from`, for telling when it was slow. */
  timeline(kind: string, from: number, windowS: number): Array<{ fromS: number; n: number; p50Ms: number; p99Ms: number; maxMs: number }> {
    const xs = this.ms.get(kind) ?? [];
    const ts = this.at.get(kind) ?? [];
    const bins = new Map<number, number[]>();
    ts.forEach((t, i) => {
      const b = Math.floor((t - from) / 1000 / windowS);
      const bin = bins.get(b);
      if (bin) bin.push(xs[i]!);
      else bins.set(b, [xs[i]!]);
    });
    return [...bins.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, v]) => ({ fromS: b * windowS, n: v.length, p50Ms: Math.round(percentile(v, 50)), p99Ms: Math.round(percentile(v, 99)), maxMs: Math.round(Math.max(...v)) }));
  }
  fail(kind: string, why: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (!this.firstError.has(kind)) this.firstError.set(kind, why);
  }
  summary(kind: string) {
    const xs = this.ms.get(kind) ?? [];
    return { n: xs.length, p50Ms: xs.length ? percentile(xs, 50) : null, p99Ms: xs.length ? percentile(xs, 99) : null, errors: this.errors.get(kind) ?? 0 };
  }
}

/** The highest resident set a process has had (VmHWM), in MB; null once it has gone. */
function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '60' },
      staff: { type: 'string', default: '20' },
      'chat-rate': { type: 'string', default: '50' },
      contacts: { type: 'string', default: '200' },
      'import-rows': { type: 'string', default: '10000' },
    },
  });
  const nPeople = Number(values.people);
  const seconds = Number(values.seconds);
  const nStaff = Number(values.staff);
  const chatRate = Number(values['chat-rate']);
  const nContacts = Number(values.contacts);
  const importRows = Number(values['import-rows']);
  for (const [name, v] of Object.entries({ people: nPeople, seconds, staff: nStaff, 'chat-rate': chatRate, contacts: nContacts, 'import-rows': importRows })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a whole number of at least 1, got ${String(v)}`);
  }

  const scratch = await scratchDatabase();
  const scratchKv = await scratchRedis();
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const users: ChatUser[] = [];
  const loadSamples: number[] = [];
  try {
    // WeChat's and the SMS provider's stand-ins answer hundreds of sends a second: in a process of their own,
    // so that this one's event loop only times the replies (their processor time still counts on the machine).
    const standIns = runEntry('bench/stand-ins.ts', [APP_ID, WX_SECRET, SMS_ID, SMS_KEY], {}, children);
    const addresses = await new Promise<{ wechat: string; sms: string }>((resolve, reject) => {
      const check = setInterval(() => {
        const line = standIns.stdout.join('').split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearInterval(check);
          resolve(JSON.parse(line) as { wechat: string; sms: string });
        } else if (standIns.child.exitCode !== null) {
          clearInterval(check);
          reject(new Error(`the stand-ins did not start: ${standIns.stderr.join('').slice(-2000)}`));
        }
      }, 100);
    });
    const wx = { url: addresses.wechat };
    const sms = { url: addresses.sms };
    const db = scratch.database.db;
    const piiKey = randomBytes(32);
    const vault = new PiiVault(piiKey);
    await loadRegions(db, '5325');
    const villages = (await db.select({ code: regions.code }).from(regions).where(and(like(regions.code, '5325%'), eq(regions.level, 5)))).map((r) => r.code);
    const counties = [...new Set(villages.map((v) => v.slice(0, 6)))];
    const t0 = performance.now();
    await writePeople(db, vault, new Generator(villages, 11, new Date()), nPeople, new Date(), {
      batchSize: 5000,
      onProgress: (made) => process.stdout.write(`\rseeding people: ${made}/${nPeople}`),
    });
    process.stdout.write('\n');
    // Half the people (and everyone without a phone) reached by the mini-program, the rest by text.
    await db.execute(sql`insert into ${identities} (worker_id, kind, value)
      select id, 'mp_openid', 'openid-' || id from (select id, phone_enc, row_number() over (order by id) n from ${workers}) w where w.phone_enc is null or w.n % 2 = 0`);
    await db.execute(sql`insert into ${subscribeConsents} (worker_id, template_id, remaining) select worker_id, ${TEMPLATE}, 5 from ${identities} where kind = 'mp_openid'`);
    await db.execute(sql`insert into ${subscriptions} (worker_id, channel, quiet_start, quiet_end, daily_cap)
      select id, case when exists (select 1 from ${identities} i where i.worker_id = w.id and i.kind = 'mp_openid') then 'mini_program' else 'sms' end::channel_kind, 0, 0, 50 from ${workers} w`);
    // Posts for the staff to browse and the bot to offer.
    const [employer] = await db.insert(employers).values({ name: '负载测试企业', kind: 'enterprise', regionCode: counties[0]!, verifiedAt: new Date() }).returning();
    await db.execute(sql`
      insert into ${vacancies} (employer_id, kind, title, region_code, pay_min_fen, pay_max_fen, pay_unit, required_skills, headcount, status, expires_at, details)
      select ${employer!.id}, (array['gig','regular','seasonal','public_welfare','workshop'])[1 + (i % 5)]::vacancy_kind, '岗位' || i,
        (${sql.param(villages)}::text[])[1 + (i % ${villages.length})], 15000 + (i % 50) * 1000, 20000 + (i % 50) * 1000, 'day'::pay_unit, '{}', 10, 'open', now() + interval '30 days', '{}'::jsonb
      from generate_series(1, 2000) i`);
    // Staff: county accounts across the prefecture, and one prefecture account for the broadcast and the import.
    const hash = await hashPassword(PASSWORD);
    const staffRows = Array.from({ length: nStaff }, (_, i) => ({ username: `load-staff-${i}`, passwordHash: hash, displayName: `站点工作人员${i}`, role: 'county' as const, regionCode: counties[i % counties.length]! }));
    await db.insert(accounts).values([...staffRows, { username: 'load-prefecture', passwordHash: hash, displayName: '州级管理员', role: 'prefecture' as const, regionCode: '5325' }]);
    await db.execute(sql`analyze`);
    process.stdout.write(`seeded ${nPeople} people, 2000 posts, ${nStaff + 1} staff in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    // The service: one process of each role.
    const port = await freeLowPort();
    const base = `http://127.0.0.1:${port}`;
    const env = (dataDir: string): Record<string, string> => ({
      // Not production: there the bot refuses the mock puppet. Everything else is as configured for service.
      NODE_ENV: 'development',
      DATABASE_URL: scratch.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: scratchKv.prefix,
      PII_KEY: piiKey.toString('hex'),
      BACKUP_KEY: randomBytes(32).toString('hex'),
      TOKEN_SECRET: randomBytes(32).toString('hex'),
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: base,
      WECHATY_PUPPET: 'wechaty-puppet-mock',
      SMS_PROVIDER: 'tencent',
      SMS_SECRET_ID: SMS_ID,
      SMS_SECRET_KEY: SMS_KEY,
      SMS_SDK_APP_ID: '1400000009',
      SMS_SIGN_NAME: '红河就业',
      SMS_TEMPLATE_ID: '2000009',
      SMS_API_BASE: sms.url,
      SMS_SENDS_PER_SECOND: '1000',
      WECHAT_API_BASE: wx.url,
      WECHAT_APP_ID: APP_ID,
      WECHAT_APP_SECRET: WX_SECRET,
      WECHAT_TEMPLATE_ID: TEMPLATE,
      MINI_PROGRAM_SENDS_PER_SECOND: '1000',
    });
    const roles = ['api', 'worker', 'bot'] as const;
    const procs = {} as Record<(typeof roles)[number], Run & { dataDir: string }>;
    for (const role of roles) {
      const dataDir = mkdtempSync(join(tmpdir(), `bangfu-load-${role}-`));
      dirs.push(dataDir);
      procs[role] = { ...runEntry('server/main.ts', [role], env(dataDir), children), dataDir };
    }
    const t1 = performance.now();
    const died = (r: Run) => r.child.exitCode !== null || r.child.signalCode !== null;
    for (;;) {
      for (const role of roles) if (died(procs[role])) throw new Error(`the ${role} process stopped at start: ${procs[role].stderr.join('').slice(-2000)}${procs[role].stdout.join('').slice(-2000)}`);
      const ok = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (performance.now() - t1 > 180_000) throw new Error('the api process was not ready within 180 s');
      await sleep(250);
    }

    // Staff sign in (each through the API, as the console does).
    const signIn = async (username: string): Promise<string> => {
      const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
      const body = (await res.json()) as { token?: string };
      if (res.status !== 200 || !body.token) throw new Error(`sign-in of ${username} answered ${res.status}: ${JSON.stringify(body)}`);
      return body.token;
    };
    const staffTokens: string[] = [];
    for (const s of staffRows) staffTokens.push(await signIn(s.username));
    const prefectureToken = await signIn('load-prefecture');

    // Chat users, once the bot process serves its control socket and its mock WeChat is logged in; nine in ten bound to a person.
    const socket = controlSocketPath(procs.bot.dataDir);
    const bound = rowsOf<{ id: string }>(await db.execute(sql`select id from ${workers} order by id desc limit ${Math.floor(nContacts * 0.9)}`)).map((r) => r.id);
    const tally = new Tally();
    let chatKind = 'chat (idle)';
    for (let i = 0; i < nContacts; i++) {
      for (let tries = 0; ; tries++) {
        const u = new ChatUser(socket, `负载${i}`, bound[i], (ms) => tally.ok(chatKind, ms));
        const why = await u.ready.then(() => undefined, (err: unknown) => (err as Error).message);
        if (why === undefined) {
          users.push(u);
          break;
        }
        u.close();
        if (died(procs.bot) || tries > 240) throw new Error(`the bot process's chat did not open (${why}): ${procs.bot.stderr.join('').slice(-2000)}${procs.bot.stdout.join('').slice(-2000)}`);
        await sleep(500);
      }
    }
    process.stdout.write(`service up (api, worker, bot) in ${((performance.now() - t1) / 1000).toFixed(1)} s; ${nContacts} chat contacts connected\n`);

    // Staff pages: each a few requests, as the console makes them.
    const personIds = rowsOf<{ id: string; region_code: string }>(await db.execute(sql`select id, region_code from ${workers} tablesample system (5) limit 2000`));
    const get = async (token: string, group: string, path: string, kind: (g: string) => string): Promise<unknown> => {
      const t = performance.now();
      try {
        const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
        const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.arrayBuffer();
        if (res.status >= 400) tally.fail(kind(group), `${res.status} ${path}: ${JSON.stringify(body).slice(0, 200)}`);
        else tally.ok(kind(group), performance.now() - t);
        return body;
      } catch (err) {
        tally.fail(kind(group), `${path}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const pages: Array<{ group: string; weight: number; visit(token: string, county: string, k: (g: string) => string): Promise<unknown> }> = [
      { group: 'register list', weight: 3, visit: (t, c, k) => get(t, 'register list', `/api/v1/workers?regionCode=${c}&employed=${Math.random() < 0.5}&workingAge=true&page=${1 + Math.floor(Math.random() * 5)}`, k) },
      { group: 'register search', weight: 2, visit: (t, _c, k) => get(t, 'register search', `/api/v1/workers?q=${encodeURIComponent('李王张刘陈杨'[Math.floor(Math.random() * 6)]!)}`, k) },
      {
        group: 'person',
        weight: 3,
        visit: async (t, c, k) => {
          const mine = personIds.filter((p) => p.region_code.startsWith(c));
          const p = mine[Math.floor(Math.random() * mine.length)];
          if (!p) return;
          await Promise.all([get(t, 'person', `/api/v1/workers/${p.id}`, k), get(t, 'person', `/api/v1/workers/${p.id}/employment`, k), get(t, 'person', `/api/v1/workers/${p.id}/follow-ups`, k), get(t, 'person', `/api/v1/workers/${p.id}/matches`, k)]);
        },
      },
      { group: 'vacancies', weight: 2, visit: (t, _c, k) => get(t, 'vacancies', `/api/v1/vacancies?page=${1 + Math.floor(Math.random() * 3)}`, k) },
      {
        group: 'dashboard',
        weight: 1,
        visit: (t, c, k) =>
          Promise.all([
            get(t, 'dashboard', `/api/v1/monitoring/figures?regionCode=${c}`, k),
            get(t, 'dashboard', '/api/v1/monitoring/warnings?pageSize=1', k),
            get(t, 'dashboard', '/api/v1/rain-dew?pageSize=1', k),
            get(t, 'dashboard', '/api/v1/help-requests?status=open', k),
            get(t, 'dashboard', '/api/v1/reporting/calendar', k),
          ]),
      },
      { group: 'broadcasts', weight: 1, visit: (t, _c, k) => get(t, 'broadcasts', '/api/v1/broadcasts', k) },
    ];
    const weighted = pages.flatMap((p) => Array<typeof p>(p.weight).fill(p));

    // The file to import, made before the window: built during it, it held this process's event loop for
    // seconds, and the replies that arrived meanwhile were timed late.
    const importVillage = villages[villages.length - 1]!;
    const importGen = new Generator([importVillage], 12, new Date());
    const importFile = new Blob([new Uint8Array(csv([FORM_HEADER, ...Array.from({ length: importRows }, (_, i) => formRow(importGen.person(importVillage), i + 1))]))]);

    // Baseline: every page three times and a few chat messages, one at a time, on the idle service.
    const idle = (g: string) => `${g} (idle)`;
    for (let r = 0; r < 3; r++) for (const p of pages) await p.visit(staffTokens[r % nStaff]!, staffRows[r % nStaff]!.regionCode, idle);
    for (let i = 0; i < 20; i++) {
      const u = users[i % users.length]!;
      u.say(CHAT_MIX[i % CHAT_MIX.length]!);
      const until = performance.now() + 5000;
      while (u.sentAt !== undefined && performance.now() < until) await sleep(5);
      if (u.sentAt !== undefined) tally.fail(chatKind, 'no reply within 5 s');
      u.sentAt = undefined;
      await sleep(100);
    }

    // The load, all at once.
    process.stdout.write(`load: ${nStaff} staff, chat at ${chatRate}/s, a broadcast to ${nPeople}, an import of ${importRows} rows, for ${seconds} s…\n`);
    chatKind = 'chat';
    const loaded = (g: string) => g;
    const started = performance.now();
    const endAt = started + seconds * 1000;
    const sampler = setInterval(() => loadSamples.push(loadavg()[0]!), 5000);
    // This process times the replies and also serves the stand-ins for WeChat's and the SMS provider's APIs:
    // how late its own event loop ran says how much of a reply's time is the measurement's own.
    const driverLoop = monitorEventLoopDelay({ resolution: 10 });
    driverLoop.enable();

    const broadcast = (async () => {
      const t = performance.now();
      const res = await fetch(`${base}/api/v1/broadcasts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${prefectureToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ audience: { regionCode: '5325' }, message: { 'zh-CN': '本周六州人力资源市场有招聘会，欢迎参加' } }),
      });
      const body = (await res.json()) as { id?: string };
      if (res.status >= 400 || !body.id) {
        tally.fail('broadcast', `${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        return undefined;
      }
      tally.ok('broadcast create', performance.now() - t);
      return body.id;
    })();

    const imported = (async () => {
      const form = new FormData();
      form.append('file', importFile, '登记表.csv');
      const t = performance.now();
      const res = await fetch(`${base}/api/v1/imports?regionCode=${importVillage}`, { method: 'POST', headers: { authorization: `Bearer ${prefectureToken}` }, body: form });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 202 || !body.id) {
        tally.fail('import', `${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        return undefined;
      }
      return { id: body.id, t };
    })();

    const staffLoops = staffTokens.map(async (token, i) => {
      await sleep(Math.random() * 3000);
      while (performance.now() < endAt) {
        const page = weighted[Math.floor(Math.random() * weighted.length)]!;
        await page.visit(token, staffRows[i]!.regionCode, loaded);
        // Reading the page before the next click: 2 to 8 seconds.
        await sleep(2000 + Math.random() * 6000);
      }
    });

    let chatSent = 0;
    let chatSkipped = 0;
    const chatLoop = (async () => {
      for (let i = 0; ; i++) {
        const due = started + (i * 1000) / chatRate;
        if (due >= endAt) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        // The next contact not still waiting for an answer (a person waits for the reply before writing again).
        let u: ChatUser | undefined;
        for (let k = 0; k < users.length && !u; k++) {
          const c = users[(i + k) % users.length]!;
          if (c.sentAt === undefined) u = c;
        }
        if (!u) {
          chatSkipped++;
          continue;
        }
        u.say(CHAT_MIX[(i + Math.floor(i / users.length)) % CHAT_MIX.length]!);
        chatSent++;
      }
    })();

    await Promise.all([...staffLoops, chatLoop]);
    driverLoop.disable();
    const driverLag = { p99Ms: Math.round(driverLoop.percentile(99) / 1e5) / 10, maxMs: Math.round(driverLoop.max / 1e5) / 10 };
    const windowS = (performance.now() - started) / 1000;
    process.stdout.write(`window over after ${windowS.toFixed(1)} s; waiting for the last replies, the import and the broadcast…\n`);
    // Messages still unanswered 10 s after the window are counted as errors.
    const graceUntil = performance.now() + 10_000;
    while (users.some((u) => u.sentAt !== undefined) && performance.now() < graceUntil) await sleep(50);
    const unanswered = users.filter((u) => u.sentAt !== undefined).length;
    for (let i = 0; i < unanswered; i++) tally.fail('chat', 'no reply within 10 s of the window');

    // The import and the broadcast run to their end (at most 15 minutes).
    const limit = performance.now() + 15 * 60_000;
    let importS: number | null = null;
    let importFigures: Record<string, unknown> = {};
    const imp = await imported;
    if (imp) {
      for (;;) {
        const [row] = rowsOf<{ status: string; created: number; updated: number; rejected: number; unchanged: number }>(
          await db.execute(sql`select status, created, updated, rejected, unchanged from imports where id = ${imp.id}`),
        );
        if (row?.status === 'done' || row?.status === 'failed') {
          const [done] = rowsOf<{ s: number }>(await db.execute(sql`select extract(epoch from (finished_at - created_at))::float8 s from imports where id = ${imp.id}`));
          importS = done ? Math.round(done.s * 100) / 100 : Math.round((performance.now() - imp.t) / 10) / 100;
          importFigures = { status: row.status, created: row.created, updated: row.updated, unchanged: row.unchanged, rejected: row.rejected };
          if (row.status === 'failed') tally.fail('import', 'the import failed');
          break;
        }
        if (performance.now() > limit) {
          tally.fail('import', 'not done within 15 minutes');
          break;
        }
        await sleep(500);
      }
    }
    const broadcastId = await broadcast;
    let broadcastFigures: Record<string, unknown> = {};
    if (broadcastId) {
      let lastSent = 0;
      let sentInWindow: number | null = null;
      for (;;) {
        const [row] = rowsOf<{ status: string; total: number; sent: number; failed: number; skipped: number; created: number; finished: number | null; sent_in_window: number }>(
          await db.execute(sql`select b.status, b.total,
            (select count(*)::int from deliveries d where d.broadcast_id = b.id and d.status = 'sent') sent,
            (select count(*)::int from deliveries d where d.broadcast_id = b.id and d.status = 'failed') failed,
            (select count(*)::int from deliveries d where d.broadcast_id = b.id and d.status = 'skipped') skipped,
            (select count(*)::int from deliveries d where d.broadcast_id = b.id and d.status = 'sent' and d.sent_at <= b.created_at + make_interval(secs => ${windowS}::float8)) sent_in_window,
            extract(epoch from b.created_at)::float8 created,
            (select extract(epoch from max(d.sent_at))::float8 from deliveries d where d.broadcast_id = b.id) finished
            from broadcasts b where b.id = ${broadcastId}`),
        );
        if (row) {
          sentInWindow ??= row.sent_in_window;
          lastSent = row.sent;
          // Every delivery closed once the fan-out is over (the broadcast's own status follows at the next settling pass).
          if (row.status === 'done' || (row.status === 'sending' && row.sent + row.failed + row.skipped >= row.total)) {
            const tookS = row.finished ? Math.round((row.finished - row.created) * 10) / 10 : null;
            broadcastFigures = { status: row.status, total: row.total, sent: row.sent, failed: row.failed, skipped: row.skipped, completedS: tookS, perS: tookS ? Math.round(row.sent / tookS) : null, sentInWindow };
            if (row.failed) tally.fail('broadcast', `${row.failed} deliveries failed`);
            break;
          }
        }
        if (performance.now() > limit) {
          broadcastFigures = { status: row?.status, total: row?.total, sent: lastSent, completedS: null, sentInWindow };
          tally.fail('broadcast', 'not done within 15 minutes of the window');
          break;
        }
        await sleep(1000);
      }
    }
    clearInterval(sampler);

    const rss: Record<string, number | null> = {};
    for (const role of roles) rss[role] = peakRssMb(procs[role].child.pid);
    rss.driver = Math.round(process.resourceUsage().maxRSS / 1024);
    for (const role of roles) if (died(procs[role])) tally.fail(`${role} process`, `stopped during the run: ${procs[role].stderr.join('').slice(-500)}`);

    // Figures.
    const staffGroups = pages.map((p) => p.group);
    const staffAll = staffGroups.flatMap((g) => tally.ms.get(g) ?? []);
    const staffIdle = staffGroups.flatMap((g) => tally.ms.get(idle(g)) ?? []);
    const staffP99 = staffAll.length ? percentile(staffAll, 99) : null;
    const chat = tally.summary('chat');
    const errorsByKind = Object.fromEntries(tally.errors);
    const errorCount = [...tally.errors.values()].reduce((a, b) => a + b, 0);
    const load = { start: loadSamples[0] ?? null, max: loadSamples.length ? Math.max(...loadSamples) : null, end: Math.round(loadavg()[0]! * 100) / 100 };
    process.stdout.write(`\nstaff (${staffAll.length} requests in ${windowS.toFixed(0)} s): p50 ${staffAll.length ? percentile(staffAll, 50) : '-'} ms, p99 ${staffP99 ?? '-'} ms; idle p50 ${staffIdle.length ? percentile(staffIdle, 50) : '-'} ms, p99 ${staffIdle.length ? percentile(staffIdle, 99) : '-'} ms\n`);
    for (const g of staffGroups) {
      const s = tally.summary(g);
      const i = tally.summary(idle(g));
      process.stdout.write(`  ${g}: ${s.n} requests, p50 ${s.p50Ms ?? '-'} ms, p99 ${s.p99Ms ?? '-'} ms, ${s.errors} errors (idle p50 ${i.p50Ms ?? '-'} ms)\n`);
    }
    const chatIdle = tally.summary('chat (idle)');
    // When the replies were slow: by stretch of the window (10 s, or LOAD_TIMELINE_S), the import and the fan-out starting at 0.
    const stretchS = Number(process.env.LOAD_TIMELINE_S ?? 10);
    const chatTimeline = tally.timeline('chat', started, stretchS);
    process.stdout.write(`chat reply by ${stretchS} s stretch (from the start: n, p50/p99/max ms): ${chatTimeline.map((w) => `${w.fromS} s: ${w.n}, ${w.p50Ms}/${w.p99Ms}/${w.maxMs}`).join('; ')}\n`);
    process.stdout.write(`chat reply: ${chat.n} of ${chatSent} sent (${chatSkipped} not sent: every contact waiting), p50 ${chat.p50Ms ?? '-'} ms, p99 ${chat.p99Ms ?? '-'} ms; idle p50 ${chatIdle.p50Ms ?? '-'} ms, p99 ${chatIdle.p99Ms ?? '-'} ms\n`);
    process.stdout.write(`this process's event loop in the window (it times the replies and serves the stand-ins): delay p99 ${driverLag.p99Ms} ms, max ${driverLag.maxMs} ms\n`);
    process.stdout.write(`import: ${importRows} rows in ${importS ?? '-'} s ${JSON.stringify(importFigures)}\n`);
    process.stdout.write(`broadcast: ${JSON.stringify(broadcastFigures)}\n`);
    process.stdout.write(`errors: ${errorCount} ${JSON.stringify(errorsByKind)}\n`);
    for (const [kind, why] of tally.firstError) process.stdout.write(`  first ${kind} error: ${why}\n`);
    process.stdout.write(`peak RSS (MB): ${JSON.stringify(rss)}; load average (1 min) at start ${load.start ?? '-'}, highest ${load.max ?? '-'}, at the end ${load.end} on ${availableParallelism()} cores\n`);

    const met = { staffP99: staffP99 !== null && staffP99 < 500, chatP99: chat.p99Ms !== null && chat.p99Ms < 100, noErrors: errorCount === 0 };
    report({
      bench: 'load',
      people: nPeople,
      seconds,
      staff: nStaff,
      chatRate,
      contacts: nContacts,
      importRows,
      staffRequests: staffAll.length,
      staffP50Ms: staffAll.length ? percentile(staffAll, 50) : null,
      staffP99Ms: staffP99,
      baselineStaffP50Ms: staffIdle.length ? percentile(staffIdle, 50) : null,
      baselineStaffP99Ms: staffIdle.length ? percentile(staffIdle, 99) : null,
      staffByGroup: Object.fromEntries(staffGroups.map((g) => [g, tally.summary(g)])),
      chatSent,
      chatNotSentAllWaiting: chatSkipped,
      chatReplies: chat.n,
      chatP50Ms: chat.p50Ms,
      chatP99Ms: chat.p99Ms,
      chatTimeline,
      baselineChatP50Ms: chatIdle.p50Ms,
      baselineChatP99Ms: chatIdle.p99Ms,
      driverLoopDelayP99Ms: driverLag.p99Ms,
      driverLoopDelayMaxMs: driverLag.maxMs,
      importS,
      import: importFigures,
      broadcast: broadcastFigures,
      errors: errorCount,
      errorsByKind,
      peakRssMb: rss,
      loadAverage: load,
      targets: { staffP99Ms: '<500', chatP99Ms: '<100', errors: 0 },
      met,
    });
  } finally {
    users.forEach((u) => u.close());
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null
          ? Promise.race([new Promise((r) => c.once('exit', r)), sleep(20_000).then(() => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'))])
          : undefined,
      ),
    );
    await scratchKv.drop();
    await scratch.drop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
