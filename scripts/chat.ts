import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { mock } from 'wechaty-puppet-mock';
import { ConfigError, loadConfig } from '../src/config';
import { identities, workers } from '../src/db/schema';
import { createLogger } from '../src/logger';
import { startService, type Service } from '../src/runtime';
import { eq } from 'drizzle-orm';

const HELP = `npm run chat [-- options]

A terminal chat with the bot as a mock WeChat user, against the whole service (API, workers, bot)
on the configured database and Redis. Pushes sent meanwhile (a broadcast through the API from another
terminal, a follow-up) arrive here as they would in WeChat.

  --script FILE   send FILE's lines one by one (blank lines and lines starting with # are skipped),
                  print each line after "> " and each reply after "< ", then exit
  --name NAME     the mock user's WeChat name (default 模拟用户); the same name is the same chat account
  --bind ID       bind this chat account to the registered person with this id first
  --wait MS       in script mode, how long the bot may stay silent before the next line (default 1500)
  --help          this text
`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { script: { type: 'string' }, name: { type: 'string', default: '模拟用户' }, bind: { type: 'string' }, wait: { type: 'string', default: '1500' }, help: { type: 'boolean', default: false } },
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  let lines: string[] | undefined;
  if (args.script) {
    try {
      lines = readFileSync(args.script, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
    } catch (err) {
      process.stderr.write(`cannot read ${args.script}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const wait = Number(args.wait);
  if (!Number.isInteger(wait) || wait < 100 || wait > 60_000) {
    process.stderr.write('--wait: expected milliseconds from 100 to 60000\n');
    return 2;
  }

  // The simulator always talks through the mock puppet.
  const env = { ...process.env, WECHATY_PUPPET: 'wechaty-puppet-mock', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' };
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }
  // A script needs no HTTP port; the interactive chat serves the API so pushes can be sent from elsewhere.
  const service: Service = await startService({ role: 'all', config, logger: createLogger(config.log.level), announce: (l) => process.stderr.write(`${l}\n`), noHttp: Boolean(lines) });
  try {
    const bot = service.bot!;
    const name = args.name!;
    const user: mock.ContactMock = bot.mocker!.createContact({ id: `sim-${name}`, name });
    if (args.bind) {
      const [w] = /^[0-9a-f-]{36}$/i.test(args.bind) ? await service.ctx.db.select({ id: workers.id }).from(workers).where(eq(workers.id, args.bind)) : [];
      if (!w) {
        process.stderr.write(`--bind: no registered person with id ${args.bind}\n`);
        return 2;
      }
      await service.ctx.db.delete(identities).where(eq(identities.value, user.id));
      await service.ctx.db.insert(identities).values({ workerId: w.id, kind: 'wechat_contact', value: user.id });
    }
    let lastHeard = Date.now();
    let heard = 0;
    user.on('message', (msg: mock.MessageMock) => {
      const p = msg.payload;
      if (p.talkerId !== bot.self!.id) return;
      lastHeard = Date.now();
      heard++;
      const text = (p.text ?? '').split('\n').join('\n  ');
      process.stdout.write(lines ? `< ${text}\n` : `\n助手> ${text}\n你> `);
    });
    const say = (text: string) => user.say(text).to(bot.self!);

    if (lines) {
      for (const line of lines) {
        process.stdout.write(`> ${line}\n`);
        const before = heard;
        const sentAt = Date.now();
        say(line);
        // Wait for the first reply (at most 10 s), then until the bot has been quiet for a moment.
        for (;;) {
          const done = heard > before ? Date.now() - lastHeard >= wait : Date.now() - sentAt >= 10_000;
          if (done) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      return 0;
    }

    process.stdout.write(`模拟微信已连接 / simulated WeChat connected as ${name}. API: ${service.url}\n回复“帮助”看菜单；Ctrl+D 退出 / reply 帮助 for the menu; Ctrl+D to quit.\n你> `);
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      if (line.trim()) say(line.trim());
      else process.stdout.write('你> ');
    }
    return 0;
  } finally {
    await service.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
