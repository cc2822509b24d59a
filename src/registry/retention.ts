import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { assertInScope, type Actor } from '../shared/actor';
import { auditRead, command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { helpRequests } from '../db/schema/chat';
import { fairSignups } from '../db/schema/fairs';
import { applications, enrolments, jobFairs, wageCases } from '../db/schema/market';
import { workerSessions } from '../db/schema/me';
import { deliveries, followUps, followUpSteps, identities, providerReports, subscriptions } from '../db/schema/outreach';
import { rainDewActions, rainDewEvents, rainDewFiles, rainDewPlans, rainDewSubsidies } from '../db/schema/rain-dew';
import { consents, employmentRecords, trainingRecords, workerChanges, workers } from '../db/schema/registry';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { shanghaiDate } from '../shared/time';

type Meta = { requestId?: string; ip?: string };

async function scoped(db: Db, actor: Actor, id: string) {
  const [w] = await db.select().from(workers).where(eq(workers.id, id));
  if (!w) throw new NotFound('worker', id);
  assertInScope(actor, w.regionCode, 'worker', id);
  return w;
}

/** The person has left the programme (moved away, no longer covered): nothing more is sent to them. */
export async function markLeft(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, id: string, reason: string, meta: Meta) {
  const w = await scoped(ctx.db, actor, id);
  if (w.status === 'left') throw new Conflict('already left', [{ path: 'worker', message: 'errors:detail.retention.already_left' }]);
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await tx.update(workers).set({ status: 'left', leftOn: shanghaiDate(now), updatedAt: now, lastActivityAt: now, version: sql`${workers.version} + 1` }).where(eq(workers.id, id));
    await tx.update(followUps).set({ status: 'stopped', stopReason: 'left', updatedAt: now }).where(and(eq(followUps.workerId, id), eq(followUps.status, 'active')));
    audit({ action: 'worker.leave', entity: 'worker', entityId: id, regionCode: w.regionCode, details: { reason } });
  });
  return { id, status: 'left' as const };
}

/**
 * PIPL Art. 19: kept no longer than needed. People who left the programme and have not been heard of
 * for RETENTION_YEARS lose everything that identifies them: name, ID and phone numbers, birth day,
 * home location, free text, and every WeChat identifier (contact id, openid and unionid of each door,
 * wherever one was kept: bindings, help requests, mini-program sessions, providers' reports). The
 * record's change history keeps that a change happened, when and by whom, not which fields. What the
 * figures need stays: region, category, labour capacity, sex, year of birth, and the employment and
 * training records (counts, dates, places).
 */
export async function anonymiseDeparted(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, limit = 500): Promise<number> {
  const cutoff = new Date(ctx.clock.now());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - ctx.config.retentionYears);
  const due = await ctx.db
    .select({ id: workers.id, regionCode: workers.regionCode })
    .from(workers)
    .where(and(eq(workers.status, 'left'), lt(workers.lastActivityAt, cutoff), sql`${workers.name} <> '已匿名'`))
    .limit(limit);
  if (!due.length) return 0;
  const ids = due.map((w) => w.id);
  await command({ ctx }, async (tx, audit) => {
    await tx.execute(sql`
      update workers set name = '已匿名', id_number_enc = '', id_number_hash = 'anon:' || id::text, id_number_masked = '******************',
        phone_enc = null, phone_hash = null, phone_masked = null, ethnicity = null, political_status = null, education = null, health = null,
        birth_date = date_trunc('year', birth_date)::date, home_lat = null, home_lng = null, skills = '{}', service_needs = '{}', pay_floor_fen = null,
        content_hash = null, consent = false, updated_at = now(), version = version + 1
      where id = any(${sql.param(ids)}::uuid[])`);
    // Every WeChat identifier the person was known by, also where it was kept without the worker's id
    // (a help request or a sign-in made before binding, a provider's report of a message).
    const doors = await tx.select({ value: identities.value }).from(identities).where(inArray(identities.workerId, ids));
    const sessions = await tx.select({ openid: workerSessions.openid, unionid: workerSessions.unionid }).from(workerSessions).where(inArray(workerSessions.workerId, ids));
    const known = [...new Set([...doors.map((d) => d.value), ...sessions.flatMap((s) => [s.openid, s.unionid ?? ''])].filter(Boolean))];
    const theirs = (col: Parameters<typeof inArray>[0]) => (known.length ? inArray(col, known) : sql`false`);
    await tx.update(helpRequests).set({ contact: '已匿名', context: [], note: null }).where(or(inArray(helpRequests.workerId, ids), theirs(helpRequests.contact)));
    await tx.delete(workerSessions).where(or(inArray(workerSessions.workerId, ids), theirs(workerSessions.openid), theirs(workerSessions.unionid)));
    await tx
      .update(providerReports)
      .set({ address: null })
      .where(or(theirs(providerReports.address), inArray(providerReports.deliveryId, tx.select({ id: deliveries.id }).from(deliveries).where(inArray(deliveries.workerId, ids)))));
    await tx.delete(identities).where(inArray(identities.workerId, ids));
    await tx.delete(subscriptions).where(inArray(subscriptions.workerId, ids));
    await tx.update(workerChanges).set({ fields: [] }).where(inArray(workerChanges.workerId, ids));
    await tx.update(wageCases).set({ description: null }).where(inArray(wageCases.workerId, ids));
    await tx.update(employmentRecords).set({ place: null }).where(inArray(employmentRecords.workerId, ids));
    // Rain Dew files keep their figures (major, level, dates, statuses) but no words about the person.
    await tx.update(rainDewFiles).set({ school: '已匿名' }).where(inArray(rainDewFiles.workerId, ids));
    await tx.update(rainDewEvents).set({ outcome: null }).where(inArray(rainDewEvents.workerId, ids));
    await tx.update(rainDewPlans).set({ goal: '已匿名' }).where(inArray(rainDewPlans.workerId, ids));
    await tx.update(rainDewActions).set({ description: '已匿名', outcome: null }).where(inArray(rainDewActions.workerId, ids));
    for (const w of due) audit({ action: 'worker.anonymise', entity: 'worker', entityId: w.id, regionCode: w.regionCode, details: { afterYears: ctx.config.retentionYears } });
  });
  return due.length;
}

