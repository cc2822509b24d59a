import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { accounts, sessions, stations } from '../db/schema/access';
import { findRegion } from '../regions';

export async function findAccountByUsername(db: Db, username: string) {
  const [row] = await db.select().from(accounts).where(eq(accounts.username, username)).limit(1);
  return row;
}

/** One account's row, or undefined. */
export async function findAccount(db: Db, id: string) {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id)).limit(1);
  return row;
}

export async function findAccountView(db: Db, id: string) {
  const account = await findAccount(db, id);
  if (!account) return undefined;
  return { account, regionName: (await findRegion(db, account.regionCode))?.name ?? null };
}

/** A new hash of the same password, written only if nobody changed the password meanwhile. */
export async function replacePasswordHash(db: Db, id: string, oldHash: string, newHash: string) {
  await db.update(accounts).set({ passwordHash: newHash }).where(and(eq(accounts.id, id), eq(accounts.passwordHash, oldHash)));
}

export async function insertSession(db: Db, accountId: string, tokenHash: string, expiresAt: Date) {
  await db.insert(sessions).values({ accountId, tokenHash, expiresAt });
}

export async function findLiveSession(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ session: sessions, account: accounts })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(accounts.disabledAt)))
    .limit(1);
  return row;
}

export async function revokeSession(db: Db, tokenHash: string, now: Date) {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)));
}

/** Sessions expired or revoked more than a day ago are of no further use. */
export async function deleteDeadSessions(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - 24 * 3600 * 1000);
  const deleted = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, cutoff), lt(sessions.revokedAt, cutoff)))
    .returning({ id: sessions.id });
  return deleted.length;
}

/** Whether any account exists yet (a deployment's first start has none). */
export async function anyAccount(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: accounts.id }).from(accounts).limit(1);
  return row !== undefined;
}

/** Writes a new station (就业服务站) in a region. */
export async function createStation(db: Db, input: { name: string; kind: (typeof stations.$inferInsert)['kind']; regionCode: string }): Promise<{ id: string }> {
  const [row] = await db.insert(stations).values(input).returning({ id: stations.id });
  return row!;
}

/** Writes a new staff account whose password is already hashed. */
export async function createAccount(db: Db, input: Pick<typeof accounts.$inferInsert, 'username' | 'passwordHash' | 'displayName' | 'role' | 'regionCode'>): Promise<{ id: string }> {
  const [row] = await db.insert(accounts).values(input).returning({ id: accounts.id });
  return row!;
}
