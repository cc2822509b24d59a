import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { auditLog, households, regions, workers } from '../../src/db/schema';
import { judgeRelocationShare } from '../../src/monitoring/project-people';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { verifiedEmployer } from '../helpers/market';
import { AUDITED, expectRefused, expectRefusedUnwritten } from '../helpers/refused';

const binary = (req: import('supertest').Test) =>
  req.buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (x: Buffer) => chunks.push(x));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });

/**
 * Government-invested projects and the people who work on them, at today's real date.
 *
 * Seed 004 §15: "完善易地扶贫搬迁安置区按比例安排就业机制，政府投资建设项目、以工代赈项目、基层社会管理和公共服务项目要安排
 * 一定比例的岗位用于吸纳搬迁群众就业". Seed 000 national §2.7: "落实易地扶贫搬迁安置区按比例安排就业机制，优先组织搬迁脱贫人口在
 * 安置区政府投资建设项目、基层管理服务项目就业". Seed 000 national §2.3: "督促项目施工单位与脱贫人口签订劳务协议". Seed 001 §3.4:
 * 报送《脱贫人口就业帮扶项目清单》(附件2). Seed 000 national §1: 脱贫人口（含防止返贫监测对象）.
 *
 * County A (元阳县), this year Y; 南沙安置区 (a new village under 南沙镇) is a relocation site:
 *   P1 lifted,     lives at 南沙安置区                      → 脱贫人口, from a relocation site
 *   P2 monitored,  南沙村, household relocated              → 脱贫人口, from a relocation site
 *   P3 at risk (防止返贫致贫对象), 南沙村                      → 脱贫人口
 *   P4 low income, 南沙村                                   → neither
 *   P5 lifted,     南沙村                                   → 脱贫人口
 *   P6 lifted,     lives at 南沙安置区, worked only last year
 *   P7 lifted,     lives at 南沙安置区, no skills, not on any project
 *   P8 lifted,     南沙村, a bricklayer (砌筑), not on any project
 *
 * Projects and links:
 *   R 以工代赈 (since last year): P1 (signed), P2 (Y-01-01 to Y-01-01, signed), P3 (unsigned), P4 (signed), P6 (last year only)
 *     → 带动就业 4 (P1–P4), 其中脱贫人口 3 (P1, P2, P3), from relocation sites 2 (P1, P2) = 50 %, signed 3
 *   G 政府投资建设项目: P5 (signed), P3 (signed)
 *     → 2, 2, from relocation sites 0 = 0 %
 *   O 政府投资建设项目 with typed 12 / 5 and a reason; the register links P1 → 1, 1, 1 = 100 %
 *   W 就业帮扶车间, declared 8 / 3 (not government-invested: declared numbers, no share)
 * The county sets 40 %: G alone falls short and is warned. 附件2 total: 4 + 2 + 12 + 8 = 26, 3 + 2 + 5 + 3 = 13.
 * 附件1, county A: 以工代赈 4 people (R's links; nobody has a work-relief job recorded), 其中脱贫人口 3.
 */
