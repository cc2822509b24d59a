import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { ValidationFailed } from '../../shared/errors';

/** One cell as read from the file: text, a number (Excel may store dates as serial numbers) or a date. */
export type Cell = string | number | Date | null;

/** The rows of the first worksheet (or the CSV), each an array of cells; row i is spreadsheet row i+1. */
export async function readGrid(fileName: string, data: Buffer): Promise<Cell[][]> {
  const isXlsx = data.subarray(0, 2).toString('latin1') === 'PK';
  if (isXlsx) return readXlsx(data);
  if (/\.xls$/i.test(fileName) || data.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new ValidationFailed('old excel format', [{ path: 'file', message: 'errors:detail.import.xls' }]);
  }
  return readCsv(data);
}

/** CSV from Excel in China is often GB18030 (GBK); UTF-8 with or without BOM is read as it is. */
export function decodeText(data: Buffer): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data[0] === 0xff && data[1] === 0xfe) return iconv.decode(data.subarray(2), 'utf16le');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return iconv.decode(data, 'gb18030');
  }
}

function readCsv(data: Buffer): Cell[][] {
  const text = decodeText(data);
  const sample = text.slice(0, 4096);
  const delimiter = (sample.match(/\t/g)?.length ?? 0) > (sample.match(/,/g)?.length ?? 0) ? '\t' : ',';
  try {
    return parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (err) {
    throw new ValidationFailed('unreadable csv', [{ path: 'file', message: 'errors:detail.import.unreadable', cause: (err as Error).message.slice(0, 200) }]);
  }
}

async function readXlsx(data: Buffer): Promise<Cell[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new ValidationFailed('unreadable xlsx', [{ path: 'file', message: 'errors:detail.import.unreadable' }]);
  }
  const sheet = workbook.worksheets.find((ws) => ws.state === 'visible' && ws.rowCount > 0) ?? workbook.worksheets[0];
  if (!sheet) return [];
  const grid: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value);
    });
    grid[rowNumber - 1] = cells;
  });
  for (let i = 0; i < grid.length; i++) grid[i] ??= [];
  return grid;
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return null;
  }
  return String(v);
}
