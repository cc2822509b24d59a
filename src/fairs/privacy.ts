import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { fairSignups, jobFairs } from '../db/schema/fairs';

/** The fairs one person signed up for, for their right of access: the fair's title and start, and the sign-up's status, source and check-in. */
export async function personalDataOf(db: Db, workerId: string) {
  return db
    .select({ fair: jobFairs.title, startsAt: jobFairs.startsAt, status: fairSignups.status, source: fairSignups.source, checkedInAt: fairSignups.checkedInAt, createdAt: fairSignups.createdAt })
    .from(fairSignups)
    .innerJoin(jobFairs, eq(jobFairs.id, fairSignups.fairId))
    .where(eq(fairSignups.workerId, workerId));
}
