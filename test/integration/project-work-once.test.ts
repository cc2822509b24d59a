import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../src/db/client';
import { households, workers } from '../../src/db/schema';
import { addMonths } from '../../src/monitoring/figures';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { expectRefusedUnwritten } from '../helpers/refused';

/**
 * One piece of work is one employment record: a job recorded at the station that is the work a government-invested
 * project's link already has on record is merged into the link's record, never recorded twice.
 *
 * Seed 004 §15 and seed 000 national §2.7: a government-invested project's jobs (政府投资建设项目、以工代赈项目) are
 * counted from its people, whose links make their employment records; seed 000 national §3.2 and seed 001 §3.2: 务工规模
 * counts people in work, each once; seed 001 附件1/附件2 count the projects' people; seed 003 §2 (一户一就业) and
 * seed 002 §1: zero-employment households. Had the station's job become a second record, it would stay open after the
 * project's spell ended, and the person would be counted in work when they are not.
 *
 * County A, at today's real date; M is this month, P the month before. R 以工代赈 '南沙梯田水渠以工代赈项目',
 * G 政府投资建设项目 '南沙安置区配套道路', both since P's year began.
 *   Q1 lifted, household H1 alone → R from P-01; staff then record ' 南沙梯田水渠 以工代赈项目 ' from P-05 at 2,400 yuan:
 *                                   merged (one record, from P-01, 2,400 yuan); R's spell then ends M-01, and the record with it
 *   Q2 lifted, household H2 alone → G from P-01; staff record a job at 县城超市 from M-01 at 1,800 yuan: other work, a
 *                                   second record beside the project's (both open)
 *   Q3 low income                 → R from P-01, the spell ended P-20; staff record R from P-10: refused, the error
 *                                   names the record; staff record R from M-01 (after the spell): new work, a record of its own
 *   Q4 monitored                  → a job at R recorded at the station from P-01 (work_relief), then linked to R from P-01
 *                                   (the link takes the record over), then recorded again at 2,000 yuan: merged, one record
 *
 * Month M (its last day), county A:
 *   脱贫人口（含监测对象）: registered Q1 Q2 Q4 = 3; employed Q2 Q4 = 2 (Q1's only record ended M-01);
 *     以工代赈 Q4 = 1 (Q2's latest job is the supermarket's); income 1,800 and 2,000 yuan → average 1,900, median 1,900;
 *     零就业家庭 H1 = 1
 *   农村低收入人口: registered 1, employed Q3 = 1, 以工代赈 1
 *   all: registered 4, employed 3, 以工代赈 2
 * 附件1, P's year: 以工代赈 people Q1 Q3 Q4 = 3, 其中脱贫人口 Q1 Q4 = 2
 * 附件2, P's year: R 3 (Q1 Q3 Q4), 其中脱贫人口 2; G 1 (Q2), 1
 */
