import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The running service's control socket: a Unix socket in a folder of its data directory that only the
 * same system user can enter (mode 0700) through which `npm run seed` and `npm run chat` work beside it instead
 * of opening the embedded database's files a second time.
 */
export function controlSocketPath(dataDir: string): string {
  const path = join(resolve(dataDir), 'run', 'control.sock');
  // Unix socket paths are limited to about 100 bytes: a deep data directory gets its socket in a
  // folder of this user's own under the temp folder (checked to be ours and private before use).
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.length <= 100 ? path : join(tmpdir(), `bangfu-${uid}`, `${createHash('sha256').update(path).digest('hex').slice(0, 16)}.sock`);
}

/**
 * Makes (or checks) the socket's folder: it must belong to this user and be closed to everyone else,
 * or nothing is served or trusted there (another user could put a socket of theirs in its place).
 */
export function privateSocketDir(socketPath: string): boolean {
  const dir = dirname(socketPath);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
    if (!st.isDirectory() || st.uid !== uid) return false;
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return (lstatSync(dir).mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Whether the socket file at `path` is this user's (a client trusts nothing else). */
export function ownSocket(path: string): boolean {
  try {
    const st = lstatSync(path);
    const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
    return st.isSocket() && st.uid === uid && privateSocketDir(path);
  } catch {
    return false;
  }
}

/** What a client asks, one JSON object per line; the first line names the command. */
export const ControlRequest = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('hello') }),
  z.object({ cmd: z.literal('seed'), workers: z.number().int().min(1).max(5_000_000), region: z.string().regex(/^\d{2,12}$/).optional(), seed: z.number().int() }),
  z.object({ cmd: z.literal('chat'), name: z.string().min(1).max(40), bind: z.string().max(64).optional() }),
  z.object({ cmd: z.literal('backup') }),
]);
export type ControlRequest = z.infer<typeof ControlRequest>;

/** A line a chat client sends after its first. */
export const ChatLine = z.object({ say: z.string().min(1).max(2000) });

/** What the service answers, one JSON object per line. */
export type ControlAnswer =
  | { type: 'hello'; pid: number; url?: string; chat: boolean; database: 'postgres' | 'pglite' }
  | { type: 'progress'; made: number }
  | { type: 'done'; workers?: number; jobs?: number; file?: string; bytes?: number }
  | { type: 'ready'; url?: string }
  | { type: 'reply'; text: string }
  | { type: 'error'; message: string };
