import { and, asc, eq, gte, inArray, isNull, ne, or, type Placeholder } from 'drizzle-orm';
import type { Db } from '../db/client';
import { followUps, followUpSteps, identities, sendingAccounts, subscriptions, type SendingAccount } from '../db/schema/outreach';
import { isActiveWorker } from '../registry';

export type { SendingAccount };
export type Subscription = typeof subscriptions.$inferSelect;
export type DoorKind = (typeof identities.$inferSelect)['kind'];
export type Door = { kind: DoorKind; value: string; accountId?: string | null };

/** The person still in the programme whom one of these doors (an openid, a unionid…) belongs to, trying them in order. */
export async function workerOfDoors(db: Db, doors: readonly Door[]): Promise<string | null> {
  for (const d of doors) {
    const [row] = await db
      .select({ workerId: identities.workerId })
      .from(identities)
      .where(and(eq(identities.kind, d.kind), eq(identities.value, d.value), isActiveWorker(identities.workerId)))
      .limit(1);
    if (row) return row.workerId;
  }
  return null;
}

/** Gives these doors to the person, taking them from anyone who held them before (in the caller's transaction); `now` defaults to the database's clock. */
export async function moveDoors(db: Db, workerId: string, doors: readonly Door[], now?: Date): Promise<void> {
  for (const d of doors) {
    await db.delete(identities).where(and(eq(identities.kind, d.kind), eq(identities.value, d.value)));
    await db.insert(identities).values({ workerId, kind: d.kind, value: d.value, accountId: d.accountId ?? null, createdAt: now });
  }
}

/** The WeChat contacts bound through one sending account (with `orUnassigned`, also those bound before accounts were told apart). */
export async function contactsOfAccount(db: Db, accountId: string, orUnassigned: boolean, limit = 20_000): Promise<string[]> {
  const rows = await db
    .select({ value: identities.value })
    .from(identities)
    .where(and(eq(identities.kind, 'wechat_contact'), orUnassigned ? or(eq(identities.accountId, accountId), isNull(identities.accountId)) : eq(identities.accountId, accountId)))
    .limit(limit);
  return [...new Set(rows.map((r) => r.value))];
}

/** The accounts a bot process may drive: the configured one, and every personal or WeCom account not disabled, by name. */
export async function botAccounts(db: Db, configuredName: string): Promise<SendingAccount[]> {
  return db
    .select()
    .from(sendingAccounts)
    .where(or(eq(sendingAccounts.name, configuredName), and(ne(sendingAccounts.status, 'disabled'), inArray(sendingAccounts.door, ['personal', 'wecom']))))
    .orderBy(asc(sendingAccounts.name));
}

/** The person's subscription as stored, or undefined when they never set one (the defaults apply). */
export async function subscriptionOf(db: Db, workerId: string): Promise<Subscription | undefined> {
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.workerId, workerId));
  return sub;
}

/** The id of the person's run of a sequence still active from this anchor date, if any. */
export async function runningFollowUp(db: Db, by: { workerId: string; sequence: string; anchorDate: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ id: followUps.id })
    .from(followUps)
    .where(and(eq(followUps.workerId, by.workerId), eq(followUps.sequence, by.sequence), eq(followUps.status, 'active'), eq(followUps.anchorDate, by.anchorDate)));
  return row?.id;
}

/**
 * Read model for another module's query: the steps of one person's sequence sent since a moment
 * (worker, step key, when it went), as a subquery to join in one statement. Outreach owns the columns.
 */
export function firedSteps(db: Db, by: { workerId: string | Placeholder; sequence: string; since: Date | Placeholder }) {
  return db
    .select({ workerId: followUps.workerId, step: followUpSteps.step, firedAt: followUpSteps.firedAt })
    .from(followUpSteps)
    .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
    .where(and(eq(followUps.workerId, by.workerId), eq(followUps.sequence, by.sequence), eq(followUpSteps.status, 'fired'), gte(followUpSteps.firedAt, by.since)))
    .as('fired_steps');
}
