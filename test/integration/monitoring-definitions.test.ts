import { sql } from 'drizzle-orm';
import { employmentRecords, enrolments, households, trainingRecords, trainingSessions, workers } from '../../src/db/schema';
import { LIFTED_GROUP } from '../../src/monitoring/categories';
import { regionWarnings, gradeOf } from '../../src/monitoring/warnings';
import { ManualClock, systemClock } from '../../src/shared/clock';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

type Kind = 'regular' | 'public_welfare' | 'workshop' | 'work_relief';
type Item = { regionCode: string; category: string; figures: Record<string, number | null>; mom: Record<string, number | null> };

/** Registers a person through the API (as a station would) and dates the registration long before the year. */
async function person(h: Harness, staff: Staff, name: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await staff.post('/api/v1/workers', workerInput({ name, skills: [], ...over }));
  expect(res.status).toBe(201);
  await h.ctx.db.update(workers).set({ createdAt: new Date('2025-08-01T00:00:00Z') }).where(sql`${workers.id} = ${res.body.id}`);
  return res.body.id as string;
}

const job = (workerId: string, startDate: string, endDate: string | null, monthlyIncomeFen: number, kind: Kind = 'regular') => ({ workerId, startDate, endDate, placeRegionCode: REGIONS.countyA.code, monthlyIncomeFen, kind, source: 'station' as const });
const session = (startDate: string, endDate: string, status: 'open' | 'cancelled' = 'open') => ({ kind: 'upskilling' as const, title: '家政服务培训', provider: '县职业技能培训中心', regionCode: REGIONS.countyA.code, startDate, endDate, capacity: 30, status });

describe('grading a fall (seed 000 national §3.2, seed 001 §3.2: any 下降 is told)', () => {
  it('sees every fall, and the setting only moves it from watch to warning', () => {
    expect(gradeOf({ employedMom: 0, incomeMom: 2 }, 5)).toBeNull();
    expect(gradeOf({ employedMom: -0.1, incomeMom: null }, 5)).toEqual({ fell: ['employedMom'], grade: 'watch' });
    expect(gradeOf({ employedMom: -4.9, incomeYoy: -1 }, 5)).toEqual({ fell: ['employedMom', 'incomeYoy'], grade: 'watch' });
    expect(gradeOf({ employedMom: -5 }, 5)).toEqual({ fell: ['employedMom'], grade: 'warning' });
    expect(gradeOf({ employedMom: -50 }, 60)).toEqual({ fell: ['employedMom'], grade: 'watch' });
  });
});

/**
 * One county register worked by hand, November 2026 (the clock stands at 2026-11-15, Beijing time).
 * 脱贫人口 含防止返贫监测对象 (seed 000 national §1; seed 001 §1): L1–L3 lifted, M1–M2 monitored.
 * 农村低收入人口, reported apart: I1–I4. County B holds one lifted person, B1.
 *
 *        job in 2026 (kind, from → to, income yuan)            training                         household
 *   L1   workshop      01-10 → –        4,000                  register record 03-05            relocated, with I1
 *   L2   regular       01-01 → 10-20    3,000                  session from 12-10 (not yet)
 *   L3   public_welf.  03-01 → 10-15    1,000                  enrolment cancelled
 *   M1   public_welf.  02-01 → –        1,000                                                   relocated
 *   M2   work relief   05-01 → 06-30    2,000                  session from 11-03
 *   I1   workshop      01-01 → –        3,000                                                   relocated, with L1
 *   I2   work relief   04-01 → –        2,000
 *   I3   regular       10-01 → –        2,500
 *   I4   regular       10-01 → –        2,500                  session from 11-03
 *   B1   regular       01-01 → 09-30    3,000, then 10-01 → – 2,900
 *
 * 附件1 (seed 001 §3.4), county A, 2026-01-01 to 2026-11-15:
 *   就业帮扶车间 吸纳脱贫人口数      L1                      = 1   (I1 is low-income)
 *   以工代赈 吸纳当地农村劳动力就业人数 M2, I2 (no project)   = 2
 *   以工代赈 吸纳脱贫人口数          M2                      = 1
 *   乡村公益性岗位安置脱贫人口数      L3, M1                  = 2   (the register's lifted alone gave 1)
 *   组织脱贫人口参加职业技能培训人数   L1 (record), M2 (session) = 2   (L2's session has not begun, L3 cancelled, I4 low-income)
 *   易地搬迁安置区脱贫人口就业人数    L1, M1                  = 2   (I1 is low-income)
 * County B: all zero. The total is county A's.
 *
 * October against September, county A (employed on the month's last day):
 *   脱贫人口: Sept L1 L2 L3 M1 = 4, Oct L1 M1 = 2 → −50 %; income Sept (4000+3000+1000+1000)/4 = 2,250, Oct 2,500.
 *   农村低收入人口: Sept I1 I2 = 2, Oct I1–I4 = 4 → +100 %. Everyone: 6 → 6, 0 %: the old total hid the fall.
 * County B: 1 → 1 in work; income 3,000 → 2,900, −3.3 %: below the 5 % line, a fall to watch.
 */
