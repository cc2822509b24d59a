/*
 * The import's limits, apart from the rest of the configuration: the thread that reads an uploaded sheet
 * loads this file and not the configuration's schema (zod, about a hundred modules).
 */

/**
 * Bounds of a spreadsheet read for import (also used where a context carries no configuration).
 * A file that unpacks to more, or has a value beyond these rows or columns, is refused while it is read.
 */
export const IMPORT_LIMIT_DEFAULTS = { maxUnpackedMb: 100, maxRows: 200_000, maxColumns: 200, maxCellChars: 5000, readMemoryMb: 192 } as const;

export interface ImportLimits {
  /** Bytes the XLSX's XML parts may unpack to, in total. */
  maxUnpackedBytes: number;
  /** Highest spreadsheet row (1-based) that may hold a value. */
  maxRows: number;
  /** Highest column (1-based) that may hold a value. */
  maxColumns: number;
  /** Characters one cell may hold. */
  maxCellChars: number;
  /**
   * Heap of the thread that reads a file (MB): a file that needs more is refused, and whatever a file
   * holds, the service's own memory is not what pays for it.
   */
  readMemoryMb: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxUnpackedBytes: IMPORT_LIMIT_DEFAULTS.maxUnpackedMb * 1024 * 1024,
  maxRows: IMPORT_LIMIT_DEFAULTS.maxRows,
  maxColumns: IMPORT_LIMIT_DEFAULTS.maxColumns,
  maxCellChars: IMPORT_LIMIT_DEFAULTS.maxCellChars,
  readMemoryMb: IMPORT_LIMIT_DEFAULTS.readMemoryMb,
};
