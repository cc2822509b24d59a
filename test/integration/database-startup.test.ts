import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTs } from '../helpers/spawn';
import { PG_ADMIN_URL, REDIS_PREFIX_ROOT, TEST_REDIS_URL, runId } from '../helpers/test-env';

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const started: ChildProcess[] = [];
const dirs: string[] = [];

/** `npm start` with the given DATABASE_URL; what it printed and how it ended. */
async function start(databaseUrl: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bangfu-dbstart-'));
  dirs.push(dataDir);
  const env = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: String(await closedPort()), HOST: '127.0.0.1', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${REDIS_PREFIX_ROOT}:${runId()}:dbstart`, LOG_LEVEL: 'warn' };
  const child = spawnTs(['server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stderr: err.join(''), stdout: out.join('') };
}

describe('start-up with a database it cannot connect to', () => {
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('names the host, the port and the cause in one line, never the password, and exits non-zero', async () => {
    const port = await closedPort();
    const run = await start(`postgres://bangfu:s3cret-Passw0rd@127.0.0.1:${port}/bangfu`);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([`数据库连接失败 / cannot connect to the database at 127.0.0.1:${port} (database "bangfu", user "bangfu"): connection refused (nothing listens there) [ECONNREFUSED]. Check DATABASE_URL and that PostgreSQL is running there.`]);
    expect(run.stderr + run.stdout).not.toContain('s3cret-Passw0rd');
    expect(run.stderr + run.stdout).not.toContain('Failed query');
  });

  it('says so when the server answers but the database is not there', async () => {
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/bangfu_t_${runId()}_missing`;
    const run = await start(u.toString());
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `数据库连接失败 / cannot connect to the database at ${u.hostname}:${u.port || '5432'} (database "bangfu_t_${runId()}_missing", user "${decodeURIComponent(u.username) || '(default)'}"): the database does not exist [3D000]. Check DATABASE_URL and that PostgreSQL is running there.`,
    ]);
  });
});
