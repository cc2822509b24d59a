import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { applications, enrolments, wageCases } from '../db/schema/market';
import type { Executor } from '../shared/command';
import type { Erasure } from '../shared/erasure';

/** The market's part of an anonymisation: wage cases stay (they are counted), without the person's own words. */
export async function anonymiseWorkers(tx: Executor, erasure: Erasure): Promise<void> {
  await tx.update(wageCases).set({ description: null }).where(inArray(wageCases.workerId, erasure.workerIds));
}

/** What the market holds about one person, for their right of access: enrolments and applications (without the application's step history). */
export async function personalDataOf(db: Db, workerId: string) {
  const [enrolled, apps] = await Promise.all([db.select().from(enrolments).where(eq(enrolments.workerId, workerId)), db.select().from(applications).where(eq(applications.workerId, workerId))]);
  return { enrolments: enrolled, applications: apps.map(({ history: _history, ...a }) => a) };
}
