import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { employmentRecords, households, workers } from '../db/schema/registry';
import type { PreparedWorker } from './prepare';

/*
 * What an import of the employment information form (seed 003) reads and writes in the register, in the
 * import's transaction: people found again by ID number, their open jobs, their households.
 */

export type EmploymentRecord = typeof employmentRecords.$inferSelect;

/** The people whose ID number hashes are these, whole rows, in one query. */
export async function workersByIdHashes(db: Db, hashes: readonly string[]) {
  if (!hashes.length) return [];
  // One array parameter, not one parameter per hash: an import asks for a chunk of its rows at a time.
  return db.select().from(workers).where(sql`${workers.idNumberHash} = any(${sql.param([...hashes])}::text[])`);
}

/** Which of these ID hashes are registered (read from the unique index alone). */
export async function registeredIdHashes(db: Db, hashes: readonly string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const rows = await db.select({ h: workers.idNumberHash }).from(workers).where(sql`${workers.idNumberHash} = any(${sql.param([...hashes])}::text[])`);
  return new Set(rows.map((r) => r.h));
}

/** The jobs still open (no end date) of these people, in one query. */
export async function openJobsOf(db: Db, workerIds: readonly string[]): Promise<EmploymentRecord[]> {
  if (!workerIds.length) return [];
  return db.select().from(employmentRecords).where(and(inArray(employmentRecords.workerId, [...workerIds]), isNull(employmentRecords.endDate)));
}

/** Writes a person's changed fields and/or household from an import row, as a new version of the record. */
export async function updateFromImport(db: Db, workerId: string, change: { fields?: PreparedWorker; householdId?: string | null }, now: Date): Promise<void> {
  await db
    .update(workers)
    .set({
      ...(change.fields ?? {}),
      ...(change.householdId !== undefined ? { householdId: change.householdId } : {}),
      updatedAt: now,
      lastActivityAt: now,
      version: sql`${workers.version} + 1`,
    })
    .where(eq(workers.id, workerId));
}

/** Ends an open job on a day; the person is no longer employed. */
export async function endImportedJob(db: Db, workerId: string, recordId: string, endDate: string): Promise<void> {
  await db.update(employmentRecords).set({ endDate }).where(eq(employmentRecords.id, recordId));
  await db.update(workers).set({ employed: false }).where(eq(workers.id, workerId));
}

/** Records an imported job (closing the one it replaces on the day given); the person is employed. */
export async function startImportedJob(
  db: Db,
  workerId: string,
  job: { closeId?: string; closeOn?: string; record: { employerName: string | null; place: string | null; startDate: string; monthlyIncomeFen: number | null } },
  actorId: string,
): Promise<void> {
  if (job.closeId) await db.update(employmentRecords).set({ endDate: job.closeOn }).where(eq(employmentRecords.id, job.closeId));
  await db.insert(employmentRecords).values({ workerId, ...job.record, source: 'import', recordedBy: actorId });
  await db.update(workers).set({ employed: true }).where(eq(workers.id, workerId));
}

/** Households whose householder's ID number hashes are these, in one query. */
export async function householdsByHeads(db: Db, headHashes: readonly string[]) {
  if (!headHashes.length) return [];
  return db.select().from(households).where(inArray(households.headIdHash, [...headHashes]));
}

/** Whether a household was relocated (易地搬迁), as a form says. */
export async function setHouseholdRelocated(db: Db, id: string, relocated: boolean): Promise<void> {
  await db.update(households).set({ relocated }).where(eq(households.id, id));
}

/** New households by their householder's ID number; one made meanwhile by another import is left alone (and not returned). */
export async function createHouseholdsByHead(db: Db, rows: Array<{ headIdHash: string; regionCode: string; relocated: boolean; createdAt: Date }>) {
  if (!rows.length) return [];
  return db.insert(households).values(rows).onConflictDoNothing({ target: households.headIdHash }).returning();
}
