import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../src/db/client';
import { households, regions, workers } from '../../src/db/schema';
import { addMonths } from '../../src/monitoring/figures';
import { closeShareMonth } from '../../src/monitoring/relocation-history';
import { closeMonth } from '../../src/monitoring/service';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { drainEvents } from '../helpers/events';
import { createHarness, type Harness } from '../helpers/harness';
import { expectRefused, expectRefusedUnwritten } from '../helpers/refused';

/**
 * A person on a government-invested project is in work, and counted once.
 *
 * Seed 000 national §3.2 and seed 001 §3.2: 务工规模 tracked monthly; seed 000 national §1: 脱贫人口（含防止返贫监测对象）,
 * 农村低收入人口 apart; seed 001 附件1 (以工代赈吸纳…就业人数, 其中脱贫人口; 易地搬迁安置区脱贫人口就业人数) and 附件2
 * (带动就业人数); seed 004 §15: 政府投资建设项目、以工代赈项目、基层社会管理和公共服务项目要安排一定比例的岗位用于吸纳搬迁群众就业.
 *
 * County A, at today's real date; M is this month, P the month before, Y this year. 南沙安置区 is a relocation site.
 *   R 以工代赈 project, G 政府投资建设项目 (both since Y-01-01, or the year before when P is in it).
 *   Q1 lifted, lives at 南沙安置区     → R from P-01, nothing else recorded
 *   Q2 monitored, 南沙村                → a work-relief job at R recorded at the station from P-01, then linked to R from P-01: the same work, one record
 *   Q3 low income, 南沙村, household H3 → G from P-01
 *   Q4 lifted, 南沙村                   → a factory job in 宁波 from P-01 (kept), and R from P-15
 *   Q5 lifted, 南沙村, household H5     → G from P-01, the spell ended P-10
 *   Q7 lifted, lives at 南沙安置区     → G from M-01 (added after P closed)
 *
 * Month M (its last day), county A:
 *   脱贫人口（含监测对象）: registered Q1 Q2 Q4 Q5 Q7 = 5, employed Q1 Q2 Q4 Q7 = 4, of them 以工代赈 Q1 Q2 Q4 = 3 (Q4's latest job is R's)
 *   农村低收入人口: employed Q3 = 1, 以工代赈 0
 *   all: employed 5, 以工代赈 3
 *   零就业家庭: H5 only (H3's Q3 is on G)
 * 附件1, county A, year Y: 以工代赈 3 people (Q1 Q2 Q4), 其中脱贫人口 3; 易地搬迁安置区脱贫人口就业 Q1 Q7 = 2
 * 附件2: R 3 / 3, G 3 (Q3 Q5 Q7) / 2 (Q5 Q7)
 * Share (people on the projects at any time in the month, from relocation sites among them), county sets 30 % before P closes:
 *   P (closed): R 3 (Q1 Q2 Q4), 1 → 33.3 %; G 2 (Q3 Q5), 0 → 0 % short; county 5, 1 → 20 % short (target 30)
 *   then the county lowers its share to 10 %; P keeps 30.
 *   M (open):   R 3, 1 → 33.3 %; G 2 (Q3 Q7), 1 → 50 %; county 5, 2 → 40 % (target 10)
 */
