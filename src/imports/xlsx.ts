import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import sax from 'sax';
import yauzl from 'yauzl';
import { DomainError } from '../shared/errors';
import { overLimit, unreadable, type ImportLimits } from './limits';
import type { Cell, RowSink } from './cells';

/*
 * An XLSX is a zip of XML parts; a small file can unpack to gigabytes. This reader never holds a
 * part whole: each is inflated as a stream, every unpacked byte is counted against the limit, and
 * the XML is parsed as it arrives (sax keeps each of its buffers under 64 KB). Rows go to the sink
 * one by one, so a file is refused at the first byte, row, column or cell over a limit.
 */

/** Zip entries an XLSX needs are a handful; more than this is not a spreadsheet. */
const MAX_ENTRIES = 10_000;
/** XLSX parts nest about seven deep. */
const MAX_DEPTH = 32;
const MAX_ATTRIBUTES = 64;
/** Excel itself allows 64,000 cell formats. */
const MAX_STYLES = 65_536;

/** Built-in number formats that show a date (14–22, 45–47; 27–36 and 50–58 in Chinese Excel). */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A format code shows a date when, outside quoted text and [brackets], it has y, m, d, h or s. */
function isDateFormat(code: string): boolean {
  return /[ymdhs]/i.test(code.replace(/\[[^\]]*\]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, ''));
}

class Budget {
  private used = 0;
  constructor(private readonly limits: ImportLimits) {}
  /** Refuses before inflating a part whose declared size alone would cross the limit. */
  declare(bytes: number): void {
    if (this.used + bytes > this.limits.maxUnpackedBytes) throw overLimit('too_large', this.limits);
  }
  add(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limits.maxUnpackedBytes) throw overLimit('too_large', this.limits);
  }
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** Text in OOXML escapes characters XML cannot hold as _xHHHH_. */
function unescapeText(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

/** "AB12" → column 27 (0-based), row 11 (0-based); either may be absent. */
function parseRef(ref: string): { col?: number; row?: number } {
  const m = /^\$?([A-Za-z]{1,7})?\$?(\d{1,9})?$/.exec(ref.trim());
  if (!m) return {};
  let col: number | undefined;
  if (m[1]) {
    col = 0;
    for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
    col -= 1;
  }
  return { col, row: m[2] ? Number(m[2]) - 1 : undefined };
}

interface Handlers {
  open(name: string, attrs: Record<string, string>): void;
  close(name: string): void;
  text?(t: string): void;
}

class Zip {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    private readonly budget: Budget,
  ) {}

  static async open(data: Buffer, budget: Budget): Promise<Zip> {
    const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, strictFileNames: false });
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      let count = 0;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (++count > MAX_ENTRIES) {
          reject(unreadable());
          return;
        }
        const name = entry.fileName.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
        if (/\.(xml|rels)$/.test(name)) entries.set(name, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
    return new Zip(zip, entries, budget);
  }

  has(path: string): boolean {
    return this.entries.has(path.toLowerCase());
  }

  /** Streams one XML part through sax, counting what it unpacks to; a missing part is read as empty. */
  async parse(path: string, handlers: Handlers): Promise<void> {
    const entry = this.entries.get(path.toLowerCase());
    if (!entry) return;
    this.budget.declare(entry.uncompressedSize);
    const parser = sax.parser(true, { trim: false, normalize: false, position: false });
    let depth = 0;
    let attributes = 0;
    parser.onerror = () => {
      throw unreadable();
    };
    parser.onopentagstart = () => {
      attributes = 0;
      if (++depth > MAX_DEPTH) throw unreadable();
    };
    parser.onattribute = () => {
      if (++attributes > MAX_ATTRIBUTES) throw unreadable();
    };
    parser.onopentag = (tag) => handlers.open(localName(tag.name), tag.attributes as Record<string, string>);
    parser.onclosetag = (name) => {
      depth--;
      handlers.close(localName(name));
    };
    if (handlers.text) {
      parser.ontext = (t) => handlers.text?.(t);
      parser.oncdata = (t) => handlers.text?.(t);
    }
    const stream: Readable = await this.zip.openReadStreamPromise(entry);
    const decoder = new StringDecoder('utf8');
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.budget.add(chunk.length);
        parser.write(decoder.write(chunk));
      }
      parser.write(decoder.end());
      parser.close();
    } finally {
      stream.destroy();
    }
  }

  close(): void {
    try {
      this.zip.close();
    } catch {
      // Already closed.
    }
  }
}

