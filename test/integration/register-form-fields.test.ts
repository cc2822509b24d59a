import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import request from 'supertest';
import type { App } from 'supertest/types';
import { workers } from '../../src/db/schema';
import { shanghaiDate } from '../../src/shared/time';
import { startWorkers, type Workers } from '../../jobs/workers';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { until } from '../helpers/wait';

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** The day `years` years before `today`, moved by `days` (YYYY-MM-DD). */
function before(today: string, years: number, days = 0): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const HOME_VILLAGE = '所在地应为村（社区），不能只填到乡镇（街道）、县（市、区）、州（市）或省';
const IMPORT_HOME_VILLAGE = '所在地应为村（社区）：请加“行政区划代码”列填写村（社区）代码，或导入时选择村（社区）';

/**
 * The register's fields from the seeds' forms, at today's date: 未转移就业原因 and 劳动年龄段 (seed 003 Longyan §3:
 * "对劳动年龄段内有劳动能力的…人员…未转移就业的落实其未转移就业原因"), a home that is a village or community,
 * and 农村贫困劳动力就业信息表 (seed 003, attachment) exported with the form's two header rows.
 */
describe('the register’s form fields (seed 003)', () => {
  let h: Harness;
  let app: App;
  let station: Staff;
  let running: Workers;
  const today = shanghaiDate(new Date());

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
    running = startWorkers(h.ctx, { only: ['imports'] });
  });
  afterAll(async () => {
    await running.close();
    await h.close();
  });

  const upload = (file: Buffer, name: string, query = '') =>
    request(app).post(`/api/v1/imports${query}`).set('Authorization', `Bearer ${station.token}`).attach('file', file, name);
  const finished = async (id: string) => until(async () => (await station.get(`/api/v1/imports/${id}`)).body, (b) => b.status === 'done');

  it('a home must be a village or community: a township, county or prefecture is refused in plain words (seed 003 form: 村)', async () => {
    for (const regionCode of [REGIONS.townA.code, REGIONS.countyA.code]) {
      const res = await station.post('/api/v1/workers', workerInput({ regionCode }));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toContainEqual({ path: 'body.regionCode', message: HOME_VILLAGE });
    }
    const made = await station.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageA.code }));
    expect(made.status).toBe(201);
    const moved = await station.patch(`/api/v1/workers/${made.body.id}`, { regionCode: REGIONS.townA.code, version: 1 });
    expect(moved.status).toBe(400);
    expect(moved.body.error.details).toContainEqual({ path: 'body.regionCode', message: HOME_VILLAGE });
    // A record made before the rule, at a township, can still be corrected in other fields, and moved to a village.
    await h.ctx.db.update(workers).set({ regionCode: REGIONS.townA.code }).where(eq(workers.id, made.body.id));
    const fixed = await station.patch(`/api/v1/workers/${made.body.id}`, { education: '初中', version: 1 });
    expect(fixed.status).toBe(200);
    const home = await station.patch(`/api/v1/workers/${made.body.id}`, { regionCode: REGIONS.villageA.code, version: 2 });
    expect(home.body.regionCode).toBe(REGIONS.villageA.code);
  });

  it('derives the working-age band from the ID number at today’s date, and asks for the reason of those not in work', async () => {
    const teen = await station.post('/api/v1/workers', workerInput({ idNumber: validIdNumber({ birth: before(today, 16, 1), sex: 'female' }) }));
    expect(teen.body).toMatchObject({ ageBand: 'below', reasonMissing: false });
    const prime = await station.post('/api/v1/workers', workerInput({ idNumber: validIdNumber({ birth: before(today, 30), sex: 'male' }) }));
    expect(prime.body).toMatchObject({ ageBand: 'prime', employed: false, notTransferredReason: null, reasonMissing: true });
    const woman = await station.post('/api/v1/workers', workerInput({ idNumber: validIdNumber({ birth: before(today, 50), sex: 'female' }), notTransferredReason: ' 照顾患病家人 ' }));
    expect(woman.body).toMatchObject({ ageBand: 'older', notTransferredReason: '照顾患病家人', reasonMissing: false });
    const retired = await station.post('/api/v1/workers', workerInput({ idNumber: validIdNumber({ birth: before(today, 56), sex: 'female' }) }));
    expect(retired.body).toMatchObject({ ageBand: 'beyond', reasonMissing: false });
    const unable = await station.post('/api/v1/workers', workerInput({ idNumber: validIdNumber({ birth: before(today, 40), sex: 'male' }), laborCapacity: 'none' }));
    expect(unable.body.reasonMissing).toBe(false);

    const missing = await station.get('/api/v1/workers?reasonMissing=true&pageSize=100');
    expect(missing.body.items.map((w: { id: string }) => w.id)).toContain(prime.body.id);
    expect(missing.body.items.every((w: { reasonMissing: boolean }) => w.reasonMissing)).toBe(true);
    const working = await station.get('/api/v1/workers?workingAge=true&pageSize=100');
    const ids = working.body.items.map((w: { id: string }) => w.id);
    expect(ids).toEqual(expect.arrayContaining([prime.body.id, woman.body.id, unable.body.id]));
    expect(ids).not.toContain(teen.body.id);
    expect(ids).not.toContain(retired.body.id);

    const answered = await station.patch(`/api/v1/workers/${prime.body.id}`, { notTransferredReason: '在家务农', version: 1 });
    expect(answered.body).toMatchObject({ notTransferredReason: '在家务农', reasonMissing: false });
    const tooLong = await station.patch(`/api/v1/workers/${prime.body.id}`, { notTransferredReason: '长'.repeat(101), version: 2 });
    expect(tooLong.status).toBe(400);
  });

  it('imports the reason and refuses a home above the village, naming the way out', async () => {
    const header = [...FORM_HEADER, '未转移就业原因', '行政区划代码'];
    const row = (id: string, region: string) => ['1', '导入人', '', id, '汉族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', '', '缺乏技能', region];
    const inVillage = validIdNumber();
    const inTown = validIdNumber();
    const res = await upload(csv([header, row(inVillage, REGIONS.villageA.code), row(inTown, REGIONS.townA.code)]), '名单.csv');
    expect(res.status).toBe(202);
    const done = await finished(res.body.id);
    expect(done.counts).toMatchObject({ created: 1, rejected: 1 });
    const report = await station.get(`/api/v1/imports/${res.body.id}`);
    expect(JSON.stringify(report.body)).toContain(IMPORT_HOME_VILLAGE);
    const [w] = await h.ctx.db.select().from(workers).where(eq(workers.idNumberHash, h.ctx.pii.index('id', inVillage)));
    expect(w).toMatchObject({ regionCode: REGIONS.villageA.code, notTransferredReason: '缺乏技能' });

    // Without a region column the rows take the region chosen for the import: a county is no home, a village is.
    const bare = (id: string) => ['1', '无区划', '', id, '汉族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', ''];
    const county = await upload(csv([FORM_HEADER, bare(validIdNumber())]), '县.csv', '?dryRun=true');
    expect(county.body.counts).toMatchObject({ created: 0, rejected: 1 });
    expect(county.body.rows[0].reason).toBe(IMPORT_HOME_VILLAGE);
    const village = await upload(csv([FORM_HEADER, bare(validIdNumber())]), '村.csv', `?dryRun=true&regionCode=${REGIONS.villageA.code}`);
    expect(village.body.counts).toMatchObject({ created: 1, rejected: 0 });
  });

  it('exports the form with its two header rows, the reason and the band, and the file imports back unchanged', async () => {
    const res = await request(app).get('/api/v1/exports/workers').set('Authorization', `Bearer ${station.token}`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const row = (n: number) => (ws.getRow(n).values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)));
    // Seed 003 attachment: 已就业人员就业信息 over 就业地点 / 就业单位名称 / 就业时间; the rest across both rows.
    expect(row(2).slice(0, 16)).toEqual(['序号', '姓名', '性别', '证件号码', '民族', '政治面貌', '文化程度', '健康状况', '劳动能力', '联系方式', '是否已就业', '已就业人员就业信息', '已就业人员就业信息', '已就业人员就业信息', '未就业人员就业意向（县内/县外）', '未就业人员就业服务需求']);
    expect(row(3).slice(11, 14)).toEqual(['就业地点（X省X市X县）', '就业单位名称', '就业时间']);
    expect(row(2).slice(16, 18)).toEqual(['未转移就业原因', '劳动年龄段']);
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    expect(merges).toEqual(expect.arrayContaining(['L2:N2', 'B2:B3', 'O2:O3', 'Q2:Q3']));
    const people = Array.from({ length: ws.rowCount - 3 }, (_, i) => row(i + 4));
    const woman = people.find((p) => p[16] === '照顾患病家人');
    expect(woman?.[17]).toBe('劳动年龄内（半劳动力年龄）');
    expect(people.some((p) => p[17] === '未到劳动年龄')).toBe(true);

    // The export read back as an import: every row is recognised and nothing changes (masked ID numbers aside,
    // which an import cannot use, so the unmasked file is the one a county would send on).
    const revealer = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code, canRevealPii: true });
    const approver = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code, canRevealPii: true });
    const asked = await revealer.post('/api/v1/exports/requests', { purpose: '年度核对后回传' });
    await approver.post(`/api/v1/exports/requests/${asked.body.id}/approve`);
    const full = await request(app).get(`/api/v1/exports/workers?reveal=true&approval=${asked.body.id}`).set('Authorization', `Bearer ${revealer.token}`).buffer(true).parse(binary);
    expect(full.status).toBe(200);
    const back = await upload(full.body as Buffer, '导出.xlsx', '?dryRun=true');
    expect(back.status).toBe(200);
    const total = ws.rowCount - 3;
    expect(back.body.counts).toEqual({ created: 0, updated: 0, unchanged: total, rejected: 0 });
  });
});
