import { inArray } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { imports } from '../db/schema/imports';

/** Imports queued or running now, with the rows in their file and the rows done so far. */
export async function importsUnderWay(db: Executor): Promise<Array<{ id: string; status: string; total: number; processed: number }>> {
  return db
    .select({ id: imports.id, status: imports.status, total: imports.totalRows, processed: imports.processedRows })
    .from(imports)
    .where(inArray(imports.status, ['queued', 'running']));
}
