import type { Db } from '../db/client';
import { helpRequests } from '../db/schema/chat';

/**
 * A task for the station of the person's region that monitoring opens when it warns about them (一对一帮扶): a
 * help request from the 'monitoring' door, with no chat account to answer on, in the caller's transaction.
 */
export async function openMonitoringTask(db: Db, input: { workerId: string; regionCode: string; reason: string; at: Date }): Promise<void> {
  await db.insert(helpRequests).values({ workerId: input.workerId, regionCode: input.regionCode, door: 'monitoring', contact: '', context: [{ at: input.at.toISOString(), text: `monitoring: ${input.reason}` }], createdAt: input.at });
}

/**
 * A task for the station of the person's region when a follow-up's last questions went unanswered (outreach's
 * `follow_up.unanswered`): a help request from the 'follow_up' door, in the caller's transaction.
 */
export async function openFollowUpTask(db: Db, input: { workerId: string; regionCode: string; sequence: string; unanswered: number; at: string }): Promise<void> {
  const at = new Date(input.at);
  await db.insert(helpRequests).values({ workerId: input.workerId, regionCode: input.regionCode, door: 'follow_up', contact: '', context: [{ at: at.toISOString(), text: `${input.sequence}: no reply to ${input.unanswered} follow-up messages` }], createdAt: at });
}