describe('the seeds’ definitions in every count, form and warning (pinned to November 2026)', () => {
  let h: Harness;
  let county: Staff;
  let prefecture: Staff;
  const clock = new ManualClock('2026-11-15T04:00:00Z');
  const p: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    prefecture = await signIn(h, appOf(h), { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    const lowIncome = { category: 'low_income' };
    for (const n of ['L1', 'L2', 'L3']) p[n] = await person(h, county, n);
    p.M1 = await person(h, county, 'M1', { category: 'monitored', monitoringType: 'unstable' });
    p.M2 = await person(h, county, 'M2', { category: 'monitored', monitoringType: 'marginal' });
    for (const n of ['I1', 'I2', 'I3', 'I4']) p[n] = await person(h, county, n, lowIncome);
    p.B1 = await person(h, prefecture, 'B1', { regionCode: REGIONS.villageB.code });
    const [one, two] = await h.ctx.db.insert(households).values([{ regionCode: REGIONS.villageA.code, relocated: true }, { regionCode: REGIONS.villageA.code, relocated: true }]).returning();
    await h.ctx.db.update(workers).set({ householdId: one!.id }).where(sql`${workers.id} in (${p.L1}, ${p.I1})`);
    await h.ctx.db.update(workers).set({ householdId: two!.id }).where(sql`${workers.id} = ${p.M1}`);
    await h.ctx.db.insert(employmentRecords).values([
      job(p.L1!, '2026-01-10', null, 400000, 'workshop'),
      job(p.L2!, '2026-01-01', '2026-10-20', 300000),
      job(p.L3!, '2026-03-01', '2026-10-15', 100000, 'public_welfare'),
      job(p.M1!, '2026-02-01', null, 100000, 'public_welfare'),
      job(p.M2!, '2026-05-01', '2026-06-30', 200000, 'work_relief'),
      job(p.I1!, '2026-01-01', null, 300000, 'workshop'),
      job(p.I2!, '2026-04-01', null, 200000, 'work_relief'),
      job(p.I3!, '2026-10-01', null, 250000),
      job(p.I4!, '2026-10-01', null, 250000),
      { ...job(p.B1!, '2026-01-01', '2026-09-30', 300000), placeRegionCode: REGIONS.countyB.code },
      { ...job(p.B1!, '2026-10-01', null, 290000), placeRegionCode: REGIONS.countyB.code },
    ]);
    await h.ctx.db.insert(trainingRecords).values({ workerId: p.L1!, title: '焊工培训', startDate: '2026-03-05', source: 'station' });
    const [nov, dec, off] = await h.ctx.db.insert(trainingSessions).values([session('2026-11-03', '2026-11-20'), session('2026-12-10', '2026-12-20'), session('2026-11-05', '2026-11-08', 'cancelled')]).returning();
    await h.ctx.db.insert(enrolments).values([
      { sessionId: nov!.id, workerId: p.M2! },
      { sessionId: nov!.id, workerId: p.I4! },
      { sessionId: nov!.id, workerId: p.L3!, status: 'cancelled' },
      { sessionId: dec!.id, workerId: p.L2! },
      { sessionId: off!.id, workerId: p.M1! },
    ]);
  });
  afterAll(() => h.close());

  const items = async (month: string): Promise<Item[]> => {
    const res = await county.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}&month=${month}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const of = (list: Item[], category: string, region: string = REGIONS.countyA.code) => list.find((i) => i.regionCode === region && i.category === category)!;

  it('fills 附件1 with 脱贫人口 含监测对象 and market training, 农村低收入人口 left out (seed 000 national §1, seed 001 §1, §3.4)', async () => {
    const res = await prefecture.get('/api/v1/monitoring/forms/progress?year=2026');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe('2026-11-15');
    const zero = { alliances: 0, brands: 0, bases: 0, cooperatives: 0, workshops: 0, relocationFairs: 0 };
    const a = { ...zero, workshopLifted: 1, workReliefJobs: 2, workReliefLifted: 1, publicWelfareLifted: 2, trainedLifted: 2, relocationEmployedLifted: 2 };
    const b = { ...zero, workshopLifted: 0, workReliefJobs: 0, workReliefLifted: 0, publicWelfareLifted: 0, trainedLifted: 0, relocationEmployedLifted: 0 };
    expect(res.body.rows).toEqual([
      { regionCode: REGIONS.countyA.code, name: '元阳县', ...a },
      { regionCode: REGIONS.countyB.code, name: '红河县', ...b },
    ]);
    expect(res.body.total).toEqual({ regionCode: REGIONS.prefecture.code, name: '合计', ...a });
  });

  it('heads the figures with 脱贫人口 含监测对象 and keeps 农村低收入人口 apart (seed 000 national §1, §3.2)', async () => {
    const oct = await items('2026-10');
    expect(of(oct, LIFTED_GROUP).figures).toMatchObject({ registered: 5, employed: 2, publicWelfare: 1, workshop: 1, incomeAvgFen: 250000 });
    expect(of(oct, LIFTED_GROUP).mom).toMatchObject({ employed: -50, incomeAvgFen: 11.1 });
    expect(of(oct, 'low_income').figures).toMatchObject({ registered: 4, employed: 4 });
    expect(of(oct, 'low_income').mom.employed).toBe(100);
    // The register total mixes both and shows no fall at all.
    expect(of(oct, 'all').figures.employed).toBe(6);
    expect(of(oct, 'all').mom.employed).toBe(0);
    // The trend and the chart follow 脱贫人口.
    const trend = await county.get(`/api/v1/monitoring/trend?regionCode=${REGIONS.countyA.code}&month=2026-10&months=2`);
    expect(trend.body.points).toEqual([expect.objectContaining({ month: '2026-09', employed: 4, incomeAvgFen: 225000 }), expect.objectContaining({ month: '2026-10', employed: 2 })]);
  });

  it('counts a market training from the session’s start in the month’s trained figure (seed 001 附件1 培训人数)', async () => {
    const nov = await items('2026-11');
    // M2's session began on 3 November; I4's too, counted apart; L3 cancelled; M1's session was cancelled.
    expect(of(nov, LIFTED_GROUP).figures.trained).toBe(1);
    expect(of(nov, 'monitored').figures.trained).toBe(1);
    expect(of(nov, 'low_income').figures.trained).toBe(1);
    expect(of(nov, 'all').figures.trained).toBe(2);
    // L1's training typed into the register still counts in its month.
    expect(of(await items('2026-03'), LIFTED_GROUP).figures.trained).toBe(1);
  });

  it('warns on the fall of 脱贫人口 that 农村低收入人口 hid, and grades a small fall as one to watch (seed 000 national §3.2, seed 001 §3.2)', async () => {
    expect(await regionWarnings(h.ctx, '2026-10')).toBe(3);
    const list = (await prefecture.get('/api/v1/monitoring/warnings?kind=region_decline')).body.items as Array<{ regionCode: string; details: Record<string, unknown> }>;
    const at = (code: string) => list.find((w) => w.regionCode === code)!.details;
    expect(at(REGIONS.countyA.code)).toMatchObject({ month: '2026-10', category: LIFTED_GROUP, grade: 'warning', employedMom: -50, employed: 2, fell: ['employedMom'] });
    expect(at(REGIONS.countyB.code)).toMatchObject({ grade: 'watch', employedMom: 0, incomeMom: -3.3, fell: ['incomeMom'] });
    // The prefecture: 5 → 3 in work (−40 %).
    expect(at(REGIONS.prefecture.code)).toMatchObject({ grade: 'warning', employedMom: -40 });
    // Both grades reach the inbox, each named for what it is: county B's small fall as one to watch.
    const notices = (await prefecture.get('/api/v1/notices')).body.items as Array<{ kind: string; regionCode: string; text: string }>;
    const told = (kind: string) => notices.filter((n) => n.kind === kind).map((n) => n.regionCode).sort();
    expect(told('region_decline')).toEqual([REGIONS.prefecture.code, REGIONS.countyA.code]);
    expect(told('region_decline_watch')).toEqual([REGIONS.countyB.code]);
    expect(notices.find((n) => n.kind === 'region_decline_watch')!.text).toBe('红河县 2026-10 务工规模或收入有所下降，尚未超过预警线，请关注（规模环比 0%，同比 —%；收入环比 -3.3%，同比 —%）');
  });

  it('measures the targets on 脱贫人口 含监测对象, with market training (seed 000 national §1)', async () => {
    const put = await county.put('/api/v1/monitoring/targets', { year: 2026, items: [{ regionCode: REGIONS.countyA.code, metric: 'employed', value: 3 }, { regionCode: REGIONS.countyA.code, metric: 'trained', value: 2 }] });
    expect(put.status).toBe(200);
    const actual = Object.fromEntries((put.body.items as Array<{ metric: string; actual: number }>).map((i) => [i.metric, i.actual]));
    // Today (15 November): L1 and M1 in work (the six low-income-inclusive total would be 6); trained L1 and M2.
    expect(actual).toEqual({ employed: 2, trained: 2 });
  });
});