/**
 * PIPL Art. 45: what the register holds about a person, for the person, in full (ID and phone numbers
 * unmasked). Staff with the permission give it out with the stated purpose; the read is audited.
 */
export async function personalData(ctx: Pick<AppContext, 'db' | 'pii'>, actor: Actor, id: string, purpose: string, meta: Meta) {
  if (!actor.canRevealPii) throw new Forbidden('may not reveal personal data', [{ path: 'account', message: 'errors:detail.export.no_permission' }]);
  if (!purpose) throw new ValidationFailed('purpose required', [{ path: 'query.purpose', message: 'errors:detail.purpose_required' }]);
  const w = await scoped(ctx.db, actor, id);
  const [jobs, trainings, enrolled, apps, consentRows, doors, subs] = await Promise.all([
    ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, id)),
    ctx.db.select().from(trainingRecords).where(eq(trainingRecords.workerId, id)),
    ctx.db.select().from(enrolments).where(eq(enrolments.workerId, id)),
    ctx.db.select().from(applications).where(eq(applications.workerId, id)),
    ctx.db.select().from(consents).where(eq(consents.workerId, id)),
    ctx.db.select({ kind: identities.kind, createdAt: identities.createdAt }).from(identities).where(eq(identities.workerId, id)),
    ctx.db.select().from(subscriptions).where(eq(subscriptions.workerId, id)),
  ]);
  const steps = await ctx.db
    .select({ sequence: followUps.sequence, step: followUpSteps.step, status: followUpSteps.status, dueAt: followUpSteps.dueAt })
    .from(followUpSteps)
    .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
    .where(eq(followUps.workerId, id));
  const [rainDew, rainDewTimeline, rainDewPaid, rainDewPlan, rainDewSteps, fairs] = await Promise.all([
    ctx.db.select().from(rainDewFiles).where(eq(rainDewFiles.workerId, id)),
    ctx.db.select().from(rainDewEvents).where(eq(rainDewEvents.workerId, id)),
    ctx.db.select().from(rainDewSubsidies).where(eq(rainDewSubsidies.workerId, id)),
    ctx.db.select().from(rainDewPlans).where(eq(rainDewPlans.workerId, id)),
    ctx.db.select().from(rainDewActions).where(eq(rainDewActions.workerId, id)),
    ctx.db
      .select({ fair: jobFairs.title, startsAt: jobFairs.startsAt, status: fairSignups.status, source: fairSignups.source, checkedInAt: fairSignups.checkedInAt, createdAt: fairSignups.createdAt })
      .from(fairSignups)
      .innerJoin(jobFairs, eq(jobFairs.id, fairSignups.fairId))
      .where(eq(fairSignups.workerId, id)),
  ]);
  await auditRead({ ctx, actor, meta }, { action: 'worker.personal_data', entity: 'worker', entityId: id, regionCode: w.regionCode, details: { purpose } });
  const { idNumberEnc, idNumberHash: _h, phoneEnc, phoneHash: _p, contentHash: _c, ...rest } = w;
  return {
    person: { ...rest, idNumber: idNumberEnc ? ctx.pii.decrypt(idNumberEnc) : null, phone: phoneEnc ? ctx.pii.decrypt(phoneEnc) : null },
    employment: jobs,
    trainings,
    enrolments: enrolled,
    applications: apps.map(({ history: _history, ...a }) => a),
    consents: consentRows,
    chatBindings: doors,
    subscription: subs[0] ?? null,
    followUps: steps,
    rainDew: rainDew[0] ? { file: rainDew[0], timeline: rainDewTimeline, subsidies: rainDewPaid, plan: rainDewPlan[0] ?? null, actions: rainDewSteps } : null,
    jobFairs: fairs,
  };
}
