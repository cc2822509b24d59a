import { eq } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { accounts, stations } from '../db/schema/access';

/**
 * The id of an account the software itself acts as (it cannot sign in: disabled from the start), written
 * on first use. Two processes asking at once get the same account.
 */
export async function ensureServiceAccount(db: Executor, input: { username: string; displayName: string; regionCode: string }): Promise<string> {
  const [known] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, input.username));
  if (known) return known.id;
  await db.insert(accounts).values({ ...input, passwordHash: '!', role: 'system', disabledAt: new Date() }).onConflictDoNothing();
  const [made] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, input.username));
  return made!.id;
}

/** Whether this WeChat contact is bound to a member of staff's account (a disabled account's too). */
export async function isStaffContact(db: Executor, contact: string): Promise<boolean> {
  const [a] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.chatContact, contact)).limit(1);
  return a !== undefined;
}

/** The region of a station, or undefined when there is no such station. */
export async function stationRegion(db: Executor, stationId: string): Promise<string | undefined> {
  const [st] = await db.select({ regionCode: stations.regionCode }).from(stations).where(eq(stations.id, stationId));
  return st?.regionCode;
}