describe('people on government-invested projects in the monthly figures, 附件1/附件2, the warnings and the share’s history', () => {
  let h: Harness;
  let county: Staff;
  let station: Staff;
  let countyB: Staff;
  const today = shanghaiDate(new Date());
  const M = today.slice(0, 7);
  const P = addMonths(M, -1);
  const Y = Number(M.slice(0, 4));
  const site = { code: '532528101298', name: '南沙安置区', level: 5, parentCode: REGIONS.townA.code, relocationSite: true };
  const Q: Record<string, string> = {};
  const H: Record<string, string> = {};
  const project = { R: '', G: '' };
  const link: Record<string, string> = {};
  const projectStart = `${P.slice(0, 4)}-01-01`;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    await h.ctx.db.insert(regions).values(site).onConflictDoNothing();
    const app = appOf(h);
    county = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code });
    station = await signIn(h, app, { role: 'station', regionCode: REGIONS.countyA.code });
    countyB = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code });
    const person = async (key: string, over: Record<string, unknown>) => {
      const res = await county.post('/api/v1/workers', workerInput({ name: key, skills: [], ...over }));
      expect(res.status).toBe(201);
      Q[key] = res.body.id as string;
    };
    await person('Q1', { regionCode: site.code });
    await person('Q2', { category: 'monitored', monitoringType: 'unstable' });
    await person('Q3', { category: 'low_income' });
    await person('Q4', {});
    await person('Q5', {});
    await person('Q7', { regionCode: site.code });
    // All were on the register before P began.
    await h.ctx.db.update(workers).set({ createdAt: new Date(`${addMonths(P, -1)}-01T00:00:00Z`) });
    for (const k of ['Q3', 'Q5']) {
      const [hh] = await h.ctx.db.insert(households).values({ regionCode: REGIONS.villageA.code }).returning();
      H[k] = hh!.id;
      await h.ctx.db.update(workers).set({ householdId: hh!.id }).where(eq(workers.id, Q[k]!));
    }
    const make = async (body: Record<string, unknown>) => {
      const res = await county.post('/api/v1/projects', { regionCode: REGIONS.countyA.code, startedOn: projectStart, ...body });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    project.R = await make({ kind: 'work_relief', name: '南沙梯田水渠以工代赈项目' });
    project.G = await make({ kind: 'government_investment', name: '南沙安置区配套道路' });
  });
  afterAll(() => h.close());

  const records = async (who: string) => (await county.get(`/api/v1/workers/${Q[who]}/employment`)).body.items as Array<{ id: string; kind: string | null; startDate: string; endDate: string | null; employerName: string }>;
  const add = async (p: string, who: string, startsOn: string, staff: Staff = county) => {
    const res = await staff.post(`/api/v1/projects/${p}/workers`, { workerId: Q[who], startsOn, agreementSigned: true });
    expect(res.status).toBe(201);
    link[who] = res.body.id as string;
    return res;
  };

  it('makes an employment record with each link, takes over the same work already recorded, and ends it with the spell', async () => {
    // Q2's work on R was recorded at the station first.
    expect((await county.post(`/api/v1/workers/${Q.Q2}/employment`, { employerName: '南沙梯田水渠以工代赈项目', kind: 'work_relief', startDate: `${P}-01` })).status).toBe(201);
    expect((await county.post(`/api/v1/workers/${Q.Q4}/employment`, { employerName: '宁波某电子厂', kind: 'regular', place: '浙江省宁波市', placeRegionCode: '3302', startDate: `${P}-01` })).status).toBe(201);

    await add(project.R, 'Q1', `${P}-01`);
    await add(project.R, 'Q2', `${P}-01`);
    await add(project.G, 'Q3', `${P}-01`, station);
    await add(project.R, 'Q4', `${P}-15`);
    await add(project.G, 'Q5', `${P}-01`);

    expect(await records('Q1')).toEqual([expect.objectContaining({ kind: 'work_relief', startDate: `${P}-01`, endDate: null, employerName: '南沙梯田水渠以工代赈项目' })]);
    // The same work is not recorded twice.
    expect(await records('Q2')).toHaveLength(1);
    expect(await records('Q3')).toEqual([expect.objectContaining({ kind: 'regular', startDate: `${P}-01`, endDate: null })]);
    // Work on a project runs beside other work: the factory job stays open.
    expect((await records('Q4')).map((r) => [r.kind, r.endDate])).toEqual([
      ['work_relief', null],
      ['regular', null],
    ]);
    const audit = rowsOf<{ action: string; n: number }>(await h.ctx.db.execute(sql`select action, count(*)::int as n from audit_log where action in ('project.worker.add', 'employment.start') group by action order by action`));
    // Two jobs recorded at the station, five spells each with its employment entry.
    expect(audit).toEqual([
      { action: 'employment.start', n: 7 },
      { action: 'project.worker.add', n: 5 },
    ]);
    for (const k of ['Q1', 'Q3', 'Q5']) expect((await h.ctx.db.select({ employed: workers.employed }).from(workers).where(eq(workers.id, Q[k]!)))[0]!.employed).toBe(true);

    // Q5's spell ends: the record ends with it and Q5 is out of work.
    const ended = await county.patch(`/api/v1/projects/${project.G}/workers/${link.Q5}`, { endsOn: `${P}-10` });
    expect(ended.status).toBe(200);
    expect(await records('Q5')).toEqual([expect.objectContaining({ endDate: `${P}-10` })]);
    expect((await h.ctx.db.select({ employed: workers.employed }).from(workers).where(eq(workers.id, Q.Q5!)))[0]!.employed).toBe(false);
  });

  it('refuses a spell starting after today, writing nothing', async () => {
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
    await expectRefusedUnwritten(h, () => county.post(`/api/v1/projects/${project.G}/workers`, { workerId: Q.Q7, startsOn: tomorrow, agreementSigned: true }), 'validation_failed', { detail: { path: 'body.startsOn' } });
  });

  it('closes the month with each county’s and project’s share, kept as it was', async () => {
    expect((await county.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyA.code, sharePct: 30 })).status).toBe(200);
    expect(await closeMonth(h.ctx, P)).toBeGreaterThan(0);
    // Closing twice writes nothing more, and what was kept cannot be changed.
    expect(await closeShareMonth(h.ctx, P)).toBe(0);
    await expect(h.ctx.db.execute(sql`update relocation_share_snapshots set total = 0`)).rejects.toMatchObject({ cause: expect.objectContaining({ message: expect.stringMatching(/final/) }) });
    // Later changes: the county lowers its share, Q7 starts on G this month.
    expect((await county.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyA.code, sharePct: 10 })).status).toBe(200);
    await add(project.G, 'Q7', `${M}-01`);

    const res = await county.get(`/api/v1/monitoring/relocation-shares/history?from=${P}&to=${M}`);
    expect(res.status).toBe(200);
    expect(res.body.months).toEqual([P, M]);
    const a = res.body.counties.find((c: { regionCode: string }) => c.regionCode === REGIONS.countyA.code);
    expect(a.points).toEqual([
      { month: P, closed: true, total: 5, relocation: 1, sharePct: 20, countySharePct: 30, short: true },
      { month: M, closed: false, total: 5, relocation: 2, sharePct: 40, countySharePct: 10, short: false },
    ]);
    const byName = Object.fromEntries(res.body.projects.map((p: { id: string; points: unknown[] }) => [p.id, p.points]));
    expect(byName[project.R]).toEqual([
      { month: P, closed: true, total: 3, relocation: 1, sharePct: 33.3, countySharePct: 30, short: false },
      { month: M, closed: false, total: 3, relocation: 1, sharePct: 33.3, countySharePct: 10, short: false },
    ]);
    expect(byName[project.G]).toEqual([
      { month: P, closed: true, total: 2, relocation: 0, sharePct: 0, countySharePct: 30, short: true },
      { month: M, closed: false, total: 2, relocation: 1, sharePct: 50, countySharePct: 10, short: false },
    ]);
    // A county's reader sees its own county only.
    expect(res.body.counties.map((c: { regionCode: string }) => c.regionCode)).toEqual([REGIONS.countyA.code]);
    // A station in the county reads it too.
    expect((await station.get(`/api/v1/monitoring/relocation-shares/history?from=${P}&to=${M}`)).status).toBe(200);
  });

  it('keeps the history to the reader’s region and a sensible range', async () => {
    expectRefused(await countyB.get(`/api/v1/monitoring/relocation-shares/history?regionCode=${REGIONS.countyA.code}`), 'not_found');
    const own = await countyB.get('/api/v1/monitoring/relocation-shares/history');
    expect(own.status).toBe(200);
    expect(own.body.counties.map((c: { regionCode: string }) => c.regionCode)).toEqual([REGIONS.countyB.code]);
    expect(own.body.projects).toEqual([]);
    expect(own.body.months).toHaveLength(12);
    expectRefused(await county.get(`/api/v1/monitoring/relocation-shares/history?from=${M}&to=${P}`), 'validation_failed', { path: 'query.from' });
    expectRefused(await county.get(`/api/v1/monitoring/relocation-shares/history?to=${addMonths(M, 1)}`), 'validation_failed', { path: 'query.to' });
    expectRefused(await county.get(`/api/v1/monitoring/relocation-shares/history?from=${addMonths(M, -36)}&to=${M}`), 'validation_failed', { path: 'query.from' });
  });

  it('counts each linked person once in the month’s figures, 附件1, 附件2 and the zero-employment households', async () => {
    const fig = await county.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}&month=${M}`);
    expect(fig.status).toBe(200);
    const row = (category: string) => fig.body.items.find((i: { regionCode: string; category: string }) => i.regionCode === REGIONS.countyA.code && i.category === category).figures;
    expect(row('lifted_total')).toMatchObject({ registered: 5, employed: 4, workRelief: 3 });
    expect(row('low_income')).toMatchObject({ registered: 1, employed: 1, workRelief: 0 });
    expect(row('all')).toMatchObject({ registered: 6, employed: 5, workRelief: 3 });

    const progress = await county.get(`/api/v1/monitoring/forms/progress?year=${Y}`);
    expect(progress.status).toBe(200);
    expect(progress.body.total).toMatchObject({ workReliefJobs: 3, workReliefLifted: 3, relocationEmployedLifted: 2 });

    const list = await county.get(`/api/v1/monitoring/forms/projects?year=${Y}`);
    expect(list.status).toBe(200);
    const item = (id: string) => list.body.items.find((i: { id: string }) => i.id === id);
    expect(item(project.R)).toMatchObject({ jobsTotal: 3, jobsLifted: 3, jobsSource: 'register' });
    expect(item(project.G)).toMatchObject({ jobsTotal: 3, jobsLifted: 2, jobsSource: 'register' });

    const zero = await county.get(`/api/v1/monitoring/zero-employment?regionCode=${REGIONS.countyA.code}`);
    expect(zero.status).toBe(200);
    expect(zero.body.items.map((i: { householdId: string }) => i.householdId)).toEqual([H.Q5]);
  });

  it('a new job at the station leaves project work open; a job ended at the station ends the spell', async () => {
    expect((await county.post(`/api/v1/workers/${Q.Q1}/employment`, { employerName: '南沙农贸市场', kind: 'gig', startDate: today })).status).toBe(201);
    expect((await records('Q1')).map((r) => [r.kind, r.endDate])).toEqual([
      ['gig', null],
      ['work_relief', null],
    ]);
    // The register's list shows the job begun last, as the person's page does.
    const listed = await county.get(`/api/v1/workers?q=Q1`);
    const shown = (await county.get(`/api/v1/workers/${Q.Q1}`)).body.currentEmployment;
    expect(listed.body.items.find((w: { id: string }) => w.id === Q.Q1).currentEmployment).toEqual(shown);
    expect(shown).toMatchObject({ employerName: '南沙农贸市场' });
    const end = today;
    expect((await county.post(`/api/v1/workers/${Q.Q4}/employment/end`, { endDate: end })).status).toBe(200);
    expect(await drainEvents(h)).toContain('employment.ended:monitoring.project-spells');
    const spells = (await county.get(`/api/v1/projects/${project.R}/workers`)).body.items as Array<{ workerId: string; endsOn: string | null }>;
    expect(spells.find((s) => s.workerId === Q.Q4)!.endsOn).toBe(end);
    expect((await records('Q4')).every((r) => r.endDate === end)).toBe(true);
  });
});
