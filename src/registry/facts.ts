import { and, asc, eq, gt, inArray, like } from 'drizzle-orm';
import type { Db } from '../db/client';
import { employmentRecords, households, trainingRecords, workers } from '../db/schema/registry';

/** What the register holds of these people for judging what they may claim, in three batched queries. */

/** Each person's row with whether their household was relocated (null: no household). */
export async function workersWithRelocation(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .select({ w: workers, relocated: households.relocated })
    .from(workers)
    .leftJoin(households, eq(households.id, workers.householdId))
    .where(inArray(workers.id, [...ids]));
}

/** Every job on record of these people: where and when. */
export async function jobSpellsOf(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .select({ workerId: employmentRecords.workerId, placeRegionCode: employmentRecords.placeRegionCode, startDate: employmentRecords.startDate, endDate: employmentRecords.endDate })
    .from(employmentRecords)
    .where(inArray(employmentRecords.workerId, [...ids]));
}

/** The start of every training the register recorded for these people. */
export async function trainingStartsOf(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return db.select({ workerId: trainingRecords.workerId, at: trainingRecords.startDate }).from(trainingRecords).where(inArray(trainingRecords.workerId, [...ids]));
}

/** The people still in the programme under a region, id and name, by id after `after`: one page of a scan of the register. */
export async function activeWorkersPage(db: Db, region: string, after: string | undefined, limit: number): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: workers.id, name: workers.name })
    .from(workers)
    .where(and(like(workers.regionCode, `${region}%`), eq(workers.status, 'active'), after ? gt(workers.id, after) : undefined))
    .orderBy(asc(workers.id))
    .limit(limit);
}
