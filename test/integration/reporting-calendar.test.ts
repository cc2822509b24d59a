import request from 'supertest';
import { remindDeadlines } from '../../src/reporting/calendar';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

type Item = { key: string; regionCode: string; period: string; dueOn: string; daysLeft: number; state: string; submittedAt: string | null };

const pad = (n: number) => String(n).padStart(2, '0');
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);

/**
 * The seeds' deadlines, at today's date. Seed 001 §3.4: 附件1 "每季度末月15日前报送", 附件2 "10月25日前", the summary
 * "12月15日前", sent by each city (prefecture); seed 003 (Longyan) 五: counties report "每月25日前"; seed 003 (Fujian)
 * 四: the analysis "每半年后15日内". Nothing has been sent yet, so the last date of each has passed unmet.
 */
describe('the reporting calendar (seed 001 §3.4, seed 003)', () => {
  let h: Harness;
  let prefecture: Staff;
  let countyA: Staff;
  let province: Staff;
  const today = shanghaiDate(new Date());
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const d = Number(today.slice(8, 10));

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    prefecture = await signIn(h, appOf(h), { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    countyA = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    province = await signIn(h, appOf(h), { role: 'province', regionCode: REGIONS.province.code });
  });
  afterAll(() => h.close());

  const items = async (staff: Staff) => {
    const res = await staff.get('/api/v1/reporting/calendar');
    expect(res.status).toBe(200);
    return res.body.items as Item[];
  };
  const find = (list: Item[], key: string, region: string) => list.find((i) => i.key === key && i.regionCode === region)!;

  it('shows every deadline with its source, and the last one missed as overdue for each region that sends it', async () => {
    const res = await prefecture.get('/api/v1/reporting/calendar');
    expect(res.body.asOf).toBe(today);
    const progress = res.body.deadlines.find((x: { key: string }) => x.key === 'progress_quarterly');
    expect(progress).toMatchObject({ months: [3, 6, 9, 12], day: 15, covers: 'quarter', reporterLevel: 2, remindDays: 3, active: true });
    expect(progress.source).toContain('每季度末月15日前报送');
    const list = res.body.items as Item[];
    // 附件1: the last quarter-end month's 15th on or before today.
    const q = [12, 9, 6, 3].map((mm) => `${y}-${pad(mm)}-15`).find((x) => x <= today) ?? `${y - 1}-12-15`;
    expect(find(list, 'progress_quarterly', REGIONS.prefecture.code)).toMatchObject({ dueOn: q, period: `${q.slice(0, 4)}-Q${Math.ceil(Number(q.slice(5, 7)) / 3)}`, state: 'overdue', daysLeft: -Math.round((Date.parse(today) - Date.parse(q)) / 86400_000) });
    // Longyan's monthly report: counties send it, each for itself; the prefecture sees both.
    const monthly = d >= 25 ? `${y}-${pad(m)}-25` : m === 1 ? `${y - 1}-12-25` : `${y}-${pad(m - 1)}-25`;
    for (const county of [REGIONS.countyA.code, REGIONS.countyB.code]) expect(find(list, 'work_monthly', county)).toMatchObject({ dueOn: monthly, period: monthly.slice(0, 7), state: 'overdue' });
    expect(find(list, 'work_monthly', REGIONS.prefecture.code)).toBeUndefined();
    expect(res.body.overdue).toBe(list.filter((i) => i.state === 'overdue').length);
    // A county sees its own reports only.
    expect(new Set((await items(countyA)).map((i) => i.regionCode))).toEqual(new Set([REGIONS.countyA.code]));
  });

  it('a report marked sent, or its form downloaded, is no longer overdue', async () => {
    const marked = await countyA.post('/api/v1/reporting/submissions', { key: 'work_monthly' });
    expect(marked.status).toBe(200);
    const monthly = find(await items(prefecture), 'work_monthly', REGIONS.countyA.code);
    expect(monthly.state).not.toBe('overdue');
    expect(monthly.dueOn > today).toBe(true);
    expect(find(await items(prefecture), 'work_monthly', REGIONS.countyB.code).state).toBe('overdue');
    // A county does not send 附件1: the city does.
    const wrong = await countyA.post('/api/v1/reporting/submissions', { key: 'progress_quarterly' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([{ path: 'body.regionCode', message: '这个地区不报送这项报表（报送单位是另一级）' }]);

    const download = await request(appOf(h)).get(`/api/v1/monitoring/forms/progress?year=${y}&format=xlsx`).set('Authorization', `Bearer ${prefecture.token}`);
    expect(download.status).toBe(200);
    const progress = find(await items(prefecture), 'progress_quarterly', REGIONS.prefecture.code);
    expect(progress.state).not.toBe('overdue');
    expect(progress.dueOn > today).toBe(true);
  });

  it('tells the administrators before a report is due and when one is overdue, once each', async () => {
    // 附件2 moved (by the province) to a date 20 days on, reminding 60 days before; last year's was sent.
    let target = addDays(today, 20);
    if (Number(target.slice(8, 10)) > 28) target = `${target.slice(0, 8)}28`;
    expect((await countyA.patch('/api/v1/reporting/deadlines/projects_yearly', { remindDays: 60 })).status).toBe(403);
    const moved = await province.patch('/api/v1/reporting/deadlines/projects_yearly', { months: [Number(target.slice(5, 7))], day: Number(target.slice(8, 10)), remindDays: 60 });
    expect(moved.status).toBe(200);
    await prefecture.post('/api/v1/reporting/submissions', { key: 'projects_yearly', period: String(Number(target.slice(0, 4)) - 1) });
    const projects = find(await items(prefecture), 'projects_yearly', REGIONS.prefecture.code);
    expect(projects).toMatchObject({ dueOn: target, state: 'due_soon', period: target.slice(0, 4) });

    const first = await remindDeadlines(h.ctx);
    expect(first.due).toBe(1);
    expect(first.overdue).toBeGreaterThan(0);
    const inbox = (await prefecture.get('/api/v1/notices?pageSize=100')).body.items as Array<{ kind: string; regionCode: string; text: string }>;
    const due = inbox.filter((n) => n.kind === 'report_due');
    expect(due).toHaveLength(1);
    expect(due[0]!.text).toContain('脱贫人口就业帮扶项目清单（附件2）');
    expect(due[0]!.text).toContain(`应于 ${target} 前报送`);
    // County B's monthly report is overdue, county A's was sent.
    const overdue = inbox.filter((n) => n.kind === 'report_overdue' && n.text.includes('月报'));
    expect(overdue.map((n) => n.regionCode)).toEqual([REGIONS.countyB.code]);
    expect(await remindDeadlines(h.ctx)).toEqual({ due: 0, overdue: 0 });
  });

  it('a deadline switched off by the province leaves the calendar', async () => {
    expect((await province.patch('/api/v1/reporting/deadlines/summary_yearly', { active: false })).status).toBe(200);
    expect((await items(prefecture)).some((i) => i.key === 'summary_yearly')).toBe(false);
    expect((await province.patch('/api/v1/reporting/deadlines/nothing_such', { active: false })).status).toBe(404);
  });
});