describe('government-invested projects: their people, 附件2 head-counts and the relocation-site share (seed 004 §15)', () => {
  let h: Harness;
  let county: Staff;
  let station: Staff;
  let prefecture: Staff;
  let countyB: Staff;
  const today = shanghaiDate(new Date());
  const Y = Number(today.slice(0, 4));
  const site = { code: '532528101299', name: '南沙安置区', level: 5, parentCode: REGIONS.townA.code, relocationSite: true };
  const P: Record<string, string> = {};
  const project = { R: '', G: '', O: '', W: '' };

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    await h.ctx.db.insert(regions).values(site).onConflictDoNothing();
    const app = appOf(h);
    county = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code });
    station = await signIn(h, app, { role: 'station', regionCode: REGIONS.countyA.code });
    prefecture = await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    countyB = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code });
    const person = async (staff: Staff, key: string, over: Record<string, unknown>) => {
      const res = await staff.post('/api/v1/workers', workerInput({ name: key, skills: [], ...over }));
      expect(res.status).toBe(201);
      P[key] = res.body.id as string;
    };
    await person(county, 'P1', { regionCode: site.code });
    await person(county, 'P2', { category: 'monitored', monitoringType: 'unstable' });
    await person(county, 'P3', { category: 'at_risk', monitoringType: 'other_at_risk' });
    await person(county, 'P4', { category: 'low_income' });
    await person(county, 'P5', {});
    await person(county, 'P6', { regionCode: site.code });
    await person(county, 'P7', { regionCode: site.code });
    await person(county, 'P8', { skills: ['砌筑'] });
    await person(countyB, 'B1', { regionCode: REGIONS.villageB.code });
    const [hh] = await h.ctx.db.insert(households).values({ regionCode: REGIONS.villageA.code, relocated: true }).returning();
    await h.ctx.db.update(workers).set({ householdId: hh!.id }).where(eq(workers.id, P.P2!));
  });
  afterAll(() => h.close());

  const link = (projectId: string, who: string, body: Record<string, unknown>, staff: Staff = county) => staff.post(`/api/v1/projects/${projectId}/workers`, { workerId: P[who], ...body });

  it('records who works on each project, refusing what does not fit, each change audited', async () => {
    const make = async (body: Record<string, unknown>) => {
      const res = await county.post('/api/v1/projects', { regionCode: REGIONS.countyA.code, ...body });
      expect(res.status).toBe(201);
      return res.body as { id: string; governmentInvested: boolean; jobsOverrideReason: string | null };
    };
    const r = await make({ kind: 'work_relief', name: '南沙乡村道路以工代赈项目', startedOn: `${Y - 1}-03-01` });
    expect(r.governmentInvested).toBe(true);
    project.R = r.id;
    project.G = (await make({ kind: 'government_investment', name: '南沙安置区配套道路', startedOn: `${Y}-01-01` })).id;
    const o = await make({ kind: 'government_investment', name: '南沙小学维修', startedOn: `${Y}-01-01`, jobsTotal: 12, jobsLifted: 5, jobsOverrideReason: '施工单位临时工未登记身份证' });
    expect(o.jobsOverrideReason).toBe('施工单位临时工未登记身份证');
    project.O = o.id;
    project.W = (await make({ kind: 'workshop', name: '南沙竹编车间', startedOn: `${Y}-01-01`, jobsTotal: 8, jobsLifted: 3 })).id;

    const start = `${Y}-01-01`;
    for (const [who, body] of [
      ['P1', { startsOn: start, agreementSigned: true }],
      ['P2', { startsOn: start, endsOn: start, agreementSigned: true }],
      ['P3', { startsOn: start, agreementSigned: false }],
      ['P4', { startsOn: start, agreementSigned: true }],
      ['P6', { startsOn: `${Y - 1}-03-01`, endsOn: `${Y - 1}-06-30`, agreementSigned: true }],
    ] as const) expect((await link(project.R, who, body)).status).toBe(201);
    // A station records people too.
    const p5 = await link(project.G, 'P5', { startsOn: start, agreementSigned: true }, station);
    expect(p5.status).toBe(201);
    expect(p5.body).toMatchObject({ workerId: P.P5, lifted: true, fromRelocationSite: false, agreementSigned: true, endsOn: null });
    const p3 = await link(project.G, 'P3', { startsOn: start, agreementSigned: false });
    // The agreement is found signed afterwards.
    const signed = await county.patch(`/api/v1/projects/${project.G}/workers/${p3.body.id}`, { agreementSigned: true });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ agreementSigned: true, lifted: true, category: 'at_risk' });
    expect((await link(project.O, 'P1', { startsOn: start, agreementSigned: true })).status).toBe(201);

    const listed = (await county.get(`/api/v1/projects/${project.R}/workers`)).body.items as Array<{ name: string; fromRelocationSite: boolean; lifted: boolean }>;
    expect(listed.map((l) => [l.name, l.lifted, l.fromRelocationSite]).sort()).toEqual([
      ['P1', true, true],
      ['P2', true, true],
      ['P3', true, false],
      ['P4', false, false],
      ['P6', true, true],
    ]);
    const audits = await h.ctx.db.select().from(auditLog).where(sql`${auditLog.action} in ('project.worker.add', 'project.worker.update')`);
    expect(audits.length).toBe(9);

    // Refused, and nothing written: a workshop has no links; a spell before the project began; the same person twice
    // at once; someone of another county; no agreement flag; a spell ending before it starts.
    await expectRefusedUnwritten(h, () => link(project.W, 'P5', { startsOn: start, agreementSigned: true }), 'validation_failed', {
      detail: { message: '只有以工代赈项目、政府投资建设项目和基层社会管理和公共服务项目登记参与人员' },
    });
    await expectRefusedUnwritten(h, () => link(project.G, 'P7', { startsOn: `${Y - 1}-12-31`, agreementSigned: true }), 'validation_failed', {
      detail: { path: 'body.startsOn', message: '参与时间要在项目的起止日期之内' },
    });
    await expectRefusedUnwritten(h, () => link(project.R, 'P1', { startsOn: today, agreementSigned: true }), 'conflict', { detail: { message: '这个人在这段时间已登记参与该项目' } });
    await expectRefusedUnwritten(h, () => link(project.R, 'B1', { startsOn: start, agreementSigned: true }), 'validation_failed', { detail: { path: 'body.workerId' } });
    await expectRefusedUnwritten(h, () => link(project.R, 'P7', { startsOn: start }), 'validation_failed');
    await expectRefusedUnwritten(h, () => link(project.R, 'P7', { startsOn: start, endsOn: `${Y - 1}-12-01`, agreementSigned: true }), 'validation_failed', { detail: { path: 'body.endsOn' } });
    await expectRefusedUnwritten(h, () => link(project.R, 'P7', { startsOn: start, agreementSigned: true }, countyB), 'not_found', { writes: AUDITED });
    const en = await county.post(`/api/v1/projects/${project.R}/workers`, { workerId: P.P1, startsOn: today, agreementSigned: true }).set('Accept-Language', 'en');
    expectRefused(en, 'conflict', { message: 'This person is already recorded on the project for this period' });
  });

  it('takes typed head-counts for a government-invested project only with a reason', async () => {
    const refused = await expectRefusedUnwritten(h, () => county.post('/api/v1/projects', { kind: 'work_relief', name: '无原因', regionCode: REGIONS.countyA.code, startedOn: `${Y}-01-01`, jobsTotal: 3, jobsLifted: 1 }), 'validation_failed', {
      detail: { path: 'body.jobsOverrideReason', message: '政府投资项目的带动就业人数按系统登记的人员计算；要填报人数，请写明原因' },
    });
    expect(refused.status).toBe(400);
    await expectRefusedUnwritten(h, () => county.patch(`/api/v1/projects/${project.G}`, { jobsTotal: 9 }), 'validation_failed', { detail: { path: 'body.jobsOverrideReason' } });
    // A workshop declares its numbers as before.
    expect((await county.patch(`/api/v1/projects/${project.W}`, { jobsTotal: 8 })).status).toBe(200);
  });

  it('sets the county share (administrators only) and warns of the project short of it', async () => {
    await expectRefusedUnwritten(h, () => station.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyA.code, sharePct: 40 }), 'forbidden', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => prefecture.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.prefecture.code, sharePct: 40 }), 'validation_failed', {
      detail: { message: '吸纳搬迁群众就业的比例由县（市、区）设定，请选择一个县级行政区' },
    });
    await expectRefusedUnwritten(h, () => county.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyA.code, sharePct: 101 }), 'validation_failed');
    await expectRefusedUnwritten(h, () => county.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyB.code, sharePct: 40 }), 'forbidden', { writes: AUDITED });
    const set = await county.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyA.code, sharePct: 40 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ regionCode: REGIONS.countyA.code, name: '元阳县', sharePct: 40 });
    expect((await prefecture.get('/api/v1/monitoring/relocation-shares')).body.items).toEqual([
      expect.objectContaining({ regionCode: REGIONS.countyA.code, sharePct: 40 }),
      expect.objectContaining({ regionCode: REGIONS.countyB.code, sharePct: null }),
    ]);

    // G: 0 of 2 from relocation sites, against 40 %. R (2 of 4, 50 %) and O (1 of 1) meet it.
    const warned = (await county.get('/api/v1/monitoring/warnings?kind=relocation_share_short')).body.items as Array<{ id: string; regionCode: string; details: Record<string, unknown> }>;
    expect(warned).toHaveLength(1);
    expect(warned[0]!.details).toEqual({ projectId: project.G, project: '南沙安置区配套道路', year: String(Y), jobs: 0, of: 2, sharePct: 0, countySharePct: 40, short: true });
    expect((await county.get(`/api/v1/projects/${project.R}/figures`)).body).toEqual({
      asOf: today,
      register: { total: 4, lifted: 3, relocation: 2, agreementsSigned: 3 },
      relocation: { jobs: 2, of: 4, sharePct: 50, countySharePct: 40, short: false },
    });
    // The daily look finds the same, and warns nobody twice.
    expect(await judgeRelocationShare(h.ctx, undefined, REGIONS.prefecture.code)).toEqual({ opened: 0, closed: 0 });
    expect((await countyB.get('/api/v1/monitoring/warnings?kind=relocation_share_short')).body.items).toEqual([]);
  });

  it('puts people from relocation sites first for a post of a government-invested project', async () => {
    const employer = await verifiedEmployer(county, { name: '南沙道路施工队', kind: 'work_relief_contractor' });
    const post = (details: Record<string, unknown>) =>
      county.post('/api/v1/vacancies', {
        employerId: employer.id,
        kind: 'work_relief',
        title: '道路施工普工',
        regionCode: REGIONS.townA.code,
        payMinFen: 15000,
        payMaxFen: 15000,
        payUnit: 'day',
        requiredSkills: ['砌筑'],
        headcount: 5,
        details: { project: '南沙安置区配套道路', paySchedule: 'monthly', ...details },
        publish: true,
      });
    const forProject = await post({ projectId: project.G });
    expect(forProject.status).toBe(201);
    const plain = await post({});
    expect(plain.status).toBe(201);
    await expectRefusedUnwritten(h, () => post({ projectId: project.W }), 'validation_failed', { detail: { path: 'body.details.projectId' } });

    type C = { workerId: string; name: string; relocation: boolean; reasons: string[] };
    const ranked = (await county.get(`/api/v1/vacancies/${forProject.body.id}/candidates`)).body.items as C[];
    // P1, P2, P6 and P7 are from relocation sites: all of them before anyone else, P8's skills notwithstanding.
    const firstOthers = ranked.findIndex((c) => !c.relocation);
    expect(ranked.slice(0, firstOthers).map((c) => c.name).sort()).toEqual(['P1', 'P2', 'P6', 'P7']);
    expect(ranked.slice(firstOthers).every((c) => !c.relocation)).toBe(true);
    const p7 = ranked.find((c) => c.name === 'P7')!;
    expect(p7.reasons[0]).toBe('易地搬迁安置区搬迁群众优先（政府投资项目按比例安排就业）');
    expect(ranked.findIndex((c) => c.name === 'P7')).toBeLessThan(ranked.findIndex((c) => c.name === 'P8'));
    // The same post with no project: skills lead, and P8 the bricklayer comes before P7.
    const control = (await county.get(`/api/v1/vacancies/${plain.body.id}/candidates`)).body.items as C[];
    expect(control.every((c) => !c.relocation)).toBe(true);
    expect(control.findIndex((c) => c.name === 'P8')).toBeLessThan(control.findIndex((c) => c.name === 'P7'));
  });

  it('fills 附件2 from the register, the override shown with its reason, and the share beside each project', async () => {
    const form = (await prefecture.get(`/api/v1/monitoring/forms/projects?year=${Y}`)).body;
    type Item = { name: string; jobsTotal: number; jobsLifted: number; jobsSource: string; overrideReason: string | null; register: unknown; relocation: unknown };
    const row = (name: string) => (form.items as Item[]).find((i) => i.name === name)!;
    expect(row('南沙乡村道路以工代赈项目')).toMatchObject({ jobsTotal: 4, jobsLifted: 3, jobsSource: 'register', overrideReason: null, register: { total: 4, lifted: 3, relocation: 2, agreementsSigned: 3 }, relocation: { jobs: 2, of: 4, sharePct: 50, countySharePct: 40, short: false } });
    expect(row('南沙安置区配套道路')).toMatchObject({ jobsTotal: 2, jobsLifted: 2, jobsSource: 'register', relocation: { jobs: 0, of: 2, sharePct: 0, countySharePct: 40, short: true } });
    expect(row('南沙小学维修')).toMatchObject({ jobsTotal: 12, jobsLifted: 5, jobsSource: 'override', overrideReason: '施工单位临时工未登记身份证', register: { total: 1, lifted: 1, relocation: 1, agreementsSigned: 1 }, relocation: { jobs: 1, of: 1, sharePct: 100, countySharePct: 40, short: false } });
    expect(row('南沙竹编车间')).toMatchObject({ jobsTotal: 8, jobsLifted: 3, jobsSource: 'declared', register: null, relocation: null });
    expect(form.total).toEqual({ jobsTotal: 26, jobsLifted: 13 });
    expect(form.relocationShares).toEqual([{ countyCode: REGIONS.countyA.code, county: '元阳县', sharePct: 40, short: 1 }]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await binary(prefecture.get(`/api/v1/monitoring/forms/projects?year=${Y}&format=xlsx`))).body as never);
    const sheet = wb.worksheets[0]!;
    const byName = new Map<string, ExcelJS.Row>();
    sheet.eachRow((r) => byName.set(String(r.getCell(3).value), r));
    const cells = (name: string) => [5, 6, 10].map((c) => byName.get(name)!.getCell(c).value);
    expect(cells('南沙乡村道路以工代赈项目')).toEqual([4, 3, '吸纳易地搬迁安置区搬迁群众2人，占50%（县定比例40%）']);
    expect(cells('南沙安置区配套道路')).toEqual([2, 2, '吸纳易地搬迁安置区搬迁群众0人，占0%（县定比例40%，未达比例）']);
    expect(cells('南沙小学维修')).toEqual([12, 5, '人数为填报数（原因：施工单位临时工未登记身份证；系统登记1人，其中脱贫人口1人）；吸纳易地搬迁安置区搬迁群众1人，占100%（县定比例40%）']);
    expect(cells('南沙竹编车间')).toEqual([8, 3, '']);
    const totalRow = [...byName.values()].find((r) => r.getCell(1).value === '合计')!;
    expect([totalRow.getCell(5).value, totalRow.getCell(6).value]).toEqual([26, 13]);
    expect(sheet.getCell(totalRow.number + 1, 1).value).toBe('注：政府投资项目吸纳易地搬迁安置区搬迁群众就业比例（县定）：元阳县40%（1个项目未达比例）。');

    // 附件1: work relief counts R's people (4, of them 脱贫人口 3) though no work-relief job is recorded for them.
    const progress = (await prefecture.get(`/api/v1/monitoring/forms/progress?year=${Y}`)).body;
    expect(progress.rows.find((r: { regionCode: string }) => r.regionCode === REGIONS.countyA.code)).toMatchObject({ workReliefJobs: 4, workReliefLifted: 3, workshops: 1 });
  });

  it('drops an override with its numbers, and closes the warning once the project meets the share', async () => {
    const back = await county.patch(`/api/v1/projects/${project.O}`, { jobsOverrideReason: null });
    expect(back.body).toMatchObject({ jobsTotal: 0, jobsLifted: 0, jobsOverrideReason: null });
    const form = (await county.get(`/api/v1/monitoring/forms/projects?year=${Y}`)).body;
    expect(form.items.find((i: { name: string }) => i.name === '南沙小学维修')).toMatchObject({ jobsTotal: 1, jobsLifted: 1, jobsSource: 'register', overrideReason: null });

    // P7 from the site joins G: 1 of 3 = 33.3 %, still short; the open warning carries the new figures.
    expect((await link(project.G, 'P7', { startsOn: `${Y}-01-01`, agreementSigned: true })).status).toBe(201);
    const still = (await county.get('/api/v1/monitoring/warnings?kind=relocation_share_short')).body.items;
    expect(still).toHaveLength(1);
    expect(still[0].details).toMatchObject({ jobs: 1, of: 3, sharePct: 33.3, countySharePct: 40 });
    // The county lowers its share to 30 %: G meets it and the warning closes by itself.
    await county.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyA.code, sharePct: 30 });
    expect((await county.get('/api/v1/monitoring/warnings?kind=relocation_share_short')).body.items).toEqual([]);
    expect((await county.get('/api/v1/monitoring/warnings?kind=relocation_share_short&status=closed')).body.items).toHaveLength(1);
  });
});
