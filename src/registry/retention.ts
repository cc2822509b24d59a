import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { assertInScope, type Actor } from '../shared/actor';
import type { Executor } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { consents, employmentRecords, trainingRecords, workerChanges, workers } from '../db/schema/registry';
import { ANONYMISED, type Erasure } from '../shared/erasure';
import { Conflict, NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';

/** The person, if they are in the actor's region (another region's person is not found). */
export async function workerInScope(db: Db, actor: Actor, id: string) {
  const [w] = await db.select().from(workers).where(eq(workers.id, id));
  if (!w) throw new NotFound('worker', id);
  assertInScope(actor, w.regionCode, 'worker', id);
  return w;
}

/** The person who is to leave the programme, in the actor's region and not already gone. */
export async function leavingWorker(db: Db, actor: Actor, id: string) {
  const w = await workerInScope(db, actor, id);
  if (w.status === 'left') throw new Conflict('already left', [{ path: 'worker', message: 'errors:detail.retention.already_left' }]);
  return w;
}

/** The register's part of leaving the programme: the status, the day, and the last activity (from which the retention years count). */
export async function markLeftIn(tx: Executor, id: string, now: Date): Promise<void> {
  await tx.update(workers).set({ status: 'left', leftOn: shanghaiDate(now), updatedAt: now, lastActivityAt: now, version: sql`${workers.version} + 1` }).where(eq(workers.id, id));
}

/** Up to `limit` people who left the programme and have not been heard of since `cutoff`, not yet anonymised. */
export async function departedBefore(db: Db, cutoff: Date, limit: number) {
  return db
    .select({ id: workers.id, regionCode: workers.regionCode })
    .from(workers)
    .where(and(eq(workers.status, 'left'), lt(workers.lastActivityAt, cutoff), sql`${workers.name} <> ${ANONYMISED}`))
    .limit(limit);
}

/**
 * The register's part of an anonymisation: name, ID and phone numbers, birth day, home location and
 * free text go; region, category, labour capacity, sex, year of birth stay, and so do the employment
 * records (counts, dates), without the place. The record's change history keeps that a change happened,
 * when and by whom, not which fields.
 */
export async function anonymiseWorkers(tx: Executor, erasure: Erasure): Promise<void> {
  const ids = erasure.workerIds;
  await tx.execute(sql`
    update workers set name = ${ANONYMISED}, id_number_enc = '', id_number_hash = 'anon:' || id::text, id_number_masked = '******************',
      phone_enc = null, phone_hash = null, phone_masked = null, ethnicity = null, political_status = null, education = null, health = null,
      birth_date = date_trunc('year', birth_date)::date, home_lat = null, home_lng = null, skills = '{}', service_needs = '{}', pay_floor_fen = null,
      content_hash = null, consent = false, updated_at = now(), version = version + 1
    where id = any(${sql.param(ids)}::uuid[])`);
  await tx.update(workerChanges).set({ fields: [] }).where(inArray(workerChanges.workerId, ids));
  await tx.update(employmentRecords).set({ place: null }).where(inArray(employmentRecords.workerId, ids));
}

/** What the register holds about one person, for their right of access: the record with ID and phone numbers unmasked, jobs, trainings, consents. */
export async function personalRecordOf(ctx: Pick<AppContext, 'db' | 'pii'>, w: Awaited<ReturnType<typeof workerInScope>>) {
  const [jobs, trainings, consentRows] = await Promise.all([
    ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, w.id)),
    ctx.db.select().from(trainingRecords).where(eq(trainingRecords.workerId, w.id)),
    ctx.db.select().from(consents).where(eq(consents.workerId, w.id)),
  ]);
  const { idNumberEnc, idNumberHash: _h, phoneEnc, phoneHash: _p, contentHash: _c, ...rest } = w;
  return {
    person: { ...rest, idNumber: idNumberEnc ? ctx.pii.decrypt(idNumberEnc) : null, phone: phoneEnc ? ctx.pii.decrypt(phoneEnc) : null },
    employment: jobs,
    trainings,
    consents: consentRows,
  };
}