interface SheetRef {
  path: string;
  visible: boolean;
}

/**
 * Reads the first visible worksheet that has any value (else the first worksheet) into `sink`,
 * row by row, then its merged ranges. Cells as ExcelJS gave them: text, numbers, dates for
 * numbers in a date format, 是/否 for booleans, a formula's last result, null for errors.
 */
export async function readXlsx(data: Buffer, limits: ImportLimits, sink: RowSink): Promise<void> {
  const budget = new Budget(limits);
  let zip: Zip | undefined;
  try {
    zip = await Zip.open(data, budget);
    const book = await readWorkbook(zip);
    const styles = await readStyles(zip, book.stylesPath);
    const strings = await readSharedStrings(zip, book.sharedStringsPath, limits);
    const visible = book.sheets.filter((s) => s.visible);
    for (const sheet of visible) {
      if (await readWorksheet(zip, sheet.path, { limits, strings, dateStyles: styles, date1904: book.date1904 }, sink)) return;
    }
    const first = book.sheets[0];
    if (first && !first.visible) await readWorksheet(zip, first.path, { limits, strings, dateStyles: styles, date1904: book.date1904 }, sink);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw unreadable();
  } finally {
    zip?.close();
  }
}

function relsPathOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

function resolveTarget(fromPart: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  return posix.normalize(posix.join(posix.dirname(fromPart), target));
}

async function readRels(zip: Zip, part: string): Promise<Array<{ id: string; type: string; target: string }>> {
  const rels: Array<{ id: string; type: string; target: string }> = [];
  await zip.parse(relsPathOf(part), {
    open(name, a) {
      if (name === 'Relationship' && a.Id && a.Target && a.TargetMode !== 'External') {
        rels.push({ id: a.Id, type: a.Type ?? '', target: resolveTarget(part, a.Target) });
      }
      if (rels.length > MAX_ENTRIES) throw unreadable();
    },
    close() {},
  });
  return rels;
}

async function readWorkbook(zip: Zip) {
  const root = await readRels(zip, '');
  const workbookPath = root.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  if (!zip.has(workbookPath)) throw unreadable();
  const rels = new Map((await readRels(zip, workbookPath)).map((r) => [r.id, r]));
  const sheets: SheetRef[] = [];
  let date1904 = false;
  await zip.parse(workbookPath, {
    open(name, a) {
      if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      if (name !== 'sheet') return;
      const rid = Object.entries(a).find(([k]) => k.includes(':') && localName(k) === 'id')?.[1];
      const rel = rid ? rels.get(rid) : undefined;
      if (rel && sheets.length < MAX_ENTRIES) sheets.push({ path: rel.target, visible: !a.state || a.state === 'visible' });
    },
    close() {},
  });
  const byType = (type: string) => [...rels.values()].find((r) => r.type.endsWith(`/${type}`))?.target;
  return {
    sheets,
    date1904,
    sharedStringsPath: byType('sharedStrings') ?? posix.join(posix.dirname(workbookPath), 'sharedStrings.xml'),
    stylesPath: byType('styles') ?? posix.join(posix.dirname(workbookPath), 'styles.xml'),
  };
}

