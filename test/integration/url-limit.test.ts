import type { Server } from 'node:http';
import { connect } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { buildApp } from '../../src/app';
import { listen } from '../../src/http/server';
import { createHarness, type Harness } from '../helpers/harness';

/** Requests over a real socket to a listening server: the head limit lives in Node's parser, not in Koa. */
describe('an over-long address answers 414 with a plain message, not a reset connection', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let port: number;

  /** A raw connection: what the server sends is gathered; answers are read off it one by one. */
  async function rawConnection() {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let more: () => void = () => undefined;
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      more();
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('close', () => more());
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return {
      /** Writes in 1,400-byte pieces (one TCP segment each), each after the one before is handed over. */
      async send(text: string): Promise<void> {
        const bytes = Buffer.from(text, 'latin1');
        for (let at = 0; at < bytes.length && socket.writable; at += 1400) {
          // An error here is the server closing after its answer: what matters is the answer.
          await new Promise<void>((resolve) => socket.write(bytes.subarray(at, at + 1400), () => resolve()));
          await nextTurn();
        }
      },
      /** The next whole answer: its status and JSON body. */
      async answer(): Promise<{ status: number; body: unknown }> {
        for (;;) {
          const headEnd = received.indexOf('\r\n\r\n');
          if (headEnd >= 0) {
            const head = received.subarray(0, headEnd).toString('latin1');
            const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
            if (received.length >= headEnd + 4 + length) {
              const body = received.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
              received = received.subarray(headEnd + 4 + length);
              return { status: Number(head.split(' ')[1]), body: JSON.parse(body) as unknown };
            }
          }
          if (socket.destroyed) throw new Error(`connection closed before a whole answer: ${received.toString('latin1').slice(0, 200)}`);
          await new Promise<void>((resolve) => (more = resolve));
        }
      },
      async close(): Promise<void> {
        socket.end();
        await closed;
      },
    };
  }
  const longAddress = `GET /api/v1/workers?q=${'a'.repeat(90 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

  beforeAll(async () => {
    h = await createHarness({ env: { URL_LIMIT_KB: '8' } });
    server = await listen(buildApp(h.ctx), { port: 0, host: '127.0.0.1', urlLimitKb: h.config.http.urlLimitKb, defaultLocale: 'zh-CN' });
    const a = server.address();
    port = typeof a === 'object' && a ? a.port : 0;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (server)
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    await h?.close();
  });

  it('answers 414 to a 90 KB query string, in the API error shape', async () => {
    const res = await fetch(`${base}/api/v1/workers?q=${'x'.repeat(90 * 1024)}`);
    expect(res.status).toBe(414);
    expect(await res.json()).toMatchObject({ error: { code: 'uri_too_long', message: '请求地址太长（最多 8192 字节），请减少查询条件后再试' } });
  });

  it('answers 414 to an address just over the limit, in the language asked for', async () => {
    const res = await fetch(`${base}/api/v1/workers?q=${'x'.repeat(9 * 1024)}`, { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(414);
    expect(await res.json()).toMatchObject({ error: { code: 'uri_too_long', message: 'The request address is too long (at most 8192 bytes); use fewer search terms and try again' } });
  });

  it('takes an address within the limit as usual', async () => {
    const res = await fetch(`${base}/api/v1/workers?q=${'x'.repeat(7 * 1024)}`);
    // Not signed in: the request reached the API.
    expect(res.status).toBe(401);
  });

  it('answers 431 when the headers, not the address, are too large', async () => {
    const res = await fetch(`${base}/healthz`, { headers: { 'x-padding': 'y'.repeat(40 * 1024) } });
    expect(res.status).toBe(431);
    expect(await res.json()).toMatchObject({ error: { code: 'header_too_large' } });
  });

  it('answers 414 to a 90 KB address that comes in many small segments', async () => {
    const c = await rawConnection();
    await c.send(longAddress);
    expect(await c.answer()).toMatchObject({ status: 414, body: { error: { code: 'uri_too_long' } } });
    await c.close();
  });

  it('answers 431 to a huge header that comes in many small segments', async () => {
    const c = await rawConnection();
    await c.send(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'y'.repeat(40 * 1024)}\r\n\r\n`);
    expect(await c.answer()).toMatchObject({ status: 431, body: { error: { code: 'header_too_large' } } });
    await c.close();
  });

  it('tells an over-long address from a header also in the second request of a kept-alive connection', async () => {
    const c = await rawConnection();
    // A body with line ends of its own comes first: they are not the next request's.
    const body = '{\n  "username": "nobody",\n  "password": "wrong"\n}';
    await c.send(`POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect((await c.answer()).status).toBe(401);
    await c.send(longAddress);
    expect(await c.answer()).toMatchObject({ status: 414, body: { error: { code: 'uri_too_long' } } });
    await c.close();
  });
});
