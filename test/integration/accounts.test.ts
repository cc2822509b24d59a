import request from 'supertest';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';

describe('staff accounts, stations and the audit log', () => {
  let h: Harness;
  let prefecture: Staff;
  let county: Staff;
  let station: Staff;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    const app = appOf(h);
    prefecture = await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    county = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code });
    station = await signIn(h, app, { role: 'station', regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  const newAccount = (over: Record<string, unknown> = {}) => ({
    username: `clerk-${Math.random().toString(36).slice(2, 8)}`,
    password: 'a long enough password',
    displayName: '南沙镇服务站 张三',
    role: 'station',
    regionCode: REGIONS.countyA.code,
    ...over,
  });

  it('a county administrator creates a station clerk who can then sign in', async () => {
    const body = newAccount();
    const res = await county.post('/api/v1/accounts', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: body.username, role: 'station', regionCode: '532528', disabled: false });
    expect(res.body.passwordHash).toBeUndefined();
    const login = await request(appOf(h)).post('/api/v1/auth/login').send({ username: body.username, password: body.password });
    expect(login.status).toBe(200);
  });

  it('nobody creates an account at or above their own role, and stations create none', async () => {
    expect((await county.post('/api/v1/accounts', newAccount({ role: 'county' }))).status).toBe(403);
    expect((await station.post('/api/v1/accounts', newAccount())).status).toBe(403);
    expect((await prefecture.post('/api/v1/accounts', newAccount({ role: 'county' }))).status).toBe(201);
  });

  it('a role must fit the level of its region', async () => {
    const res = await prefecture.post('/api/v1/accounts', newAccount({ role: 'county', regionCode: REGIONS.prefecture.code }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('body.regionCode');
  });

  it('refuses a username that is taken', async () => {
    const body = newAccount();
    await county.post('/api/v1/accounts', body);
    const again = await county.post('/api/v1/accounts', { ...body, displayName: '另一个' });
    expect(again.status).toBe(409);
  });

  it('disabling an account ends its sessions at once', async () => {
    const body = newAccount();
    const created = (await county.post('/api/v1/accounts', body)).body;
    const login = await request(appOf(h)).post('/api/v1/auth/login').send({ username: body.username, password: body.password });
    const auth = { Authorization: `Bearer ${login.body.token}` };
    expect((await request(appOf(h)).get('/api/v1/auth/me').set(auth)).status).toBe(200);
    expect((await county.patch(`/api/v1/accounts/${created.id}`, { disabled: true })).status).toBe(200);
    expect((await request(appOf(h)).get('/api/v1/auth/me').set(auth)).status).toBe(401);
  });

  it('nobody grants the reveal permission without holding it', async () => {
    const created = (await county.post('/api/v1/accounts', newAccount())).body;
    expect((await county.patch(`/api/v1/accounts/${created.id}`, { canRevealPii: true })).status).toBe(403);
  });

  it('region flags are set by prefecture administrators, not by stations, and audited', async () => {
    expect((await station.patch(`/api/v1/regions/${REGIONS.townA.code}`, { relocationSite: true })).status).toBe(403);
    const res = await prefecture.patch(`/api/v1/regions/${REGIONS.townA.code}`, { relocationSite: true });
    expect(res.status).toBe(200);
    expect(res.body.relocationSite).toBe(true);
    const audit = await prefecture.get('/api/v1/audit?action=region.flags');
    expect(audit.body.items[0]).toMatchObject({ action: 'region.flags', entityId: REGIONS.townA.code, details: { relocationSite: true } });
  });

  it('the audit log is for administrators, each seeing their own region', async () => {
    expect((await station.get('/api/v1/audit')).status).toBe(403);
    const countyView = await county.get('/api/v1/audit?pageSize=200');
    expect(countyView.status).toBe(200);
    expect(countyView.body.items.every((e: { regionCode: string | null }) => e.regionCode?.startsWith('532528'))).toBe(true);
    expect(countyView.body.items.some((e: { action: string }) => e.action === 'account.create')).toBe(true);
  });

  it('stations are registered by administrators within their region', async () => {
    expect((await station.post('/api/v1/stations', { name: '南沙镇零工驿站', kind: 'gig_station', regionCode: REGIONS.townA.code })).status).toBe(403);
    const made = await county.post('/api/v1/stations', { name: '南沙镇零工驿站', kind: 'gig_station', regionCode: REGIONS.townA.code });
    expect(made.status).toBe(201);
    expect((await station.get('/api/v1/stations')).body.items.map((s: { name: string }) => s.name)).toContain('南沙镇零工驿站');
  });
});
