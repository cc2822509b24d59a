import { isUtf8 } from 'node:buffer';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import { DomainError, ValidationFailed } from '../shared/errors';
import { overLimit, type ImportLimits } from './limits';
import { readXlsx } from './xlsx';
import type { RowSink } from './cells';

export type { Cell, MergeRange, RowSink } from './cells';

/**
 * Reads the first worksheet with values (or the CSV) into `sink`, row by row, and refuses the file
 * as soon as it crosses one of `limits`; the whole grid is never held here.
 */
export async function readRows(fileName: string, data: Buffer, limits: ImportLimits, sink: RowSink): Promise<void> {
  if (isXlsx(data)) return readXlsx(data, limits, sink);
  if (/\.xls$/i.test(fileName) || data.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new ValidationFailed('old excel format', [{ path: 'file', message: 'errors:detail.import.xls' }]);
  }
  return readCsv(data, limits, sink);
}

/** An XLSX is a zip file; anything else is read as CSV (or refused as an old .xls). */
export function isXlsx(data: Buffer): boolean {
  return data.subarray(0, 2).toString('latin1') === 'PK';
}

/** CSV from Excel in China is often GB18030 (GBK); UTF-8 with or without BOM is read as it is. */
export function decodeText(data: Buffer): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data[0] === 0xff && data[1] === 0xfe) return iconv.decode(data.subarray(2), 'utf16le');
  return isUtf8(data) ? data.toString('utf8') : iconv.decode(data, 'gb18030');
}

const EXCEL_COLUMNS = 16_384;

/**
 * Whether some record has more than `limit` fields, counted without building them: quoted fields
 * (with "" inside) hold their delimiters and line breaks, as the parser reads them.
 */
function hasRecordWiderThan(text: string, delimiter: string, limit: number): boolean {
  const delim = delimiter.charCodeAt(0);
  let fields = 1;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) i++;
        else quoted = false;
      }
      continue;
    }
    if (c === 34 && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === delim) {
      if (++fields > limit) return true;
      fieldStart = true;
    } else if (c === 10 || c === 13) {
      fields = 1;
      fieldStart = true;
    } else fieldStart = false;
  }
  return false;
}

/**
 * The CSV is parsed record by record and each is checked as it comes. A record is never wider than
 * Excel's 16,384 columns (checked first, without parsing), so a line of a million commas is refused
 * before it is built; a cell longer than a cell may be stops the reading at that record.
 */
async function readCsv(data: Buffer, limits: ImportLimits, sink: RowSink): Promise<void> {
  const text = decodeText(data);
  const sample = text.slice(0, 4096);
  const delimiter = (sample.match(/\t/g)?.length ?? 0) > (sample.match(/,/g)?.length ?? 0) ? '\t' : ',';
  // Empty columns after the last are what Excel writes for formatted ones, so only Excel's own width is refused unseen.
  if (hasRecordWiderThan(text, delimiter, Math.max(EXCEL_COLUMNS, limits.maxColumns))) throw overLimit('too_many_columns', limits);
  let index = -1;
  let stopped: unknown;
  // Quotes are only special at the start of a cell (a stray one inside a cell is kept as written); a quoted
  // cell never closed makes the file unreadable. Line ends are found from the file (\r\n, \n or \r).
  Papa.parse<string[]>(text, {
    delimiter,
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
    step: (result, parser) => {
      try {
        if (result.errors.some((e) => e.type === 'Quotes')) {
          throw new ValidationFailed('unreadable csv', [{ path: 'file', message: 'errors:detail.import.unreadable', cause: result.errors[0]!.message.slice(0, 200) }]);
        }
        index++;
        const record = result.data;
        let blank = true;
        for (let c = 0; c < record.length; c++) {
          const cell = record[c]!;
          if (cell.length > limits.maxCellChars) throw overLimit('cell_too_long', limits);
          if (cell.trim() === '') continue;
          if (c + 1 > limits.maxColumns) throw overLimit('too_many_columns', limits);
          blank = false;
        }
        if (blank) return;
        if (index + 1 > limits.maxRows) throw overLimit('too_many_rows', limits);
        sink.row(index, record.length > limits.maxColumns ? record.slice(0, limits.maxColumns) : record);
      } catch (err) {
        stopped = err;
        parser.abort();
      }
    },
  });
  if (stopped === undefined) return;
  if (stopped instanceof DomainError) throw stopped;
  throw new ValidationFailed('unreadable csv', [{ path: 'file', message: 'errors:detail.import.unreadable', cause: (stopped as Error).message.slice(0, 200) }]);
}
