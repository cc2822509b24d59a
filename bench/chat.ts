import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { and, eq, like, sql } from 'drizzle-orm';
import { WechatyBuilder, type Message } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { startBot } from '../bots/bot';
import { loadConfig } from '../src/config';
import { rowsOf } from '../src/db/client';
import { employers, identities, regions } from '../src/db/schema';
import { Generator, SKILLS } from '../src/demo/synthetic';
import { writePeople } from '../src/demo/write';
import { PiiVault } from '../src/pii/vault';
import { loadRegions } from '../src/regions/load';
import { systemClock } from '../src/shared/clock';
import { percentile, report, scratchDatabase, scratchRedis } from './support';
import { contextPorts } from '../src/app';

/**
 * `npm run bench:chat [-- --rate 50 --contacts 1000 --seconds 60]`: mock WeChat contacts send the bot
 * RATE messages a second for SECONDS (a mix of menu, search, 我的 and item numbers, most from bound
 * people), and the time from each message to its first reply is measured. Beside it, the same load on
 * a bare bot over the same mock puppet that answers every message at once. Target: p99 under 100 ms.
 * Each side's CPU time per message answered and longest hold of the event loop are reported too: on a machine busy with
 * other work they move far less than the latencies do.
 */
const MIX = ['帮助', '零工', '1', '我的', '找工作', '政策', '培训', '订阅 零工', '报名 1', '我想找附近的零工'];

type Sender = { contact: mock.ContactMock; sentAt?: number; text?: string };

/**
 * Besides the latencies: the process's CPU time per message answered (less swayed than latency by other work on
 * a busy machine) and the longest time the event loop was held, during which every message waits.
 */
