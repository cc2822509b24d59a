import { DEFAULT_IMPORT_LIMITS } from '../shared/import-limits';
import { ValidationFailed } from '../shared/errors';
import { findHeader, type HeaderLayout } from './columns';
import { unreadable, type ImportLimits } from './limits';
import { packCells, unpackCells } from './cells';
import { isXlsx, readRows, type Cell, type MergeRange, type RowSink } from './read';
import { isBlank } from './rows';

export interface Sheet {
  /** The header found, with its columns renumbered to the cells kept in `rows`. */
  layout: HeaderLayout;
  /** [spreadsheet row number, cells] of every non-blank data row, only the columns the header names. */
  rows: SheetRows;
}

/**
 * A sheet as it crosses from the reading thread: each row's cells as one JSON text. A hundred thousand
 * rows are a hundred thousand strings here rather than millions of cells, so handing them over is cheap and
 * the collector has little to walk while an import holds them; a chunk's cells are built when it is taken.
 */
export interface PackedSheet {
  layout: HeaderLayout;
  /** Spreadsheet row number of each row. */
  numbers: Int32Array;
  /** Each row's cells, JSON; a date is `{"d": ms}` (`"NaN"` for an invalid one). */
  cells: string[];
}

/** The data rows of a sheet, taken a slice at a time. */
export class SheetRows {
  private numbers: Int32Array | number[];
  private readonly cells: string[];
  /** Still being read (see `SheetRows.growing`): more rows may come. */
  private reading: boolean;
  private failure: { error: unknown } | undefined;
  private waiters: Array<() => void> = [];

  constructor(numbers: Int32Array, cells: string[]) {
    this.numbers = numbers;
    this.cells = cells;
    this.reading = false;
  }

  /** Rows that arrive while the file is still being read: `append` them as they come, then `end`. */
  static growing(): SheetRows {
    const rows = new SheetRows(new Int32Array(0), []);
    rows.numbers = [];
    rows.reading = true;
    return rows;
  }

  /** The rows read so far (all of them once the reading has ended). */
  get length(): number {
    return this.cells.length;
  }

  /** Rows read after those there are (a growing sheet's only). */
  append(numbers: ArrayLike<number>, cells: string[]): void {
    if (!this.reading || !Array.isArray(this.numbers)) throw new Error('rows are added only while a sheet is being read');
    for (let i = 0; i < cells.length; i++) {
      this.numbers.push(numbers[i]!);
      this.cells.push(cells[i]!);
    }
    this.wake();
  }

  /** The reading is over: every row has come, or, with `error`, no more will. */
  end(error?: unknown): void {
    if (!this.reading) return;
    this.reading = false;
    if (error !== undefined) this.failure = { error };
    this.wake();
  }

  /**
   * Waits until the rows before `end` have been read, or the reading has ended, and gives the end of the rows
   * there are then, at most `end`. A reading that failed throws its error here, to whoever waits for rows.
   */
  async until(end: number): Promise<number> {
    while (this.reading && this.cells.length < end) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure && this.cells.length < end) throw this.failure.error;
    return Math.min(end, this.cells.length);
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  /** [spreadsheet row number, cells] of rows `start` to `end` (exclusive), clipped to the rows there are. */
  slice(start: number, end = this.cells.length): Array<[number, Cell[]]> {
    const out: Array<[number, Cell[]]> = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.cells.length); i++) out.push([this.numbers[i]!, unpackCells(this.cells[i]!)]);
    return out;
  }

  /** Rows `start` to `end` still packed, to be handed to a preparing thread: numbers and each row's cells as text. */
  packed(start: number, end = this.cells.length): { numbers: number[]; cells: string[] } {
    const from = Math.max(0, start);
    const to = Math.min(end, this.cells.length);
    return { numbers: Array.from(this.numbers.slice(from, to)), cells: this.cells.slice(from, to) };
  }

  /** The cells of row `i` (0-based among the data rows). */
  cellsAt(i: number): Cell[] {
    return unpackCells(this.cells[i]!);
  }
}

/** The sheet from its packed form (after crossing from the reading thread). */
export function unpackSheet(packed: PackedSheet): Sheet {
  return { layout: packed.layout, rows: new SheetRows(packed.numbers, packed.cells) };
}

/** `findHeader` looks at the first 12 rows, and a second header row below the last of them. */
const HEADER_ROWS = 13;

/**
 * Reads a file into the header and its data rows, on the calling thread. Once the header is known,
 * each row keeps only the columns it names, so what is held grows with the rows and the register's
 * columns, not with whatever else the sheet carries. The service reads through `readSheet`
 * (./bounded), which runs this on a thread of bounded memory.
 */
