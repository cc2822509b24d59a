import request from 'supertest';
import { buildApp } from '../../src/app';
import { checkingResponses } from '../helpers/response-schemas';
import { createHarness, type Harness } from '../helpers/harness';
import { makeAccount, PASSWORD, seedRegions } from '../helpers/factories';
import { expectRefused, expectRefusedUnwritten } from '../helpers/refused';

describe('the HTTP API', () => {
  let h: Harness;
  let server: ReturnType<ReturnType<typeof buildApp>['callback']>;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    server = checkingResponses(h.ctx, buildApp(h.ctx).callback());
  });
  afterAll(() => h.close());

  it('answers /healthz while the process is up', async () => {
    const res = await request(server).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when PostgreSQL and Redis answer', async () => {
    const res = await request(server).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('gives every error the same JSON shape, in Chinese by default', async () => {
    const res = await request(server).get('/api/v1/no-such-thing');
    expectRefused(res, 'route_not_found');
    expect(res.body.error).toMatchObject({ code: 'route_not_found', message: '没有这个接口地址', details: [] });
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers in English when Accept-Language asks for it', async () => {
    const res = await request(server).get('/api/v1/no-such-thing').set('Accept-Language', 'en-GB,en;q=0.9');
    expect(res.body.error.message).toBe('No such API address');
    expect(res.headers['content-language']).toBe('en');
  });

  it('names each bad field with its path', async () => {
    const res = await request(server).post('/api/v1/auth/login').send({ username: 42, extra: true }).set('Accept-Language', 'en');
    expectRefused(res, 'validation_failed');
    expect(res.body.error.code).toBe('validation_failed');
    const byPath = Object.fromEntries(res.body.error.details.map((d: { path: string; message: string }) => [d.path, d.message]));
    expect(byPath['body.username']).toBe('Expected text');
    expect(byPath['body.password']).toBe('Required');
    expect(byPath.body).toBe('Unknown fields: extra');
  });

  it('refuses a NUL character anywhere in the input with 400, not a database error', async () => {
    const res = await request(server).post('/api/v1/auth/login').send({ username: 'ad\u0000min', password: 'x' });
    expectRefused(res, 'validation_failed');
    expect(res.body.error.details).toEqual([{ path: 'body.username', message: '内容中含有不允许的控制字符' }]);
    const query = await request(server).get('/api/v1/regions?parent=53%00');
    expect([400, 401]).toContain(query.status);
  });

  it('rejects malformed JSON with 400 and changes nothing', async () => {
    await expectRefusedUnwritten(h, () => request(server).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"username": "admin", '), 'invalid_json');
  });

  it('refuses a body over the size limit with 413', async () => {
    const huge = JSON.stringify({ username: 'x'.repeat(h.config.http.bodyLimitKb * 1024 + 10), password: 'y' });
    const res = await request(server).post('/api/v1/auth/login').set('Content-Type', 'application/json').send(huge);
    expectRefused(res, 'payload_too_large');
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('keeps a sane request id given by the caller and replaces an unsafe one', async () => {
    const kept = await request(server).get('/healthz').set('X-Request-Id', 'abc12345-trace');
    expect(kept.headers['x-request-id']).toBe('abc12345-trace');
    const replaced = await request(server).get('/healthz').set('X-Request-Id', 'bad id with spaces; drop');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const res = await request(server).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('answers 401 without a token and with a forged one', async () => {
    const none = await request(server).get('/api/v1/auth/me');
    expectRefused(none, 'unauthorized');
    const forged = await request(server).get('/api/v1/auth/me').set('Authorization', 'Bearer bf_' + 'A'.repeat(43));
    expectRefused(forged, 'unauthorized');
    expect(forged.body.error.code).toBe('unauthorized');
  });

  it('answers 405 for a known path with the wrong method', async () => {
    const res = await request(server).delete('/api/v1/auth/login');
    expectRefused(res, 'method_not_allowed');
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  it('publishes an OpenAPI 3.1 document built from the same schemas', async () => {
    const res = await request(server).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/LoginBody' });
    expect(res.body.paths['/api/v1/regions/{code}'].get.parameters[0]).toMatchObject({ name: 'code', in: 'path', required: true });
    expect(res.body.components.schemas.Error).toBeDefined();
  });

  it('serves readable documentation at /docs without any outside host', async () => {
    const page = await request(server).get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/docs/swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/https?:\/\//);
    const bundle = await request(server).get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toContain('javascript');
    const outside = await request(server).get('/docs/..%2Fpackage.json');
    expectRefused(outside, 'route_not_found');
  });

  it('logs one line per request without the query string or credentials', async () => {
    const account = await makeAccount(h.ctx.db, { username: 'logcheck' });
    await request(server).post('/api/v1/auth/login').send({ username: account.username, password: PASSWORD });
    await request(server).get('/api/v1/regions?parent=532528');
    const lines = h.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(lines.some((l) => l.path === '/api/v1/regions' && l.status === 401)).toBe(true);
    expect(h.logs.text()).not.toContain(PASSWORD);
    expect(h.logs.text()).not.toContain('parent=532528');
    expect(h.logs.text()).not.toMatch(/bf_[A-Za-z0-9_-]{43}/);
  });

  it('never sends a stack trace to the client', async () => {
    const res = await request(server).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('[1,2');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
