import { eq, sql } from 'drizzle-orm';
import { employmentRecords, followUps, households, monitoringSnapshots, trainingRecords, workers } from '../../src/db/schema';
import { closeMonth } from '../../src/monitoring/service';
import { computeFigures, emptyFigures } from '../../src/monitoring/figures';
import { LIFTED_GROUP } from '../../src/monitoring/categories';
import { personWarnings, regionWarnings } from '../../src/monitoring/warnings';
import { dailyReport, monthlyBulletin } from '../../src/monitoring/reports';
import ExcelJS from 'exceljs';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { drainEvents } from '../helpers/events';

/**
 * Seed 000 national §3.2 and seed 001 §3.2: employment scale (务工规模) and income (务工收入) month by month,
 * 同比 and 环比. A synthetic county over fourteen months, every figure worked out by hand below.
 */
describe('monitoring figures, month by month from the dated records', () => {
  let h: Harness;
  let county: Staff;
  const clock = new ManualClock('2026-11-15T04:00:00Z');
  const p: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const make = async (name: string, over: Record<string, unknown> = {}) => (await county.post('/api/v1/workers', workerInput({ name, skills: [], ...over }))).body.id as string;
    p.one = await make('一号');
    p.two = await make('二号');
    p.three = await make('三号');
    p.four = await make('四号', { category: 'monitored', monitoringType: 'unstable' });
    p.five = await make('五号');
    // Registered long ago, except five (June 2026).
    await h.ctx.db.update(workers).set({ createdAt: new Date('2025-08-01T00:00:00Z') }).where(sql`${workers.id} in (${p.one}, ${p.two}, ${p.three}, ${p.four})`);
    await h.ctx.db.update(workers).set({ createdAt: new Date('2026-06-01T02:00:00Z') }).where(eq(workers.id, p.five));
    // Two and four share a household, both able to work.
    const [hh] = await h.ctx.db.insert(households).values({ regionCode: REGIONS.villageA.code }).returning();
    await h.ctx.db.update(workers).set({ householdId: hh!.id }).where(sql`${workers.id} in (${p.two}, ${p.four})`);
    const job = (workerId: string, startDate: string, endDate: string | null, placeRegionCode: string | null, monthlyIncomeFen: number | null, kind: 'public_welfare' | 'workshop' | null = null) =>
      ({ workerId, startDate, endDate, placeRegionCode, monthlyIncomeFen, kind, source: 'station' as const });
    await h.ctx.db.insert(employmentRecords).values([
      job(p.one, '2025-09-15', null, '330200', 500000), // 宁波: out of the province
      job(p.two, '2025-10-01', '2026-03-20', REGIONS.countyA.code, 300000, 'public_welfare'), // at home, a public-welfare post
      job(p.three, '2026-02-01', null, '532501', 400000, 'workshop'), // another county of the province
      job(p.five, '2026-07-01', null, null, null), // place and pay not recorded
    ]);
    await h.ctx.db.insert(trainingRecords).values({ workerId: p.four!, title: '家政服务员培训', startDate: '2026-09-10', source: 'station' });
  });
  afterAll(() => h.close());

  const of = async (month: string, region: string = REGIONS.countyA.code, category = 'all') => {
    const res = await county.get(`/api/v1/monitoring/figures?regionCode=${region}&month=${month}`);
    expect(res.status).toBe(200);
    return res.body.items.find((i: { regionCode: string; category: string }) => i.regionCode === region && i.category === category);
  };

  it('counts the register as it stood on each month’s last day', async () => {
    expect((await of('2025-09')).figures).toEqual({
      registered: 4, employed: 1, outOfProvince: 1, outOfCounty: 1, local: 0, placeUnknown: 0, publicWelfare: 0, workshop: 0, workRelief: 0,
      incomeAvgFen: 500000, incomeMedianFen: 500000, zeroEmploymentHouseholds: 1, trained: 0,
    });
    expect((await of('2025-10')).figures).toMatchObject({ employed: 2, outOfProvince: 1, outOfCounty: 1, local: 1, publicWelfare: 1, incomeAvgFen: 400000, zeroEmploymentHouseholds: 0 });
    expect((await of('2026-02')).figures).toMatchObject({ employed: 3, outOfCounty: 2, local: 1, publicWelfare: 1, workshop: 1, incomeAvgFen: 400000, incomeMedianFen: 400000 });
    // Two's job ended on 20 March: the household has nobody in work again.
    expect((await of('2026-03')).figures).toMatchObject({ employed: 2, local: 0, publicWelfare: 0, incomeAvgFen: 450000, zeroEmploymentHouseholds: 1 });
    expect((await of('2026-05')).figures.registered).toBe(4);
    expect((await of('2026-06')).figures).toMatchObject({ registered: 5, employed: 2 });
    expect((await of('2026-07')).figures).toMatchObject({ employed: 3, placeUnknown: 1, incomeAvgFen: 450000 });
    expect((await of('2026-09')).figures).toMatchObject({ employed: 3, trained: 1 });
    // Per category: four is a monitored person (防止返贫监测对象), the rest lifted.
    expect((await of('2025-09', REGIONS.countyA.code, 'monitored')).figures).toMatchObject({ registered: 1, employed: 0 });
    expect((await of('2025-09', REGIONS.countyA.code, 'lifted')).figures).toMatchObject({ registered: 3, employed: 1 });
    // The township below the county adds up to the same.
    expect((await of('2026-02', REGIONS.townA.code)).figures.employed).toBe(3);
  });

  it('gives 同比 and 环比 in per cent', async () => {
    const oct = await of('2026-10');
    expect(oct.figures.employed).toBe(3);
    expect(oct.yoy.employed).toBe(50); // 2 → 3 against October 2025
    expect(oct.mom.employed).toBe(0); // 3 → 3 against September
    expect(oct.yoy.incomeAvgFen).toBe(12.5); // 4,000 → 4,500 yuan
    const march = await of('2026-03');
    expect(march.mom.employed).toBe(-33.3); // 3 → 2
    expect(march.yoy.employed).toBe(null); // nothing recorded for March 2025
  });

  it('keeps a closed month as it was published; a late correction shows in the next month with a note', async () => {
    expect(await closeMonth(h.ctx, '2026-09')).toBeGreaterThan(0);
    expect(await closeMonth(h.ctx, '2026-09')).toBe(0);
    // Four's job in September is reported late.
    await h.ctx.db.insert(employmentRecords).values({ workerId: p.four!, startDate: '2026-09-01', endDate: null, placeRegionCode: REGIONS.countyA.code, monthlyIncomeFen: 200000, source: 'station' });
    const sep = await county.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}&month=2026-09`);
    expect(sep.body.closed).toBe(true);
    expect(sep.body.items.find((i: { regionCode: string; category: string }) => i.regionCode === REGIONS.countyA.code && i.category === 'all').figures.employed).toBe(3);
    const oct = await county.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}&month=2026-10`);
    expect(oct.body.closed).toBe(false);
    expect(oct.body.notes).toEqual(['corrected:2026-09:employed:3->4:registered:5->5']);
    expect(oct.body.items.find((i: { regionCode: string; category: string }) => i.regionCode === REGIONS.countyA.code && i.category === 'all').figures.employed).toBe(4);
    // The snapshot itself cannot be changed.
    const refused = await h.ctx.db.update(monitoringSnapshots).set({ figures: {} }).where(eq(monitoringSnapshots.month, '2026-09')).then(() => undefined, (err: Error & { cause?: Error }) => err.cause?.message ?? err.message);
    expect(refused).toMatch(/monitoring_snapshots are final/);
  });

  it('a month closed before 脱贫人口（含监测对象）had a row of its own keeps its snapshot, with that row and the townships worked out from the records', async () => {
    // A snapshot of the county alone, written the way an older close wrote it: no lifted_total row (seed 000 national §1
    // counts 脱贫人口 with 监测对象), and a figure only the snapshot has, to tell where each row came from.
    const published = { ...emptyFigures(), registered: 99, employed: 77 };
    await h.ctx.db.insert(monitoringSnapshots).values({ month: '2026-08', regionCode: REGIONS.countyA.code, category: 'all', figures: published, closedAt: new Date('2026-09-01T00:00:00Z') });
    const aug = await county.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}&month=2026-08`);
    expect(aug.status).toBe(200);
    expect(aug.body.closed).toBe(true);
    const of = (code: string, category: string) => aug.body.items.find((i: { regionCode: string; category: string }) => i.regionCode === code && i.category === category);
    expect(of(REGIONS.countyA.code, 'all').figures).toMatchObject({ registered: 99, employed: 77 });
    const [counted] = (await computeFigures(h.ctx.db, REGIONS.countyA.code, REGIONS.countyA.code.length, '2026-08')).filter((r) => r.category === LIFTED_GROUP);
    expect(counted!.figures.registered).toBe(5);
    expect(of(REGIONS.countyA.code, LIFTED_GROUP).figures).toEqual(counted!.figures);
    // The townships were never closed: counted from the records, in the same statement as that row.
    const townships = aug.body.items.filter((i: { regionCode: string }) => i.regionCode.length === 9);
    expect(townships.length).toBeGreaterThan(0);
    expect(townships.find((i: { category: string }) => i.category === LIFTED_GROUP).figures.registered).toBe(5);
  });

  it('draws the trend and keeps to the region of the caller', async () => {
    const trend = await county.get(`/api/v1/monitoring/trend?regionCode=${REGIONS.countyA.code}&month=2026-10&months=13`);
    expect(trend.body.points).toHaveLength(13);
    expect(trend.body.points[0]).toMatchObject({ month: '2025-10', employed: 2 });
    expect(trend.body.points.at(-1)).toMatchObject({ month: '2026-10', employed: 4 });
    const other = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
    expect((await other.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyA.code}`)).status).toBe(404);
    expect((await county.get('/api/v1/monitoring/figures?month=2099-01')).status).toBe(400);
    expect((await county.get('/api/v1/monitoring/figures?month=2026-13')).status).toBe(400);
  });

  it('warns a region whose employment fell by more than the threshold, until acknowledged', async () => {
    expect(await regionWarnings(h.ctx, '2026-03')).toBeGreaterThan(0);
    expect(await regionWarnings(h.ctx, '2026-03')).toBe(0);
    const list = (await county.get('/api/v1/monitoring/warnings?kind=region_decline')).body.items;
    const mine = list.find((w: { regionCode: string }) => w.regionCode === REGIONS.countyA.code);
    expect(mine).toMatchObject({ kind: 'region_decline', status: 'open', regionName: '元阳县', details: { month: '2026-03', employedMom: -33.3, employed: 2 } });
    // The county's administrators are told, once.
    const told = (await county.get('/api/v1/notices')).body.items.filter((n: { kind: string; regionCode: string }) => n.kind === 'region_decline' && n.regionCode === REGIONS.countyA.code);
    expect(told).toEqual([expect.objectContaining({ text: expect.stringContaining('元阳县 2026-03 务工规模或收入下降超过预警线（规模环比 -33.3%'), link: { entity: 'warning', id: mine.id } })]);
    // A month without a fall raises nothing for the county.
    await regionWarnings(h.ctx, '2026-02');
    expect((await county.get('/api/v1/monitoring/warnings?kind=region_decline')).body.items.filter((w: { regionCode: string }) => w.regionCode === REGIONS.countyA.code)).toHaveLength(1);
    const other = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
    expect((await other.get('/api/v1/monitoring/warnings')).body.items).toEqual([]);
    expect((await other.post(`/api/v1/monitoring/warnings/${mine.id}/acknowledge`)).status).toBe(404);
    expect((await county.post(`/api/v1/monitoring/warnings/${mine.id}/acknowledge`)).body.status).toBe('acknowledged');
    expect((await county.post(`/api/v1/monitoring/warnings/${mine.id}/acknowledge`)).status).toBe(409);
  });

  it('finds people out of work, earning much less, and households without work; each becomes a task and hears of matches once', async () => {
    const e = (await county.post('/api/v1/employers', { name: '县城食品厂', kind: 'enterprise', regionCode: REGIONS.countyA.code })).body;
    await county.post(`/api/v1/employers/${e.id}/verify`);
    await county.post('/api/v1/vacancies', { employerId: e.id, kind: 'regular', title: '食品包装工', regionCode: REGIONS.countyA.code, payMinFen: 300000, payMaxFen: 360000, payUnit: 'month', headcount: 10 });
    // Three moved to a job paying half as much in October.
    await h.ctx.db.update(employmentRecords).set({ endDate: '2026-09-30' }).where(sql`${employmentRecords.workerId} = ${p.three} and ${employmentRecords.endDate} is null`);
    await h.ctx.db.insert(employmentRecords).values({ workerId: p.three!, startDate: '2026-10-01', placeRegionCode: REGIONS.countyA.code, monthlyIncomeFen: 200000, source: 'station' });
    // Four's late-reported job was a mistake: removed from the flags as from the records.
    await h.ctx.db.delete(employmentRecords).where(eq(employmentRecords.workerId, p.four!));

    const first = await personWarnings(h.ctx);
    expect(first).toEqual({ lostJob: 1, incomeDrop: 1, zeroHouseholds: 1 });
    expect(await personWarnings(h.ctx)).toEqual({ lostJob: 0, incomeDrop: 0, zeroHouseholds: 0 });
    const open = (await county.get('/api/v1/monitoring/warnings?status=open')).body.items;
    expect(open.find((w: { kind: string }) => w.kind === 'lost_job')).toMatchObject({ workerId: p.two, details: { endedOn: '2026-03-20', days: 30 } });
    expect(open.find((w: { kind: string }) => w.kind === 'income_drop')).toMatchObject({ workerId: p.three, details: { nowFen: 200000, beforeFen: 400000 } });
    // Tasks for the station (一对一帮扶), and today's best matches to the person.
    const tasks = (await county.get('/api/v1/help-requests?status=open')).body.items.filter((r: { door: string }) => r.door === 'monitoring');
    expect(tasks.map((r: { workerId: string }) => r.workerId).sort()).toEqual([p.two, p.three, p.two, p.four].sort());
    const steps = await h.ctx.db.select({ workerId: followUps.workerId, variables: followUps.variables }).from(followUps).where(eq(followUps.sequence, 'best_matches'));
    expect(steps.some((s) => s.workerId === p.two && String(s.variables.matches).includes('食品包装工'))).toBe(true);

    // The household's case: listed with its age, and closed by itself when four is hired.
    const zero = (await county.get('/api/v1/monitoring/zero-employment')).body.items;
    expect(zero).toEqual([expect.objectContaining({ since: '2026-03-20', days: 240, members: 2, ableToWork: 2, warningId: expect.any(String) })]);
    expect((await county.post(`/api/v1/workers/${p.four}/employment`, { employerName: '县城食品厂', placeRegionCode: REGIONS.countyA.code, startDate: '2026-11-10' })).status).toBe(201);
    await drainEvents(h);
    expect((await county.get('/api/v1/monitoring/zero-employment')).body.items).toEqual([]);
    const closed = (await county.get('/api/v1/monitoring/warnings?status=closed&kind=zero_employment_household')).body.items;
    expect(closed).toHaveLength(1);
  });

  it('writes the daily report and the monthly bulletin once each, readable as JSON and XLSX and kept to the reader’s region', async () => {
    // Counties of the prefecture, ranked; the daily report counts yesterday's movements (four was hired on 10 November).
    const bulletin = await monthlyBulletin(h.ctx, '2026-03');
    expect(bulletin).not.toBeNull();
    expect(await monthlyBulletin(h.ctx, '2026-03')).toBeNull();
    const daily = await dailyReport(h.ctx, '2026-11-10');
    expect(daily).not.toBeNull();
    const list = (await county.get('/api/v1/monitoring/reports')).body.items;
    expect(list.map((r: { kind: string; period: string }) => `${r.kind}:${r.period}`)).toEqual(['daily:2026-11-10', 'monthly:2026-03']);
    const b = (await county.get(`/api/v1/monitoring/reports/${bulletin}`)).body;
    expect(b.rows).toEqual([expect.objectContaining({ rank: expect.any(Number), regionCode: REGIONS.countyA.code, name: '元阳县', employed: 2, employedMom: -33.3 })]);
    const d = (await county.get(`/api/v1/monitoring/reports/${daily}`)).body;
    expect(d.events).toEqual({ registered: 0, hired: 1, lost: 0 });
    expect(d.rows.find((r: { regionCode: string }) => r.regionCode === REGIONS.countyA.code)).toMatchObject({ employed: 4 }); // one, three, five, and four since the 10th
    // The prefecture's own row and county B's stay out of county A's copy.
    expect(d.rows.every((r: { regionCode: string }) => r.regionCode.startsWith(REGIONS.countyA.code))).toBe(true);
    const xlsx = await county.get(`/api/v1/monitoring/reports/${bulletin}?format=xlsx`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (x: Buffer) => chunks.push(x));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const sheet = wb.worksheets[0]!;
    expect(String(sheet.getCell('A1').value)).toBe('月通报 2026-03');
    expect(sheet.getRow(2).values).toContain('务工规模');
    expect(sheet.getRow(3).values).toContain('元阳县');
    // The bulletin's workbook carries the county's 13-month chart.
    expect(wb.worksheets[1]!.name).toBe('趋势图');
    expect(wb.worksheets[1]!.getImages()).toHaveLength(1);
  });
});

