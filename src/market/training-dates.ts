import { and, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { enrolments } from '../db/schema/market';

type EnrolmentStatus = (typeof enrolments.$inferSelect)['status'];

/** The days (YYYY-MM-DD, Asia/Shanghai) people enrolled in trainings, of enrolments with one of these statuses: what the policies' training rules read. */
export async function trainingEnrolmentDays(db: Db, workerIds: string[], statuses: string[]): Promise<Array<{ workerId: string; at: string }>> {
  if (!workerIds.length) return [];
  return db
    .select({ workerId: enrolments.workerId, at: sql<string>`to_char(${enrolments.createdAt} at time zone 'Asia/Shanghai', 'YYYY-MM-DD')` })
    .from(enrolments)
    .where(and(inArray(enrolments.workerId, workerIds), inArray(enrolments.status, statuses as EnrolmentStatus[])));
}
