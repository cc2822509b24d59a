import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The running service's control socket: a Unix socket in its data directory (mode 0600, so only the
 * same system user reaches it) through which `npm run seed` and `npm run chat` work beside it instead
 * of opening the embedded database's files a second time.
 */
export function controlSocketPath(dataDir: string): string {
  const path = join(resolve(dataDir), 'control.sock');
  // Unix socket paths are limited to about 100 bytes: a deep data directory gets one in the temp folder.
  return path.length <= 100 ? path : join(tmpdir(), `bangfu-${createHash('sha256').update(path).digest('hex').slice(0, 16)}.sock`);
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
