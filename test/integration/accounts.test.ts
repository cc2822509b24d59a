import request from 'supertest';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { AUDITED, expectRefused, expectRefusedUnwritten } from '../helpers/refused';

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
    await expectRefusedUnwritten(h, () => county.post('/api/v1/accounts', newAccount({ role: 'county' })), 'forbidden', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => station.post('/api/v1/accounts', newAccount()), 'forbidden', { writes: AUDITED });
    expect((await prefecture.post('/api/v1/accounts', newAccount({ role: 'county' }))).status).toBe(201);
  });

  it('a role must fit the level of its region', async () => {
    await expectRefusedUnwritten(h, () => prefecture.post('/api/v1/accounts', newAccount({ role: 'county', regionCode: REGIONS.prefecture.code })), 'validation_failed', { detail: { path: 'body.regionCode' } });
  });

  it('refuses a username that is taken', async () => {
    const body = newAccount();
    await county.post('/api/v1/accounts', body);
    await expectRefusedUnwritten(h, () => county.post('/api/v1/accounts', { ...body, displayName: '另一个' }), 'conflict');
  });

  it('disabling an account ends its sessions at once', async () => {
    const body = newAccount();
    const created = (await county.post('/api/v1/accounts', body)).body;
    const login = await request(appOf(h)).post('/api/v1/auth/login').send({ username: body.username, password: body.password });
    const auth = { Authorization: `Bearer ${login.body.token}` };
    expect((await request(appOf(h)).get('/api/v1/auth/me').set(auth)).status).toBe(200);
    expect((await county.patch(`/api/v1/accounts/${created.id}`, { disabled: true })).status).toBe(200);
    expectRefused(await request(appOf(h)).get('/api/v1/auth/me').set(auth), 'unauthorized');
  });

  it('nobody grants the reveal permission without holding it', async () => {
    const created = (await county.post('/api/v1/accounts', newAccount())).body;
    await expectRefusedUnwritten(h, () => county.patch(`/api/v1/accounts/${created.id}`, { canRevealPii: true }), 'forbidden', { writes: AUDITED });
  });

  it('region flags are set by prefecture administrators, not by stations, and audited', async () => {
    await expectRefusedUnwritten(h, () => station.patch(`/api/v1/regions/${REGIONS.townA.code}`, { relocationSite: true }), 'forbidden', { writes: AUDITED });
    const res = await prefecture.patch(`/api/v1/regions/${REGIONS.townA.code}`, { relocationSite: true });
    expect(res.status).toBe(200);
    expect(res.body.relocationSite).toBe(true);
    const audit = await prefecture.get('/api/v1/audit?action=region.flags');
    expect(audit.body.items[0]).toMatchObject({ action: 'region.flags', entityId: REGIONS.townA.code, details: { relocationSite: true } });
  });

  it('the audit log is for administrators, each seeing their own region', async () => {
    expectRefused(await station.get('/api/v1/audit'), 'forbidden');
    const countyView = await county.get('/api/v1/audit?pageSize=200');
    expect(countyView.status).toBe(200);
    expect(countyView.body.items.every((e: { regionCode: string | null }) => e.regionCode?.startsWith('532528'))).toBe(true);
    expect(countyView.body.items.some((e: { action: string }) => e.action === 'account.create')).toBe(true);
  });

  it('stations are registered by administrators within their region', async () => {
    await expectRefusedUnwritten(h, () => station.post('/api/v1/stations', { name: '南沙镇零工驿站', kind: 'gig_station', regionCode: REGIONS.townA.code }), 'forbidden', { writes: AUDITED });
    const made = await county.post('/api/v1/stations', { name: '南沙镇零工驿站', kind: 'gig_station', regionCode: REGIONS.townA.code });
    expect(made.status).toBe(201);
    expect((await station.get('/api/v1/stations')).body.items.map((s: { name: string }) => s.name)).toContain('南沙镇零工驿站');
  });
});
