import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { accounts } from '../db/schema/access';

/** The phone a member of staff set for messages to them (encrypted), and whether they opted out of pushes. */
export async function staffPhoneOf(db: Executor, accountId: string): Promise<{ phoneEnc: string | null; optOut: boolean } | undefined> {
  const [a] = await db.select({ phoneEnc: accounts.contactPhoneEnc, optOut: accounts.pushOptOut }).from(accounts).where(eq(accounts.id, accountId));
  return a;
}

/** The contact phone (encrypted) of each of these accounts that has one, in one query. */
export async function staffPhonesOf(db: Executor, accountIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(accountIds)];
  if (!ids.length) return new Map();
  const rows = await db.select({ id: accounts.id, phoneEnc: accounts.contactPhoneEnc }).from(accounts).where(and(inArray(accounts.id, ids), isNotNull(accounts.contactPhoneEnc)));
  return new Map(rows.map((r) => [r.id, r.phoneEnc!]));
}

/** A member of staff who replied 回T退订 from their contact phone gets no more pushes; the accounts changed. */
export async function optOutStaffPhone(db: Executor, phoneHash: string): Promise<string[]> {
  const rows = await db.update(accounts).set({ pushOptOut: true }).where(and(eq(accounts.contactPhoneHash, phoneHash), eq(accounts.pushOptOut, false))).returning({ id: accounts.id });
  return rows.map((r) => r.id);
}

/** The WeChat a member of staff bound to their account, and the sending account that has them as a contact. */
export async function staffChatDoor(db: Executor, accountId: string): Promise<{ value: string | null; accountId: string | null } | undefined> {
  const [a] = await db.select({ value: accounts.chatContact, accountId: accounts.chatSendingAccountId }).from(accounts).where(eq(accounts.id, accountId));
  return a;
}
