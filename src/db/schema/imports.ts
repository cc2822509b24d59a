import { customType, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { regions } from './regions';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const importStatus = pgEnum('import_status', ['queued', 'running', 'done', 'failed']);

/**
 * An uploaded spreadsheet and what became of each row. The file is kept in the database, encrypted
 * (it holds ID and phone numbers), until the import has run, so any worker process can pick it up;
 * then it is dropped.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    status: importStatus('status').notNull().default('queued'),
    fileName: text('file_name').notNull(),
    file: bytea('file'),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    totalRows: integer('total_rows').notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    /** Written with each batch by the worker running it: an import whose heartbeat stopped lost its worker and is taken over. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('imports_region_idx').on(t.regionCode.op('text_pattern_ops'))],
);

/** One line per rejected cell: row as a person sees it in the spreadsheet, column header, reason. */
export const importRejections = pgTable(
  'import_rejections',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    column: text('column'),
    reason: text('reason').notNull(),
  },
  (t) => [index('import_rejections_idx').on(t.importId, t.row)],
);
