import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type Koa from 'koa';
import { translator, type Locale } from '../i18n';
import type { RequestState } from './state';

export interface ServerOptions {
  port: number;
  host: string;
  /** Longest request address (path and query) taken, in KB; longer ones answer 414. */
  urlLimitKb: number;
  defaultLocale: Locale;
}

/** Room for the request's headers besides its address (Node's own default for the whole head). */
const HEADER_ROOM_BYTES = 16 * 1024;
/** How much of a refused request is read and thrown away so the client sees the answer rather than a reset. */
const DRAIN_BYTES = 1024 * 1024;
const DRAIN_MS = 5000;

const REASON: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

function answer(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message, details: [] } });
  return [`HTTP/1.1 ${status} ${REASON[status]}`, 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n');
}

/**
 * Whether the part of the request Node's parser stopped in is still its first line: the chunk starts
 * with a method and holds no line end. Then the address is what is too long (414), not a header (431).
 */
function inRequestLine(raw: unknown): boolean {
  if (!Buffer.isBuffer(raw)) return false;
  const head = raw.subarray(0, 32).toString('latin1');
  return /^[A-Z]{3,10} /.test(head) && !raw.includes('\r\n');
}

type Refused = Socket & { bangfuRefused?: { at: number } };

/**
 * A head over Node's limit never reaches Koa: the parser reports it here. Node's own handler answers
 * and destroys the socket at once, and a client still sending its long address then gets a reset
 * instead of the answer. This one answers in the API's error shape, half-closes, and reads what is
 * still coming (up to a bound) so the answer is what the client sees.
 */
function onClientError(defaultLocale: Locale, urlLimitBytes: number) {
  const t = translator(defaultLocale);
  return (err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Refused) => {
    if (socket.bangfuRefused) {
      // The parser keeps reporting each further chunk of the refused request: read on, within bounds.
      if (socket.bytesRead - socket.bangfuRefused.at > DRAIN_BYTES) socket.destroy();
      return;
    }
    const busy = (socket as Socket & { _httpMessage?: { _headerSent?: boolean } })._httpMessage?._headerSent;
    if (err.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      socket.bangfuRefused = { at: socket.bytesRead };
      socket.end(
        inRequestLine(err.rawPacket)
          ? answer(414, 'uri_too_long', t('errors:uri_too_long', { max: urlLimitBytes }))
          : answer(431, 'header_too_large', t('errors:header_too_large')),
      );
      setTimeout(() => socket.destroy(), DRAIN_MS).unref();
      return;
    }
    // As Node does by default: a plain refusal, then the connection is dropped.
    socket.write(err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? answer(408, 'request_timeout', t('errors:request_timeout')) : answer(400, 'bad_request', t('errors:bad_request')));
    socket.destroy();
  };
}

/** The HTTP server of the API, listening; its head limit leaves room for the longest address taken. */
export async function listen(app: Koa<RequestState>, opts: ServerOptions): Promise<Server> {
  const urlLimitBytes = opts.urlLimitKb * 1024;
  const server = createServer({ maxHeaderSize: urlLimitBytes + HEADER_ROOM_BYTES }, app.callback());
  server.on('clientError', onClientError(opts.defaultLocale, urlLimitBytes));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
