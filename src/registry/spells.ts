import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { employmentRecords, workers } from '../db/schema/registry';

/**
 * The register's side of work recorded elsewhere (a person's spell on an assistance project): each step runs in the
 * caller's transaction, so the link, the record and the person's employed mark change together.
 */

type EmploymentRecord = typeof employmentRecords.$inferSelect;

/** One change to a person's work at a time: holds the person's row until the caller's transaction ends. */
export async function lockWorker(db: Db, workerId: string): Promise<void> {
  await db.execute(sql`select 1 from ${workers} where ${workers.id} = ${workerId} for update`);
}

/** One employment record, or undefined. */
export async function findEmploymentRecord(db: Db, id: string): Promise<EmploymentRecord | undefined> {
  const [r] = await db.select().from(employmentRecords).where(eq(employmentRecords.id, id));
  return r;
}

/**
 * A person's records of one job kind over a period (start on or before `to`, not ended before `from`) that name this
 * employer or are placed at this region, latest start first: the same work another module may be recording again.
 */
export async function sameWorkRecords(db: Db, q: { workerId: string; kind: EmploymentRecord['kind']; employerName: string; placeRegionCode: string; from: string; to: string | null }) {
  return rowsOf<{ id: string; end_date: string | null; start_date: string }>(
    await db.execute(sql`
      select e.id, e.start_date::text as start_date, e.end_date::text as end_date from ${employmentRecords} e
      where e.worker_id = ${q.workerId} and e.kind = ${q.kind}::job_kind
        and (trim(e.employer_name) = ${q.employerName.trim()} or e.place_region_code = ${q.placeRegionCode})
        and e.start_date <= ${q.to ?? '9999-12-31'}::date and (e.end_date is null or e.end_date >= ${q.from}::date)
      order by e.start_date desc`),
  );
}

/** A new employment record; its id. */
export async function addEmploymentRecord(db: Db, values: typeof employmentRecords.$inferInsert): Promise<string> {
  const [made] = await db.insert(employmentRecords).values(values).returning({ id: employmentRecords.id });
  return made!.id;
}

/** Monitoring's word that a project link has taken the record: it is project work from now on (see `projectWork`). */
export async function markProjectWork(db: Db, id: string): Promise<void> {
  await db.update(employmentRecords).set({ projectWork: true }).where(eq(employmentRecords.id, id));
}

/** The record's end (null: open again). */
export async function setEmploymentEnd(db: Db, id: string, endDate: string | null): Promise<void> {
  await db.update(employmentRecords).set({ endDate }).where(eq(employmentRecords.id, id));
}

/** The person's employed mark, a new version of their row. */
export async function markEmployed(db: Db, workerId: string, employed: boolean, now: Date): Promise<void> {
  await db.update(workers).set({ employed, updatedAt: now, version: sql`${workers.version} + 1` }).where(eq(workers.id, workerId));
}

/** Whether the person has a job open on the day. */
export async function inWorkOn(db: Db, workerId: string, day: string): Promise<boolean> {
  const [still] = await db
    .select({ id: employmentRecords.id })
    .from(employmentRecords)
    .where(and(eq(employmentRecords.workerId, workerId), sql`${employmentRecords.startDate} <= ${day}::date and (${employmentRecords.endDate} is null or ${employmentRecords.endDate} >= ${day}::date)`))
    .limit(1);
  return Boolean(still);
}
