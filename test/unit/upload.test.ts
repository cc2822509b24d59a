import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type Koa from 'koa';
import { readUpload } from '../../src/http/upload';
import { ValidationFailed } from '../../src/shared/errors';
import { until } from '../helpers/wait';

/**
 * A sender that goes away in the middle of an upload: the read ends at once as a file that did not arrive
 * whole, instead of waiting for the rest of a body that never comes (holding what was read).
 */
describe('an upload whose sender goes away midway', () => {
  let server: Server;
  let port: number;
  const outcomes: Array<{ ok: true } | { ok: false; err: unknown }> = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage) => {
      const ctx = { req, get: (name: string) => String(req.headers[name.toLowerCase()] ?? '') } as unknown as Koa.Context;
      readUpload(ctx, 'file', 1024 * 1024).then(
        () => outcomes.push({ ok: true }),
        (err: unknown) => outcomes.push({ ok: false, err }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('ends the read as incomplete once the connection closes, the body far from whole', async () => {
    const part = '--gone\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n姓名,性别\n张三,男\n';
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // A body announced at 100 KB, of which the first part's head and two lines come before the sender goes.
    socket.write(`POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=gone\r\nContent-Length: 100000\r\n\r\n${part}`);
    // A turn of the event loop for what came to be read, then the sender goes.
    await new Promise((r) => setImmediate(r));
    socket.destroy();

    const settled = await until(async () => outcomes.length, (n) => n > 0, 10_000);
    expect(settled).toBe(1);
    const [outcome] = outcomes;
    expect(outcome!.ok).toBe(false);
    const err = (outcome as { err: unknown }).err;
    expect(err).toBeInstanceOf(ValidationFailed);
    expect((err as ValidationFailed).details).toEqual([{ path: 'file', message: 'errors:detail.upload.incomplete' }]);
  });
});
