import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { auditLog, employmentRecords, households, jobFairs, trainingRecords, workers } from '../../src/db/schema';
import { integrityReview } from '../../src/monitoring/integrity';
import { weeklyDispatch } from '../../src/monitoring/targets';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { drainEvents } from '../helpers/events';
import { createHarness, type Harness } from '../helpers/harness';
import { AUDITED, expectRefused, expectRefusedUnwritten } from '../helpers/refused';

const binary = (req: import('supertest').Test) =>
  req.buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (x: Buffer) => chunks.push(x));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });

async function workbook(res: { body: unknown }) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body as never);
  return wb;
}

/**
 * The county's side of monitoring beyond the figures: the integrity review of public-welfare posts and
 * work-relief wages (seed 000 national §2.4, seed 000 §4), targets and the weekly dispatch (周调度, seed 002),
 * the assistance projects and the two forms of seed 001 (附件1, 附件2), the chart, and the staff's notices.
 */
describe('reviews, targets, forms and notices', () => {
  let h: Harness;
  let county: Staff;
  let station: Staff;
  let prefecture: Staff;
  let countyB: Staff;
  // Monday 16 November 2026, 10:00 in Beijing.
  const clock = new ManualClock('2026-11-16T02:00:00Z');
  const p: Record<string, string> = {};
  const rec: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    const app = appOf(h);
    county = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code });
    station = await signIn(h, app, { role: 'station', regionCode: REGIONS.countyA.code });
    prefecture = await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    countyB = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code });
    const make = async (name: string) => (await county.post('/api/v1/workers', workerInput({ name, skills: [] }))).body.id as string;
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) p[n] = await make(`员工${n}`);
    const household = async (members: string[], relocated = false) => {
      const [hh] = await h.ctx.db.insert(households).values({ regionCode: REGIONS.villageA.code, relocated }).returning();
      await h.ctx.db.update(workers).set({ householdId: hh!.id }).where(sql`${workers.id} in ${members}`);
      return hh!.id;
    };
    p.h1 = await household([p.a!, p.b!, p.c!]);
    p.h2 = await household([p.d!, p.e!]);
    p.h3 = await household([p.g!], true);
    const job = async (key: string, workerId: string, kind: 'public_welfare' | 'work_relief' | 'regular' | 'workshop', employerName: string, startDate: string, endDate: string | null, monthlyIncomeFen: number | null = 80000) => {
      const [r] = await h.ctx.db.insert(employmentRecords).values({ workerId, kind, employerName, startDate, endDate, monthlyIncomeFen, placeRegionCode: REGIONS.countyA.code, source: 'station' }).returning();
      rec[key] = r!.id;
    };
    // Household 1: a village cleaning post passes from a to b within a month; c holds a second post.
    await job('a', p.a!, 'public_welfare', '南沙村委会', '2025-01-01', '2025-12-31');
    await job('b', p.b!, 'public_welfare', '南沙村委会', '2026-01-20', null);
    await job('c', p.c!, 'public_welfare', '南沙村委会护林', '2026-03-01', null);
    // Household 2: d holds a post while e earns 6,000 yuan a month in a factory.
    await job('d', p.d!, 'public_welfare', '南沙村委会河道', '2026-02-01', null);
    await job('e', p.e!, 'regular', '县城食品厂', '2026-04-01', null, 600000);
    // f works on a work-relief road; g worked in a workshop in spring (a relocated household).
    await job('f', p.f!, 'work_relief', '南沙乡村道路以工代赈项目', '2026-06-01', null, 300000);
    await job('g', p.g!, 'workshop', '南沙帮扶车间', '2026-02-01', '2026-05-31', 250000);
    await h.ctx.db.update(workers).set({ employed: true }).where(sql`${workers.id} in ${[p.b!, p.c!, p.d!, p.e!, p.f!]}`);
    await h.ctx.db.insert(trainingRecords).values([
      { workerId: p.a!, title: '家政服务', startDate: '2026-03-01', source: 'station' },
      { workerId: p.g!, title: '电工', startDate: '2026-08-01', source: 'station' },
      { workerId: p.g!, title: '电工（去年）', startDate: '2025-08-01', source: 'station' },
    ]);
  });

  afterAll(async () => {
    await h.close();
  });

  const pay = (who: Staff, worker: string, record: string, period: string, body: object) => who.put(`/api/v1/workers/${worker}/employment/${record}/payments/${period}`, body);

  it('records subsidies and wages month by month, and refuses what cannot be right', async () => {
    const f = (period: string, body: object) => pay(station, p.f!, rec.f!, period, body);
    expect((await f('2026-06', { dueOn: '2026-07-10', amountDueFen: 300000, paidOn: '2026-07-10', amountPaidFen: 300000 })).body).toMatchObject({ kind: 'wage', period: '2026-06', paidOn: '2026-07-10' });
    await f('2026-07', { dueOn: '2026-08-10', amountDueFen: 300000, paidOn: '2026-08-25', amountPaidFen: 300000 });
    await f('2026-08', { dueOn: '2026-09-10', amountDueFen: 300000, paidOn: '2026-09-10', amountPaidFen: 250000 });
    await f('2026-10', { dueOn: '2026-11-10', amountDueFen: 300000 });
    const d = await pay(station, p.d!, rec.d!, '2026-10', { dueOn: '2026-11-05', amountDueFen: 80000 });
    expect(d.body.kind).toBe('subsidy');
    expect((await station.get(`/api/v1/workers/${p.f}/employment/${rec.f}/payments`)).body.items.map((x: { period: string }) => x.period)).toEqual(['2026-06', '2026-07', '2026-08', '2026-10']);

    // A factory job is not paid through the programme; a month outside the job; a day paid without the amount.
    const factory = await pay(station, p.e!, rec.e!, '2026-10', { dueOn: '2026-11-05', amountDueFen: 1 });
    expectRefused(factory, 'validation_failed');
    expect(factory.body.error.details[0].message).toBe('只有公益性岗位（岗位补贴）和以工代赈（劳务报酬）的工作可以登记发放情况');
    await expectRefusedUnwritten(h, () => f('2026-05', { dueOn: '2026-06-10', amountDueFen: 1 }), 'validation_failed');
    await expectRefusedUnwritten(h, () => f('2026-09', { dueOn: '2026-10-10', amountDueFen: 300000, paidOn: '2026-10-10' }), 'validation_failed');
    await expectRefusedUnwritten(h, () => f('2026-09', { dueOn: '2026-10-10', amountDueFen: -1 }), 'validation_failed');
    await expectRefusedUnwritten(h, () => f('2026-13', { dueOn: '2026-10-10', amountDueFen: 1 }), 'validation_failed');
    // The record belongs to f, not to d; and county B cannot reach it at all.
    await expectRefusedUnwritten(h, () => pay(station, p.d!, rec.f!, '2026-09', { dueOn: '2026-10-10', amountDueFen: 1 }), 'not_found', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => pay(countyB, p.f!, rec.f!, '2026-09', { dueOn: '2026-10-10', amountDueFen: 1 }), 'not_found', { writes: AUDITED });
    expect((await station.get(`/api/v1/workers/${p.f}/employment/${rec.f}/payments`)).body.items).toHaveLength(4);
  });

  it('puts each integrity finding on the review list once, with its evidence', async () => {
    expect(await integrityReview(h.ctx)).toEqual({ pw_several_posts: 1, pw_rotation: 1, pw_no_longer_needed: 1, pw_subsidy_overdue: 1, wr_wage_overdue: 1, wr_wage_late: 1, wr_wage_short: 1 });
    expect(Object.values(await integrityReview(h.ctx)).every((n) => n === 0)).toBe(true);
    const items = (await county.get('/api/v1/monitoring/reviews')).body.items as Array<{ id: string; kind: string; details: Record<string, unknown> }>;
    const of = (kind: string) => items.find((i) => i.kind === kind)!;
    expect(of('pw_several_posts').details.holders).toEqual([expect.objectContaining({ name: '员工b', employerName: '南沙村委会' }), expect.objectContaining({ name: '员工c', employerName: '南沙村委会护林' })]);
    expect(of('pw_rotation').details).toMatchObject({ employerName: '南沙村委会', holders: 2, chain: [expect.objectContaining({ name: '员工a', endDate: '2025-12-31' }), expect.objectContaining({ name: '员工b', startDate: '2026-01-20' })] });
    expect(of('pw_no_longer_needed').details).toMatchObject({ reason: 'household_income', holder: '员工d', othersMonthlyIncomeFen: 600000 });
    expect(of('pw_subsidy_overdue').details).toMatchObject({ period: '2026-10', dueOn: '2026-11-05', owedFen: 80000, daysOverdue: 11 });
    expect(of('wr_wage_overdue').details).toMatchObject({ period: '2026-10', owedFen: 300000 });
    expect(of('wr_wage_late').details).toMatchObject({ period: '2026-07', daysLate: 15 });
    expect(of('wr_wage_short').details).toMatchObject({ period: '2026-08', shortFen: 50000 });
    // Review items are not warnings, and county B sees none of them.
    expect((await county.get('/api/v1/monitoring/warnings')).body.items).toEqual([]);
    expect((await countyB.get('/api/v1/monitoring/reviews')).body.items).toEqual([]);
    await expectRefusedUnwritten(h, () => countyB.post(`/api/v1/monitoring/reviews/${of('wr_wage_late').id}/conclude`, { note: '已核实' }), 'not_found', { writes: AUDITED });

    // Closing an item needs what was found.
    const bare = await county.post(`/api/v1/monitoring/reviews/${of('pw_rotation').id}/conclude`, {});
    expectRefused(bare, 'validation_failed');
    expect(bare.body.error.details[0].message).toBe('请写明复核结论');
    const done = await county.post(`/api/v1/monitoring/reviews/${of('pw_rotation').id}/conclude`, { note: '经村民代表会议重新评议，员工b符合条件' });
    expect(done.body).toMatchObject({ status: 'acknowledged', note: '经村民代表会议重新评议，员工b符合条件' });
    expect((await county.get('/api/v1/monitoring/reviews?status=acknowledged')).body.items).toEqual([expect.objectContaining({ kind: 'pw_rotation', note: '经村民代表会议重新评议，员工b符合条件' })]);
    const [audit] = await h.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'review.conclude'), eq(auditLog.entityId, of('pw_rotation').id)));
    expect(audit).toBeDefined();

    // The subsidy is paid after all: its overdue item closes by itself, once monitoring hears of the payment.
    await pay(station, p.d!, rec.d!, '2026-10', { dueOn: '2026-11-05', amountDueFen: 80000, paidOn: '2026-11-16', amountPaidFen: 80000 });
    expect(await drainEvents(h)).toContain('payment.recorded:monitoring.payment-overdue');
    expect((await county.get('/api/v1/monitoring/reviews?kind=pw_subsidy_overdue')).body.items).toEqual([]);
    expect((await county.get('/api/v1/monitoring/reviews?kind=pw_subsidy_overdue&status=closed')).body.items).toHaveLength(1);
  });

  it('tells the administrators, not the station clerks, and keeps what each has read', async () => {
    const mine = await county.get('/api/v1/notices');
    expect(mine.body.items).toEqual([expect.objectContaining({ kind: 'review_items', regionCode: REGIONS.countyA.code, text: '2026-11-16 新增 7 项公益性岗位、以工代赈复核事项', readAt: null })]);
    expect(mine.body.unread).toBe(1);
    // The prefecture above sees the county's notice; county B and the station clerk do not.
    expect((await prefecture.get('/api/v1/notices')).body.items).toHaveLength(1);
    expect((await countyB.get('/api/v1/notices')).body.items).toEqual([]);
    expect((await station.get('/api/v1/notices')).body.items).toEqual([]);
    await expectRefusedUnwritten(h, () => countyB.post(`/api/v1/notices/${mine.body.items[0].id}/read`), 'not_found', { writes: AUDITED });
    expect((await county.post(`/api/v1/notices/${mine.body.items[0].id}/read`)).body.read).toBe(true);
    expect((await county.get('/api/v1/notices?unread=true')).body).toMatchObject({ items: [], unread: 0 });
    expect((await prefecture.get('/api/v1/notices')).body.unread).toBe(1);
    expect((await prefecture.post('/api/v1/notices/read-all')).body.marked).toBe(1);
    expect((await prefecture.get('/api/v1/notices')).body.unread).toBe(0);
    const en = await county.get('/api/v1/notices').set('Accept-Language', 'en');
    expect(en.body.items[0].text).toBe('7 new public-welfare and work-relief items to review (2026-11-16)');
  });

  it('sets targets, shows where each region stands, and writes the weekly dispatch of those behind', async () => {
    const set = { year: 2026, items: [{ regionCode: REGIONS.countyA.code, metric: 'employed', value: 10 }, { regionCode: REGIONS.countyA.code, metric: 'trained', value: 12 }, { regionCode: REGIONS.countyA.code, metric: 'zero_employment_households', value: 0 }, { regionCode: REGIONS.countyB.code, metric: 'employed', value: 0 }] };
    await expectRefusedUnwritten(h, () => station.put('/api/v1/monitoring/targets', set), 'forbidden', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => county.put('/api/v1/monitoring/targets', set), 'forbidden', { writes: AUDITED }); // county B is not the county's to set
    await expectRefusedUnwritten(h, () => prefecture.put('/api/v1/monitoring/targets', { year: 2026, items: [{ regionCode: REGIONS.countyA.code, metric: 'employed', value: -1 }] }), 'validation_failed');
    await expectRefusedUnwritten(h, () => prefecture.put('/api/v1/monitoring/targets', { year: 1999, items: [{ regionCode: REGIONS.countyA.code, metric: 'employed', value: 1 }] }), 'validation_failed');
    await expectRefusedUnwritten(h, () => prefecture.put('/api/v1/monitoring/targets', { year: 2026, items: [{ regionCode: '532599', metric: 'employed', value: 1 }] }), 'validation_failed');
    expect((await prefecture.put('/api/v1/monitoring/targets', set)).status).toBe(200);
    const mine = (await county.get('/api/v1/monitoring/targets?year=2026')).body;
    // In work on 16 November: b, c, d, e and f. Trained this year: a and g. 320 of 365 days gone: 12 × 320/365 = 10.5 → 11 due.
    // g's household has had nobody in work since the workshop job ended in May: one over the ceiling of none.
    expect(mine.items).toEqual([
      { regionCode: REGIONS.countyA.code, name: '元阳县', metric: 'employed', target: 10, expected: 10, actual: 5, gap: 5, behind: true },
      { regionCode: REGIONS.countyA.code, name: '元阳县', metric: 'trained', target: 12, expected: 11, actual: 2, gap: 9, behind: true },
      { regionCode: REGIONS.countyA.code, name: '元阳县', metric: 'zero_employment_households', target: 0, expected: 0, actual: 1, gap: 1, behind: true },
    ]);

    const id = await weeklyDispatch(h.ctx);
    expect(id).not.toBeNull();
    expect(await weeklyDispatch(h.ctx)).toBeNull();
    const report = (await county.get(`/api/v1/monitoring/reports/${id}`)).body;
    expect(report).toMatchObject({ kind: 'weekly', period: '2026-W47', events: { targets: 4, behind: 3 } });
    // Worst first: training is 81.8 % short of what is due, employment 50 %; a ceiling of none has no share.
    expect(report.rows.map((r: { metric: string; gapPercent: number }) => [r.metric, r.gapPercent])).toEqual([['trained', 81.8], ['employed', 50], ['zero_employment_households', null]]);
    const sheet = (await workbook(await binary(county.get(`/api/v1/monitoring/reports/${id}?format=xlsx`)))).worksheets[0]!;
    expect(String(sheet.getCell('A1').value)).toBe('周调度 2026-W47');
    expect(sheet.getRow(4).values).toContain('培训人数');
    // Announced to everyone's administrators in the prefecture: county B hears of it too (its own rows are none).
    expect((await countyB.get('/api/v1/notices')).body.items).toEqual([expect.objectContaining({ kind: 'report_weekly', text: '2026-W47 周调度已生成', link: { entity: 'report', id } })]);
    expect((await countyB.get(`/api/v1/monitoring/reports/${id}`)).body.rows).toEqual([]);
  });

  it('registers assistance projects and fills 附件1 and 附件2 in the forms’ layout', async () => {
    const project = (who: Staff, body: object) => who.post('/api/v1/projects', { startedOn: '2026-01-01', ...body });
    const workshop = await project(county, { kind: 'workshop', name: '南沙帮扶车间', summary: '服装加工', regionCode: REGIONS.townA.code, jobsTotal: 30, jobsLifted: 12, relocationSite: true, contactName: '李主任', contactPhone: '138 0013 8000' });
    expect(workshop.status).toBe(201);
    expect(workshop.body).toMatchObject({ contactPhone: '138****8000', relocationSite: true });
    // A work-relief project's head-counts are the register's; typed ones stand only with a reason (shown in 备注).
    await project(county, { kind: 'work_relief', name: '南沙乡村道路以工代赈项目', regionCode: REGIONS.countyA.code, jobsTotal: 3, jobsLifted: 1, jobsOverrideReason: '施工队临时用工未登记', keyCounty: true });
    await project(county, { kind: 'labour_cooperative', name: '元阳劳务合作社', regionCode: REGIONS.countyA.code });
    await project(county, { kind: 'labour_cooperative', name: '已撤销合作社', regionCode: REGIONS.countyA.code, startedOn: '2024-01-01', endedOn: '2025-06-30' });
    await project(countyB, { kind: 'labour_brand', name: '红河梯田工匠', regionCode: REGIONS.countyB.code });
    expect((await project(county, { kind: 'workshop', name: '多报', regionCode: REGIONS.countyA.code, jobsTotal: 1, jobsLifted: 2 })).body.error.details[0].message).toBe('带动脱贫人口就业人数不能多于带动就业人数');
    await expectRefusedUnwritten(h, () => project(county, { kind: 'workshop', name: '号码', regionCode: REGIONS.countyA.code, contactPhone: '12345' }), 'validation_failed');
    await expectRefusedUnwritten(h, () => project(county, { kind: 'workshop', name: '别县', regionCode: REGIONS.countyB.code }), 'forbidden', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => project(county, { kind: 'cinema', name: '电影院', regionCode: REGIONS.countyA.code }), 'validation_failed');
    await expectRefusedUnwritten(h, () => countyB.get(`/api/v1/projects/${workshop.body.id}`), 'not_found', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => county.patch(`/api/v1/projects/${workshop.body.id}`, { jobsLifted: 31 }), 'validation_failed');
    expect((await county.patch(`/api/v1/projects/${workshop.body.id}`, { jobsTotal: 32 })).body.jobsTotal).toBe(32);
    expect((await county.get('/api/v1/projects?kind=labour_cooperative')).body.total).toBe(2);
    // A "乐业搬迁" fair held in the county this year, and one still in draft that does not count.
    const fair = (status: 'ended' | 'draft') => ({ kind: 'on_site' as const, title: '乐业搬迁专场招聘会', regionCode: REGIONS.countyA.code, startsAt: new Date('2026-05-10T01:00:00Z'), endsAt: new Date('2026-05-10T05:00:00Z'), audience: { regionCode: REGIONS.countyA.code }, campaign: '乐业搬迁专场', status, checkinCode: `C${status}` });
    await h.ctx.db.insert(jobFairs).values([fair('ended'), fair('draft')] as never);

    const form = (await prefecture.get('/api/v1/monitoring/forms/progress?year=2026')).body;
    expect(form.asOf).toBe('2026-11-16');
    const a = form.rows.find((r: { regionCode: string }) => r.regionCode === REGIONS.countyA.code);
    // Workshop: one, g worked in it. Work relief: the project's three beat the register's one (f). Public-welfare
    // posts this year: b, c, d (a's ended last year). Trained this year: a and g. Relocated and in work: g.
    expect(a).toEqual({ regionCode: REGIONS.countyA.code, name: '元阳县', alliances: 0, brands: 0, bases: 0, cooperatives: 1, workshops: 1, workshopLifted: 1, workReliefJobs: 3, workReliefLifted: 1, publicWelfareLifted: 3, trainedLifted: 2, relocationEmployedLifted: 1, relocationFairs: 1 });
    expect(form.rows.find((r: { regionCode: string }) => r.regionCode === REGIONS.countyB.code)).toMatchObject({ brands: 1, workshops: 0 });
    expect(form.total).toMatchObject({ name: '合计', brands: 1, cooperatives: 1, publicWelfareLifted: 3 });
    // County A's reader gets its own row only.
    expect((await county.get('/api/v1/monitoring/forms/progress?year=2026')).body.rows).toHaveLength(1);
    await expectRefusedUnwritten(h, () => countyB.get(`/api/v1/monitoring/forms/progress?year=2026&regionCode=${REGIONS.countyA.code}`), 'not_found', { writes: AUDITED });

    const one = (await workbook(await binary(prefecture.get('/api/v1/monitoring/forms/progress?year=2026&format=xlsx')))).worksheets[0]!;
    expect(one.getCell('A1').value).toBe('防止返贫就业攻坚行动推进情况表');
    expect(one.getCell('M2').value).toBe('填表日期：2026年11月16日');
    expect(one.getCell('A3').value).toBe('市、县（市、区）');
    expect(one.getCell('F3').value).toBe('就业帮扶车间个数');
    expect(one.getCell('G4').value).toBe('吸纳脱贫人口数');
    expect(one.getCell('H3').value).toBe('以工代赈吸纳当地农村劳动力就业人数');
    expect(one.getCell('M3').value).toBe('举办“乐业搬迁（迁建）”专场招聘活动次数');
    expect(one.getRow(5).values).toEqual([undefined, '元阳县', 0, 0, 0, 1, 1, 1, 3, 1, 3, 2, 1, 1]);
    expect(one.getCell('A7').value).toBe('合计');
    expect(String(one.getCell('A8').value)).toMatch(/^注：相关数据填当年累计数/);

    const listJson = (await prefecture.get('/api/v1/monitoring/forms/projects?year=2026')).body;
    expect(listJson.items.map((i: { name: string; seq: number }) => `${i.seq}.${i.name}`)).toEqual(['1.元阳劳务合作社', '2.南沙乡村道路以工代赈项目', '3.南沙帮扶车间', '1.红河梯田工匠']);
    const two = (await workbook(await binary(prefecture.get('/api/v1/monitoring/forms/projects?year=2026&format=xlsx')))).worksheets[0]!;
    expect(two.getCell('A1').value).toBe('脱贫人口就业帮扶项目清单');
    expect(two.getCell('A2').value).toBe('红河哈尼族彝族自治州');
    expect(two.getCell('E3').value).toBe('带动就业人数');
    expect(two.getCell('F4').value).toBe('带动脱贫人口就业人数');
    expect(two.getRow(5).values).toEqual([undefined, '元阳县', 1, '元阳劳务合作社', '', 0, 0, '否', '', '', '']);
    expect(two.getRow(6).values).toEqual([undefined, '元阳县', 2, '南沙乡村道路以工代赈项目', '', 3, 1, '①', '', '', '人数为填报数（原因：施工队临时用工未登记；系统登记0人，其中脱贫人口0人）']);
    expect(two.getRow(7).values).toEqual([undefined, '元阳县', 3, '南沙帮扶车间', '服装加工', 32, 12, '②', '李主任', '13800138000', '']);
    expect(two.getRow(9).values).toEqual([undefined, '合计', '', '', '', 35, 13, '', '', '', '']);
    const audits = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'forms.projects'));
    expect(audits.length).toBe(2);
  });

  it('draws the 13-month chart as SVG and PNG', async () => {
    const svg = await binary(county.get('/api/v1/monitoring/trend/chart?month=2026-10'));
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const text = (svg.body as Buffer).toString('utf8');
    expect(text).toMatch(/^<svg/);
    expect(text).toContain('元阳县 近月务工规模与收入');
    expect(text).toContain('2025-10');
    expect(text).toContain('2026-10');
    const png = await binary(county.get('/api/v1/monitoring/trend/chart?format=png'));
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // 1440 pixels wide, as asked of the rasteriser.
    expect((png.body as Buffer).readUInt32BE(16)).toBe(1440);
    await expectRefusedUnwritten(h, () => countyB.get(`/api/v1/monitoring/trend/chart?regionCode=${REGIONS.countyA.code}`), 'not_found', { writes: AUDITED });
    await expectRefusedUnwritten(h, () => county.get('/api/v1/monitoring/trend/chart?format=gif'), 'validation_failed');
  });
});
