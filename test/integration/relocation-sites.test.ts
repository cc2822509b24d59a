import { eq, sql } from 'drizzle-orm';
import { employmentRecords, households, regions, workers } from '../../src/db/schema';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

/**
 * 易地搬迁安置区 employment site by site, on today's date. 南沙村委会 (village A) is a relocation site; 迤萨村委会
 * (village B) is not. 脱贫人口 含监测对象 (seed 000 national §1, seed 001 §1) living at the site:
 *
 *   L1  lifted      in work in the county, in a workshop
 *   L2  monitored   in work in another county (away)
 *   L3  at risk     able to work, no work; alone in household H → a zero-employment household
 *   L4  lifted      no labour capacity
 *   I1  low income  in work: 农村低收入人口, never counted here
 *   B1  lifted in village B, in work: not at a site
 *
 * Site A: registered 4, able 3, in work 2 (in county 1, away 1), workshop 1, zero-employment households 1,
 * rate 2/3 = 66.7 %. 附件1 (seed 001) 易地搬迁安置区脱贫人口就业人数 for county A: L1 and L2 = 2, though no
 * household is flagged as relocated.
 */
describe('relocation-site employment by site (seed 001 附件1, seed 002 §1, seed 004 §15)', () => {
  let h: Harness;
  let county: Staff;
  let countyB: Staff;
  const today = shanghaiDate(new Date());

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    await h.ctx.db.update(regions).set({ relocationSite: true }).where(eq(regions.code, REGIONS.villageA.code));
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    countyB = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
    const person = async (staff: Staff, over: Record<string, unknown>) => {
      const res = await staff.post('/api/v1/workers', workerInput(over));
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const L1 = await person(county, {});
    const L2 = await person(county, { category: 'monitored', monitoringType: 'unstable' });
    const L3 = await person(county, { category: 'at_risk', monitoringType: 'other_at_risk' });
    await person(county, { laborCapacity: 'none' });
    const I1 = await person(county, { category: 'low_income' });
    const B1 = await person(countyB, { regionCode: REGIONS.villageB.code });
    const [hh] = await h.ctx.db.insert(households).values({ regionCode: REGIONS.villageA.code }).returning();
    await h.ctx.db.update(workers).set({ householdId: hh!.id }).where(sql`${workers.id} = ${L3}`);
    const job = (workerId: string, placeRegionCode: string, kind: 'regular' | 'workshop') => ({ workerId, placeRegionCode, kind, startDate: today, monthlyIncomeFen: 250000, source: 'station' as const });
    await h.ctx.db.insert(employmentRecords).values([
      job(L1, REGIONS.countyA.code, 'workshop'),
      job(L2, REGIONS.countyB.code, 'regular'),
      job(I1, REGIONS.countyA.code, 'regular'),
      job(B1, REGIONS.countyB.code, 'regular'),
    ]);
  });
  afterAll(() => h.close());

  it('counts the people of 脱贫人口 living at each site and who of them is in work today', async () => {
    const res = await county.get('/api/v1/monitoring/relocation-sites');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(today);
    const site = { registered: 4, ableToWork: 3, employed: 2, employedInCounty: 1, employedAway: 1, employedPlaceUnknown: 0, publicWelfare: 0, workshop: 1, zeroEmploymentHouseholds: 1, employmentRatePct: 66.7 };
    expect(res.body.items).toEqual([{ regionCode: REGIONS.villageA.code, name: '南沙村委会', ...site }]);
    expect(res.body.total).toEqual(site);
  });

  it('fills 附件1’s 易地搬迁安置区脱贫人口就业人数 with the people at the site (seed 001 §3.4)', async () => {
    const form = await county.get(`/api/v1/monitoring/forms/progress?year=${today.slice(0, 4)}&regionCode=${REGIONS.countyA.code}`);
    expect(form.status).toBe(200);
    expect(form.body.total.relocationEmployedLifted).toBe(2);
  });

  it('keeps each county to its own sites', async () => {
    const own = await countyB.get('/api/v1/monitoring/relocation-sites');
    expect(own.body.items).toEqual([]);
    expect(own.body.total).toMatchObject({ registered: 0, employed: 0, employmentRatePct: null });
    expect((await countyB.get(`/api/v1/monitoring/relocation-sites?regionCode=${REGIONS.countyA.code}`)).status).toBe(404);
  });
});
