import { closeReaders } from '../../src/imports';
import { openSheet, readSheet } from '../../src/imports/engine';
import { SheetRows } from '../../src/imports/sheet';
import { DEFAULT_IMPORT_LIMITS } from '../../src/config';
import { ValidationFailed } from '../../src/shared/errors';
import { csv, FORM_HEADER, officialXlsx } from '../helpers/sheets';

/**
 * An import's writing starts with the first rows of its file while the rest are still being read: the rows that
 * come that way must be the rows `readSheet` gives, and a reading that fails part-way must fail whoever waits.
 */
const person = (i: number) => [i + 1, `人${i}`, i % 2 ? '女' : '男', `5325011990${String(i).padStart(7, '0')}`, '汉族'];

describe('a sheet whose rows come as they are read', () => {
  afterAll(async () => {
    await closeReaders();
  });

  it('gives a CSV of many parts row for row as the whole reading does, a blank line and a quoted cell included', async () => {
    const rows: Array<Array<string | number>> = Array.from({ length: 12_345 }, (_, i) => person(i));
    rows[4_001] = [4_002, '"王, 五"', '男', '532501199000040011', '汉族'];
    rows[9_000] = ['', '', '', '', ''];
    const file = csv([FORM_HEADER.slice(0, 5), ...rows]);
    const whole = await readSheet('表.csv', file);
    const open = await openSheet('表.csv', file);
    expect(open.layout).toEqual(whole.layout);
    expect(await open.rows.until(Number.POSITIVE_INFINITY)).toBe(12_344);
    expect(open.rows.length).toBe(whole.rows.length);
    expect(open.rows.slice(0)).toEqual(whole.rows.slice(0));
    expect(open.rows.packed(4_000, 4_002)).toEqual(whole.rows.packed(4_000, 4_002));
    const name = [...open.layout.columns].find(([, k]) => k === 'name')![0];
    expect(open.rows.cellsAt(4_001)[name]).toBe('"王, 五"');
    // Asked again once every row is there, and past the last: the rows there are, at once.
    expect(await open.rows.until(5_000)).toBe(5_000);
    expect(await open.rows.until(20_000)).toBe(12_344);
  });

  it('gives an XLSX whole, dates and numbers as the whole reading gives them', async () => {
    const file = await officialXlsx([
      [1, '张三', '男', '532501199001011234', '汉族', '群众', '初中', '健康', '普通劳动力', 13800000000, '是', '云南省红河州元阳县', '某电子厂', new Date(Date.UTC(2026, 4, 1)), '县内', null],
      [2, '李四', null, '532501199202021234', null, null, null, null, null, null, '否', null, null, null, null, null],
    ]);
    const whole = await readSheet('表.xlsx', file);
    const open = await openSheet('表.xlsx', file);
    expect(await open.rows.until(Number.POSITIVE_INFINITY)).toBe(2);
    expect(open.layout).toEqual(whole.layout);
    expect(open.rows.slice(0)).toEqual(whole.rows.slice(0));
  });

  it('refuses a file without the form header as the whole reading does', async () => {
    const file = csv([['甲', '乙'], ['1', '2']]);
    const refusal = await readSheet('表.csv', file).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ValidationFailed);
    await expect(openSheet('表.csv', file)).rejects.toEqual(refusal);
  });

  it('fails whoever waits for rows past a cell the reader cannot read, after the rows before it came', async () => {
    const lines = [FORM_HEADER.slice(0, 5).join(','), ...Array.from({ length: 6_000 }, (_, i) => person(i).join(','))];
    // A quoted cell never closed, five thousand rows in.
    lines[5_001] = `5001,"人5000,男,532501199000050001,汉族`;
    const file = Buffer.from(lines.join('\n'), 'utf8');
    await expect(readSheet('表.csv', file)).rejects.toBeInstanceOf(ValidationFailed);
    const open = await openSheet('表.csv', file);
    await expect(open.rows.until(Number.POSITIVE_INFINITY)).rejects.toMatchObject({ details: [{ message: 'errors:detail.import.unreadable' }] });
    // What came before the failure is still there, and asking within it does not throw.
    expect(open.rows.length).toBeGreaterThanOrEqual(4_000);
    expect(await open.rows.until(2_000)).toBe(2_000);
  });

  it('stops the reading when asked, and waiting for more rows then fails instead of waiting for ever', async () => {
    // Rows enough that the reading is still under way when the stop reaches the thread, just after the header.
    const rows = Array.from({ length: 150_000 }, (_, i) => person(i));
    const file = csv([FORM_HEADER.slice(0, 5), ...rows]);
    const open = await openSheet('表.csv', file, DEFAULT_IMPORT_LIMITS);
    open.stop();
    await expect(open.rows.until(Number.POSITIVE_INFINITY)).rejects.toMatchObject({ name: 'AbortError' });
    expect(open.rows.length).toBeLessThan(150_000);
    // The threads still read the next file.
    expect((await readSheet('表.csv', csv([FORM_HEADER.slice(0, 5), person(1)]))).rows.length).toBe(1);
  });
});

describe('rows that grow while they are read', () => {
  it('wakes those waiting as rows come, and gives what there is once the reading ends', async () => {
    const rows = SheetRows.growing();
    let got: number | undefined;
    const waiting = rows.until(3).then((n) => (got = n));
    rows.append([2, 3], ['["a"]', '["b"]']);
    await Promise.resolve();
    expect(got).toBeUndefined();
    rows.append([4, 5], ['["c"]', '["d"]']);
    expect(await waiting).toBe(3);
    const last = rows.until(10);
    rows.end();
    expect(await last).toBe(4);
    expect(rows.slice(0).map(([n, c]) => [n, c[0]])).toEqual([[2, 'a'], [3, 'b'], [4, 'c'], [5, 'd']]);
    expect(() => rows.append([6], ['["e"]'])).toThrow();
  });

  it('throws the reading\'s failure to those waiting past the rows that came', async () => {
    const rows = SheetRows.growing();
    rows.append([2], ['["a"]']);
    const waiting = rows.until(2);
    const failure = new Error('the thread died');
    rows.end(failure);
    await expect(waiting).rejects.toBe(failure);
    await expect(rows.until(1)).resolves.toBe(1);
    // A later end changes nothing.
    rows.end();
    await expect(rows.until(5)).rejects.toBe(failure);
  });
});
