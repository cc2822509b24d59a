import { sql } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { households } from '../db/schema/registry';
import { CONSENT_NOTICE_VERSION, type ConsentChannel } from './consent';

/** Writes households in one statement, returning their ids in the order given. */
export async function bulkInsertHouseholds(db: Executor, rows: Array<{ regionCode: string; relocated: boolean; headIdHash: string }>): Promise<string[]> {
  if (!rows.length) return [];
  const made = await db.insert(households).values(rows).returning({ id: households.id });
  return made.map((r) => r.id);
}

/**
 * Records, in one statement, that these people granted consent on the current notice (a signed station form
 * for people written in bulk). The people's own `consent` flag is set by whoever wrote them.
 */
export async function bulkGrantConsent(db: Executor, workerIds: readonly string[], channel: ConsentChannel, at: Date): Promise<void> {
  if (!workerIds.length) return;
  await db.execute(sql`insert into consents (worker_id, granted, notice_version, channel, at) select id, true, ${CONSENT_NOTICE_VERSION}, ${channel}, ${at.toISOString()}::timestamptz from unnest(${sql.param([...workerIds])}::uuid[]) as id`);
}
