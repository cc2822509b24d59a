import { count, gte, sql } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { deliveries, sendingAccounts } from '../db/schema/outreach';

/** Deliveries whose state changed since an instant, counted by channel, status and the reason's code (before any colon). */
export async function deliveriesByOutcomeSince(db: Executor, since: Date): Promise<Array<{ channel: string; status: string; reason: string; n: number }>> {
  const code = sql<string>`split_part(coalesce(${deliveries.reason}, ''), ':', 1)`;
  const rows = await db
    .select({ channel: deliveries.channel, status: deliveries.status, reason: code, n: count() })
    .from(deliveries)
    .where(gte(deliveries.updatedAt, since))
    .groupBy(deliveries.channel, deliveries.status, code);
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** Sending accounts counted by door and status. */
export async function sendingAccountsByStatus(db: Executor): Promise<Array<{ door: string; status: string; n: number }>> {
  const rows = await db.select({ door: sendingAccounts.door, status: sendingAccounts.status, n: count() }).from(sendingAccounts).groupBy(sendingAccounts.door, sendingAccounts.status);
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
