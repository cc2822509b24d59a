import request from 'supertest';
import type { App } from 'supertest/types';
import { households, imports, workers } from '../../src/db/schema';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, validIdNumber } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { csv, FORM_HEADER, officialXlsx } from '../helpers/sheets';
import { until } from '../helpers/wait';
import { sheetClose, sheetOpen, stringsClose, stringsOpen, textCell, workbookParts, zipOf, type Part } from '../helpers/xlsx-craft';
import { expectRefused } from '../helpers/refused';

const MB = 1024 * 1024;
/** The bound on what any import may add to the process's memory. */
const MEMORY_BOUND = 300 * MB;

/** Peak growth of RSS and heap over the values before `work`, sampled while it runs. */
async function memoryGrowth<T>(work: () => Promise<T>): Promise<{ result: T; rss: number; heap: number }> {
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 2);
  try {
    const result = await work();
    sample();
    return { result, rss: rss - before.rss, heap: heap - before.heapUsed };
  } finally {
    clearInterval(timer);
  }
}

const header = () => `<row r="1">${['姓名', '性别', '证件号码'].map((h, i) => textCell(`${'ABC'[i]}1`, h)).join('')}</row>`;

/**
 * 406 MB of shared strings (one string of 'A's, as the file found from outside had) in well under
 * a MB, and a sheet whose dimension is the whole of Excel with a value in its last column on a
 * hundred thousand rows down to row 1,048,576.
 */
function bombParts(): Part[] {
  const strings: Part['chunks'] = function* () {
    yield stringsOpen(1) + '<si><t>';
    const block = Buffer.alloc(MB, 'A');
    for (let i = 0; i < 406; i++) yield block;
    yield '</t></si>' + stringsClose;
  };
  const sheet: Part['chunks'] = function* () {
    yield sheetOpen.replace('<sheetData>', '<dimension ref="A1:XFD1048576"/><sheetData>') + header();
    for (let r = 1_048_576 - 100_000; r <= 1_048_576; r += 1000) {
      let rows = '';
      for (let k = r; k < r + 1000 && k <= 1_048_576; k++) rows += `<row r="${k}"><c r="XFD${k}" t="s"><v>0</v></c></row>`;
      yield rows;
    }
    yield sheetClose;
  };
  return workbookParts(strings, sheet);
}

