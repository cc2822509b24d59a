/** One cell as read from the file: text, a number (Excel may store dates as serial numbers) or a date. */
export type Cell = string | number | Date | null;

/** A merged range of cells, 0-based and inclusive. */
export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Where a reader sends what it reads, as it reads it; throwing stops the reading. */
export interface RowSink {
  /** A row with at least one value; `index` is the spreadsheet row number minus one; `cells[c]` is column c+1. */
  row(index: number, cells: Cell[]): void;
  /** A merged range, reported after every row of the sheet. */
  merge?(range: MergeRange): void;
}

/** A row's cells as one JSON text (see PackedSheet); a date is `{"d": ms}` (`"NaN"` for an invalid one). */
export function packCells(cells: Cell[]): string {
  if (!cells.some((c) => c instanceof Date)) return JSON.stringify(cells);
  return JSON.stringify(cells.map((c) => (c instanceof Date ? { d: Number.isNaN(c.getTime()) ? 'NaN' : c.getTime() } : c)));
}

/** A row's cells from `packCells`' text. */
export function unpackCells(text: string): Cell[] {
  const cells = JSON.parse(text) as Array<Cell | { d: number | 'NaN' }>;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c !== null && typeof c === 'object' && !(c instanceof Date)) cells[i] = new Date(c.d === 'NaN' ? Number.NaN : c.d);
  }
  return cells as Cell[];
}
