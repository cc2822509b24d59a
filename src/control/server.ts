import { chmodSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../logger';
import { ChatLine, ControlRequest, privateSocketDir, type ControlAnswer } from './socket';

export interface ControlHandlers {
  hello(): Extract<ControlAnswer, { type: 'hello' }>;
  seed(req: Extract<ControlRequest, { cmd: 'seed' }>, progress: (made: number) => void): Promise<{ workers: number; jobs: number }>;
  backup(): Promise<{ file: string; bytes: number }>;
  /** Undefined when this process has no simulated chat (no bot, or a real WeChat login). */
  chat?(req: Extract<ControlRequest, { cmd: 'chat' }>, reply: (text: string) => void): Promise<{ say(text: string): void; close(): void }>;
}

function answer(socket: Socket, a: ControlAnswer): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(a)}\n`);
}

const MAX_LINE = 16 * 1024;

/** The socket's lines, refusing one longer than MAX_LINE before it is held whole. */
async function* boundedLines(socket: Socket): AsyncGenerator<string> {
  let held = '';
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    held += chunk.toString('utf8');
    let end: number;
    while ((end = held.indexOf('\n')) >= 0) {
      yield held.slice(0, end);
      held = held.slice(end + 1);
    }
    if (held.length > MAX_LINE) throw new Error('line too long');
  }
}

async function serveOne(socket: Socket, handlers: ControlHandlers, logger: Logger): Promise<void> {
  socket.on('error', () => undefined);
  let chat: { say(text: string): void; close(): void } | undefined;
  socket.once('close', () => chat?.close());
  for await (const line of boundedLines(socket)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      answer(socket, { type: 'error', message: 'not JSON' });
      continue;
    }
    if (chat) {
      const said = ChatLine.safeParse(parsed);
      if (said.success) chat.say(said.data.say);
      else answer(socket, { type: 'error', message: 'expected {"say": "..."}' });
      continue;
    }
    const req = ControlRequest.safeParse(parsed);
    if (!req.success) {
      answer(socket, { type: 'error', message: `unknown request: ${req.error.issues[0]?.message ?? ''}` });
      socket.end();
      return;
    }
    try {
      if (req.data.cmd === 'hello') {
        answer(socket, handlers.hello());
        socket.end();
      } else if (req.data.cmd === 'seed') {
        const want = req.data;
        let last = 0;
        const done = await handlers.seed(want, (made) => {
          if (made - last >= 500 || made === want.workers) answer(socket, { type: 'progress', made });
          last = made;
        });
        answer(socket, { type: 'done', ...done });
        socket.end();
      } else if (req.data.cmd === 'backup') {
        answer(socket, { type: 'done', ...(await handlers.backup()) });
        socket.end();
      } else {
        if (!handlers.chat) {
          answer(socket, { type: 'error', message: 'this service has no simulated chat: its bot is not on the mock puppet, or it runs no bot' });
          socket.end();
          return;
        }
        chat = await handlers.chat(req.data, (text) => answer(socket, { type: 'reply', text }));
        answer(socket, { type: 'ready', url: handlers.hello().url });
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message, cmd: req.data.cmd }, 'control request failed');
      answer(socket, { type: 'error', message: (err as Error).message });
      socket.end();
      return;
    }
  }
}

/** Answers true when something already listens at `path`. */
function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Serves the control socket at `path`, or nothing when another live process already does (its
 * clients reach that one). A socket file left by a process that died is replaced.
 */
export async function serveControl(path: string, handlers: ControlHandlers, logger: Logger): Promise<{ close(): Promise<void> } | null> {
  if (!privateSocketDir(path)) {
    logger.warn({ path }, 'control socket not served: its folder is not this user\'s alone');
    return null;
  }
  if (await listening(path)) {
    logger.info({ path }, 'another process serves the control socket');
    return null;
  }
  try {
    unlinkSync(path);
  } catch {
    // none left behind
  }
  // A client that goes away mid-answer (a reset, a killed seed) ends its own conversation only.
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    serveOne(socket, handlers, logger).catch((err: unknown) => {
      logger.warn({ err: (err as Error).message }, 'control connection ended');
      socket.destroy();
    });
  });
  const ok = await new Promise<boolean>((resolve) => {
    server.on('error', (err) => {
      logger.warn({ err: err.message, path }, 'control socket not served');
      resolve(false);
    });
    server.listen(path, () => resolve(true));
  });
  if (!ok) return null;
  chmodSync(path, 0o600);
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        // An attached chat would hold the close open for ever: its connection ends with the service.
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      })),
  };
}
