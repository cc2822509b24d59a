import { eq } from 'drizzle-orm';
import request from 'supertest';
import type { App } from 'supertest/types';
import ExcelJS from 'exceljs';
import { employmentRecords, workers } from '../../src/db/schema';
import { LIFTED_GROUP } from '../../src/monitoring/categories';
import { shanghaiDate } from '../../src/shared/time';
import { startWorkers, type Workers } from '../../jobs/workers';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { until } from '../helpers/wait';

type Item = { regionCode: string; category: string; figures: Record<string, number | null> };

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/**
 * 防止返贫致贫对象, the name the monitored carry since 2026, and the wider scope of monitoring (any rural
 * household at risk), beside records kept under the old name 防止返贫监测对象. At today's date: nothing here
 * depends on the day, and the clock is the real one.
 */
describe('防止返贫致贫对象 beside 防止返贫监测对象 (seed 000 national §1, seed 001 §1: 脱贫人口 含监测对象)', () => {
  let h: Harness;
  let app: App;
  let county: Staff;
  let running: Workers;
  const today = shanghaiDate(new Date());
  const month = today.slice(0, 7);
  const year = today.slice(0, 4);

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    app = appOf(h);
    county = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code });
    running = startWorkers(h.ctx, { only: ['imports'] });
  });
  afterAll(async () => {
    await running.close();
    await h.close();
  });

  it('registers a person from an ordinary rural household at risk under the 2026 name, and only there', async () => {
    const ok = await county.post('/api/v1/workers', workerInput({ name: '普通农户', category: 'at_risk', monitoringType: 'other_at_risk' }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ category: 'at_risk', monitoringType: 'other_at_risk' });
    // The old name keeps working for the three old types …
    const old = await county.post('/api/v1/workers', workerInput({ category: 'monitored', monitoringType: 'unstable' }));
    expect(old.status).toBe(201);
    // … but the widened scope is the 2026 one, so it is refused under the old name, with the reason in words.
    const wider = await county.post('/api/v1/workers', workerInput({ category: 'monitored', monitoringType: 'other_at_risk' }));
    expect(wider.status).toBe(400);
    expect(wider.body.error.details).toContainEqual({ path: 'body.monitoringType', message: '“其他有返贫致贫风险农户”是2026年起扩大的监测范围，人员类别请选“防止返贫致贫对象”' });
    const noType = await county.post('/api/v1/workers', workerInput({ category: 'at_risk' }));
    expect(noType.status).toBe(400);
    expect(noType.body.error.details).toContainEqual({ path: 'body.monitoringType', message: '防止返贫监测对象（防止返贫致贫对象）需要填写监测类型' });
    // The database holds the same line, whoever writes.
    const err = await h.ctx.db.update(workers).set({ monitoringType: 'other_at_risk' }).where(eq(workers.id, old.body.id)).catch((e: { cause?: { constraint?: string } }) => e);
    expect((err as { cause?: { constraint?: string } }).cause?.constraint).toBe('workers_other_at_risk');
  });

  it('moving a record from the old name to the new one keeps its type; leaving the group drops it', async () => {
    const made = await county.post('/api/v1/workers', workerInput({ category: 'monitored', monitoringType: 'marginal' }));
    const renamed = await county.patch(`/api/v1/workers/${made.body.id}`, { category: 'at_risk', version: 1 });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ category: 'at_risk', monitoringType: 'marginal' });
    const out = await county.patch(`/api/v1/workers/${made.body.id}`, { category: 'lifted', version: 2 });
    expect(out.body).toMatchObject({ category: 'lifted', monitoringType: null });
  });

  it('counts both names inside 脱贫人口 and 农村低收入人口 apart, in the month’s figures and in 附件1 (seed 000 national §1, seed 001 §1, §3.4)', async () => {
    const own = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code });
    const village = { regionCode: REGIONS.villageB.code };
    const L = await own.post('/api/v1/workers', workerInput({ ...village, category: 'lifted' }));
    const M = await own.post('/api/v1/workers', workerInput({ ...village, category: 'monitored', monitoringType: 'sudden_hardship' }));
    const A = await own.post('/api/v1/workers', workerInput({ ...village, category: 'at_risk', monitoringType: 'other_at_risk' }));
    const I = await own.post('/api/v1/workers', workerInput({ ...village, category: 'low_income' }));
    const post = (workerId: string) => ({ workerId, startDate: today, placeRegionCode: REGIONS.countyB.code, monthlyIncomeFen: 100000, kind: 'public_welfare' as const, source: 'station' as const });
    await h.ctx.db.insert(employmentRecords).values([post(L.body.id), post(M.body.id), post(A.body.id), post(I.body.id)]);
    const res = await own.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyB.code}&month=${month}`);
    expect(res.status).toBe(200);
    const of = (category: string) => (res.body.items as Item[]).find((i) => i.regionCode === REGIONS.countyB.code && i.category === category)?.figures;
    // 脱贫人口 含监测对象: L, M (old name) and A (new name); I is 农村低收入人口, never inside.
    expect(of(LIFTED_GROUP)).toMatchObject({ registered: 3, employed: 3, publicWelfare: 3 });
    expect(of('at_risk')).toMatchObject({ registered: 1, employed: 1 });
    expect(of('monitored')).toMatchObject({ registered: 1, employed: 1 });
    expect(of('low_income')).toMatchObject({ registered: 1, employed: 1 });
    // 附件1 乡村公益性岗位安置脱贫人口数: the three of 脱贫人口, not the low-income holder.
    const form = await own.get(`/api/v1/monitoring/forms/progress?year=${year}`);
    expect(form.status).toBe(200);
    expect(form.body.total.publicWelfareLifted).toBe(3);
  });

  it('a filter for 防止返贫监测对象 finds those registered under either name', async () => {
    const listed = await county.get('/api/v1/workers?category=monitored&pageSize=100');
    const categories = new Set((listed.body.items as Array<{ category: string }>).map((w) => w.category));
    expect(categories).toEqual(new Set(['monitored', 'at_risk']));
  });

  it('reads the 2026 name on import and writes each record’s own name on export', async () => {
    const oldId = validIdNumber();
    const before = await county.post('/api/v1/workers', workerInput({ idNumber: oldId, category: 'monitored', monitoringType: 'unstable' }));
    const byName = validIdNumber();
    const byType = validIdNumber();
    const header = [...FORM_HEADER, '人员类别', '监测类型'];
    const blank = (name: string, id: string, category: string, type: string) => ['1', name, '', id, '汉族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', '', category, type];
    const file = csv([
      header,
      blank('新名称', byName, '防止返贫致贫对象', '其他有返贫致贫风险农户'),
      // A type with no category is a monitored person, under the 2026 name when new …
      blank('只有类型', byType, '', '边缘易致贫户'),
      // … and someone registered under the old name keeps it.
      blank('旧记录', oldId, '', '突发严重困难户'),
    ]);
    const res = await request(app).post(`/api/v1/imports?regionCode=${REGIONS.villageA.code}`).set('Authorization', `Bearer ${county.token}`).attach('file', file, '名单.csv');
    expect(res.status).toBe(202);
    const done = await until(async () => (await county.get(`/api/v1/imports/${res.body.id}`)).body, (b) => b.status === 'done');
    expect(done.counts).toMatchObject({ created: 2, updated: 1, rejected: 0 });
    const one = async (id: string) => (await h.ctx.db.select().from(workers).where(eq(workers.idNumberHash, h.ctx.pii.index('id', id))))[0]!;
    expect(await one(byName)).toMatchObject({ category: 'at_risk', monitoringType: 'other_at_risk' });
    expect(await one(byType)).toMatchObject({ category: 'at_risk', monitoringType: 'marginal' });
    expect(await one(oldId)).toMatchObject({ id: before.body.id, category: 'monitored', monitoringType: 'sudden_hardship' });

    const exported = await request(app).get('/api/v1/exports/workers?category=at_risk').set('Authorization', `Bearer ${county.token}`).buffer(true).parse(binary);
    expect(exported.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.body as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => cells.push(...(row.values as unknown[]).map((v) => String(v ?? ''))));
    expect(cells).toEqual(expect.arrayContaining(['防止返贫致贫对象', '防止返贫监测对象', '其他有返贫致贫风险农户']));
  });
});
