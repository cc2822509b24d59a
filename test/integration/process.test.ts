import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_PREFIX_ROOT, TEST_REDIS_URL, runId } from '../helpers/test-env';
import { freeLowPort, runEntry, stopAll, waitReady, type Run } from '../helpers/processes';

/** Every service a test started, stopped at the end even when the test failed half-way. */
const started: ChildProcess[] = [];

const run = (args: string[], env: Record<string, string>): Run => runEntry('server/main.ts', args, env, started);

describe('the service as a process (npm start)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    stopAll(started);
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('exits non-zero with a message naming a bad environment value', async () => {
    const proc = run([], { PORT: 'abc' });
    expect(await proc.exited).not.toBe(0);
    expect(proc.stderr.join('')).toContain('PORT: expected a whole number from 1 to 65535, got "abc"');
  });

  it('refuses an unknown role', async () => {
    const proc = run(['everything'], {});
    expect(await proc.exited).not.toBe(0);
    expect(proc.stderr.join('')).toMatch(/ROLE: expected one of api, worker, bot, all/);
  });

  it('refuses a separate role on the embedded database, which only one process can open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bangfu-proc-'));
    dirs.push(dataDir);
    const proc = run(['worker'], { DATA_DIR: dataDir, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'fatal' });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr.join('') + proc.stdout.join('')).toContain('needs DATABASE_URL');
  });

  it('starts on the embedded database, migrates and loads demo data, prints a generated admin password once, and keeps it across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bangfu-proc-'));
    dirs.push(dataDir);
    const port = await freeLowPort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `${REDIS_PREFIX_ROOT}:${runId()}:proc`,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    };
    const signIn = (password: string | undefined) =>
      fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    // No password chosen: one is generated and printed, once.
    const first = run([], env);
    expect(await waitReady(url, first)).toBe(200);
    const printed = /initial password of account admin: (\S+)/.exec(first.stdout.join(''))?.[1];
    expect(printed).toBeDefined();
    const login = await signIn(printed);
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const counties = await fetch(`${url}/api/v1/regions?parent=5325`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await counties.json()) as { items: Array<{ code: string; name: string; keyAssistanceCounty: boolean }> };
    expect(body.items.find((c) => c.code === '532528')).toMatchObject({ name: '元阳县', keyAssistanceCounty: true });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // A restart with ADMIN_PASSWORD set changes nothing: the account exists, its password stays, nothing is printed.
    const second = run([], { ...env, ADMIN_PASSWORD: 'a-different-password' });
    expect(await waitReady(url, second)).toBe(200);
    expect((await signIn(printed)).status).toBe(200);
    expect((await signIn('a-different-password')).status).toBe(401);
    expect(second.stdout.join('')).not.toContain('initial password');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 240_000);
});
