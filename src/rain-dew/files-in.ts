import { and, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rainDewFiles } from '../db/schema/rain-dew';

type FileStatus = (typeof rainDewFiles.$inferSelect)['status'];

/** Of these people, those whose Rain Dew file has one of these statuses (what the policies' Rain Dew entry reads). */
export async function withRainDewFileIn(db: Db, workerIds: string[], statuses: string[]): Promise<string[]> {
  if (!workerIds.length) return [];
  const rows = await db
    .select({ workerId: rainDewFiles.workerId })
    .from(rainDewFiles)
    .where(and(inArray(rainDewFiles.workerId, workerIds), inArray(rainDewFiles.status, statuses as FileStatus[])));
  return rows.map((r) => r.workerId);
}
