import { eq, sql } from 'drizzle-orm';
import { auditIn } from '../shared/command';
import { rowsOf, type Db } from '../db/client';
import { employmentRecords, workers } from '../db/schema/registry';
import { Conflict } from '../shared/errors';
import type { RegisterPorts } from '../context';
import type { EmploymentStart } from './schemas';

/**
 * A job recorded at the station that is work a government-invested project's link already has on record.
 *
 * A person linked to a project (以工代赈, 政府投资建设项目, 基层社会管理和公共服务项目) has their employment record made by the
 * link; the project's jobs, its share for relocation sites (seed 004 §15, seed 000 national §2.7) and the month's
 * 务工规模 (seed 000 national §3.2) are counted from it. Staff who then record the same work again through the
 * register ("a new job") would give the person two records of one piece of work that the link and the station
 * would each change apart. So the register takes it as the same work: the job is merged into the link's record.
 */
export interface ProjectWork {
  record: typeof employmentRecords.$inferSelect;
  linkId: string;
  projectId: string;
  projectName: string;
}

/** Names compared as staff type them: spaces and letter case aside. */
const bare = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/**
 * The link's record the job is the same work as: the same person, over the job's start or later (a job recorded at
 * the station has no end, so it overlaps any record not ended before it starts), and the same employer — the project's
 * name or the record's (a job elsewhere in the project's county is other work, which runs beside it). A public-welfare post is never project
 * work (it has its own agreement, seed 004 §12). The links are monitoring's, read through its read model (RegisterPorts).
 */
export async function projectWorkOnRecord(db: Db, ports: RegisterPorts, workerId: string, input: EmploymentStart): Promise<ProjectWork | null> {
  if (input.kind === 'public_welfare') return null;
  const name = bare(input.employerName);
  const [row] = rowsOf<{ record_id: string; link_id: string; project_id: string; project_name: string }>(
    await db.execute(sql`
      select e.id as record_id, l.link_id, l.project_id, l.project_name
      from ${ports.projectLinks} l
      join employment_records e on e.id = l.employment_record_id
      where l.worker_id = ${workerId}
        and (e.end_date is null or e.end_date >= ${input.startDate}::date)
        and (lower(regexp_replace(l.project_name, '\\s', '', 'g')) = ${name}
          or lower(regexp_replace(coalesce(e.employer_name, ''), '\\s', '', 'g')) = ${name})
      order by e.start_date desc, e.id
      limit 1`),
  );
  if (!row) return null;
  const [record] = await db.select().from(employmentRecords).where(eq(employmentRecords.id, row.record_id));
  return { record: record!, linkId: row.link_id, projectId: row.project_id, projectName: row.project_name };
}

/**
 * Merge the job into the link's record, in the caller's transaction: the staff's income, part-time mark and written
 * place are applied; the project's kind and dates stay (the link says when the person worked there, and ends the
 * record with its spell), and so does its place code unless the job names a place inside it. Nothing new started, so
 * the person's other jobs stay as they are and no `employment.started` follows; the change is audited.
 *
 * Refused when the link's work ended before today: staff are saying the person works there now, which the link does
 * not say; the error names the record, the project and the day it ended, to be put right on the project's link.
 */
export async function mergeIntoProjectWork(
  db: Db,
  actor: { accountId: string },
  w: { id: string; regionCode: string },
  same: ProjectWork,
  input: EmploymentStart,
  today: string,
  now: Date,
  meta: { requestId?: string; ip?: string },
) {
  const r = same.record;
  if (r.endDate && r.endDate < today) {
    throw new Conflict('same work ended on its project', [
      { path: 'body.employerName', message: 'errors:detail.project_work_ended', recordId: r.id, project: same.projectName, projectId: same.projectId, linkId: same.linkId, endDate: r.endDate },
    ]);
  }
  const set: Partial<typeof employmentRecords.$inferInsert> = {};
  if (input.monthlyIncomeFen !== undefined && input.monthlyIncomeFen !== null) set.monthlyIncomeFen = input.monthlyIncomeFen;
  if (input.partTime !== undefined) set.partTime = input.partTime;
  if (input.place) set.place = input.place;
  if (input.placeRegionCode && (!r.placeRegionCode || input.placeRegionCode.startsWith(r.placeRegionCode))) set.placeRegionCode = input.placeRegionCode;
  const [merged] = Object.keys(set).length ? await db.update(employmentRecords).set(set).where(eq(employmentRecords.id, r.id)).returning() : [r];
  if (r.startDate <= today) await db.update(workers).set({ employed: true, updatedAt: now, lastActivityAt: now, version: sql`${workers.version} + 1` }).where(eq(workers.id, w.id));
  await auditIn({ ctx: { db }, actor, meta }, {
    action: 'employment.merge',
    entity: 'worker',
    entityId: w.id,
    regionCode: w.regionCode,
    details: { employmentId: r.id, projectId: same.projectId, linkId: same.linkId, fields: Object.keys(set) },
  });
  return { record: merged!, merged: { projectId: same.projectId, projectName: same.projectName, linkId: same.linkId } };
}
