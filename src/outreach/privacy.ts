import { and, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deliveries, followUps, followUpSteps, identities, providerReports, subscriptions } from '../db/schema/outreach';
import type { Executor } from '../shared/command';
import { knownBy, type Erasure } from '../shared/erasure';

/** The WeChat identifiers of every door these people were bound through (contact id, openids, unionid). */
export async function doorIdsOf(tx: Executor, workerIds: string[]): Promise<string[]> {
  const doors = await tx.select({ value: identities.value }).from(identities).where(inArray(identities.workerId, workerIds));
  return doors.map((d) => d.value);
}

/** The person left the programme: their active follow-ups stop, so nothing more is sent to them. */
export async function stopOnLeaving(tx: Executor, workerId: string, now: Date): Promise<void> {
  await tx.update(followUps).set({ status: 'stopped', stopReason: 'left', updatedAt: now }).where(and(eq(followUps.workerId, workerId), eq(followUps.status, 'active')));
}

/**
 * Outreach's part of an anonymisation: the providers' reports of messages to them (or to one of their
 * identifiers) lose the address, and their doors and subscriptions go.
 */
export async function anonymiseWorkers(tx: Executor, erasure: Erasure): Promise<void> {
  await tx
    .update(providerReports)
    .set({ address: null })
    .where(or(knownBy(erasure, providerReports.address), inArray(providerReports.deliveryId, tx.select({ id: deliveries.id }).from(deliveries).where(inArray(deliveries.workerId, erasure.workerIds)))));
  await tx.delete(identities).where(inArray(identities.workerId, erasure.workerIds));
  await tx.delete(subscriptions).where(inArray(subscriptions.workerId, erasure.workerIds));
}

/** What outreach holds about one person, for their right of access: the doors (kind and date, not the identifier), the subscription, the follow-up steps. */
export async function personalDataOf(db: Db, workerId: string) {
  const [doors, subs] = await Promise.all([
    db.select({ kind: identities.kind, createdAt: identities.createdAt }).from(identities).where(eq(identities.workerId, workerId)),
    db.select().from(subscriptions).where(eq(subscriptions.workerId, workerId)),
  ]);
  const steps = await db
    .select({ sequence: followUps.sequence, step: followUpSteps.step, status: followUpSteps.status, dueAt: followUpSteps.dueAt })
    .from(followUpSteps)
    .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
    .where(eq(followUps.workerId, workerId));
  return { chatBindings: doors, subscription: subs[0] ?? null, followUps: steps };
}
