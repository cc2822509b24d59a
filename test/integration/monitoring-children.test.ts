import { inArray } from 'drizzle-orm';
import { employmentRecords, regions, workers } from '../../src/db/schema';
import { addMonths } from '../../src/monitoring/figures';
import { closeMonth, currentMonth } from '../../src/monitoring/service';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

/**
 * Figures by region (seed 000 national §3.2, seed 001 §3.2: 务工规模 and 务工收入 month by month, 同比 and 环比),
 * worked by hand on a small prefecture at today's date. M is the month in progress, P the month before it, Y the
 * same month a year before. Everyone was registered two years before Y; jobs run from a month's first day.
 *
 *   county A 元阳县 › 南沙镇 › 南沙村委会          category              in work (at the month's last day)     income yuan
 *     a1                                      lifted                Y, P, M (from Y)                      3,000
 *     a2                                      at_risk (监测对象)      P, M (from P)                         5,000
 *     a3                                      lifted                never
 *     a4                                      low_income            Y, P, M (from Y)                      2,000
 *   county A › 新街镇                          nobody
 *   county B 红河县 › 迤萨镇 › 迤萨村委会
 *     b1                                      lifted                Y only (ended on the 10th of the month after Y)
 *     b2                                      lifted                M (from M)
 *     b3                                      monitored (监测对象)    Y, P, M (from Y)
 *   county 绿春县                              nobody
 *
 * 脱贫人口（含监测对象）in work, prefecture 红河州 by county:
 *   元阳县  Y 1 (a1)      P 2 (a1 a2)   M 2     环比 0 %      同比 +100 %
 *   红河县  Y 2 (b1 b3)   P 1 (b3)      M 2     环比 +100 %   同比 0 %
 *   绿春县  0             0             0       —             —
 *   红河州  Y 3           P 3           M 4     环比 +33.3 %  同比 +33.3 %
 * Registered in M: 元阳县 a1 a2 a3 = 3, 红河县 b1 b2 b3 = 3. a4 (农村低收入人口) is counted apart: 元阳县 1 → 1 → 1.
 * Average income of those in work, 元阳县: Y 3,000; P and M (3,000 + 5,000) / 2 = 4,000: 环比 0 %, 同比 +33.3 %.
 */