/** The same definitions at the real date: a monitored person in a public-welfare post since the year began. */
describe('the definitions at today’s date', () => {
  let h: Harness;
  let county: Staff;

  beforeAll(async () => {
    h = await createHarness({ clock: systemClock });
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  it('counts a monitored person in a public-welfare post in 附件1 and in the month’s 脱贫人口 (seed 000 national §1, seed 001 §1)', async () => {
    const today = shanghaiDate(systemClock.now());
    const year = today.slice(0, 4);
    const monitored = await person(h, county, 'M', { category: 'monitored', monitoringType: 'sudden_hardship' });
    const low = await person(h, county, 'I', { category: 'low_income' });
    await h.ctx.db.insert(employmentRecords).values([job(monitored, `${year}-01-01`, null, 100000, 'public_welfare'), job(low, `${year}-01-01`, null, 100000, 'public_welfare')]);
    const form = await county.get(`/api/v1/monitoring/forms/progress?year=${year}`);
    expect(form.body.total.publicWelfareLifted).toBe(1);
    const figures = await county.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}`);
    const row = (category: string) => (figures.body.items as Item[]).find((i) => i.regionCode === REGIONS.countyA.code && i.category === category)!.figures;
    expect(row(LIFTED_GROUP)).toMatchObject({ registered: 1, employed: 1, publicWelfare: 1 });
    expect(row('low_income')).toMatchObject({ registered: 1, publicWelfare: 1 });
  });
});
