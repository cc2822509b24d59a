import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rainDewActions, rainDewEvents, rainDewFiles, rainDewPlans, rainDewSubsidies } from '../db/schema/rain-dew';
import type { Executor } from '../shared/command';
import { ANONYMISED, type Erasure } from '../shared/erasure';

/** Rain Dew's part of an anonymisation: the files keep their figures (major, level, dates, statuses) but no words about the person. */
export async function anonymiseWorkers(tx: Executor, erasure: Erasure): Promise<void> {
  const ids = erasure.workerIds;
  await tx.update(rainDewFiles).set({ school: ANONYMISED }).where(inArray(rainDewFiles.workerId, ids));
  await tx.update(rainDewEvents).set({ outcome: null }).where(inArray(rainDewEvents.workerId, ids));
  await tx.update(rainDewPlans).set({ goal: ANONYMISED }).where(inArray(rainDewPlans.workerId, ids));
  await tx.update(rainDewActions).set({ description: ANONYMISED, outcome: null }).where(inArray(rainDewActions.workerId, ids));
}

/** One person's Rain Dew file, for their right of access: the file, its timeline, subsidies, plan and the plan's steps (null without a file). */
export async function personalDataOf(db: Db, workerId: string) {
  const [file, timeline, subsidies, plan, actions] = await Promise.all([
    db.select().from(rainDewFiles).where(eq(rainDewFiles.workerId, workerId)),
    db.select().from(rainDewEvents).where(eq(rainDewEvents.workerId, workerId)),
    db.select().from(rainDewSubsidies).where(eq(rainDewSubsidies.workerId, workerId)),
    db.select().from(rainDewPlans).where(eq(rainDewPlans.workerId, workerId)),
    db.select().from(rainDewActions).where(eq(rainDewActions.workerId, workerId)),
  ]);
  return file[0] ? { file: file[0], timeline, subsidies, plan: plan[0] ?? null, actions } : null;
}
