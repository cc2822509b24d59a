import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { ownSocket, type ControlAnswer, type ControlRequest } from './socket';

export interface ControlSession {
  send(line: ControlRequest | { say: string }): void;
  answers: AsyncIterable<ControlAnswer>;
  close(): void;
}

/** Opens the running service's control socket, or answers null when no service listens there. */
export function openControl(path: string): Promise<ControlSession | null> {
  // Only a socket of this user's, in a folder closed to others, is spoken to.
  if (!ownSocket(path)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const socket: Socket = createConnection(path);
    socket.once('error', () => resolve(null));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      const lines = createInterface({ input: socket, crlfDelay: Infinity });
      async function* answers(): AsyncIterable<ControlAnswer> {
        for await (const line of lines) {
          try {
            yield JSON.parse(line) as ControlAnswer;
          } catch {
            // not ours
          }
        }
      }
      resolve({
        send: (line) => void socket.write(`${JSON.stringify(line)}\n`),
        answers: answers(),
        close: () => socket.end(),
      });
    });
  });
}
