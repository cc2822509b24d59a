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