describe('figures by region: a region’s children with 同比 and 环比', () => {
  let h: Harness;
  let prefecture: Staff;
  let countyA: Staff;
  const M = currentMonth(new Date());
  const P = addMonths(M, -1);
  const Y = addMonths(M, -12);
  const first = (month: string) => `${month}-01`;
  const NEW_TOWN = { code: '532528102', name: '新街镇', level: 4, parentCode: REGIONS.countyA.code };
  const EMPTY_COUNTY = { code: '532531', name: '绿春县', level: 3, parentCode: REGIONS.prefecture.code };

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    await h.ctx.db.insert(regions).values([NEW_TOWN, EMPTY_COUNTY]).onConflictDoNothing();
    prefecture = await signIn(h, appOf(h), { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    countyA = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const p: Record<string, string> = {};
    const person = async (name: string, over: Record<string, unknown> = {}) => {
      const res = await prefecture.post('/api/v1/workers', workerInput({ name, skills: [], ...over }));
      expect(res.status).toBe(201);
      p[name] = res.body.id;
    };
    await person('a1');
    await person('a2', { category: 'at_risk', monitoringType: 'unstable' });
    await person('a3');
    await person('a4', { category: 'low_income' });
    await person('b1', { regionCode: REGIONS.villageB.code });
    await person('b2', { regionCode: REGIONS.villageB.code });
    await person('b3', { regionCode: REGIONS.villageB.code, category: 'monitored', monitoringType: 'marginal' });
    await h.ctx.db.update(workers).set({ createdAt: new Date(`${first(addMonths(Y, -24))}T00:00:00Z`) }).where(inArray(workers.id, Object.values(p)));
    const job = (who: string, from: string, to: string | null, incomeYuan: number) => ({ workerId: p[who]!, startDate: from, endDate: to, placeRegionCode: REGIONS.countyA.code, monthlyIncomeFen: incomeYuan * 100, kind: 'regular' as const, source: 'station' as const });
    await h.ctx.db.insert(employmentRecords).values([
      job('a1', first(Y), null, 3000),
      job('a2', first(P), null, 5000),
      job('a4', first(Y), null, 2000),
      job('b1', first(Y), `${addMonths(Y, 1)}-10`, 3000),
      job('b2', first(M), null, 3000),
      job('b3', first(Y), null, 3000),
    ]);
  });
  afterAll(() => h.close());

  const children = async (who: Staff, query: string) => {
    const res = await who.get(`/api/v1/monitoring/figures/children?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('ranks a prefecture’s counties on 脱贫人口（含监测对象）in work, with the months compared and 环比/同比', async () => {
    const body = await children(prefecture, `month=${M}`);
    expect(body).toMatchObject({ regionCode: REGIONS.prefecture.code, name: REGIONS.prefecture.name, month: M, monthBefore: P, yearBefore: Y, category: 'lifted_total', measure: 'employed' });
    expect(body.path).toEqual([{ code: REGIONS.prefecture.code, name: REGIONS.prefecture.name }]);
    expect(body.total).toMatchObject({ regionCode: REGIONS.prefecture.code, value: 4, monthBefore: 3, yearBefore: 3, mom: 33.3, yoy: 33.3, registered: 6, employed: 4, hasChildren: true });
    expect(body.items.map((i: { regionCode: string; rank: number; value: number; monthBefore: number; yearBefore: number; mom: number | null; yoy: number | null; registered: number; hasChildren: boolean }) => [i.regionCode, i.rank, i.value, i.monthBefore, i.yearBefore, i.mom, i.yoy, i.registered, i.hasChildren])).toEqual([
      [REGIONS.countyA.code, 1, 2, 2, 1, 0, 100, 3, true],
      [REGIONS.countyB.code, 2, 2, 1, 2, 100, 0, 3, true],
      [EMPTY_COUNTY.code, 3, 0, 0, 0, null, null, 0, false],
    ]);
    expect(body.items[0].name).toBe('元阳县');
  });

  it('keeps 农村低收入人口 apart, and compares income too', async () => {
    const low = await children(prefecture, `month=${M}&category=low_income`);
    expect(low.total).toMatchObject({ value: 1, monthBefore: 1, yearBefore: 1, mom: 0, yoy: 0, registered: 1 });
    expect(low.items.find((i: { regionCode: string }) => i.regionCode === REGIONS.countyA.code)).toMatchObject({ value: 1, rank: 1 });
    const income = await children(prefecture, `month=${M}&measure=incomeAvgFen`);
    expect(income.items.find((i: { regionCode: string }) => i.regionCode === REGIONS.countyA.code)).toMatchObject({ value: 400000, monthBefore: 400000, yearBefore: 300000, mom: 0, yoy: 33.3 });
    // A county with nobody in work has no income to rank: listed last, without a rank.
    expect(income.items.at(-1)).toMatchObject({ regionCode: EMPTY_COUNTY.code, value: null, rank: null, mom: null, yoy: null });
  });

  it('drills down to the townships (an empty one shows zeros) and to the villages, and closed months give the same answer', async () => {
    const county = await children(prefecture, `regionCode=${REGIONS.countyA.code}&month=${M}`);
    expect(county.path.map((r: { name: string }) => r.name)).toEqual([REGIONS.prefecture.name, '元阳县']);
    expect(county.items.map((i: { name: string; value: number; registered: number; hasChildren: boolean }) => [i.name, i.value, i.registered, i.hasChildren])).toEqual([
      ['南沙镇', 2, 3, true],
      ['新街镇', 0, 0, false],
    ]);
    const town = await children(countyA, `regionCode=${REGIONS.townA.code}&month=${P}`);
    expect(town.items).toEqual([expect.objectContaining({ regionCode: REGIONS.villageA.code, value: 2, monthBefore: 1, mom: 100, hasChildren: false })]);
    // A village has nothing below it: its own figures, and no rows.
    const village = await children(countyA, `regionCode=${REGIONS.villageA.code}&month=${M}`);
    expect(village.items).toEqual([]);
    expect(village.total).toMatchObject({ value: 2, monthBefore: 2, yearBefore: 1, registered: 3, hasChildren: false });
    // The month before, closed into its snapshot, reads the same.
    const open = await children(prefecture, `month=${P}`);
    await closeMonth(h.ctx, P);
    const closed = await children(prefecture, `month=${P}`);
    expect(closed.closed).toBe(true);
    expect(closed.items).toEqual(open.items);
    expect(closed.total).toEqual(open.total);
  });

  it('gives a township’s 13 months, oldest first', async () => {
    const res = await countyA.get(`/api/v1/monitoring/trend?regionCode=${REGIONS.townA.code}&month=${M}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ regionCode: REGIONS.townA.code, name: '南沙镇', category: 'lifted_total' });
    expect(res.body.points.map((pt: { month: string }) => pt.month)).toEqual(Array.from({ length: 13 }, (_, i) => addMonths(Y, i)));
    expect(res.body.points.map((pt: { employed: number }) => pt.employed)).toEqual([...Array(11).fill(1), 2, 2]);
    expect(res.body.points.at(-1)).toMatchObject({ registered: 3, incomeAvgFen: 400000, zeroEmploymentHouseholds: 0 });
    const low = await countyA.get(`/api/v1/monitoring/trend?regionCode=${REGIONS.townA.code}&month=${M}&category=low_income&months=2`);
    expect(low.body.points.map((pt: { employed: number; registered: number }) => [pt.employed, pt.registered])).toEqual([[1, 1], [1, 1]]);
  });

  it('refuses regions outside the caller’s own, a month to come and a measure it does not know, in Chinese first', async () => {
    for (const region of [REGIONS.prefecture.code, REGIONS.countyB.code, REGIONS.townB.code]) {
      const res = await countyA.get(`/api/v1/monitoring/figures/children?regionCode=${region}`);
      expect([region, res.status, res.body.error.code]).toEqual([region, 404, 'not_found']);
      expect(JSON.stringify(res.body)).not.toContain('红河县');
    }
    expect((await prefecture.get(`/api/v1/monitoring/figures/children?regionCode=${REGIONS.province.code}`)).status).toBe(404);
    expect((await countyA.get(`/api/v1/monitoring/trend?regionCode=${REGIONS.townB.code}`)).status).toBe(404);
    const future = await countyA.get(`/api/v1/monitoring/figures/children?month=${addMonths(M, 1)}`);
    expect(future.status).toBe(400);
    expect(JSON.stringify(future.body.error)).toContain('这个月份还没到');
    const futureEn = await countyA.get(`/api/v1/monitoring/figures/children?month=${addMonths(M, 1)}`).set('Accept-Language', 'en');
    expect(JSON.stringify(futureEn.body.error)).toContain('That month has not come yet');
    const measure = await countyA.get('/api/v1/monitoring/figures/children?measure=happiness');
    expect([measure.status, measure.body.error.code, measure.body.error.details[0].path]).toEqual([400, 'validation_failed', 'query.measure']);
    expect(measure.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect((await countyA.get('/api/v1/monitoring/figures/children?category=all')).status).toBe(400);
  });
});
