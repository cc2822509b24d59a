import { and, eq } from 'drizzle-orm';
import { auditLog, vacancies } from '../../src/db/schema';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';
import { AUDITED, expectRefusedUnwritten } from '../helpers/refused';

/**
 * A post's place (its village, address and point) corrected after it was posted, through the post's correction
 * (PATCH /vacancies/:id): a gig is pushed to people within the 15-minute circle of where it is done (15分钟就业服务圈,
 * seed 002 §(六)), so a wrong village sends it to the wrong people and must be put right, not posted again.
 */
describe("correcting a post's place", () => {
  let h: Harness;
  let station: Staff;
  let prefecture: Staff;
  let otherCounty: Staff;
  let employer: { id: string };
  const far = { date: '2099-06-01', startTime: '08:00', endTime: '12:00' };
  const rowOf = async (id: string) => (await h.ctx.db.select().from(vacancies).where(eq(vacancies.id, id)))[0]!;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    const app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
    prefecture = await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    otherCounty = await signIn(h, app, { regionCode: REGIONS.countyB.code });
    employer = await verifiedEmployer(station);
  });
  afterAll(() => h.close());

  it('moves a post to another village of its county with its address and point, names the village in the list, and audits the move', async () => {
    const made = await station.post('/api/v1/vacancies', gig(employer.id, { regionCode: REGIONS.townA.code, address: null, details: far }));
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ regionCode: REGIONS.townA.code, regionName: '南沙镇' });
    const fixed = await station.patch(`/api/v1/vacancies/${made.body.id}`, { regionCode: REGIONS.villageA.code, address: '村委会旁晒场', ...north(1) });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ regionCode: REGIONS.villageA.code, regionName: '南沙村委会', address: '村委会旁晒场', lat: north(1).lat, lng: HOME.lng });
    expect(await rowOf(made.body.id)).toMatchObject({ regionCode: REGIONS.villageA.code, address: '村委会旁晒场', lat: north(1).lat });
    const list = await station.get(`/api/v1/vacancies?q=${encodeURIComponent('保洁')}`);
    expect(list.body.items.find((v: { id: string }) => v.id === made.body.id)).toMatchObject({ regionCode: REGIONS.villageA.code, regionName: '南沙村委会' });
    const audit = await h.ctx.db.select().from(auditLog).where(and(eq(auditLog.entityId, made.body.id), eq(auditLog.action, 'vacancy.update')));
    expect(audit.map((a) => a.details)).toEqual([{ fields: ['regionCode', 'address', 'lat', 'lng'], regionFrom: REGIONS.townA.code, regionTo: REGIONS.villageA.code }]);
    // The address and point may be cleared; the village stays.
    const cleared = await station.patch(`/api/v1/vacancies/${made.body.id}`, { address: null, lat: null, lng: null });
    expect(cleared.body).toMatchObject({ regionCode: REGIONS.villageA.code, address: null, lat: null, lng: null });
  });

  it("refuses a village of another county, in the caller's area or not, with the reason beside the village, and writes nothing", async () => {
    const made = await station.post('/api/v1/vacancies', gig(employer.id, { regionCode: REGIONS.villageA.code, details: far }));
    expect(made.status).toBe(201);
    const before = await rowOf(made.body.id);
    // A prefecture's administrator may see both counties, but a post stays in the county it was posted in.
    const moved = await expectRefusedUnwritten(h, () => prefecture.patch(`/api/v1/vacancies/${made.body.id}`, { regionCode: REGIONS.villageB.code, address: '迤萨村', lat: null, lng: null }), 'validation_failed', {
      detail: { path: 'body.regionCode', message: '岗位地点只能改到本岗位所在县（市、区）内的村（社区），请重新选择' },
    });
    expect(moved.body.error.details).toHaveLength(1);
    const en = await prefecture.patch(`/api/v1/vacancies/${made.body.id}`, { regionCode: REGIONS.villageB.code }).set('Accept-Language', 'en');
    expect(en.body.error.details[0].message).toBe("A post's place can only move to a village or community in the post's own county; choose another");
    // A county's station may not name a village outside its own county at all (the refusal is audited, nothing else).
    await expectRefusedUnwritten(h, () => station.patch(`/api/v1/vacancies/${made.body.id}`, { regionCode: REGIONS.villageB.code }), 'forbidden', {
      detail: { path: 'body.regionCode', message: '这个地区不在您的管辖范围内' },
      writes: AUDITED,
    });
    // A code that is no region, and one coordinate alone, are refused beside their fields.
    await expectRefusedUnwritten(h, () => station.patch(`/api/v1/vacancies/${made.body.id}`, { regionCode: '532528101999' }), 'validation_failed', { detail: { path: 'body.regionCode', message: '没有这个行政区划代码' } });
    await expectRefusedUnwritten(h, () => station.patch(`/api/v1/vacancies/${made.body.id}`, { lat: HOME.lat, lng: null }), 'validation_failed', { detail: { path: 'body.lat', message: '经度和纬度要一起填写' } });
    expect(await rowOf(made.body.id)).toEqual(before);
  });

  it("does not let another county's station correct the post at all", async () => {
    const made = await station.post('/api/v1/vacancies', gig(employer.id, { regionCode: REGIONS.villageA.code, details: far }));
    const before = await rowOf(made.body.id);
    const refused = await otherCounty.patch(`/api/v1/vacancies/${made.body.id}`, { regionCode: REGIONS.villageB.code });
    expect([403, 404]).toContain(refused.status);
    expect(await rowOf(made.body.id)).toEqual(before);
  });
});