describe('a job recorded at the station that a project link already has on record', () => {
  let h: Harness;
  let county: Staff;
  const today = shanghaiDate(new Date());
  const M = today.slice(0, 7);
  const P = addMonths(M, -1);
  const PY = Number(P.slice(0, 4));
  const Q: Record<string, string> = {};
  const H: Record<string, string> = {};
  const project = { R: '', G: '' };
  const link: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const person = async (key: string, over: Record<string, unknown>) => {
      const res = await county.post('/api/v1/workers', workerInput({ name: key, skills: [], ...over }));
      expect(res.status).toBe(201);
      Q[key] = res.body.id as string;
    };
    await person('Q1', {});
    await person('Q2', {});
    await person('Q3', { category: 'low_income' });
    await person('Q4', { category: 'monitored', monitoringType: 'unstable' });
    await h.ctx.db.update(workers).set({ createdAt: new Date(`${addMonths(P, -1)}-01T00:00:00Z`) });
    for (const k of ['Q1', 'Q2']) {
      const [hh] = await h.ctx.db.insert(households).values({ regionCode: REGIONS.villageA.code }).returning();
      H[k] = hh!.id;
      await h.ctx.db.update(workers).set({ householdId: hh!.id, laborCapacity: 'full' }).where(eq(workers.id, Q[k]!));
    }
    const make = async (body: Record<string, unknown>) => {
      const res = await county.post('/api/v1/projects', { regionCode: REGIONS.countyA.code, startedOn: `${PY}-01-01`, ...body });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    project.R = await make({ kind: 'work_relief', name: '南沙梯田水渠以工代赈项目' });
    project.G = await make({ kind: 'government_investment', name: '南沙安置区配套道路' });
  });
  afterAll(() => h.close());

  const records = async (who: string) =>
    (await county.get(`/api/v1/workers/${Q[who]}/employment`)).body.items as Array<{ id: string; kind: string | null; startDate: string; endDate: string | null; employerName: string; monthlyIncomeFen: number | null; place: string | null }>;
  const add = async (p: string, who: string, startsOn: string) => {
    const res = await county.post(`/api/v1/projects/${p}/workers`, { workerId: Q[who], startsOn, agreementSigned: true });
    expect(res.status).toBe(201);
    link[who] = res.body.id as string;
  };
  const job = (who: string, body: Record<string, unknown>) => county.post(`/api/v1/workers/${Q[who]}/employment`, body);

  it('merges the same work into the link’s record, with the staff’s income and place, and says so', async () => {
    await add(project.R, 'Q1', `${P}-01`);
    const [linked] = await records('Q1');
    const res = await job('Q1', { employerName: ' 南沙梯田水渠 以工代赈项目 ', kind: 'work_relief', place: '元阳县南沙镇', startDate: `${P}-05`, monthlyIncomeFen: 240000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: linked!.id, kind: 'work_relief', startDate: `${P}-01`, endDate: null, monthlyIncomeFen: 240000, place: '元阳县南沙镇', merged: { projectId: project.R, linkId: link.Q1 } });
    // One record, the link's: the project's name, kind and start kept.
    expect(await records('Q1')).toEqual([expect.objectContaining({ id: linked!.id, employerName: '南沙梯田水渠以工代赈项目', startDate: `${P}-01`, monthlyIncomeFen: 240000 })]);
    // The page shows no `merged` note: it belongs to the answer only.
    expect((await county.get(`/api/v1/workers/${Q.Q1}`)).body.currentEmployment).not.toHaveProperty('merged');
    const audit = rowsOf<{ n: number }>(await h.ctx.db.execute(sql`select count(*)::int as n from audit_log where action = 'employment.merge' and entity_id = ${Q.Q1}`));
    expect(audit).toEqual([{ n: 1 }]);

    // The spell ends: the one record ends with it, so nothing of this work stays open.
    expect((await county.patch(`/api/v1/projects/${project.R}/workers/${link.Q1}`, { endsOn: `${M}-01` })).status).toBe(200);
    expect((await records('Q1')).map((r) => r.endDate)).toEqual([`${M}-01`]);
  });

  it('records other work beside the project’s as a job of its own', async () => {
    await add(project.G, 'Q2', `${P}-01`);
    expect((await job('Q2', { employerName: '县城超市', kind: 'regular', startDate: `${M}-01`, monthlyIncomeFen: 180000 })).status).toBe(201);
    expect((await records('Q2')).map((r) => [r.employerName, r.endDate])).toEqual([
      ['县城超市', null],
      ['南沙安置区配套道路', null],
    ]);
  });

  it('refuses the same work when the project’s spell has ended, naming the record; later work there is new', async () => {
    await add(project.R, 'Q3', `${P}-01`);
    expect((await county.patch(`/api/v1/projects/${project.R}/workers/${link.Q3}`, { endsOn: `${P}-20` })).status).toBe(200);
    const [ended] = await records('Q3');
    const res = await expectRefusedUnwritten(h, () => job('Q3', { employerName: '南沙梯田水渠以工代赈项目', kind: 'work_relief', startDate: `${P}-10` }), 'conflict', {
      detail: { path: 'body.employerName', message: new RegExp(ended!.id) },
    });
    expect(res.body.error.details[0]).toMatchObject({ recordId: ended!.id, projectId: project.R, linkId: link.Q3, endDate: `${P}-20` });
    // Work there from after the spell is not the same work.
    expect((await job('Q3', { employerName: '南沙梯田水渠以工代赈项目', kind: 'work_relief', startDate: `${M}-01` })).status).toBe(201);
    expect((await records('Q3')).map((r) => [r.startDate, r.endDate])).toEqual([
      [`${M}-01`, null],
      [`${P}-01`, `${P}-20`],
    ]);
  });

  it('keeps one record when the station recorded the work first, the link took it over and staff record it again', async () => {
    expect((await job('Q4', { employerName: '南沙梯田水渠以工代赈项目', kind: 'work_relief', startDate: `${P}-01` })).status).toBe(201);
    await add(project.R, 'Q4', `${P}-01`);
    const again = await job('Q4', { employerName: '南沙梯田水渠以工代赈项目', startDate: `${M}-01`, monthlyIncomeFen: 200000 });
    expect(again.status).toBe(201);
    expect(again.body.merged).toMatchObject({ projectId: project.R, linkId: link.Q4 });
    expect(await records('Q4')).toEqual([expect.objectContaining({ kind: 'work_relief', startDate: `${P}-01`, endDate: null, monthlyIncomeFen: 200000 })]);
  });

  it('counts each person’s work once in the month’s figures, the zero-employment households, 附件1 and 附件2', async () => {
    const fig = await county.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}&month=${M}`);
    expect(fig.status).toBe(200);
    const row = (category: string) => fig.body.items.find((i: { regionCode: string; category: string }) => i.regionCode === REGIONS.countyA.code && i.category === category).figures;
    expect(row('lifted_total')).toMatchObject({ registered: 3, employed: 2, workRelief: 1, incomeAvgFen: 190000, incomeMedianFen: 190000, zeroEmploymentHouseholds: 1 });
    expect(row('low_income')).toMatchObject({ registered: 1, employed: 1, workRelief: 1 });
    expect(row('all')).toMatchObject({ registered: 4, employed: 3, workRelief: 2, zeroEmploymentHouseholds: 1 });

    const progress = await county.get(`/api/v1/monitoring/forms/progress?year=${PY}`);
    expect(progress.status).toBe(200);
    expect(progress.body.total).toMatchObject({ workReliefJobs: 3, workReliefLifted: 2 });

    const list = await county.get(`/api/v1/monitoring/forms/projects?year=${PY}`);
    expect(list.status).toBe(200);
    const item = (id: string) => list.body.items.find((i: { id: string }) => i.id === id);
    expect(item(project.R)).toMatchObject({ jobsTotal: 3, jobsLifted: 2, jobsSource: 'register' });
    expect(item(project.G)).toMatchObject({ jobsTotal: 1, jobsLifted: 1, jobsSource: 'register' });
  });
});
