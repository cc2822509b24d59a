import { eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { workers, type Worker } from '../db/schema/registry';

export type { Worker };

/** Whether the person is still in the programme ('active'), or undefined when there is no such person. */
export async function workerStatus(db: Db, id: string): Promise<Worker['status'] | undefined> {
  const [row] = await db.select({ status: workers.status }).from(workers).where(eq(workers.id, id)).limit(1);
  return row?.status;
}

/** The language the person chose to be spoken to in (chat, messages). */
export async function setPreferredLanguage(db: Db, id: string, language: Worker['preferredLanguage']): Promise<void> {
  await db.update(workers).set({ preferredLanguage: language }).where(eq(workers.id, id));
}

/** Where the person wants work, as they said it in chat (their subscription's scope). */
export async function setIntention(db: Db, id: string, intention: Worker['intention']): Promise<void> {
  await db.update(workers).set({ intention }).where(eq(workers.id, id));
}

/**
 * Read model for a query of another module: true when the worker id (a column or expression of the caller's
 * query) is a person still in the programme. The register owns the columns it reads.
 */
export function isActiveWorker(workerId: SQL | AnyPgColumn): SQL {
  return sql`exists (select 1 from ${workers} w where w.id = ${workerId} and w.status = 'active')`;
}
