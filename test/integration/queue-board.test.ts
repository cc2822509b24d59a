import request from 'supertest';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn } from '../helpers/api';

describe('the queue dashboard at /admin/queues', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
  });
  afterAll(() => h.close());

  it('is for system administrators only', async () => {
    const app = appOf(h);
    expect((await request(app).get('/admin/queues')).status).toBe(401);
    const station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
    const refused = await station.get('/admin/queues');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });

  it('opens with a token once, then keeps it in an HttpOnly cookie and shows every queue', async () => {
    const app = appOf(h);
    const admin = await signIn(h, app, { role: 'system', regionCode: REGIONS.province.code });
    const first = await request(app).get(`/admin/queues?token=${admin.token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/admin/queues');
    const cookie = first.headers['set-cookie'] as unknown as string[];
    expect(cookie.join(';')).toMatch(/bf_board=.*httponly/i);
    const page = await request(app).get('/admin/queues').set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const queues = await request(app).get('/admin/queues/api/queues').set('Cookie', cookie);
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['deliveries', 'deliveries-chat', 'imports', 'outreach']));
  });
});
