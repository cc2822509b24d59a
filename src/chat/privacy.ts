import { inArray, or } from 'drizzle-orm';
import { helpRequests } from '../db/schema/chat';
import type { Executor } from '../shared/command';
import { ANONYMISED, knownBy, type Erasure } from '../shared/erasure';

/** Chat's part of an anonymisation: help requests stay (they are counted), without the contact, the words or the station's note. */
export async function anonymiseWorkers(tx: Executor, erasure: Erasure): Promise<void> {
  await tx
    .update(helpRequests)
    .set({ contact: ANONYMISED, context: [], note: null })
    .where(or(inArray(helpRequests.workerId, erasure.workerIds), knownBy(erasure, helpRequests.contact)));
}