export async function readSheetHere(fileName: string, data: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<Sheet> {
  return unpackSheet(await readPackedSheet(fileName, data, limits));
}

/** `readSheetHere`, the rows left packed to be handed to another thread. */
export async function readPackedSheet(fileName: string, data: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<PackedSheet> {
  const builder = new SheetBuilder(!isXlsx(data));
  await readRows(fileName, data, limits, builder);
  return builder.finish();
}

/** A part of a sheet handed over while it is read: the layout first, then rows in order, then the end. */
export type SheetPart = { layout: HeaderLayout } | { numbers: Int32Array; cells: string[] } | { end: true };

/** Rows handed over at a time while a CSV is read. */
const PART_ROWS = 2000;

/**
 * `readPackedSheet`, handing the sheet to `send` part by part as it is read, when the file allows it: a CSV, whose
 * rows are final as they come. Gives back the whole sheet instead (an XLSX, where a merged range listed after the
 * rows may still fill them in), and undefined once every part has been sent.
 */
export async function sendPackedSheet(fileName: string, data: Buffer, limits: ImportLimits, send: (part: SheetPart) => void): Promise<PackedSheet | undefined> {
  if (isXlsx(data)) return readPackedSheet(fileName, data, limits);
  const builder = new SheetBuilder(true, send);
  await readRows(fileName, data, limits, builder);
  builder.finish();
  return undefined;
}

class SheetBuilder implements RowSink {
  private head: Cell[][] = [];
  private layout: HeaderLayout | undefined;
  /** Original column index of each kept cell, in order. */
  private keep: number[] = [];
  private keptAt = new Map<number, number>();
  private rows: Array<[number, Cell[] | string]> = [];
  private byIndex = new Map<number, Cell[]>();
  private lastIndex = -1;
  private ordered = true;
  private mergeWork = 0;

  /**
   * @param packEarly each row is packed as it comes (a CSV, where no merged range can come after the rows): the
   * reader then holds one text per row rather than its cells, and the collector has a tenth of the objects to walk.
   */
  constructor(
    private readonly packEarly = false,
    /** Where parts go as they are read (rows packed as they come only): the rows are then not kept here. */
    private readonly send?: (part: SheetPart) => void,
  ) {}

  row(index: number, cells: Cell[]): void {
    if (!this.layout) {
      if (index < HEADER_ROWS) {
        this.head[index] = cells;
        return;
      }
      this.decide();
    }
    this.add(index, cells);
  }

  /**
   * A merged range gives every cell in it the value of its top-left cell, as Excel shows it. Only
   * data rows are filled (the header is found without merges: its rows read the same either way),
   * only rows that hold something, and only the kept columns.
   */
  merge(range: MergeRange): void {
    const layout = this.layout ?? this.decide();
    if (range.top <= layout.lastHeaderRow) return;
    const from = this.keptAt.get(range.left);
    const value = from === undefined ? undefined : this.byIndex.get(range.top)?.[from];
    if (value === undefined || value === null) return;
    const columns = this.keep.flatMap((c, i) => (c >= range.left && c <= range.right ? [i] : []));
    const last = Math.min(range.bottom, this.lastIndex);
    // Ranges that do not overlap fill at most every kept cell once; more work than that is a broken file.
    const budget = (this.lastIndex + 2) * (this.keep.length + 1);
    for (let r = range.top; r <= last; r++) {
      if (++this.mergeWork > budget) throw unreadable();
      const row = this.byIndex.get(r);
      if (row) for (const k of columns) row[k] = value;
    }
  }

  finish(): PackedSheet {
    const layout = this.layout ?? this.decide();
    if (this.send) {
      this.sendRows();
      this.send({ end: true });
      return { layout, numbers: new Int32Array(0), cells: [] };
    }
    if (!this.ordered) this.rows.sort((a, b) => a[0] - b[0]);
    const rows = this.rows;
    this.rows = [];
    this.byIndex.clear();
    const numbers = Int32Array.from(rows, (r) => r[0]);
    // Each row's cells are let go as soon as they are packed, so the two forms are never both held whole.
    const cells = rows.map((r) => {
      const packed = typeof r[1] === 'string' ? r[1] : packCells(r[1]);
      r[1] = [];
      return packed;
    });
    return { layout, numbers, cells };
  }

  /** The rows held so far, handed over and let go. */
  private sendRows(): void {
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    this.send!({ numbers: Int32Array.from(rows, (r) => r[0]), cells: rows.map((r) => r[1] as string) });
  }

  private decide(): HeaderLayout {
    const grid = Array.from({ length: this.head.length }, (_, i) => this.head[i] ?? []);
    const found = findHeader(grid);
    if (!found) throw new ValidationFailed('no header', [{ path: 'file', message: 'errors:detail.import.no_header' }]);
    const missing = (['name', 'idNumber'] as const).filter((k) => ![...found.columns.values()].includes(k));
    if (missing.length) {
      throw new ValidationFailed('missing columns', [{ path: 'file', message: 'errors:detail.import.missing_column', column: missing.join(', ') }]);
    }
    this.keep = [...found.columns.keys()].sort((a, b) => a - b);
    this.keptAt = new Map(this.keep.map((c, i) => [c, i]));
    const layout: HeaderLayout = {
      ...found,
      columns: new Map(this.keep.map((c, i) => [i, found.columns.get(c)!])),
      headers: new Map(this.keep.flatMap((c, i) => (found.headers.has(c) ? [[i, found.headers.get(c)!] as const] : []))),
    };
    this.layout = layout;
    this.send?.({ layout });
    const head = this.head;
    this.head = [];
    for (let i = layout.lastHeaderRow + 1; i < head.length; i++) if (head[i]) this.add(i, head[i]!);
    return layout;
  }

  private add(index: number, cells: Cell[]): void {
    if (isBlank(cells)) return;
    const kept = this.keep.map((c) => cells[c] ?? null);
    if (this.packEarly && index > this.lastIndex) {
      this.lastIndex = index;
      this.rows.push([index + 1, packCells(kept)]);
      if (this.send && this.rows.length >= PART_ROWS) this.sendRows();
      return;
    }
    if (this.packEarly) throw new Error('rows packed as they come must come in order, each once');
    const same = this.byIndex.get(index);
    if (same) {
      // The same row written twice: later cells fill in.
      kept.forEach((v, i) => {
        if (v !== null) same[i] = v;
      });
      return;
    }
    if (index < this.lastIndex) this.ordered = false;
    this.lastIndex = Math.max(this.lastIndex, index);
    this.byIndex.set(index, kept);
    this.rows.push([index + 1, kept]);
  }
}
