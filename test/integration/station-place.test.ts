import { eq } from 'drizzle-orm';
import request from 'supertest';
import { auditLog, stations } from '../../src/db/schema';
import { appOf, signIn, type Staff } from '../helpers/api';
import { makeAccount, PASSWORD, REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { north } from '../helpers/market';
import { AUDITED, expectRefusedUnwritten } from '../helpers/refused';

/**
 * A station's place: the centre of its 15-minute circle (打造"15分钟就业服务圈", seed 002 §(六)). Its own staff
 * or an administrator of its region sets it; another county's staff cannot, and a bad place is refused beside
 * its field with nothing written.
 */
describe("a station's place and its 15-minute circle", () => {
  let h: Harness;
  let county: Staff;
  let own: request.Agent;
  let stationId: string;
  const place = { villageCode: REGIONS.villageA.code, address: '南沙村委会一楼', ...north(1) };

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const made = await county.post('/api/v1/stations', { name: '南沙镇就业服务站', kind: 'service_station', regionCode: REGIONS.townA.code });
    expect(made.status).toBe(201);
    stationId = made.body.id;
    // The station's own clerk, bound to it.
    const clerk = await makeAccount(h.ctx.db, { role: 'station', regionCode: REGIONS.townA.code, stationId });
    const login = await request(appOf(h)).post('/api/v1/auth/login').send({ username: clerk.username, password: PASSWORD });
    own = request.agent(appOf(h)).set('Authorization', `Bearer ${login.body.token}`);
  });
  afterAll(() => h.close());

  it("lets the station's own staff set its village, address and point, listed with the station and audited", async () => {
    const res = await own.put(`/api/v1/stations/${stationId}/place`).send(place);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: stationId, villageCode: REGIONS.villageA.code, address: '南沙村委会一楼', lat: place.lat, lng: place.lng });
    const listed = (await county.get('/api/v1/stations')).body.items.find((s: { id: string }) => s.id === stationId);
    expect(listed).toMatchObject({ villageCode: REGIONS.villageA.code, lat: place.lat, lng: place.lng });
    const audit = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'station.place'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity: 'station', entityId: stationId, regionCode: REGIONS.townA.code });
  });

  it("does not let another county's staff set it, and writes nothing but the refusal's audit entry", async () => {
    const other = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
    await expectRefusedUnwritten(h, () => other.put(`/api/v1/stations/${stationId}/place`, { ...place, villageCode: REGIONS.villageB.code }), 'not_found', { writes: AUDITED });
    const [row] = await h.ctx.db.select().from(stations).where(eq(stations.id, stationId));
    expect(row).toMatchObject({ villageCode: REGIONS.villageA.code, lat: place.lat });
  });

  it('refuses a point outside China beside the field, in plain Chinese, and writes nothing', async () => {
    await expectRefusedUnwritten(h, () => own.put(`/api/v1/stations/${stationId}/place`).send({ ...place, lat: 35.68, lng: 139.69 }), 'validation_failed', {
      detail: { path: 'body.lat', message: '这个位置不在中国境内，请在地图上重新点选或核对经纬度' },
    });
  });

  it("refuses a village of another county, and a point with one coordinate, and writes nothing", async () => {
    await expectRefusedUnwritten(h, () => county.put(`/api/v1/stations/${stationId}/place`, { ...place, villageCode: REGIONS.villageB.code }), 'validation_failed', {
      detail: { path: 'body.villageCode', message: '服务站所在地应为本服务站所在县（市、区）内的村（社区），请重新选择' },
    });
    const { lng: _lng, ...latOnly } = place;
    await expectRefusedUnwritten(h, () => county.put(`/api/v1/stations/${stationId}/place`, latOnly), 'validation_failed', { detail: { path: 'body.lng' } });
    const [row] = await h.ctx.db.select().from(stations).where(eq(stations.id, stationId));
    expect(row).toMatchObject({ villageCode: REGIONS.villageA.code, lat: place.lat, lng: place.lng });
  });
});
