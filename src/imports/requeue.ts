import { eq } from 'drizzle-orm';
import type { AppContext } from '../context';
import { imports } from '../db/schema/imports';

/**
 * Imports not yet started, put back on the queue from PostgreSQL (after Redis came back without its data).
 * Each keeps its fixed job id (the import's id), so one Redis still holds is left alone; one already
 * running is not started twice.
 */
export async function requeueQueuedImports(ctx: Pick<AppContext, 'db' | 'queues'>): Promise<number> {
  const unfinished = await ctx.db.select({ id: imports.id }).from(imports).where(eq(imports.status, 'queued'));
  for (const i of unfinished) await ctx.queues.enqueue('imports', 'run-import', { importId: i.id }, { jobId: i.id });
  return unfinished.length;
}