describe('bounded uploads for the register import', () => {
  let h: Harness;
  let app: App;
  let station: Staff;
  let workersRunning: Workers;

  beforeAll(async () => {
    h = await createHarness({ clock: new ManualClock('2026-12-02T02:00:00Z') });
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
  const upload = (file: Buffer, name: string, query = '', lang = 'zh-CN') =>
    request(app).post(`/api/v1/imports${home(query)}`).set('Authorization', `Bearer ${station.token}`).set('Accept-Language', lang).attach('file', file, name);

  const nothingWritten = async () => {
    expect(await h.ctx.db.select().from(workers)).toHaveLength(0);
    expect(await h.ctx.db.select().from(households)).toHaveLength(0);
    expect(await h.ctx.db.select().from(imports)).toHaveLength(0);
  };

  it('a zip-bomb XLSX is refused with a plain message, writes nothing, and memory grows by less than 300 MB', async () => {
    const bomb = await zipOf(bombParts());
    expect(bomb.length).toBeLessThan(MB);
    // The route, sign-in and reader are loaded once before measuring.
    await upload(csv([FORM_HEADER]), 'warm.csv', '?dryRun=true');

    const { result, rss, heap } = await memoryGrowth(async () => ({
      dry: await upload(bomb, '信息表.xlsx', '?dryRun=true'),
      real: await upload(bomb, '信息表.xlsx'),
      english: await upload(bomb, 'register.xlsx', '', 'en'),
    }));
    for (const res of [result.dry, result.real]) {
      expectRefused(res, 'validation_failed');
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([
        { path: 'file', limit: 100, message: '文件解压后超过 100 MB，无法导入。请把表格拆分成几个较小的文件，删去图片和与登记无关的工作表后，分别上传' },
      ]);
    }
    expectRefused(result.english, 'validation_failed');
    expect(result.english.body.error.details[0].message).toContain('unpacks to more than 100 MB');
    expect(result.english.body.error.details[0].message).toContain('Split the sheet');
    expect(rss).toBeLessThan(MEMORY_BOUND);
    expect(heap).toBeLessThan(MEMORY_BOUND);
    await nothingWritten();
  });

  // The file is read on a thread whose heap is capped (IMPORT_READ_MEMORY_MB), so the bound holds also when
  // the machine is busy and the collector runs late.
  it('a file just under the unpacked limit (4.6 million distinct shared strings) is read within the same bound', async () => {
    const n = 4_600_000;
    const file = await zipOf(
      workbookParts(
        function* () {
          yield stringsOpen(n);
          for (let i = 0; i < n; i += 10_000) {
            let block = '';
            for (let j = i; j < i + 10_000; j++) block += `<si><t>${j}</t></si>`;
            yield block;
          }
          yield stringsClose;
        },
        () => [sheetOpen, header(), `<row r="2">${textCell('A2', '张三')}${textCell('B2', '男')}${textCell('C2', validIdNumber())}</row>`, sheetClose],
      ),
    );
    const { result: res, rss, heap } = await memoryGrowth(() => upload(file, '信息表.xlsx', '?dryRun=true'));
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(rss).toBeLessThan(MEMORY_BOUND);
    expect(heap).toBeLessThan(MEMORY_BOUND);
    await nothingWritten();
    // What is measured here is memory: reading 4.6 million strings takes about 35 s on an idle 2-core machine
    // and several times that on a busy one, so this test alone waits longer than the suite's 60 s.
  }, 300_000);

  it('a part that hides its size behind a small declared one is refused as unreadable, within the same bound', async () => {
    const liar = await zipOf(bombParts(), { declare: (name, size) => (name === 'xl/sharedStrings.xml' ? 4096 : size) });
    const { result: res, rss, heap } = await memoryGrowth(() => upload(liar, '信息表.xlsx', '?dryRun=true'));
    expectRefused(res, 'validation_failed');
    expect(res.body.error.details[0].message).toBe('无法读取这个文件，请确认是 .xlsx 或 .csv 格式');
    expect(rss).toBeLessThan(MEMORY_BOUND);
    expect(heap).toBeLessThan(MEMORY_BOUND);
    await nothingWritten();
  });

  it('a sheet with a value at its last row, or in its last column, is refused by that limit', async () => {
    const sheetWith = (rows: string) => zipOf(workbookParts(() => [stringsOpen(0), stringsClose], () => [sheetOpen, header(), rows, sheetClose]));
    const person = `<row r="2">${textCell('A2', '张三')}${textCell('B2', '男')}${textCell('C2', validIdNumber())}</row>`;

    const deep = await upload(await sheetWith(person + `<row r="1048576">${textCell('A1048576', '合计')}</row>`), 'deep.xlsx', '?dryRun=true');
    expectRefused(deep, 'validation_failed');
    expect(deep.body.error.details[0].message).toBe('表格第 200000 行以下还有内容，超过了一次导入的上限（200000 行）。请拆分成每个不超过 200000 行的文件，分别上传');

    const wide = await upload(await sheetWith(person.replace('</row>', `${textCell('XFD2', '备注')}</row>`)), 'wide.xlsx');
    expectRefused(wide, 'validation_failed');
    expect(wide.body.error.details[0].message).toContain('表格第 200 列以右还有内容');

    const longCell = await zipOf(
      workbookParts(
        () => [stringsOpen(1), `<si><t>${'说明'.repeat(3000)}</t></si>`, stringsClose],
        () => [sheetOpen, header(), `<row r="2">${textCell('A2', '张三')}<c r="B2" t="s"><v>0</v></c></row>`, sheetClose],
      ),
    );
    const long = await upload(longCell, 'long.xlsx', '?dryRun=true', 'en');
    expectRefused(long, 'validation_failed');
    expect(long.body.error.details[0].message).toBe(
      'A cell holds more than 5000 characters, so the file cannot be imported. Check whether a whole text was pasted into one cell, shorten it and upload again',
    );
    // Empty cells styled far down or across (as Excel writes for formatted ranges) are not content.
    const styled = await upload(await sheetWith(person + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'), 'styled.xlsx', '?dryRun=true');
    expect(styled.status).toBe(200);
    expect(styled.body.counts).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 0 });
    await nothingWritten();
  });

  it('a CSV with an overlong cell, too many columns or too many rows is refused plainly', async () => {
    const long = await upload(csv([FORM_HEADER, ['1', '张三', '男', validIdNumber(), '汉族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', '很'.repeat(5001)]]), 'long.csv', '?dryRun=true');
    expectRefused(long, 'validation_failed');
    expect(long.body.error.details[0].message).toBe('有单元格超过 5000 个字，无法导入。请检查是否把整段文字粘贴进了一个单元格，删减后再上传');

    const wideRow = ['1', '张三', '男', validIdNumber(), ...Array.from({ length: 300 }, (_, i) => `备注${i}`)];
    const wide = await upload(csv([FORM_HEADER, wideRow]), 'wide.csv');
    expectRefused(wide, 'validation_failed');
    expect(wide.body.error.details[0].message).toContain('超过了上限（200 列）');

    // A line of a million commas is refused at the column limit, not built first.
    const commas = await upload(Buffer.from(`姓名,性别,证件号码\n张三,男,1${','.repeat(1_000_000)}\n`), 'commas.csv', '?dryRun=true');
    expectRefused(commas, 'validation_failed');
    expect(commas.body.error.details[0].message).toContain('超过了上限（200 列）');

    const many = Buffer.from('姓名,性别,证件号码\n' + '张三,男,1\n'.repeat(200_000));
    const tall = await upload(many, 'tall.csv', '?dryRun=true', 'en');
    expectRefused(tall, 'validation_failed');
    expect(tall.body.error.details[0].message).toBe(
      'The sheet has content below row 200000, more than one import takes (200000 rows). Split it into files of at most 200000 rows and upload them one by one',
    );
    await nothingWritten();
  });

  it('a form cut off inside its file (the body ends before the closing boundary) is refused plainly, nothing written, the service unharmed', async () => {
    // Found from outside: the file's own stream errored with nobody listening, which ended the API's process.
    const cut = (field: string) =>
      Buffer.from(`--cutoff\r\nContent-Disposition: form-data; name="${field}"; filename="信息表.csv"\r\nContent-Type: text/csv\r\n\r\n姓名,性别,证件号码\n张三,男,`);
    const send = (field: string, lang: string) =>
      request(app)
        .post(`/api/v1/imports?dryRun=true&regionCode=${REGIONS.villageA.code}`)
        .set('Authorization', `Bearer ${station.token}`)
        .set('Accept-Language', lang)
        .set('Content-Type', 'multipart/form-data; boundary=cutoff')
        .send(cut(field));
    expectRefused(await send('file', 'zh-CN'), 'validation_failed', { path: 'file', message: '文件没有传完整，请重新上传' });
    expectRefused(await send('file', 'en'), 'validation_failed', { path: 'file', message: 'The file did not arrive whole; please upload it again' });
    // A file under another name, cut off the same way, is no more harmful.
    expectRefused(await send('attachment', 'zh-CN'), 'validation_failed', { path: 'file', message: '文件没有传完整，请重新上传' });
    await nothingWritten();
    // The same process still takes a whole file.
    const whole = await upload(csv([FORM_HEADER]), 'whole.csv', '?dryRun=true');
    expect(whole.status).toBe(200);
  });

  it('a normal XLSX still imports in the background, with its progress and its rejected rows', async () => {
    const a = validIdNumber({ birth: '1979-04-04', sex: 'male' });
    const file = await officialXlsx([
      [1, '者阿龙', '男', a, '哈尼族', '群众', '初中', '健康', '普通劳动力', '', '是', '云南省红河州', '梯田合作社', new Date('2025-03-01T00:00:00Z'), '县内', ''],
      [2, '错行', '男', '123', '', '', '', '', '', '', '', null, null, null, '', ''],
    ]);
    const { result: res, rss } = await memoryGrowth(() => upload(file, '元阳县.xlsx'));
    expect(res.status).toBe(202);
    expect(rss).toBeLessThan(MEMORY_BOUND);
    const done = await until(
      async () => (await station.get(`/api/v1/imports/${res.body.id}`)).body,
      (x) => x.status === 'done',
    );
    expect(done).toMatchObject({ progress: { processed: 2, total: 2, percent: 100 }, counts: { created: 1, rejected: 1 } });
    expect(done.rows).toEqual([{ row: 5, column: '证件号码', reason: '身份证号码应为 18 位：17 位数字加最后一位数字或 X' }]);
    expect(await h.ctx.db.select().from(workers)).toMatchObject([{ name: '者阿龙', employed: true }]);
  });
});

describe('the reading thread’s memory cap', () => {
  let h: Harness;
  let app: App;
  let station: Staff;

  beforeAll(async () => {
    // The lowest cap the setting takes: room for an ordinary sheet, not for a hundred thousand rows.
    h = await createHarness({ clock: new ManualClock('2026-12-02T02:00:00Z'), env: { IMPORT_READ_MEMORY_MB: '64' } });
    await seedRegions(h.ctx.db);
    app = appOf(h);
    station = await signIn(h, app, { regionCode: REGIONS.countyA.code });
  });
  afterAll(async () => {
    await h.close();
  });

  const upload = (file: Buffer, name: string, lang = 'zh-CN') =>
    request(app).post(`/api/v1/imports?dryRun=true&regionCode=${REGIONS.villageA.code}`).set('Authorization', `Bearer ${station.token}`).set('Accept-Language', lang).attach('file', file, name);

  it('an ordinary sheet is read within it; a file that needs more is refused plainly, nothing written, the service unharmed', async () => {
    const one = await upload(csv([FORM_HEADER, ['1', '张三', '男', validIdNumber(), '汉族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', '']]), 'one.csv');
    expect(one.status).toBe(200);
    expect(one.body.counts).toMatchObject({ created: 1, rejected: 0 });

    // 20,000 rows as an XLSX whose employer and service-need cells run to 600 characters: under 2 MB as a file, and
    // about three times what the cap holds once read as cells (an XLSX's cells are held until its merged ranges,
    // written after the rows, are known; 9,000 such rows are read within it). A CSV is packed a row at a time as it
    // is read, so it needs far less for the same rows than it did.
    const row = (i: number) => [
      String(i + 1), `者${i}`, '男', `5325${String(i).padStart(14, '0')}`, '哈尼族', '群众', '初中', '健康', '普通劳动力', `139${String(i).padStart(8, '0')}`, '是', '云南省红河州',
      `梯田合作社${i}${'梯田'.repeat(300)}`, '2025-03-01', '县内', `技能培训${i}${'很好'.repeat(300)}`,
    ];
    const letters = 'ABCDEFGHIJKLMNOP';
    const cells = (values: string[], r: number) => `<row r="${r}">${values.map((v, c) => textCell(`${letters[c]}${r}`, v)).join('')}</row>`;
    const big = await zipOf(
      workbookParts(
        () => [stringsOpen(0), stringsClose],
        function* () {
          yield sheetOpen + cells(FORM_HEADER, 1);
          for (let i = 0; i < 20_000; i++) yield cells(row(i), i + 2);
          yield sheetClose;
        },
      ),
    );
    const refused = await upload(big, 'big.xlsx');
    expectRefused(refused, 'validation_failed');
    expect(refused.body.error.details[0].message).toBe('这个文件内容太多，读取时超出了 64 MB 内存上限；请把表格分成几个较小的文件分别导入');
    const inEnglish = await upload(big, 'big.xlsx', 'en');
    expect(inEnglish.body.error.details[0].message).toBe('This file holds too much to read within the 64 MB memory limit; split the sheet into several smaller files and import them one by one');
    expect(await h.ctx.db.select().from(workers)).toHaveLength(0);
    expect(await h.ctx.db.select().from(imports)).toHaveLength(0);

    // The next file is read by a fresh thread.
    const again = await upload(csv([FORM_HEADER, ['1', '李四', '女', validIdNumber(), '汉族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', '']]), 'again.csv');
    expect(again.status).toBe(200);
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});
