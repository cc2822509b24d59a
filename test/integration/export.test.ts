import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import request from 'supertest';
import type { App } from 'supertest/types';
import { auditLog } from '../../src/db/schema';
import { ManualClock } from '../../src/shared/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { AUDITED, expectRefused, expectRefusedUnwritten } from '../helpers/refused';

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function rowsOf(data: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0]!.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return out;
}

describe('exporting the official form', () => {
  let h: Harness;
  let app: App;
  let station: Staff;
  let revealer: Staff;
  let approver: Staff;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await createHarness({ clock: new ManualClock('2026-06-10T03:00:00Z') });
    await seedRegions(h.ctx.db);
    app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
    revealer = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code, canRevealPii: true });
    approver = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code, canRevealPii: true });
    for (const [name, laborCapacity] of [['甲', 'full'], ['乙', 'weak'], ['丙', 'none']] as const) {
      const idNumber = validIdNumber();
      ids.push(idNumber);
      const w = (await station.post('/api/v1/workers', workerInput({ name, idNumber, laborCapacity, phone: '13912340000' }))).body;
      if (name === '甲') await station.post(`/api/v1/workers/${w.id}/employment`, { employerName: '元阳某厂', place: '云南省红河州元阳县', startDate: '2026-02-01' });
    }
    const other = await signIn(h, app, { regionCode: REGIONS.countyB.code });
    await other.post('/api/v1/workers', workerInput({ name: '外县人', regionCode: REGIONS.villageB.code }));
  });
  afterAll(() => h.close());

  it('gives the region’s people in the form’s columns, masked by default, and records the export', async () => {
    const res = await request(app).get('/api/v1/exports/workers').set('Authorization', `Bearer ${station.token}`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('workers-532528.xlsx');
    const rows = await rowsOf(res.body as Buffer);
    // Seed 003 attachment: two header rows, 已就业人员就业信息 over its three columns.
    expect(rows[1]!.slice(0, 16)).toEqual(['序号', '姓名', '性别', '证件号码', '民族', '政治面貌', '文化程度', '健康状况', '劳动能力', '联系方式', '是否已就业', '已就业人员就业信息', '已就业人员就业信息', '已就业人员就业信息', '未就业人员就业意向（县内/县外）', '未就业人员就业服务需求']);
    expect(rows[2]!.slice(11, 14)).toEqual(['就业地点（X省X市X县）', '就业单位名称', '就业时间']);
    const data = rows.slice(3);
    expect(data.map((r) => r[1]).sort()).toEqual(['丙', '乙', '甲']);
    const jia = data.find((r) => r[1] === '甲')!;
    expect(jia[3]).toMatch(/^532528\*{8}\d{3}[\dX]$/);
    expect(jia[9]).toBe('139****0000');
    expect(jia.slice(10, 14)).toEqual(['是', '云南省红河州元阳县', '元阳某厂', '2026-02-01']);
    expect(JSON.stringify(rows)).not.toContain(ids[0]);
    const [audit] = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'export.workers'));
    expect(audit).toMatchObject({ actorId: station.id, details: { masked: true } });
    const [done] = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'export.workers.done'));
    expect(done).toMatchObject({ actorId: station.id, details: { rows: 3, masked: true } });
  });

  it('filters, e.g. weak and partial labour for public-welfare posts (seed 004 §12)', async () => {
    const res = await request(app).get('/api/v1/exports/workers?laborCapacity=weak').set('Authorization', `Bearer ${station.token}`).buffer(true).parse(binary);
    expect((await rowsOf(res.body as Buffer)).slice(3).map((r) => r[1])).toEqual(['乙']);
  });

  it('unmasked only with a second administrator’s approval, used once, and then it can be imported again unchanged', async () => {
    await expectRefusedUnwritten(h, () => station.post('/api/v1/exports/requests', { purpose: '年度就业核对' }), 'forbidden', { writes: AUDITED });
    // Without an approval, even with the permission and a purpose.
    const bare = await revealer.get(`/api/v1/exports/workers?reveal=true&purpose=${encodeURIComponent('年度核对')}`);
    expectRefused(bare, 'validation_failed');
    expect(bare.body.error.details[0].path).toBe('query.approval');

    const asked = await revealer.post('/api/v1/exports/requests', { purpose: '年度核对' });
    expect(asked.status).toBe(201);
    expect(asked.body.status).toBe('pending');
    await expectRefusedUnwritten(h, () => revealer.get(`/api/v1/exports/workers?reveal=true&approval=${asked.body.id}`), 'forbidden', { writes: AUDITED });
    // Nobody approves their own request.
    await expectRefusedUnwritten(h, () => revealer.post(`/api/v1/exports/requests/${asked.body.id}/approve`), 'forbidden', { writes: AUDITED });
    const ok = await approver.post(`/api/v1/exports/requests/${asked.body.id}/approve`);
    expect(ok.body).toMatchObject({ status: 'approved', decidedBy: approver.id });
    // Only the one who asked may use it.
    await expectRefusedUnwritten(h, () => approver.get(`/api/v1/exports/workers?reveal=true&approval=${asked.body.id}`), 'forbidden', { writes: AUDITED });

    const res = await request(app)
      .get(`/api/v1/exports/workers?reveal=true&approval=${asked.body.id}`)
      .set('Authorization', `Bearer ${revealer.token}`)
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const rows = await rowsOf(res.body as Buffer);
    expect(rows.slice(3).map((r) => r[3]).sort()).toEqual([...ids].sort());
    // Used once.
    await expectRefusedUnwritten(h, () => revealer.get(`/api/v1/exports/workers?reveal=true&approval=${asked.body.id}`), 'forbidden', { writes: AUDITED });
    const again = await request(app).post('/api/v1/imports?dryRun=true').set('Authorization', `Bearer ${station.token}`).attach('file', res.body as Buffer, 'roundtrip.xlsx');
    expect(again.body.counts).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
    const audits = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'export.workers'));
    expect(audits.find((a) => a.details?.masked === false)).toMatchObject({ actorId: revealer.id, details: { purpose: '年度核对', approval: asked.body.id, approvedBy: approver.id } });
    const listed = await approver.get('/api/v1/exports/requests');
    expect(listed.body.items.find((r: { id: string }) => r.id === asked.body.id)).toMatchObject({ status: 'used' });
  });
});
