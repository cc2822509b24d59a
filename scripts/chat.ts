import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config';
import { openControl, type ControlSession } from '../src/control/client';
import { controlSocketPath } from '../src/control/socket';
import { DataDirInUse } from '../src/db/owner';
import { simulatedUser, SimulatorRefused } from '../bots/simulator';
import { createLogger } from '../src/logger';
import { startService, type Service } from '../server/runtime';

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

  // A service already running on this data directory (the embedded database allows one process):
  // the simulator attaches to it instead of starting a second one.
  const config0 = (() => {
    try {
      return loadConfig(process.env);
    } catch {
      return undefined;
    }
  })();
  const running = config0 ? await openControl(controlSocketPath(config0.dataDir)) : null;
  if (running) return attach(running, { name: args.name!, bind: args.bind, lines, wait });

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
  let service: Service;
  try {
    service = await startService({ role: 'all', config, logger: createLogger(config.log.level), announce: (l) => process.stderr.write(`${l}\n`), noHttp: Boolean(lines), what: 'npm run chat' });
  } catch (err) {
    if (err instanceof DataDirInUse) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`端口 ${config.http.port} 已被另一个程序占用：请停止它，或用 PORT=… 换一个端口 / port ${config.http.port} is in use by another program: stop it or choose another with PORT=…\n`);
      return 1;
    }
    throw err;
  }
  try {
    const bot = service.bot!;
    let lastHeard = Date.now();
    let heard = 0;
    const user = await simulatedUser(service.ctx, bot, { name: args.name!, bind: args.bind }, (reply) => {
      lastHeard = Date.now();
      heard++;
      print(reply, Boolean(lines));
    }).catch((err: unknown) => {
      if (err instanceof SimulatorRefused) return err;
      throw err;
    });
    if (user instanceof SimulatorRefused) {
      process.stderr.write(`${user.message}\n`);
      return 2;
    }
    if (lines) {
      await runScript(lines, wait, (line) => user.say(line), () => ({ heard, lastHeard }));
      return 0;
    }
    process.stdout.write(`模拟微信已连接 / simulated WeChat connected as ${args.name!}. API: ${service.url}\n回复“帮助”看菜单；Ctrl+D 退出 / reply 帮助 for the menu; Ctrl+D to quit.\n你> `);
    await interactive((line) => user.say(line));
    return 0;
  } finally {
    await service.close();
  }
}

function print(reply: string, script: boolean): void {
  const text = reply.split('\n').join('\n  ');
  process.stdout.write(script ? `< ${text}\n` : `\n助手> ${text}\n你> `);
}

/** Sends each line, waiting for the first reply (at most 10 s), then until the bot has been quiet for `wait` ms. */
async function runScript(lines: string[], wait: number, say: (line: string) => void, heard: () => { heard: number; lastHeard: number }): Promise<void> {
  for (const line of lines) {
    process.stdout.write(`> ${line}\n`);
    const before = heard().heard;
    const sentAt = Date.now();
    say(line);
    for (;;) {
      const now = heard();
      const done = now.heard > before ? Date.now() - now.lastHeard >= wait : Date.now() - sentAt >= 10_000;
      if (done) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function interactive(say: (line: string) => void): Promise<void> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim()) say(line.trim());
    else process.stdout.write('你> ');
  }
}

/** The chat through a running service's control socket: the same conversation, its bot, its database. */
async function attach(running: ControlSession, opts: { name: string; bind?: string; lines?: string[]; wait: number }): Promise<number> {
  let lastHeard = Date.now();
  let heard = 0;
  let ready: (url: string | undefined) => void = () => undefined;
  let refused: (message: string) => void = () => undefined;
  const started = new Promise<string | undefined>((resolve, reject) => {
    ready = resolve;
    refused = (m) => reject(new SimulatorRefused(m));
  });
  const closed = (async () => {
    for await (const a of running.answers) {
      if (a.type === 'ready') ready(a.url);
      else if (a.type === 'error') refused(a.message);
      else if (a.type === 'reply') {
        lastHeard = Date.now();
        heard++;
        print(a.text, Boolean(opts.lines));
      }
    }
    refused('the running service closed the connection');
  })();
  running.send({ cmd: 'chat', name: opts.name, ...(opts.bind ? { bind: opts.bind } : {}) });
  let url: string | undefined;
  try {
    url = await started;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    running.close();
    return 2;
  }
  const say = (line: string) => running.send({ say: line });
  if (opts.lines) await runScript(opts.lines, opts.wait, say, () => ({ heard, lastHeard }));
  else {
    process.stdout.write(`已连接到运行中的服务 / attached to the running service${url ? ` (API: ${url})` : ''} as ${opts.name}.\n回复“帮助”看菜单；Ctrl+D 退出 / reply 帮助 for the menu; Ctrl+D to quit.\n你> `);
    await interactive(say);
  }
  running.close();
  await closed.catch(() => undefined);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
