import { createConnection } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger';
import { openControl } from '../../src/control/client';
import { serveControl, type ControlHandlers } from '../../src/control/server';
import { controlSocketPath } from '../../src/control/socket';

/** The running service's control socket: private to its user, bounded, and never brought down by a client. */
describe('the control socket', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bangfu-ctl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const handlers: ControlHandlers = {
    hello: () => ({ type: 'hello', pid: process.pid, chat: false, database: 'pglite' }),
    seed: async (req, progress) => {
      for (let made = 500; made <= req.workers; made += 500) progress(made);
      return { workers: req.workers, jobs: 0 };
    },
    backup: async () => ({ file: 'x.backup', bytes: 1 }),
  };

  const hello = async (path: string) => {
    const s = await openControl(path);
    s!.send({ cmd: 'hello' });
    try {
      for await (const a of s!.answers) return a;
      return null;
    } finally {
      s!.close();
    }
  };

  it('lives in a folder only its user can enter, survives a reset and an endless line, and answers the next client', async () => {
    const path = controlSocketPath(dir);
    const served = await serveControl(path, handlers, createLogger('silent'));
    expect(served).not.toBeNull();
    expect(statSync(join(dir, 'run')).mode & 0o077).toBe(0);
    try {
      // A seed client that goes away at once while progress is being written to it.
      const reset = createConnection(path);
      reset.on('error', () => undefined);
      await new Promise((r) => reset.once('connect', r));
      await new Promise((r) => reset.write(`${JSON.stringify({ cmd: 'seed', workers: 200_000, seed: 1 })}\n`, r));
      reset.destroy();
      // A line that never ends is cut off, not held.
      const flood = createConnection(path);
      await new Promise((r) => flood.once('connect', r));
      const closed = new Promise((r) => flood.once('close', r));
      flood.on('error', () => undefined);
      for (let i = 0; i < 64 && !flood.destroyed; i++) flood.write('x'.repeat(1024));
      await closed;
      expect(await hello(path)).toMatchObject({ type: 'hello', pid: process.pid });
      // Not JSON, or an unknown command: a plain error, the connection ends.
      const s = await openControl(path);
      s!.send({ cmd: 'drop everything' } as never);
      const answers = [];
      for await (const a of s!.answers) answers.push(a);
      expect(answers).toEqual([expect.objectContaining({ type: 'error' })]);
    } finally {
      await served!.close();
    }
  });
});
