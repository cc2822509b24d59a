import { desc, eq } from 'drizzle-orm';
import { assertInScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { command, type CommandProps, type Executor } from '../shared/command';
import { consents, workers } from '../db/schema/registry';
import { NotFound } from '../shared/errors';

/** The version of the plain-language notice people agree to (locales: registry:consent.notice). */
export const CONSENT_NOTICE_VERSION = '2026-11';

export type ConsentChannel = 'station_form' | 'chat' | 'mini_program';

/**
 * Records an answer and mirrors it on the person, in one transaction. Withdrawing stops every message
 * at once: fan-out leaves the person out and each delivery checks again when it is sent. Who acts is
 * `input.recordedBy` (nobody for the person's own answer), so the props carry only the context.
 */
export async function recordConsent(props: Pick<CommandProps, 'ctx'>, input: { workerId: string; regionCode: string; granted: boolean; channel: ConsentChannel; recordedBy: string | null; at: Date }): Promise<void> {
  const { ctx } = props;
  await command({ ctx }, async (tx, audit) => {
    await tx.insert(consents).values({ workerId: input.workerId, granted: input.granted, noticeVersion: CONSENT_NOTICE_VERSION, channel: input.channel, recordedBy: input.recordedBy, at: input.at });
    await tx.update(workers).set({ consent: input.granted, updatedAt: input.at }).where(eq(workers.id, input.workerId));
    audit({
      actorId: input.recordedBy,
      action: input.granted ? 'consent.grant' : 'consent.withdraw',
      entity: 'worker',
      entityId: input.workerId,
      regionCode: input.regionCode,
      details: { channel: input.channel, noticeVersion: CONSENT_NOTICE_VERSION },
    });
  });
}

async function scoped(db: Executor, actor: Actor, workerId: string) {
  const [w] = await db.select({ id: workers.id, regionCode: workers.regionCode, consent: workers.consent }).from(workers).where(eq(workers.id, workerId));
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  return w;
}

export async function getConsent(ctx: Pick<AppContext, 'db'>, actor: Actor, workerId: string) {
  const w = await scoped(ctx.db, actor, workerId);
  const rows = await ctx.db.select().from(consents).where(eq(consents.workerId, workerId)).orderBy(desc(consents.at));
  return {
    workerId,
    granted: w.consent,
    noticeVersion: CONSENT_NOTICE_VERSION,
    history: rows.map((r) => ({ granted: r.granted, noticeVersion: r.noticeVersion, channel: r.channel, at: r.at.toISOString(), recordedBy: r.recordedBy })),
  };
}

export async function setConsent(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, workerId: string, input: { granted: boolean; channel: ConsentChannel }) {
  const w = await scoped(ctx.db, actor, workerId);
  await recordConsent({ ctx }, { workerId, regionCode: w.regionCode, granted: input.granted, channel: input.channel, recordedBy: actor.accountId, at: ctx.clock.now() });
  return getConsent(ctx, actor, workerId);
}
