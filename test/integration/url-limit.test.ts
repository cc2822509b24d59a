import type { Server } from 'node:http';
import { buildApp } from '../../src/app';
import { listen } from '../../src/http/server';
import { createHarness, type Harness } from '../helpers/harness';

/** Requests over a real socket to a listening server: the head limit lives in Node's parser, not in Koa. */
describe('an over-long address answers 414 with a plain message, not a reset connection', () => {
  let h: Harness;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    h = await createHarness({ env: { URL_LIMIT_KB: '8' } });
    server = await listen(buildApp(h.ctx), { port: 0, host: '127.0.0.1', urlLimitKb: h.config.http.urlLimitKb, defaultLocale: 'zh-CN' });
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
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
});
