import type { AppContext } from '../context';
import * as chat from '../chat';
import * as fairs from '../fairs';
import * as market from '../market';
import * as me from '../me';
import * as outreach from '../outreach';
import * as rainDew from '../rain-dew';
import * as registry from '../registry';
import type { Actor } from '../shared/actor';
import { auditRead, command, type CommandProps } from '../shared/command';
import type { Erasure } from '../shared/erasure';
import { Forbidden, ValidationFailed } from '../shared/errors';
import type { PrivacyProps } from './props';

type Meta = { requestId?: string; ip?: string };

/** The person has left the programme (moved away, no longer covered): nothing more is sent to them. */
export async function markLeft({ ctx, actor, meta }: PrivacyProps<Pick<AppContext, 'db' | 'clock'>>, id: string, reason: string) {
  const w = await registry.leavingWorker(ctx.db, actor, id);
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await registry.markLeftIn(tx, id, now);
    await outreach.stopOnLeaving(tx, id, now);
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
 *
 * Each owner anonymises its own rows, all in one transaction: if one step fails, nothing is anonymised
 * and the people are found again by the next round. The system acts, so the props carry only the context.
 */
export async function anonymiseDeparted(props: Pick<CommandProps, 'ctx'> & { ctx: Pick<AppContext, 'db' | 'clock' | 'config'> }, limit = 500): Promise<number> {
  const { ctx } = props;
  const cutoff = new Date(ctx.clock.now());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - ctx.config.retentionYears);
  const due = await registry.departedBefore(ctx.db, cutoff, limit);
  if (!due.length) return 0;
  const workerIds = due.map((w) => w.id);
  await command({ ctx }, async (tx, audit) => {
    // Every WeChat identifier the person was known by, read before any owner removes one, so that
    // what was kept without the worker's id (a help request or a sign-in made before binding, a
    // provider's report of a message) is found too.
    const known = [...(await outreach.doorIdsOf(tx, workerIds)), ...(await me.sessionIdsOf(tx, workerIds))];
    const erasure: Erasure = { workerIds, wechatIds: [...new Set(known.filter(Boolean))] };
    await registry.anonymiseWorkers(tx, erasure);
    await chat.anonymiseWorkers(tx, erasure);
    await me.anonymiseWorkers(tx, erasure);
    await outreach.anonymiseWorkers(tx, erasure);
    await market.anonymiseWorkers(tx, erasure);
    await rainDew.anonymiseWorkers(tx, erasure);
    for (const w of due) audit({ action: 'worker.anonymise', entity: 'worker', entityId: w.id, regionCode: w.regionCode, details: { afterYears: ctx.config.retentionYears } });
  });
  return due.length;
}

/**
 * PIPL Art. 45: what the register holds about a person, for the person, in full (ID and phone numbers
 * unmasked), gathered from each owner. Staff with the permission give it out with the stated purpose;
 * the read is audited.
 */
export async function personalData(ctx: Pick<AppContext, 'db' | 'pii'>, actor: Actor, id: string, purpose: string, meta: Meta) {
  if (!actor.canRevealPii) throw new Forbidden('may not reveal personal data', [{ path: 'account', message: 'errors:detail.export.no_permission' }]);
  if (!purpose) throw new ValidationFailed('purpose required', [{ path: 'query.purpose', message: 'errors:detail.purpose_required' }]);
  const w = await registry.workerInScope(ctx.db, actor, id);
  const [record, held, reached, rainDewFile, signedUp] = await Promise.all([
    registry.personalRecordOf(ctx, w),
    market.personalDataOf(ctx.db, id),
    outreach.personalDataOf(ctx.db, id),
    rainDew.personalDataOf(ctx.db, id),
    fairs.personalDataOf(ctx.db, id),
  ]);
  await auditRead({ ctx, actor, meta }, { action: 'worker.personal_data', entity: 'worker', entityId: id, regionCode: w.regionCode, details: { purpose } });
  return {
    person: record.person,
    employment: record.employment,
    trainings: record.trainings,
    enrolments: held.enrolments,
    applications: held.applications,
    consents: record.consents,
    chatBindings: reached.chatBindings,
    subscription: reached.subscription,
    followUps: reached.followUps,
    rainDew: rainDewFile,
    jobFairs: signedUp,
  };
}