/** Which cell formats (by index) show a date. */
async function readStyles(zip: Zip, path: string): Promise<boolean[]> {
  const custom = new Map<number, boolean>();
  const dateStyles: boolean[] = [];
  let inCellXfs = false;
  await zip.parse(path, {
    open(name, a) {
      if (name === 'numFmt' && a.numFmtId) {
        if (custom.size >= MAX_STYLES) throw unreadable();
        custom.set(Number(a.numFmtId), isDateFormat(a.formatCode ?? ''));
      } else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        if (dateStyles.length >= MAX_STYLES) throw unreadable();
        const id = Number(a.numFmtId ?? 0);
        dateStyles.push(custom.get(id) ?? DATE_FORMAT_IDS.has(id));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return dateStyles;
}

/**
 * The shared strings, packed: a file of millions of tiny strings would otherwise cost far more
 * memory as strings than it took as XML. Text is kept in blocks with each string's place in a typed
 * array; a string is cut out when a cell asks for it, the most recent ones remembered so that a
 * value repeated down a column (男, 是, 汉族) stays one string.
 */
export class SharedStrings {
  private blocks: string[] = [];
  /** The block being filled, as pieces: appending to one string would make a rope of millions of parts. */
  private pieces: string[] = [];
  private filled = 0;
  /** For string i: its block at 2i, its start at 2i+1; its end at ends[i]. */
  private places = new Uint32Array(1024);
  private ends = new Uint32Array(512);
  private count = 0;
  private recent = new Map<number, string>();

  push(s: string): void {
    if (this.filled + s.length > 1 << 20) this.seal();
    if (this.count * 2 + 2 > this.places.length) {
      const places = new Uint32Array(this.places.length * 2);
      places.set(this.places);
      this.places = places;
      const ends = new Uint32Array(this.ends.length * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.places[this.count * 2] = this.blocks.length;
    this.places[this.count * 2 + 1] = this.filled;
    this.pieces.push(s);
    this.filled += s.length;
    this.ends[this.count] = this.filled;
    this.count++;
  }

  /** Closes the block being filled; called when it is full and once all strings are in. */
  seal(): void {
    if (!this.pieces.length) return;
    this.blocks.push(this.pieces.join(''));
    this.pieces = [];
    this.filled = 0;
  }

  get(i: number): string | null {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return null;
    const seen = this.recent.get(i);
    if (seen !== undefined) return seen;
    this.seal();
    const s = this.blocks[this.places[i * 2]!]!.slice(this.places[i * 2 + 1], this.ends[i]);
    if (this.recent.size >= 4096) this.recent.clear();
    this.recent.set(i, s);
    return s;
  }
}

/** The shared strings, each rich text joined into plain text; phonetic guides (rPh) left out. */
async function readSharedStrings(zip: Zip, path: string, limits: ImportLimits): Promise<SharedStrings> {
  const strings = new SharedStrings();
  let inItem = false;
  let inText = false;
  let inPhonetic = false;
  let buf = '';
  await zip.parse(path, {
    open(name) {
      if (name === 'si') {
        inItem = true;
        buf = '';
      } else if (name === 'rPh') inPhonetic = true;
      else if (name === 't' && inItem && !inPhonetic) inText = true;
    },
    text(t) {
      if (!inText) return;
      buf += t;
      if (buf.length > limits.maxCellChars * 2) throw overLimit('cell_too_long', limits);
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') {
        const s = unescapeText(buf);
        if (s.length > limits.maxCellChars) throw overLimit('cell_too_long', limits);
        strings.push(s);
        inItem = false;
        buf = '';
      }
    },
  });
  strings.seal();
  return strings;
}

interface SheetContext {
  limits: ImportLimits;
  strings: SharedStrings;
  dateStyles: boolean[];
  date1904: boolean;
}

/** Streams one worksheet into the sink; true when it had a value. */
async function readWorksheet(zip: Zip, path: string, sc: SheetContext, sink: RowSink): Promise<boolean> {
  const { limits } = sc;
  let any = false;
  let inSheetData = false;
  let row = -1;
  let cells: Cell[] = [];
  let rowHasValue = false;
  let col = -1;
  let type = 'n';
  let style = 0;
  let collecting: 'v' | 't' | undefined;
  let inInline = false;
  let inPhonetic = false;
  let value: string | undefined;
  let inlineText: string | undefined;

  const keep = (s: string): string => {
    if (s.length > limits.maxCellChars * 2) throw overLimit('cell_too_long', limits);
    return s;
  };

  const cellValue = (): Cell => {
    if (type === 'inlineStr') return inlineText === undefined ? null : unescapeText(inlineText);
    if (value === undefined) return null;
    switch (type) {
      case 's':
        return value.trim() === '' ? null : sc.strings.get(Number(value));
      case 'str':
        return unescapeText(value);
      case 'b':
        return value.trim() === '1' || value.trim() === 'true' ? '是' : '否';
      case 'e':
        return null;
      case 'd': {
        const d = new Date(value);
        return Number.isNaN(d.getTime()) ? value : d;
      }
      default: {
        if (value.trim() === '') return null;
        const n = Number(value);
        if (!Number.isFinite(n)) return value;
        // As ExcelJS reads them: the serial day (1900 or 1904 system) as a UTC instant.
        if (sc.dateStyles[style]) return new Date(Math.round((n - 25569 + (sc.date1904 ? 1462 : 0)) * 86_400_000));
        return n;
      }
    }
  };

  await zip.parse(path, {
    open(name, a) {
      if (name === 'sheetData') {
        inSheetData = true;
        return;
      }
      if (!inSheetData) {
        if (name === 'mergeCell' && a.ref && sink.merge) {
          const [from, to] = a.ref.split(':');
          const start = parseRef(from ?? '');
          const end = parseRef(to ?? '');
          if (start.row !== undefined && start.col !== undefined && end.row !== undefined && end.col !== undefined) {
            sink.merge({ top: Math.min(start.row, end.row), left: Math.min(start.col, end.col), bottom: Math.max(start.row, end.row), right: Math.max(start.col, end.col) });
          }
        }
        return;
      }
      switch (name) {
        case 'row': {
          const r = a.r ? Number(a.r) - 1 : row + 1;
          row = Number.isInteger(r) && r >= 0 ? r : row + 1;
          cells = [];
          rowHasValue = false;
          col = -1;
          break;
        }
        case 'c': {
          const ref = a.r ? parseRef(a.r) : {};
          col = ref.col ?? col + 1;
          type = a.t ?? 'n';
          style = a.s ? Number(a.s) : 0;
          value = undefined;
          inlineText = undefined;
          break;
        }
        case 'v':
          collecting = 'v';
          value = '';
          break;
        case 'is':
          inInline = true;
          inlineText = '';
          break;
        case 'rPh':
          inPhonetic = true;
          break;
        case 't':
          if (inInline && !inPhonetic) collecting = 't';
          break;
      }
    },
    text(t) {
      if (collecting === 'v') value = keep((value ?? '') + t);
      else if (collecting === 't') inlineText = keep((inlineText ?? '') + t);
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          collecting = undefined;
          break;
        case 'rPh':
          inPhonetic = false;
          break;
        case 'is':
          inInline = false;
          break;
        case 'c': {
          if (!inSheetData) break;
          const v = cellValue();
          if (v === null || v === '') break;
          if (col + 1 > limits.maxColumns) throw overLimit('too_many_columns', limits);
          if (row + 1 > limits.maxRows) throw overLimit('too_many_rows', limits);
          if (typeof v === 'string' && v.length > limits.maxCellChars) throw overLimit('cell_too_long', limits);
          cells[col] = v;
          rowHasValue = true;
          break;
        }
        case 'row':
          if (inSheetData && rowHasValue) {
            any = true;
            sink.row(row, cells);
          }
          break;
        case 'sheetData':
          inSheetData = false;
          break;
      }
    },
  });
  return any;
}
