import { count, eq } from 'drizzle-orm';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { Conversation } from '../../bots/conversation';
import { vacancies } from '../../src/db/schema';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';
import { expectRefusedUnwritten } from '../helpers/refused';

/** Places on the map: the map's settings, a village's centre from the points recorded in it, and the checks on a post's point. */
describe('places of posts on the map', () => {
  let h: Harness;
  let station: Staff;
  let employer: { id: string };
  const posts = async () => (await h.ctx.db.select({ n: count() }).from(vacancies))[0]!.n;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    employer = await verifiedEmployer(station);
  });
  afterAll(() => h.close());

  it('gives the console the circle matching uses (15分钟就业服务圈, seed 002) and no tiles when none are set', async () => {
    const map = await station.get('/api/v1/map');
    expect(map.status).toBe(200);
    expect(map.body).toMatchObject({ tileUrl: null, attribution: null, radiusKm: h.ctx.config.market.radiusKm, villageReachKm: 20 });
    expect(map.body.bounds).toMatchObject({ south: 3.5, north: 53.7, west: 73.4, east: 135.2 });
  });

  it("lets the console fetch the deployment's tiles from the host MAP_TILE_URL names, and nothing else", async () => {
    const config = { ...h.ctx.config, map: { tileUrl: 'https://tiles.example.cn/{z}/{x}/{y}.png', attribution: '© 示例底图' } };
    const tiled = await request(buildApp({ ...h.ctx, config }).callback()).get('/healthz');
    const csp = String(tiled.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self' https://tiles.example.cn");
    expect(csp).toContain("img-src 'self' data: https://tiles.example.cn");
    expect(csp).toContain("default-src 'self'");
    // Without tiles the policy stays the strict default: nothing is fetched from elsewhere.
    const plain = String((await station.get('/api/v1/map')).headers['content-security-policy']);
    expect(plain).not.toContain('connect-src');
    expect(plain).toContain("img-src 'self' data:;");
  });

  it("finds villages of the caller's area by part of their name, with their township and county, and no other county's", async () => {
    const found = await station.get(`/api/v1/regions/search?q=${encodeURIComponent('南沙')}`);
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([{ code: REGIONS.villageA.code, name: '南沙村委会', level: 5, township: '南沙镇', county: '元阳县' }]);
    expect((await station.get(`/api/v1/regions/search?q=${encodeURIComponent('迤萨')}`)).body.items).toEqual([]);
    expect((await station.get(`/api/v1/regions/search?q=${encodeURIComponent('南沙')}&level=4`)).body.items).toEqual([{ code: REGIONS.townA.code, name: '南沙镇', level: 4, township: null, county: '元阳县' }]);
    const empty = await station.get('/api/v1/regions/search?q=');
    expect({ status: empty.status, code: empty.body.error.code }).toEqual({ status: 400, code: 'validation_failed' });
  });

  it('refuses a point outside China, or one coordinate alone, beside the field, and writes nothing', async () => {
    const before = await posts();
    const outside = await expectRefusedUnwritten(h, () => station.post('/api/v1/vacancies', gig(employer.id, { regionCode: REGIONS.villageA.code, lat: 35.68, lng: 139.69 })), 'validation_failed', {
      detail: { path: 'body.lat', message: '这个位置不在中国境内，请在地图上重新点选或核对经纬度' },
    });
    expect(outside.body.error.code).toBe('validation_failed');
    await expectRefusedUnwritten(h, () => station.post('/api/v1/vacancies', gig(employer.id, { regionCode: REGIONS.villageA.code, lat: HOME.lat, lng: null })), 'validation_failed', {
      detail: { path: 'body.lat', message: '经度和纬度要一起填写' },
    });
    expect(await posts()).toBe(before);
  });

  it("derives a village's centre from the homes recorded in it, and refuses a post's point far from it", async () => {
    const village = REGIONS.villageA.code;
    expect((await station.get(`/api/v1/regions/${village}/centre`)).body).toEqual({ code: village, name: '南沙村委会', centre: null });
    for (const km of [0, 1, 2]) {
      const at = north(km);
      expect((await station.post('/api/v1/workers', workerInput({ regionCode: village, homeLat: at.lat, homeLng: at.lng }))).status).toBe(201);
    }
    const centre = (await station.get(`/api/v1/regions/${village}/centre`)).body;
    expect(centre.centre).toMatchObject({ lat: expect.closeTo(north(1).lat, 6), lng: expect.closeTo(HOME.lng, 6), points: 3 });
    // 50 km north of the village: a slip of the hand, refused with the distance; nothing is written.
    const before = await posts();
    await expectRefusedUnwritten(h, () => station.post('/api/v1/vacancies', gig(employer.id, { regionCode: village, ...north(51) })), 'validation_failed', {
      detail: { path: 'body.lat', message: '这个位置离所选村（社区）的中心约 50 公里（超过 20 公里），请核对村（社区）或在地图上重新点选' },
    });
    const en = await station.post('/api/v1/vacancies', gig(employer.id, { regionCode: village, ...north(51) })).set('Accept-Language', 'en');
    expect(en.body.error.details[0].message).toBe('This point is about 50 km from the centre of the chosen village (more than 20 km): check the village or pick the point again');
    expect(await posts()).toBe(before);
    // 3 km from the centre: inside the village's reach.
    expect((await station.post('/api/v1/vacancies', gig(employer.id, { regionCode: village, ...north(3), address: '村委会旁晒场', details: { date: '2099-06-01', startTime: '08:00', endTime: '12:00' } }))).status).toBe(201);
  });

  it("names the gig's village and address in the chat's gig text, not 见工作站通知", async () => {
    await h.ctx.db.update(vacancies).set({ status: 'closed' });
    const made = await station.post('/api/v1/vacancies', gig(employer.id, { title: '晒场翻谷', regionCode: REGIONS.villageA.code, ...north(1), address: '村委会旁晒场', details: { date: '2099-06-01', startTime: '08:00', endTime: '12:00' } }));
    expect(made.status).toBe(201);
    const chat = new Conversation(h.ctx);
    const say = async (text: string) => (await chat.respond({ kind: 'text', text, senderId: 'wxid-places-visitor' })).join('\n');
    expect(await say('零工')).toContain('晒场翻谷');
    const detail = await say('1');
    expect(detail).toContain('地点：南沙村委会 村委会旁晒场');
    expect(detail).not.toContain('见工作站通知');
    const [row] = await h.ctx.db.select().from(vacancies).where(eq(vacancies.id, made.body.id));
    expect(row).toMatchObject({ regionCode: REGIONS.villageA.code, address: '村委会旁晒场' });
  });
});
