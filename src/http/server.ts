import { createServer, type IncomingMessage, type Server } from 'node:http';
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
 * Where the head of the request being read on a socket began and where its first line ended, as
 * offsets in the bytes the socket has read. Node's parser reports an over-long head with only the
 * chunk it stopped in, which for an address sent in many small writes is the middle of the address;
 * these offsets say whether the request line had ended where the parser stopped.
 */
interface HeadTrack {
  /** Bytes seen so far, and where the chunk being parsed begins. */
  read: number;
  chunkAt: number;
  /** Where the first line end of the current head is, once it has come. */
  lineEndAt: number | null;
  /** The request whose head came last; once it is complete, the next bytes begin a new head. */
  request: IncomingMessage | null;
}

type Tracked = Socket & { bangfuHead?: HeadTrack };

/**
 * Follows each connection's bytes ahead of Node's parser (prepended, so it sees a chunk before the
 * parser does). Requests on a kept-alive connection start a new head once the one before is complete;
 * requests pipelined into the same chunk as the end of the one before are not told apart.
 */
function trackHeads(server: Server): void {
  server.on('connection', (socket: Tracked) => {
    const track: HeadTrack = { read: 0, chunkAt: 0, lineEndAt: null, request: null };
    socket.bangfuHead = track;
    socket.prependListener('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      track.chunkAt = track.read;
      track.read += bytes.length;
      if (track.request?.complete) {
        track.request = null;
        track.lineEndAt = null;
      }
      if (track.request === null && track.lineEndAt === null) {
        const lf = bytes.indexOf(0x0a);
        if (lf >= 0) track.lineEndAt = track.chunkAt + lf;
      }
    });
  });
  server.on('request', (req: IncomingMessage) => {
    const track = (req.socket as Tracked).bangfuHead;
    if (track) track.request = req;
  });
}

/**
 * Whether the parser stopped while still in the request's first line: no line end had come before
 * the place it stopped at. Then the address is what is too long (414), not a header (431).
 */
function inRequestLine(socket: Tracked, err: { bytesParsed?: number; rawPacket?: unknown }): boolean {
  const track = socket.bangfuHead;
  if (!track) return false;
  const within = typeof err.bytesParsed === 'number' ? err.bytesParsed : Buffer.isBuffer(err.rawPacket) ? err.rawPacket.length : 0;
  return track.lineEndAt === null || track.lineEndAt >= track.chunkAt + within;
}

type Refused = Tracked & { bangfuRefused?: { at: number } };

/**
 * A head over Node's limit never reaches Koa: the parser reports it here. Node's own handler answers
 * and destroys the socket at once, and a client still sending its long address then gets a reset
 * instead of the answer. This one answers in the API's error shape, half-closes, and reads what is
 * still coming (up to a bound) so the answer is what the client sees.
 */
function onClientError(defaultLocale: Locale, urlLimitBytes: number) {
  const t = translator(defaultLocale);
  return (err: NodeJS.ErrnoException & { rawPacket?: unknown; bytesParsed?: number }, socket: Refused) => {
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
        inRequestLine(socket, err)
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
  const handle = app.callback();
  const server = createServer({ maxHeaderSize: urlLimitBytes + HEADER_ROOM_BYTES }, (req, res) => void handle(req, res));
  trackHeads(server);
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
