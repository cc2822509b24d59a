import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { employmentRecords, trainingRecords, workerChanges, workers } from '../db/schema/registry';

/** One person's jobs as the register recorded them, oldest first. */
export async function employmentHistory(db: Db, workerId: string) {
  return db.select().from(employmentRecords).where(eq(employmentRecords.workerId, workerId)).orderBy(asc(employmentRecords.startDate));
}

/** The latest changes to one person's record (which fields, whose word, when), newest first. */
export async function changesOf(db: Db, workerId: string, limit: number) {
  return db.select({ fields: workerChanges.fields, source: workerChanges.source, at: workerChanges.at }).from(workerChanges).where(eq(workerChanges.workerId, workerId)).orderBy(desc(workerChanges.at)).limit(limit);
}

/** One person's trainings as the register recorded them. */
export async function trainingHistory(db: Db, workerId: string) {
  return db.select().from(trainingRecords).where(eq(trainingRecords.workerId, workerId));
}

/** The name of each of these people, in one query (ids not known are left out). */
export async function workerNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await db.select({ id: workers.id, name: workers.name }).from(workers).where(inArray(workers.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Which of these people the register holds as employed now, in one query. */
export async function employedAmong(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Set();
  const rows = await db.select({ id: workers.id }).from(workers).where(and(inArray(workers.id, wanted), eq(workers.employed, true)));
  return new Set(rows.map((r) => r.id));
}

/** The home region and status of each of these people, in one query (ids not known are left out). */
export async function workerPlaces(db: Db, ids: readonly string[]): Promise<Map<string, { regionCode: string; status: (typeof workers.$inferSelect)['status'] }>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await db.select({ id: workers.id, regionCode: workers.regionCode, status: workers.status }).from(workers).where(inArray(workers.id, wanted));
  return new Map(rows.map((r) => [r.id, { regionCode: r.regionCode, status: r.status }]));
}

/** What a list of people shows of each (name, masked ID and phone numbers), in one query. */
export async function workerCards(db: Db, ids: readonly string[]): Promise<Map<string, { name: string; idNumberMasked: string | null; phoneMasked: string | null }>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await db.select({ id: workers.id, name: workers.name, idNumberMasked: workers.idNumberMasked, phoneMasked: workers.phoneMasked }).from(workers).where(inArray(workers.id, wanted));
  return new Map(rows.map((r) => [r.id, { name: r.name, idNumberMasked: r.idNumberMasked, phoneMasked: r.phoneMasked }]));
}

/** Notes that something was done for or by the person now (their last activity, which retention reads). */
export async function noteActivity(db: Db, workerId: string, at: Date): Promise<void> {
  await db.update(workers).set({ lastActivityAt: at }).where(eq(workers.id, workerId));
}

/**
 * Read model for a query of another module: true when the person whose id is this column or expression has
 * their home in the region `prefix` or under it. The register owns the columns it reads.
 */
export function livesUnder(workerId: SQL | AnyPgColumn, prefix: string): SQL {
  return sql`exists (select 1 from ${workers} w where w.id = ${workerId} and w.region_code like ${`${prefix}%`})`;
}
