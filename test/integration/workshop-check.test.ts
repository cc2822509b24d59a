import { employmentRecords } from '../../src/db/schema';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

/**
 * 就业帮扶车间 declarations against the register, on today's date (seed 001 附件1 就业帮扶车间个数（吸纳脱贫人口数）,
 * 附件2 带动就业人数（带动脱贫人口就业人数）; 脱贫人口 含监测对象, seed 000 national §1).
 *
 *   Workshop 1 (employer 南沙竹编车间) declares 3 in work, 2 of them 脱贫人口.
 *     Register: L1 (lifted) and I1 (low income) in work there; L2 (monitored) works elsewhere; L3's job there ended
 *     yesterday. → register 2, of them 1 脱贫人口: the declaration is 1 over on both.
 *   Workshop 2 (no employer; its own name 南沙刺绣车间) declares 1, 1 of them 脱贫人口. Register: M1 (at risk) there.
 *     → the same: no difference.
 *   A workshop of county B is not county A's to see.
 */
describe('workshop declarations beside the register (seed 001 附件1, 附件2)', () => {
  let h: Harness;
  let county: Staff;
  let countyB: Staff;
  const today = shanghaiDate(new Date());
  const yesterday = shanghaiDate(new Date(Date.now() - 86400_000));
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    countyB = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
    const employer = await county.post('/api/v1/employers', { name: '南沙竹编车间', kind: 'workshop', regionCode: REGIONS.countyA.code });
    expect(employer.status).toBe(201);
    const one = await county.post('/api/v1/projects', { kind: 'workshop', name: '南沙竹编帮扶车间', employerId: employer.body.id, regionCode: REGIONS.countyA.code, startedOn: yesterday, jobsTotal: 3, jobsLifted: 2 });
    expect(one.status).toBe(201);
    ids.one = one.body.id;
    const two = await county.post('/api/v1/projects', { kind: 'workshop', name: '南沙刺绣车间', regionCode: REGIONS.townA.code, startedOn: yesterday, jobsTotal: 1, jobsLifted: 1 });
    ids.two = two.body.id;
    await countyB.post('/api/v1/projects', { kind: 'workshop', name: '迤萨车间', regionCode: REGIONS.countyB.code, startedOn: yesterday, jobsTotal: 5, jobsLifted: 5 });
    const person = async (over: Record<string, unknown>) => (await county.post('/api/v1/workers', workerInput(over))).body.id as string;
    const L1 = await person({});
    const L2 = await person({ category: 'monitored', monitoringType: 'marginal' });
    const L3 = await person({});
    const I1 = await person({ category: 'low_income' });
    const M1 = await person({ category: 'at_risk', monitoringType: 'other_at_risk' });
    const job = (workerId: string, employerName: string, startDate = today, endDate: string | null = null) => ({ workerId, employerName, startDate, endDate, placeRegionCode: REGIONS.countyA.code, kind: 'workshop' as const, source: 'station' as const });
    await h.ctx.db.insert(employmentRecords).values([
      job(L1, '南沙竹编车间'),
      job(I1, ' 南沙竹编车间 '),
      job(L2, '元阳某电子厂'),
      job(L3, '南沙竹编车间', yesterday, yesterday),
      job(M1, '南沙刺绣车间'),
    ]);
  });
  afterAll(() => h.close());

  it('shows each workshop’s declaration beside the register and flags the difference', async () => {
    const res = await county.get('/api/v1/monitoring/workshops');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(today);
    expect(res.body.items).toEqual([
      { projectId: ids.one, name: '南沙竹编帮扶车间', employerName: '南沙竹编车间', regionCode: REGIONS.countyA.code, declaredTotal: 3, declaredLifted: 2, registerTotal: 2, registerLifted: 1, differenceTotal: 1, differenceLifted: 1, differs: true },
      { projectId: ids.two, name: '南沙刺绣车间', employerName: null, regionCode: REGIONS.townA.code, declaredTotal: 1, declaredLifted: 1, registerTotal: 1, registerLifted: 1, differenceTotal: 0, differenceLifted: 0, differs: false },
    ]);
    expect(res.body.differing).toBe(1);
    const only = await county.get('/api/v1/monitoring/workshops?differentOnly=true');
    expect(only.body.items.map((i: { projectId: string }) => i.projectId)).toEqual([ids.one]);
    expect(only.body.differing).toBe(1);
  });

  it('compares another day when asked, and keeps each county to its own workshops', async () => {
    // Yesterday L3 was still there and L1, I1 and M1 not yet: workshop 1 had one 脱贫人口 in work.
    const before = await county.get(`/api/v1/monitoring/workshops?date=${yesterday}`);
    expect(before.body.items.find((i: { projectId: string }) => i.projectId === ids.one)).toMatchObject({ registerTotal: 1, registerLifted: 1, differenceLifted: 1 });
    expect((await county.get(`/api/v1/monitoring/workshops?regionCode=${REGIONS.countyB.code}`)).status).toBe(404);
    expect((await countyB.get('/api/v1/monitoring/workshops')).body.items.map((i: { name: string }) => i.name)).toEqual(['迤萨车间']);
  });
});
