import { eq } from 'drizzle-orm';
import request from 'supertest';
import type { App } from 'supertest/types';
import { employmentRecords, households, workers } from '../../src/db/schema';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, validIdNumber } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { csv, FORM_HEADER, officialXlsx } from '../helpers/sheets';
import { until } from '../helpers/wait';
import { expectRefused } from '../helpers/refused';

describe('importing the official form (农村贫困劳动力就业信息表, seed 003)', () => {
  let h: Harness;
  let app: App;
  let station: Staff;
  let workersRunning: Workers;
  // Today, whenever the suite runs: the form's dates (births, jobs begun in 2025 and 2026) all lie before it.
  const clock = new ManualClock(new Date().toISOString());

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
    workersRunning = startWorkers(h.ctx, { only: ['imports'] });
  });
  afterAll(async () => {
    await workersRunning.close();
    await h.close();
  });

  /** People in the form without a 行政区划代码 column live in the village chosen for the import (a home is a village). */
  const home = (query: string) => (query.includes('regionCode=') ? query : `${query}${query ? '&' : '?'}regionCode=${REGIONS.villageA.code}`);
  const upload = (file: Buffer, name: string, query = '') =>
    request(app).post(`/api/v1/imports${home(query)}`).set('Authorization', `Bearer ${station.token}`).attach('file', file, name);

  it('a dry run of a messy CSV in GB18030 reports every row and writes nothing', async () => {
    const ok1 = validIdNumber({ birth: '1980-02-02', sex: 'male' });
    const ok2 = validIdNumber({ birth: '1992-12-20', sex: 'female' });
    const bad = ok1.slice(0, 17) + (ok1[17] === '0' ? '1' : '0');
    const file = csv(
      [
        ['农村贫困劳动力就业信息表', '', '', ''],
        ['填报单位：元阳县南沙镇', '', '', ''],
        FORM_HEADER.map((hd) => ` ${hd} `),
        ['1', '张 三'.replace(' ', ''), '男', ok1, '哈尼族', '群众', '初中', '健康', '普通劳动力', '139 1234 5678', '是', '浙江省宁波市', '宁波某电子厂', '45000', '县外', '职业介绍'],
        ['', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''],
        ['2', '李四妹', '女', ok2.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)), '彝族', '群众', '小学', '长期慢性病', '弱劳动力', '', '否', '', '', '', '县内', '技能培训、职业介绍'],
        ['3', '王五', '男', bad, '汉族', '群众', '高中', '健康', '普通劳动力', '', '是', '云南省红河州', '某公司', '2024年3月', '县内', ''],
        ['4', '赵六', '男', ok1, '汉族', '群众', '高中', '健康', '普通劳动力', '', '否', '', '', '', '县内', ''],
        ['5', '钱七', '未知', validIdNumber(), '汉族', '群众', '高中', '很好', '普通劳动力', '', '也许', '', '', '', '县内', ''],
      ],
      'gb18030',
    );
    const res = await upload(file, '信息表.csv', '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 3 });
    const byRow = (n: number) => res.body.rows.filter((r: { row: number }) => r.row === n);
    expect(byRow(7)).toEqual([{ row: 7, column: '证件号码', reason: '身份证号码校验位不对，请核对是否抄错' }]);
    expect(byRow(8)).toEqual([{ row: 8, column: '证件号码', reason: '与第 4 行的证件号码重复' }]);
    expect(byRow(9).map((r: { column: string }) => r.column).sort()).toEqual(['健康状况', '性别', '是否已就业']);
    expect(await h.ctx.db.select().from(workers)).toHaveLength(0);
  });

  it('the dry-run report can be downloaded as a spreadsheet', async () => {
    const file = csv([FORM_HEADER, ['1', '孙八', '男', '123', '', '', '', '', '', '', '', '', '', '', '', '']]);
    const res = await upload(file, 'x.csv', '?dryRun=true&format=xlsx').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK');
  });

  it('a real import of an XLSX with a merged two-row header runs in the background and accounts for every row', async () => {
    const a = validIdNumber({ birth: '1975-05-05', sex: 'male' });
    const b = validIdNumber({ birth: '1988-08-08', sex: 'female' });
    const c = validIdNumber({ birth: '1990-01-01', sex: 'male' });
    const file = await officialXlsx([
      [1, '普阿妹', '女', b, '哈尼族', '群众', '初中', '健康', '普通劳动力', '13800001111', '是', '广东省东莞市', '东莞某厂', 45292, '县外', '职业介绍'],
      [2, '李阿四', '男', a, '彝族', '群众', '小学', '健康', '半劳动力', '', '否', null, null, null, '县内', '技能培训'],
      [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
      [3, '马小龙', '男', c, '回族', '群众', '高中', '残疾', '弱劳动力', '', '是', '云南省红河州元阳县', '梯田合作社', new Date('2025-11-01T00:00:00Z'), '县内', ''],
      [4, '错行', '男', 'abc', '', '', '', '', '', '', '', null, null, null, '', ''],
    ]);
    const res = await upload(file, '元阳县.xlsx');
    expect(res.status).toBe(202);
    expect(res.body.totalRows).toBe(4);
    const done = await until(
      async () => (await station.get(`/api/v1/imports/${res.body.id}`)).body,
      (b) => b.status === 'done',
    );
    expect(done).toMatchObject({ status: 'done', progress: { processed: 4, total: 4, percent: 100 }, counts: { created: 3, updated: 0, unchanged: 0, rejected: 1 } });
    expect(done.rows).toEqual([{ row: 8, column: '证件号码', reason: '身份证号码应为 18 位：17 位数字加最后一位数字或 X' }]);
    const { created, updated, unchanged, rejected } = done.counts;
    expect(created + updated + unchanged + rejected).toBe(done.progress.total);

    const [pu] = await h.ctx.db.select().from(workers).where(eq(workers.name, '普阿妹'));
    expect(pu).toMatchObject({ sex: 'female', employed: true, intention: 'out_of_county', regionCode: REGIONS.villageA.code });
    const jobs = await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, pu!.id));
    // Excel serial 45292 is 2024-01-01.
    expect(jobs).toMatchObject([{ employerName: '东莞某厂', place: '广东省东莞市', startDate: '2024-01-01', source: 'import' }]);
    const [ma] = await h.ctx.db.select().from(workers).where(eq(workers.name, '马小龙'));
    expect(ma).toMatchObject({ health: 'disabled', laborCapacity: 'weak' });

    // The file itself is dropped once the import has run.
    const report = await station.get(`/api/v1/imports/${res.body.id}/report`);
    expect(report.status).toBe(200);

    // The same file again changes nothing; one person changed job since is updated.
    const again = await officialXlsx([
      [1, '普阿妹', '女', b, '哈尼族', '群众', '初中', '健康', '普通劳动力', '13800001111', '是', '广东省东莞市', '东莞某厂', 45292, '县外', '职业介绍'],
      [2, '李阿四', '男', a, '彝族', '群众', '小学', '健康', '半劳动力', '', '是', '云南省红河州元阳县', '公益性岗位', '2026-05', '县内', '技能培训'],
      [3, '马小龙', '男', c, '回族', '群众', '高中', '残疾', '弱劳动力', '', '是', '云南省红河州元阳县', '梯田合作社', new Date('2025-11-01T00:00:00Z'), '县内', ''],
    ]);
    const dry = await upload(again, '元阳县.xlsx', '?dryRun=true');
    expect(dry.body.counts).toEqual({ created: 0, updated: 1, unchanged: 2, rejected: 0 });
    const second = await upload(again, '元阳县.xlsx');
    const secondDone = await until(
      async () => (await station.get(`/api/v1/imports/${second.body.id}`)).body,
      (x) => x.status === 'done',
    );
    expect(secondDone.counts).toEqual({ created: 0, updated: 1, unchanged: 2, rejected: 0 });
    const [li] = await h.ctx.db.select().from(workers).where(eq(workers.name, '李阿四'));
    expect(li?.employed).toBe(true);
    expect(await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, li!.id))).toMatchObject([{ employerName: '公益性岗位', startDate: '2026-05-01' }]);
  });

  it('groups people into households by the householder’s ID number', async () => {
    const head = validIdNumber({ birth: '1960-01-01' });
    const child = validIdNumber({ birth: '1995-01-01', sex: 'female' });
    const file = csv([
      ['姓名', '性别', '证件号码', '劳动能力', '是否已就业', '户主证件号码', '是否易地搬迁', '行政区划代码'],
      ['户主甲', '男', head, '无劳动力', '否', head, '是', REGIONS.villageA.code],
      ['女儿乙', '女', child, '普通劳动力', '否', head, '是', REGIONS.villageA.code],
    ]);
    const res = await upload(file, 'hh.csv');
    await until(async () => (await station.get(`/api/v1/imports/${res.body.id}`)).body, (x) => x.status === 'done');
    const members = await h.ctx.db.select().from(workers).where(eq(workers.regionCode, REGIONS.villageA.code));
    const ids = new Set(members.filter((m) => ['户主甲', '女儿乙'].includes(m.name)).map((m) => m.householdId));
    expect(ids.size).toBe(1);
    const [hh] = await h.ctx.db.select().from(households).where(eq(households.id, [...ids][0]!));
    expect(hh).toMatchObject({ relocated: true, regionCode: REGIONS.villageA.code });
    const zero = await station.get('/api/v1/households?zeroEmployment=true');
    expect(zero.body.items.map((x: { id: string }) => x.id)).toContain(hh!.id);
  });

  it('refuses files it cannot read, with a clear reason, and stores nothing', async () => {
    const noHeader = await upload(Buffer.from('a,b,c\n1,2,3\n'), 'x.csv', '?dryRun=true');
    expectRefused(noHeader, 'validation_failed');
    expect(noHeader.body.error.details[0].message).toContain('没有找到表头');
    const xls = await upload(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]), 'old.xls');
    expectRefused(xls, 'validation_failed');
    const notMultipart = await station.post('/api/v1/imports', { file: 'x' });
    expectRefused(notMultipart, 'validation_failed');
    const huge = await request(app)
      .post('/api/v1/imports')
      .set('Authorization', `Bearer ${station.token}`)
      .attach('file', Buffer.alloc(h.config.http.uploadLimitMb * 1024 * 1024 + 10, 'a'), 'big.csv');
    expectRefused(huge, 'payload_too_large');
  });

  it('a station cannot import into another county', async () => {
    const res = await upload(csv([FORM_HEADER]), 'x.csv', `?dryRun=true&regionCode=${REGIONS.countyB.code}`);
    expectRefused(res, 'forbidden');
  });

  it('a re-import of the short official form keeps what it does not mention (village, skills, location)', async () => {
    const idNumber = validIdNumber({ birth: '1983-03-03' });
    const made = await station.post('/api/v1/workers', { name: '杨阿三', idNumber, regionCode: REGIONS.villageA.code, skills: ['电焊'], homeLat: 23.2, homeLng: 102.8, laborCapacity: 'full' });
    expect(made.status).toBe(201);
    const file = csv([FORM_HEADER, ['1', '杨阿三', '男', idNumber, '彝族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县外', '']]);
    const dry = await upload(file, 'short.csv', '?dryRun=true');
    expect(dry.body.counts).toEqual({ created: 0, updated: 1, unchanged: 0, rejected: 0 });
    const res = await upload(file, 'short.csv');
    await until(async () => (await station.get(`/api/v1/imports/${res.body.id}`)).body, (x) => x.status === 'done');
    const after = (await station.get(`/api/v1/workers/${made.body.id}`)).body;
    expect(after).toMatchObject({ regionCode: REGIONS.villageA.code, skills: ['电焊'], homeLat: 23.2, homeLng: 102.8, ethnicity: '彝族', intention: 'out_of_county' });
  });

  it('a householder registered in another county cannot be used to reach that household', async () => {
    const countyB = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code });
    const head = validIdNumber({ region: '532529', birth: '1958-08-08' });
    const bFile = csv([['姓名', '性别', '证件号码', '户主证件号码', '是否易地搬迁', '行政区划代码'], ['县B户主', '男', head, head, '否', REGIONS.villageB.code]]);
    const bImport = await request(app).post('/api/v1/imports').set('Authorization', `Bearer ${countyB.token}`).attach('file', bFile, 'b.csv');
    await until(async () => (await countyB.get(`/api/v1/imports/${bImport.body.id}`)).body, (x) => x.status === 'done');
    const [bHousehold] = await h.ctx.db.select().from(households).where(eq(households.headIdHash, h.ctx.pii.index('id', head)));
    expect(bHousehold).toMatchObject({ relocated: false, regionCode: REGIONS.villageB.code });

    const aFile = csv([['姓名', '性别', '证件号码', '户主证件号码', '是否易地搬迁'], ['县A家属', '女', validIdNumber({ sex: 'female' }), head, '是']]);
    const dry = await upload(aFile, 'a.csv', '?dryRun=true');
    expect(dry.body.counts.rejected).toBe(1);
    expect(dry.body.rows[0]).toMatchObject({ column: '户主证件号码', reason: '此人无法在本地区登记或修改：可能已在其他地区登记，请联系县级管理员核实' });
    const real = await upload(aFile, 'a.csv');
    await until(async () => (await station.get(`/api/v1/imports/${real.body.id}`)).body, (x) => x.status === 'done');
    const [still] = await h.ctx.db.select().from(households).where(eq(households.id, bHousehold!.id));
    expect(still!.relocated).toBe(false);
    const members = await h.ctx.db.select().from(workers).where(eq(workers.householdId, bHousehold!.id));
    expect(members.map((m) => m.name)).toEqual(['县B户主']);
  });

  it('refuses a default region above county level, and codes that are not real divisions', async () => {
    const pref = await signIn(h, app, { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    const res = await request(app).post('/api/v1/imports?dryRun=true').set('Authorization', `Bearer ${pref.token}`).attach('file', csv([FORM_HEADER]), 'x.csv');
    expectRefused(res, 'validation_failed');
    expect(res.body.error.details[0].path).toBe('query.regionCode');
    const file = csv([['姓名', '性别', '证件号码', '行政区划代码'], ['某人', '男', validIdNumber(), '532528999999']]);
    const dry = await upload(file, 'x.csv', '?dryRun=true');
    expect(dry.body.rows[0]).toMatchObject({ column: '行政区划代码', reason: '没有这个行政区划代码' });
  });
});
