import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLowPort, runEntry, stopAll, waitReady } from '../helpers/processes';
import { REDIS_PREFIX_ROOT, TEST_REDIS_URL, runId } from '../helpers/test-env';

/** The embedded database has one owner: other commands go through it or are refused in one line, and nothing is corrupted. */
describe('one owner for the embedded database', () => {
  const started: ChildProcess[] = [];
  let dir: string;
  afterAll(() => {
    stopAll(started);
    rmSync(dir, { recursive: true, force: true });
  });

  it('seed and chat work through a running service, a second opener is refused, and the register survives a kill', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bangfu-owner-'));
    const port = await freeLowPort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `${REDIS_PREFIX_ROOT}:${runId()}:owner`,
      ADMIN_PASSWORD: 'owner-admin-password',
      LOG_LEVEL: 'warn',
      WECHATY_PUPPET: 'wechaty-puppet-mock',
    };
    const people = async () => {
      const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'owner-admin-password' }) });
      const { token } = (await login.json()) as { token: string };
      const list = await fetch(`${url}/api/v1/workers?pageSize=1`, { headers: { authorization: `Bearer ${token}` } });
      return ((await list.json()) as { total: number }).total;
    };

    const service = runEntry('server/main.ts', [], env, started);
    expect(await waitReady(url, service)).toBe(200);
    const before = await people();

    // The seed goes through the running service: the people are there at once, in its database.
    const seed = runEntry('scripts/seed.ts', ['--workers', '120', '--seed', '7'], env, started);
    expect({ code: await seed.exited, err: seed.stderr.join('') }).toEqual({ code: 0, err: '' });
    expect(seed.stdout.join('')).toContain('through the running service');
    expect(await people()).toBe(before + 120);

    // Anything else that would open the files is refused in one line naming the holder.
    const migrate = runEntry('src/db/migrate-cli.ts', [], env, started);
    expect(await migrate.exited).not.toBe(0);
    const refusal = migrate.stderr.join('').trim();
    expect(refusal.split('\n')).toHaveLength(1);
    expect(refusal).toContain(`pid ${service.child.pid}`);
    expect(refusal).toContain('正被另一个进程使用');

    // The chat simulator attaches to the running service instead of starting another on the same port.
    const script = join(dir, 'chat.txt');
    writeFileSync(script, '帮助\n');
    const chat = runEntry('scripts/chat.ts', ['--script', script, '--wait', '400'], env, started);
    expect({ code: await chat.exited, err: chat.stderr.join('') }).toEqual({ code: 0, err: '' });
    expect(chat.stdout.join('')).toContain('< 您好，我是帮扶小助手');

    // A killed holder leaves its lock behind: the next start takes it over at once, and nothing is lost.
    service.child.kill('SIGKILL');
    await service.exited;
    const again = runEntry('server/main.ts', [], env, started);
    expect(await waitReady(url, again)).toBe(200);
    expect(await people()).toBe(before + 120);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 300_000);
});
