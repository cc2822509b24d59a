import { desc, eq } from 'drizzle-orm';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { checkingResponses } from '../helpers/response-schemas';
import { auditLog, sessions } from '../../src/db/schema';
import { ManualClock } from '../../src/shared/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { makeAccount, PASSWORD, REGIONS, seedRegions } from '../helpers/factories';
import { expectRefused, expectRefusedUnwritten } from '../helpers/refused';

describe('signing in and out', () => {
  let h: Harness;
  let clock: ManualClock;
  let server: ReturnType<ReturnType<typeof buildApp>['callback']>;

  beforeAll(async () => {
    clock = new ManualClock('2026-03-02T01:00:00Z');
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    server = checkingResponses(h.ctx, buildApp(h.ctx).callback());
  });
  afterAll(() => h.close());

  const login = (username: string, password: string) => request(server).post('/api/v1/auth/login').send({ username, password });

  it('gives a bearer token that opens /auth/me with the account and its region', async () => {
    const account = await makeAccount(h.ctx.db, { username: 'yy-station', regionCode: REGIONS.countyA.code });
    const res = await login('yy-station', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^bf_/);
    expect(new Date(res.body.expiresAt).getTime()).toBe(clock.now().getTime() + h.config.auth.tokenTtlHours * 3600_000);
    const me = await request(server).get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: account.id, username: 'yy-station', role: 'station', regionCode: '532528', regionName: '元阳县' });
    expect(me.body.passwordHash).toBeUndefined();
  });

  it('stores only a keyed digest of the token', async () => {
    await makeAccount(h.ctx.db, { username: 'digest-check' });
    const res = await login('digest-check', PASSWORD);
    const rows = await h.ctx.db.select().from(sessions);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.tokenHash)).not.toContain(res.body.token);
    expect(JSON.stringify(rows)).not.toContain(res.body.token.slice(3));
  });

  it('answers a wrong password and an unknown user alike, and audits both', async () => {
    await makeAccount(h.ctx.db, { username: 'wrong-pw' });
    const wrong = await login('wrong-pw', 'not the password');
    const unknown = await login('nobody-here', 'whatever');
    expectRefused(wrong, 'unauthorized');
    expectRefused(unknown, 'unauthorized');
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    const audit = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'auth.login_failed'));
    expect(audit.map((a) => a.details?.reason).sort()).toEqual(expect.arrayContaining(['unknown_account', 'wrong_password']));
  });

  it('logout revokes the token at once', async () => {
    await makeAccount(h.ctx.db, { username: 'leaving' });
    const { body } = await login('leaving', PASSWORD);
    const auth = { Authorization: `Bearer ${body.token}` };
    expect((await request(server).post('/api/v1/auth/logout').set(auth)).status).toBe(204);
    await expectRefusedUnwritten(h, () => request(server).get('/api/v1/auth/me').set(auth), 'unauthorized');
    const [last] = await h.ctx.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(last?.action).toBe('auth.logout');
  });

  it('a token stops working when it expires', async () => {
    await makeAccount(h.ctx.db, { username: 'expiring' });
    const { body } = await login('expiring', PASSWORD);
    const auth = { Authorization: `Bearer ${body.token}` };
    expect((await request(server).get('/api/v1/auth/me').set(auth)).status).toBe(200);
    clock.advance(h.config.auth.tokenTtlHours * 3600_000 + 1000);
    await expectRefusedUnwritten(h, () => request(server).get('/api/v1/auth/me').set(auth), 'unauthorized');
  });

  it('a station in county A sees its own regions but not county B', async () => {
    await makeAccount(h.ctx.db, { username: 'scope-a', regionCode: REGIONS.countyA.code });
    const { body } = await login('scope-a', PASSWORD);
    const auth = { Authorization: `Bearer ${body.token}` };
    const own = await request(server).get('/api/v1/regions?parent=532528').set(auth);
    expect(own.status).toBe(200);
    expect(own.body.items.map((r: { code: string }) => r.code)).toEqual(['532528101']);
    const other = await request(server).get('/api/v1/regions?parent=532529').set(auth);
    expectRefused(other, 'not_found');
    const otherOne = await request(server).get('/api/v1/regions/532529101').set(auth);
    expectRefused(otherOne, 'not_found');
    const ancestor = await request(server).get('/api/v1/regions/5325').set(auth);
    expect(ancestor.status).toBe(200);
  });

  it('rejects a malformed region code with the field path', async () => {
    await makeAccount(h.ctx.db, { username: 'bad-code' });
    const { body } = await login('bad-code', PASSWORD);
    const res = await request(server).get('/api/v1/regions?parent=53x').set('Authorization', `Bearer ${body.token}`);
    expectRefused(res, 'validation_failed');
    expect(res.body.error.details[0]).toMatchObject({ path: 'query.parent', message: '行政区划代码应为 2、4、6、9 或 12 位数字' });
  });
});
