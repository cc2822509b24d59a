import { inArray, or } from 'drizzle-orm';
import { workerSessions } from '../db/schema/me';
import type { Executor } from '../shared/command';
import { knownBy, type Erasure } from '../shared/erasure';

/** The mini-program identifiers (openid, unionid) these people signed in with. */
export async function sessionIdsOf(tx: Executor, workerIds: string[]): Promise<string[]> {
  const sessions = await tx.select({ openid: workerSessions.openid, unionid: workerSessions.unionid }).from(workerSessions).where(inArray(workerSessions.workerId, workerIds));
  return sessions.flatMap((s) => [s.openid, s.unionid ?? '']).filter(Boolean);
}

/** The mini-program's part of an anonymisation: every sign-in goes, also one made before binding under one of their identifiers. */
export async function anonymiseWorkers(tx: Executor, erasure: Erasure): Promise<void> {
  await tx.delete(workerSessions).where(or(inArray(workerSessions.workerId, erasure.workerIds), knownBy(erasure, workerSessions.openid), knownBy(erasure, workerSessions.unionid)));
}