async function drive(
  mocker: mock.Mocker,
  self: mock.ContactMock,
  senders: Sender[],
  rate: number,
  seconds: number,
): Promise<{ latencies: number[]; unanswered: number; byText: Map<string, number[]>; cpuMsPerMessage: number; longestBlockMs: number }> {
  const latencies: number[] = [];
  const byText = new Map<string, number[]>();
  for (const s of senders) {
    s.contact.removeAllListeners('message');
    s.contact.on('message', (msg: mock.MessageMock) => {
      if (msg.payload.talkerId !== self.id || s.sentAt === undefined) return;
      const ms = performance.now() - s.sentAt;
      latencies.push(ms);
      byText.set(s.text!, [...(byText.get(s.text!) ?? []), ms]);
      s.sentAt = undefined;
    });
  }
  void mocker;
  const total = rate * seconds;
  const held = monitorEventLoopDelay({ resolution: 5 });
  held.enable();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let unanswered = 0;
  for (let i = 0; i < total; i++) {
    // Paced by the clock, not by the replies: a slow bot does not slow the senders.
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = senders[i % senders.length]!;
    if (s.sentAt !== undefined) unanswered++;
    s.sentAt = performance.now();
    s.text = MIX[(i + Math.floor(i / senders.length)) % MIX.length]!;
    s.contact.say(s.text).to(self);
  }
  await new Promise((r) => setTimeout(r, 2000));
  const used = process.cpuUsage(cpu);
  held.disable();
  unanswered += senders.filter((s) => s.sentAt !== undefined).length;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { latencies, unanswered, byText, cpuMsPerMessage: round((used.user + used.system) / 1000 / Math.max(1, latencies.length)), longestBlockMs: round(held.max / 1e6) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '50' }, contacts: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '60' } } });
  const rate = Number(values.rate);
  const nContacts = Number(values.contacts);
  const seconds = Number(values.seconds);
  const scratch = await scratchDatabase();
  const scratchKv = await scratchRedis();
  const { redis, queues, prefix, logger } = scratchKv;
  try {
    const db = scratch.database.db;
    await loadRegions(db, '5325');
    const villages = (await db.select({ code: regions.code }).from(regions).where(and(like(regions.code, '532528%'), eq(regions.level, 5)))).map((r) => r.code);
    const today = new Date();
    const vault = new PiiVault(Buffer.alloc(32, 5));
    // A county's register, with open gigs and posts around the homes.
    await writePeople(db, vault, new Generator(villages, 6, today), 20_000, today, { batchSize: 5000 });
    const [employer] = await db.insert(employers).values({ name: '基准测试企业', kind: 'enterprise', regionCode: '532528', verifiedAt: today }).returning();
    await db.execute(sql`
      insert into vacancies (employer_id, kind, title, region_code, lat, lng, pay_min_fen, pay_max_fen, pay_unit, required_skills, headcount, status, expires_at, details)
      select ${employer!.id}, (array['gig','regular','seasonal','public_welfare','workshop'])[1 + (i % 5)]::vacancy_kind,
        '岗位' || i, (${sql.param(villages)}::text[])[1 + (i % ${villages.length})], w.home_lat + (random() - 0.5) * 0.05, w.home_lng + (random() - 0.5) * 0.05,
        15000 + (i % 50) * 1000, 20000 + (i % 50) * 1000, 'day'::pay_unit, array[(${sql.param(SKILLS)}::text[])[1 + (i % ${SKILLS.length})]], 10, 'open', now() + interval '30 days', '{}'::jsonb
      from generate_series(1, 2000) i join lateral (select home_lat, home_lng from workers where home_lat is not null offset (i * 7) limit 1) w on true`);
    await db.execute(sql`analyze`);

    const config = loadConfig({ ...process.env, DATABASE_URL: scratch.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', WECHATY_PUPPET: 'wechaty-puppet-mock' });
    const ctx = { config, logger, database: scratch.database, db, redis, queues, clock: systemClock, pii: vault, ...contextPorts };

    // Baseline: a bare bot on the same mock puppet that answers every text at once.
    const bareMocker = new mock.Mocker();
    const bare = WechatyBuilder.build({ name: 'bare', puppet: new PuppetMock({ mocker: bareMocker }) });
    bare.on('message', async (m: Message) => {
      if (!m.self()) await m.talker().say('ok');
    });
    await bare.start();
    const bareSelf = bareMocker.createContact({ name: 'bare' });
    bareMocker.login(bareSelf);
    const bareSenders = Array.from({ length: nContacts }, (_, i) => ({ contact: bareMocker.createContact({ id: `bare-${i}`, name: `c${i}` }) }));
    const baseSeconds = Math.min(seconds, 20);
    process.stdout.write(`baseline: bare mock bot, ${rate}/s for ${baseSeconds} s…\n`);
    const base = await drive(bareMocker, bareSelf, bareSenders, rate, baseSeconds);
    await bare.stop();

    const bot = await startBot(ctx);
    const senders: Sender[] = Array.from({ length: nContacts }, (_, i) => ({ contact: bot.mocker!.createContact({ id: `bench-${i}`, name: `c${i}` }) }));
    // Nine in ten are bound to a registered person; the rest are strangers.
    const people = rowsOf<{ id: string }>(await db.execute(sql`select id from workers where home_lat is not null limit ${Math.floor(nContacts * 0.9)}`));
    if (people.length) await db.insert(identities).values(people.map((p, i) => ({ workerId: p.id, kind: 'wechat_contact' as const, value: `bench-${i}` })));
    process.stdout.write(`bangfu bot: ${rate}/s from ${nContacts} contacts for ${seconds} s…\n`);
    const ours = await drive(bot.mocker!, bot.self!, senders, rate, seconds);
    await bot.stop();

    const p50 = percentile(ours.latencies, 50);
    const p99 = percentile(ours.latencies, 99);
    const b50 = percentile(base.latencies, 50);
    const b99 = percentile(base.latencies, 99);
    process.stdout.write(`reply latency: p50 ${p50} ms, p99 ${p99} ms (${ours.latencies.length} replies, ${ours.unanswered} unanswered)\n`);
    process.stdout.write(`bare mock bot: p50 ${b50} ms, p99 ${b99} ms (${base.latencies.length} replies)\n`);
    process.stdout.write(`CPU per message answered: ${ours.cpuMsPerMessage} ms (bare ${base.cpuMsPerMessage} ms); event loop held at most ${ours.longestBlockMs} ms (bare ${base.longestBlockMs} ms)\n`);
    for (const [text, xs] of ours.byText) process.stdout.write(`  ${text}: p50 ${percentile(xs, 50)} ms, p99 ${percentile(xs, 99)} ms\n`);
    report({ bench: 'chat', rate, contacts: nContacts, seconds, replies: ours.latencies.length, unanswered: ours.unanswered, p50Ms: p50, p99Ms: p99, baselineP50Ms: b50, baselineP99Ms: b99, target: 'p99Ms<100', cpuMsPerMessage: ours.cpuMsPerMessage, baselineCpuMsPerMessage: base.cpuMsPerMessage, longestBlockMs: ours.longestBlockMs, baselineLongestBlockMs: base.longestBlockMs });
  } finally {
    await scratchKv.drop();
    await scratch.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
