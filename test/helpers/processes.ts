import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawnTs } from './spawn';
import { TEST_HASH_COST } from './test-env';

/** Whether nothing listens on this loopback port now (something may take it the moment after). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/**
 * A free port below the ephemeral range (32768 and up on Linux), so no other test's server (supertest
 * listens on ephemeral ports) can be handed the same port while the service starts.
 */
export async function freeLowPort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (await isPortFree(port)) return port;
  }
}

export interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Runs one of the project's entry points with the given environment (DATABASE_URL and REDIS_URL only if given); `track` collects it for cleanup. */
export function runEntry(entry: string, args: string[], env: Record<string, string>, track: ChildProcess[]): Run {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.REDIS_URL;
  delete base.NODE_OPTIONS;
  // Under NODE_ENV=test the service takes the tests' cheap password hashing, as the harness does.
  const cheap = (env.NODE_ENV ?? base.NODE_ENV) === 'test' ? { ARGON2_MEMORY_KIB: String(TEST_HASH_COST.memoryKib), ARGON2_PASSES: String(TEST_HASH_COST.passes) } : {};
  const child = spawnTs([entry, ...args], { env: { ...base, ...cheap, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (d: Buffer) => stdout.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout, stderr, exited };
}

/** Waits until the service answers /readyz with 200, or throws with what it printed. */
export async function waitReady(url: string, proc: Run, limitMs = 120_000): Promise<number> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return 200;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready: ${proc.stderr.join('')}${proc.stdout.join('').slice(-2000)}`);
}

export function stopAll(track: ChildProcess[]): void {
  for (const c of track) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
