import { and, asc, eq, isNull, like, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { chatGroups, subscriptions, type Audience } from '../db/schema/outreach';
import { people } from '../registry';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { cardLine, gist, placeholders, RECIPIENT_VARIABLES, renderText, smsPieces, smsText, textFor, type RecipientVariable } from './render';
import { CHANNELS, type BroadcastCreate, type ChannelName } from './schemas';
import { createBroadcast, recipientsOf } from './service';

type Ctx = Pick<AppContext, 'db' | 'config' | 'outreachPorts'>;
type Meta = { requestId?: string; ip?: string };
/** What a preview needs: the audience and, to show the text, the message with its values. */
export interface Draft {
  topic?: string | null | undefined;
  audience: Audience;
  toGroups?: boolean | undefined;
  message?: Record<string, string> | undefined;
  variables?: Record<string, string | number> | undefined;
  recipientId?: string | undefined;
}

const reachable = sql`${people.consent} and not coalesce(${subscriptions.unsubscribedAll}, false)`;
const firstChannel = sql<ChannelName>`coalesce(${subscriptions.channel}, 'chat')`;
/** {{village}}: the village or community a person lives in; none for someone registered at a township or above. */
const village = people.village;

/**
 * Before anything is sent: who it reaches, on which channel, what the text messages cost, which
 * variables some people would get empty, and the message as one chosen recipient would read it on each
 * channel, rendered by the functions the sending path uses.
 */
export async function previewBroadcast(ctx: Ctx, actor: Actor, draft: Draft) {
  if (!inScope(actor, draft.audience.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.audience.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  return previewOf(ctx, draft);
}

/** The preview of a broadcast the caller has already checked the actor may send (a fair's announcement). */
export async function previewOf(ctx: Ctx, draft: Draft) {
  const audience = and(eq(people.status, 'active'), recipientsOf({ topic: draft.topic ?? null, audience: draft.audience }, ctx.outreachPorts));
  const counted = await ctx.db
    .select({
      channel: firstChannel,
      reached: sql<number>`count(*) filter (where ${reachable})::int`,
      noConsent: sql<number>`count(*) filter (where not ${people.consent})::int`,
      unsubscribed: sql<number>`count(*) filter (where ${people.consent} and coalesce(${subscriptions.unsubscribedAll}, false))::int`,
      noVillage: sql<number>`count(*) filter (where ${reachable} and ${village} is null)::int`,
    })
    .from(people)
    .leftJoin(subscriptions, eq(subscriptions.workerId, people.id))
    .where(audience)
    .groupBy(firstChannel);
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<ChannelName, number>;
  let count = 0;
  let noConsent = 0;
  let unsubscribed = 0;
  const emptyFor: Record<RecipientVariable, number> = { name: 0, village: 0 };
  for (const r of counted) {
    byChannel[r.channel] = (byChannel[r.channel] ?? 0) + r.reached;
    count += r.reached;
    noConsent += r.noConsent;
    unsubscribed += r.unsubscribed;
    emptyFor.village += r.noVillage;
  }
  const groups = draft.toGroups
    ? ((await ctx.db.select({ n: sql<number>`count(*)::int` }).from(chatGroups).where(and(like(chatGroups.regionCode, `${draft.audience.regionCode}%`), isNull(chatGroups.removedAt))))[0]?.n ?? 0)
    : 0;

  // Variables: a recipient's own value, else the one given with the message; what is left would arrive empty.
  const given = draft.variables ?? {};
  const used = placeholders(Object.values(draft.message ?? {}).join('\n'));
  const missing = unfilled(draft)
    .map((v) => {
      const own = (RECIPIENT_VARIABLES as readonly string[]).includes(v);
      return { name: v, recipients: own ? emptyFor[v as RecipientVariable] : count, groups: groups };
    })
    .filter((m) => m.recipients > 0 || m.groups > 0);

  const sample = draft.message ? await sampleOf(ctx, draft, audience) : null;
  const sms = ctx.config.sms;
  const typical = sample?.views.find((v) => v.channel === 'sms')?.text ?? (draft.message && sms ? smsText(renderText(draft.message['zh-CN'] ?? '', given), sms, ctx.config.smsEstimate.templateText) : '');
  const pieces = typical ? smsPieces(typical) : 1;
  const priceFen = ctx.config.smsEstimate.priceFen;
  return {
    count,
    byChannel,
    heldBack: { noConsent, unsubscribed },
    groups,
    sms: {
      configured: Boolean(sms),
      recipients: byChannel.sms,
      pieces,
      messages: byChannel.sms * pieces,
      priceFen,
      costFen: byChannel.sms * pieces * priceFen,
      // Text messages are the last resort for whoever the other channels cannot reach.
      fallbackMaxMessages: sms ? count * pieces : 0,
    },
    variables: { used, recipientVariables: [...RECIPIENT_VARIABLES], missing },
    sendable: count > 0 && missing.length === 0,
    sample,
    groupText: draft.message && groups > 0 ? renderText(draft.message['zh-CN'] ?? '', given) : null,
  };
}

/** One recipient (the one asked for, or the first by name) and the message as they would read it on each channel. */
async function sampleOf(ctx: Ctx, draft: Draft, audience: ReturnType<typeof and>) {
  const [who] = await ctx.db
    .select({ id: people.id, name: people.name, language: people.preferredLanguage, village, channel: firstChannel })
    .from(people)
    .leftJoin(subscriptions, eq(subscriptions.workerId, people.id))
    .where(and(audience, reachable, draft.recipientId ? eq(people.id, draft.recipientId) : undefined))
    .orderBy(asc(people.name), asc(people.id))
    .limit(1);
  if (!who) {
    if (draft.recipientId) throw new NotFound('worker', draft.recipientId);
    return null;
  }
  const text = renderText(textFor(draft.message!, who.language), draft.variables ?? {}, { name: who.name, village: who.village });
  const views: Array<{ channel: ChannelName; form: 'message' | 'card'; text: string }> = [
    { channel: 'chat', form: 'message', text },
    { channel: 'mini_program', form: 'card', text: cardLine(text) },
    { channel: 'mini_program', form: 'message', text },
    { channel: 'official_account', form: 'message', text },
  ];
  // Outside the 48 hours after the person last wrote, the official account sends its template card.
  if (ctx.config.officialAccount?.templateId) views.push({ channel: 'official_account', form: 'card', text: gist(text, 20) });
  if (ctx.config.sms) views.push({ channel: 'sms', form: 'message', text: smsText(text, ctx.config.sms, ctx.config.smsEstimate.templateText) });
  return { workerId: who.id, name: who.name, language: who.language, channel: who.channel, views };
}

/** The {{variables}} of a message given no value with it: each comes from the recipient, or arrives empty. */
function unfilled(draft: Pick<Draft, 'message' | 'variables'>): string[] {
  const given = draft.variables ?? {};
  // Its own keys only: {{constructor}} is not given by every object.
  return placeholders(Object.values(draft.message ?? {}).join('\n')).filter((v) => !Object.hasOwn(given, v) || given[v] === undefined || String(given[v]).trim() === '');
}

/**
 * A broadcast a member of staff writes goes out only when every variable has a value for everyone:
 * one nobody gives a value for, or one some people's records lack, is named and refused (a value given
 * with the message is the default).
 */
export async function sendBroadcast(ctx: Ctx & Parameters<typeof createBroadcast>[0], actor: Actor, input: BroadcastCreate, meta: Meta) {
  // Every variable has its value (or there is none): nobody can get one empty, and the audience need not be
  // counted first (for a prefecture's hundred thousand people that took PostgreSQL about a second).
  if (!unfilled(input).length) return createBroadcast(ctx, actor, input, meta);
  const p = await previewBroadcast(ctx, actor, { ...input, recipientId: undefined });
  if (p.variables.missing.length) {
    throw new ValidationFailed(
      'message variables without a value',
      p.variables.missing.map((m) => ({ path: 'body.variables', message: 'errors:detail.outreach.variable_missing', variable: m.name, recipients: m.recipients })),
    );
  }
  return createBroadcast(ctx, actor, input, meta);
}

