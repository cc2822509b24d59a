import { closeReaders } from '../../src/imports';
import { readSheet } from '../../src/imports/engine';
import { readSheetHere } from '../../src/imports/sheet';
import { poolFor } from '../../src/imports/bounded';
import { DEFAULT_IMPORT_LIMITS } from '../../src/config';
import { csv, FORM_HEADER, officialXlsx } from '../helpers/sheets';

/**
 * A sheet's rows cross from the reading thread packed (each row's cells as one text) and are unpacked a
 * slice at a time: every kind of cell must come back as it was read, whatever text a cell holds.
 */
describe('a sheet read on its thread', () => {
  afterAll(async () => {
    await closeReaders();
  });

  it('gives back dates, numbers, empty cells and text that looks like the packing itself, row by row', async () => {
    const hired = new Date(Date.UTC(2026, 4, 1));
    const file = await officialXlsx([
      [1, '张三', '男', '532501199001011234', '汉族', '群众', '初中', '健康', '普通劳动力', 13800000000, '是', '云南省红河州元阳县', '元阳县某电子厂', hired, '县内', '{"d":1}'],
      [2, '李四', null, '532501199202021234', null, null, null, null, null, null, '否', null, null, null, null, '"\\u0000",\t[]'],
    ]);
    const sheet = await readSheet('表.xlsx', file);
    const here = await readSheetHere('表.xlsx', file);
    expect(sheet.rows.length).toBe(2);
    const rows = sheet.rows.slice(0);
    expect(rows).toEqual(here.rows.slice(0));
    const [first, second] = rows;
    expect(first![0]).toBe(4);
    const cells = first![1];
    const at = (header: string) => [...sheet.layout.columns].find(([, k]) => k === header)![0];
    expect(cells[at('employmentDate')]).toBeInstanceOf(Date);
    expect((cells[at('employmentDate')] as Date).getTime()).toBe(hired.getTime());
    expect(cells[at('phone')]).toBe(13800000000);
    expect(cells[at('serviceNeeds')]).toBe('{"d":1}');
    expect(second![1][at('sex')]).toBeNull();
    expect(second![1][at('serviceNeeds')]).toBe('"\\u0000",\t[]');
  });

  it('takes a slice as an array takes it: from a start to before an end, clipped at the last row', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => [i + 1, `人${i}`, '男', `53250119900101${String(1000 + i)}`]);
    const sheet = await readSheet('表.csv', csv([FORM_HEADER.slice(0, 4), ...rows]));
    expect(sheet.rows.slice(1, 3).map(([n]) => n)).toEqual([3, 4]);
    expect(sheet.rows.slice(3).map(([n]) => n)).toEqual([5, 6]);
    expect(sheet.rows.slice(4, 99).map(([, c]) => c[0])).toEqual(['人4']);
    expect(sheet.rows.slice(7)).toEqual([]);
  });
});

describe('a reading thread that dies with no file in hand', () => {
  afterAll(async () => {
    await closeReaders();
  });

  it('leaves the process running, and the next file is read by another thread', async () => {
    const file = csv([FORM_HEADER.slice(0, 4), [1, '张三', '男', '532501199001011234']]);
    expect((await readSheet('表.csv', file)).rows.length).toBe(1);
    const pool = poolFor(DEFAULT_IMPORT_LIMITS.readMemoryMb);
    expect(pool.threads.length).toBeGreaterThan(0);
    // As a thread reports running out of memory after it has answered: the pool must not throw it at the process.
    expect(() => pool.threads[0]!.emit('error', new Error('Worker terminated due to reaching memory limit: JS heap out of memory'))).not.toThrow();
    expect((await readSheet('表.csv', file)).rows.length).toBe(1);
  });
});
