import type { Config } from '../config';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../shared/import-limits';
import { ValidationFailed } from '../shared/errors';

export type { ImportLimits };

/** The limits of this deployment, or the defaults where a context carries no configuration (benchmarks, scripts). */
export function importLimits(ctx: { config?: Pick<Config, 'imports'> }): ImportLimits {
  return ctx.config?.imports ?? DEFAULT_IMPORT_LIMITS;
}

type Limit = 'too_large' | 'too_many_rows' | 'too_many_columns' | 'cell_too_long';

/** A file refused for crossing one limit; the message names the limit and says what to do. */
export function overLimit(limit: Limit, limits: ImportLimits): ValidationFailed {
  const value = {
    too_large: Math.floor(limits.maxUnpackedBytes / (1024 * 1024)),
    too_many_rows: limits.maxRows,
    too_many_columns: limits.maxColumns,
    cell_too_long: limits.maxCellChars,
  }[limit];
  return new ValidationFailed(`import file over limit: ${limit}`, [{ path: 'file', message: `errors:detail.import.${limit}`, limit: value }]);
}

export function unreadable(): ValidationFailed {
  return new ValidationFailed('unreadable file', [{ path: 'file', message: 'errors:detail.import.unreadable' }]);
}
