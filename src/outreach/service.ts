import { DelayedError, type Job } from 'bullmq';
import { and, asc, count, desc, eq, gt, inArray, isNull, like, or, sql } from 'drizzle-orm';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command, type CommandProps, type Executor } from '../shared/command';
import type { AppContext, OutreachPorts } from '../context';
import type { Db } from '../db/client';
import { broadcasts, chatGroups, deliveries, digestItems, groupPosts, subscriptions, type Audience } from '../db/schema/outreach';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import { HeldElsewhere, InDoubt, type Channel } from './channels';
import { rowsOf } from '../db/client';
import { Batcher, withRetries } from '../shared/batcher';
import type { TFunction } from 'i18next';
import { LOCALES, translator, type Locale } from '../i18n';
import { beijingTime } from '../shared/time';
import { reasonKey, reasonLabel } from './reasons';
import { BATCHED_CHANNELS, BATCH_SIZE, enqueueDeliveries, enqueueOwnJob } from '../queues/deliveries';
import { DEFAULT_JOB_OPTIONS } from '../queues/queues';
import { addToOutbox, publishOutbox } from '../outbox';
import { nextAllowed, shanghaiDayStart } from './quiet';
import type { BroadcastCreate, ChannelName, SubscriptionPut, SubscriptionView } from './schemas';
import { sequenceOf } from './sequences';
import { renderText, textFor } from './render';
import { findWorker, people, withBothNames } from '../registry';
import { regionNameSql } from '../regions';
import { staffAccounts } from '../access';
import { staffNoticesSql } from '../notices';
import type { OutreachProps } from './props';

/** A text in Chinese and, where written, English, as a policy stores its title and steps (read here from the delivery's row). */
type Localized = { 'zh-CN': string; en?: string };

type Ctx = Pick<AppContext, 'db' | 'clock' | 'queues' | 'logger' | 'outreachPorts'>;
/** What the system's own announcements need: they only start a broadcast, whose fan-out runs later as a job. */
type AnnounceCtx = Pick<AppContext, 'db' | 'clock' | 'queues' | 'logger'>;
type Meta = { requestId?: string; ip?: string };

export const FANOUT_PAGE = 1000;
/** The first wait before a failed send is tried again: the queues' own backoff. */
const RETRY_FIRST_MS = (DEFAULT_JOB_OPTIONS.backoff as { delay: number }).delay;

const DEFAULT_SUBSCRIPTION = {
  topics: [] as string[],
  regionCodes: [] as string[],
  radiusKm: 5,
  quietStart: 21 * 60,
  quietEnd: 8 * 60,
  dailyCap: 5,
  channel: 'chat' as const,
  fallbackChannel: null,
  unsubscribedAll: false,
  digestAt: 8 * 60 + 30,
};

async function scopedWorkerId(db: Db, actor: Actor, workerId: string) {
  const w = await findWorker(db, workerId);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  return w;
}

export async function getSubscription(ctx: Pick<AppContext, 'db'>, actor: Actor, workerId: string) {
  await scopedWorkerId(ctx.db, actor, workerId);
  const [s] = await ctx.db.select().from(subscriptions).where(eq(subscriptions.workerId, workerId));
  return presentSubscription(workerId, s);
}

/** The fields a subscription shows, named one by one; someone never asked has the defaults. */
function presentSubscription(workerId: string, s: typeof subscriptions.$inferSelect | undefined): SubscriptionView {
  if (!s) return { workerId, ...DEFAULT_SUBSCRIPTION, topics: [], smsOptOut: false, updatedAt: null };
  return {
    workerId,
    topics: s.topics as SubscriptionView['topics'],
    regionCodes: s.regionCodes,
    radiusKm: s.radiusKm,
    quietStart: s.quietStart,
    quietEnd: s.quietEnd,
    dailyCap: s.dailyCap,
    channel: s.channel,
    fallbackChannel: s.fallbackChannel,
    unsubscribedAll: s.unsubscribedAll,
    digestAt: s.digestAt,
    smsOptOut: s.smsOptOut,
    updatedAt: s.updatedAt.toISOString(),
  };
}

export async function putSubscription({ ctx, actor, meta }: OutreachProps<Pick<AppContext, 'db' | 'clock'>>, workerId: string, input: SubscriptionPut) {
  const w = await scopedWorkerId(ctx.db, actor, workerId);
  const values = { ...input, fallbackChannel: input.fallbackChannel ?? null, updatedAt: ctx.clock.now() };
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await tx.insert(subscriptions).values({ workerId, ...values }).onConflictDoUpdate({ target: subscriptions.workerId, set: values });
    audit({ action: 'subscription.update', entity: 'worker', entityId: workerId, regionCode: w.regionCode, details: { unsubscribedAll: input.unsubscribedAll, topics: input.topics } });
  });
  return getSubscription(ctx, actor, workerId);
}

/** What every broadcast is made of, whoever starts it (staff, a new post, a policy, a fair). */
export interface NewBroadcast {
  regionCode: string;
  createdBy: string | null;
  topic: string | null;
  audience: Audience;
  message: Record<string, string>;
  variables?: Record<string, string | number>;
  sendAt: Date;
  toGroups?: boolean;
  subject?: { type: 'vacancy' | 'training'; id: string } | null;
  urgent?: boolean;
  /** The audit entry written with it, for a broadcast someone asked for. */
  audit?: { action: string; details?: Record<string, unknown> } & Meta;
}

/**
 * The one way a broadcast starts: the row, the intent to fan it out (an outbox row) and its audit entry
 * are written in one transaction, so a crash between them loses nothing; the fan-out job is published
 * right after the commit, or by the relay if that fails.
 */
export async function startBroadcast(ctx: Pick<AppContext, 'db' | 'clock' | 'queues'>, b: NewBroadcast, executor?: Executor): Promise<string> {
  // Inside the caller's transaction the relay publishes it once that commits.
  if (executor) return (await startBroadcastIn({ ctx: { ...ctx, db: executor } }, b)).id;
  const made = await startBroadcastIn({ ctx }, b);
  await publishOutbox(ctx, [made.outboxId]).catch(() => undefined);
  return made.id;
}

/**
 * The same as one unit of work on `db` (joining its transaction when it is one), returning the outbox
 * row for the caller to publish once its transaction has committed. Who acts and the request are the
 * broadcast's own (`createdBy`, `audit`), so the props carry only the context.
 */
export async function startBroadcastIn(props: Pick<CommandProps, 'ctx'> & { ctx: Pick<AppContext, 'clock'> }, b: NewBroadcast): Promise<{ id: string; outboxId: string }> {
  const { ctx } = props;
  const db = ctx.db;
  const now = ctx.clock.now();
  return command({ ctx: { db }, actor: b.createdBy ? { accountId: b.createdBy } : null, meta: b.audit }, async (tx, audit) => {
    const [row] = await tx
      .insert(broadcasts)
      .values({ regionCode: b.regionCode, createdBy: b.createdBy, topic: b.topic, audience: b.audience, message: b.message, variables: b.variables ?? {}, sendAt: b.sendAt, toGroups: b.toGroups ?? false, subject: b.subject ?? null, urgent: b.urgent ?? false, createdAt: now })
      .returning({ id: broadcasts.id });
    const [outboxId] = await addToOutbox(tx, [{ queue: 'outreach', job: 'fanout', payload: { broadcastId: row!.id }, jobId: `fanout-${row!.id}`, runAt: b.sendAt }]);
    if (b.audit) audit({ action: b.audit.action, entity: 'broadcast', entityId: row!.id, regionCode: b.regionCode, ...(b.audit.details ? { details: b.audit.details } : {}) });
    return { id: row!.id, outboxId: outboxId! };
  });
}

export async function createBroadcast(ctx: Ctx, actor: Actor, input: BroadcastCreate, meta: Meta) {
  if (!inScope(actor, input.audience.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.audience.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  const now = ctx.clock.now();
  const id = await startBroadcast(ctx, {
    regionCode: input.audience.regionCode,
    createdBy: actor.accountId,
    topic: input.topic ?? null,
    audience: input.audience,
    message: input.message,
    variables: input.variables,
    sendAt: input.sendAt ? new Date(input.sendAt) : now,
    toGroups: input.toGroups,
    audit: { action: 'broadcast.create', ...meta },
  });
  return getBroadcast(ctx, actor, id);
}

async function scopedBroadcast(db: Db, actor: Actor, id: string) {
  const [b] = await db.select().from(broadcasts).where(eq(broadcasts.id, id)).limit(1);
  if (!b) throw new NotFound('broadcast', id);
  assertInScope(actor, b.regionCode, 'broadcast', id);
  return b;
}

export async function getBroadcast(ctx: Pick<AppContext, 'db'>, actor: Actor, id: string, t?: TFunction) {
  return presentBroadcast(ctx.db, await scopedBroadcast(ctx.db, actor, id), t);
}

export async function listBroadcasts(ctx: Pick<AppContext, 'db'>, actor: Actor, q: { page: number; pageSize: number }, t?: TFunction) {
  const where = like(broadcasts.regionCode, `${actor.regionCode}%`);
  const [total] = await ctx.db.select({ n: count() }).from(broadcasts).where(where);
  const rows = await ctx.db.select().from(broadcasts).where(where).orderBy(desc(broadcasts.createdAt)).offset((q.page - 1) * q.pageSize).limit(q.pageSize);
  return { items: await Promise.all(rows.map((b) => presentBroadcast(ctx.db, b, t))), page: q.page, pageSize: q.pageSize, total: total?.n ?? 0 };
}

/** Pending deliveries of a cancelled broadcast are skipped when their turn comes. */
export async function cancelBroadcast({ ctx, actor, meta }: OutreachProps<Pick<AppContext, 'db' | 'clock'>>, id: string) {
  const b = await scopedBroadcast(ctx.db, actor, id);
  const view = await presentBroadcast(ctx.db, b);
  if (view.status === 'done' || view.status === 'cancelled') throw new Conflict('already finished', [{ path: 'broadcast', message: 'errors:detail.outreach.finished' }]);
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await tx.update(broadcasts).set({ status: 'cancelled', cancelledAt: ctx.clock.now() }).where(eq(broadcasts.id, id));
    audit({ action: 'broadcast.cancel', entity: 'broadcast', entityId: id, regionCode: b.regionCode });
  });
  return presentBroadcast(ctx.db, (await ctx.db.select().from(broadcasts).where(eq(broadcasts.id, id)))[0]!);
}

async function presentBroadcast(db: Db, b: typeof broadcasts.$inferSelect, t: TFunction = translator('zh-CN')) {
  const rows = await db
    .select({ status: deliveries.status, reason: deliveries.reason, until: sql<Date | null>`min(${deliveries.notBefore})`, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(eq(deliveries.broadcastId, b.id))
    .groupBy(deliveries.status, deliveries.reason);
  const counts = { queued: 0, sending: 0, sent: 0, deferred: 0, failed: 0, skipped: 0, unknown: 0 };
  const skippedByReason: Record<string, number> = {};
  // Everyone not (yet) reached, grouped by why, in plain words: the counts add up to the recipients.
  const outcomes = new Map<string, { status: 'deferred' | 'failed' | 'skipped' | 'unknown'; reason: string; label: string; count: number; until: string | null }>();
  for (const r of rows) {
    counts[r.status] += r.n;
    if (r.status === 'skipped') skippedByReason[r.reason ?? 'unknown'] = (skippedByReason[r.reason ?? 'unknown'] ?? 0) + r.n;
    if (r.status === 'deferred' || r.status === 'failed' || r.status === 'skipped' || r.status === 'unknown') {
      const reason = reasonKey(r.reason ?? (r.status === 'unknown' ? 'awaiting' : null));
      const key = `${r.status}:${reason}`;
      const until = r.until ? beijingTime(new Date(r.until)) : null;
      const had = outcomes.get(key);
      if (had) {
        had.count += r.n;
        if (until && (!had.until || until < had.until)) had.until = until;
      } else outcomes.set(key, { status: r.status, reason, label: '', count: r.n, until });
    }
  }
  for (const o of outcomes.values()) o.label = reasonLabel(t, o.reason === 'none' ? null : o.reason.split('+').join(', '), o.until);
  const [held] = b.subject ? await db.select({ n: count() }).from(digestItems).where(eq(digestItems.broadcastId, b.id)) : [];
  const open = counts.queued + counts.sending + counts.deferred;
  const status = b.status === 'sending' && open === 0 ? 'done' : b.status;
  const groups = b.toGroups
    ? await db.select({ name: chatGroups.name, status: groupPosts.status, reason: groupPosts.reason }).from(groupPosts).innerJoin(chatGroups, eq(chatGroups.id, groupPosts.groupId)).where(eq(groupPosts.broadcastId, b.id))
    : [];
  return {
    id: b.id,
    regionCode: b.regionCode,
    topic: b.topic,
    audience: b.audience,
    message: b.message,
    sendAt: b.sendAt.toISOString(),
    status,
    total: b.total,
    counts,
    /** Recipients who hear of it in their next digest rather than at once. */
    digested: held?.n ?? 0,
    skippedByReason,
    notReached: [...outcomes.values()].sort((a, b2) => b2.count - a.count),
    groups,
    createdAt: b.createdAt.toISOString(),
  };
}

/**
 * Who a broadcast did not reach (or not yet), with the reason in plain words, for staff to phone:
 * name, masked phone, village. Names are shown as the register holds them; phone numbers only masked.
 */
export async function notReached(ctx: Pick<AppContext, 'db'>, actor: Actor, id: string, t: TFunction) {
  const b = await scopedBroadcast(ctx.db, actor, id);
  const rows = rowsOf<{ worker_id: string; name: string; phone_masked: string | null; village: string | null; region_code: string; status: 'deferred' | 'failed' | 'skipped' | 'unknown' | 'queued' | 'sending'; reason: string | null; not_before: Date | null }>(
    await ctx.db.execute(sql`
      select d.worker_id, people.name, people.phone_masked, people.place as village, people.region_code, d.status, d.reason, d.not_before
      from deliveries d
      join ${people} on people.id = d.worker_id
      where d.broadcast_id = ${b.id} and d.status <> 'sent'
        -- a cancelled broadcast's unsent messages are not anyone's to phone about
        and not (d.status = 'skipped' and d.reason = 'cancelled')
      order by people.region_code, people.name
      limit 20000`),
  );
  return {
    broadcastId: b.id,
    items: rows.map((r) => ({
      workerId: r.worker_id,
      name: r.name,
      phoneMasked: r.phone_masked,
      village: r.village,
      regionCode: r.region_code,
      status: r.status,
      reason: reasonKey(r.reason ?? (r.status === 'unknown' ? 'awaiting' : null)),
      label: r.status === 'queued' || r.status === 'sending' ? t(`outreach:call_list.status_${r.status}`) : reasonLabel(t, r.reason ?? (r.status === 'unknown' ? 'awaiting' : null), r.not_before ? beijingTime(new Date(r.not_before)) : null),
    })),
  };
}

/**
 * Who a broadcast reaches, as a condition on the register's people (joined with their subscription); a fair's
 * people are read through the fairs' read model of sign-ups (OutreachPorts).
 */
export function recipientsOf(b: Pick<typeof broadcasts.$inferSelect, 'topic' | 'audience'>, ports: Pick<OutreachPorts, 'fairSignups'>) {
  const a = b.audience;
  // Those living in the region, and, for a topic, those elsewhere who asked for this region (县外).
  const inAudience = and(
    b.topic ? or(like(people.regionCode, `${a.regionCode}%`), sql`${subscriptions.regionCodes} && ${sql.param(ancestors(a.regionCode))}::text[]`) : like(people.regionCode, `${a.regionCode}%`),
    a.categories?.length ? inArray(people.category, withBothNames(a.categories) as never[]) : undefined,
    a.laborCapacities?.length ? inArray(people.laborCapacity, a.laborCapacities as never[]) : undefined,
    a.employed === undefined ? undefined : eq(people.employed, a.employed),
    a.relocatedOnly ? sql`${people.relocated}` : undefined,
    b.topic ? sql`(${subscriptions.topics} is null or cardinality(${subscriptions.topics}) = 0 or ${b.topic} = any(${subscriptions.topics}))` : undefined,
    a.near ? nearHome(a.near) : undefined,
  );
  return a.fairId
    ? or(inAudience, sql`exists (select 1 from ${ports.fairSignups} fs where fs.fair_id = ${a.fairId}::uuid and fs.worker_id = ${people.id} and fs.status in ('signed_up', 'waiting'))`)
    : inAudience;
}

/**
 * The fan-out job: pages the audience in worker-id order and writes one delivery per recipient under
 * the unique key (broadcast, worker), each page and the cursor in one statement; then queues the
 * page's new deliveries, with the delivery id as the job id. A crash or a second run resumes from
 * the cursor, queues whatever is still queued, and adds nothing twice.
 */
export async function fanOut(ctx: Ctx, broadcastId: string): Promise<{ total: number }> {
  const [b] = await ctx.db.select().from(broadcasts).where(eq(broadcasts.id, broadcastId));
  if (!b || b.status === 'cancelled') return { total: b?.total ?? 0 };
  if (b.status === 'scheduled') await ctx.db.update(broadcasts).set({ status: 'fanning_out' }).where(eq(broadcasts.id, broadcastId));
  // Whatever an interrupted run wrote but did not queue.
  if (b.cursor) await queuePending(ctx, broadcastId);
  const recipients = recipientsOf(b, ctx.outreachPorts);
  const digestible = Boolean(b.subject) && !b.urgent;
  const accountFor = !b.subject;
  let cursor = b.cursor;
  let queueing: Promise<void> = Promise.resolve();
  for (;;) {
    const page = ctx.db
      .select({
        id: people.id,
        channel: sql<string>`coalesce(${subscriptions.channel}, 'chat')`.as('channel'),
        // News of a new post waits for the person's digest, unless they asked for each at once or it cannot wait.
        digest: sql<boolean>`(${digestible} and (${subscriptions.workerId} is null or ${subscriptions.digestAt} is not null))`.as('digest'),
        // Why someone in the audience hears nothing (no consent, unsubscribed), kept so the counts add up.
        held_back: sql<string | null>`case when not ${people.consent} then 'no_consent' when coalesce(${subscriptions.unsubscribedAll}, false) then 'unsubscribed' end`.as('held_back'),
      })
      .from(people)
      // The cursor on both sides lets the join start where the page starts, instead of at the first row.
      .leftJoin(subscriptions, and(eq(subscriptions.workerId, people.id), cursor ? gt(subscriptions.workerId, cursor) : undefined))
      .where(
        and(
          eq(people.status, 'active'),
          // Only those who consented to messages (PIPL Art. 29) hear anything. A broadcast someone wrote
          // lists the others as skipped with the reason; a system announcement leaves them out.
          accountFor ? undefined : eq(people.consent, true),
          recipients,
          accountFor ? undefined : sql`coalesce(${subscriptions.unsubscribedAll}, false) = false`,
          cursor ? gt(people.id, cursor) : undefined,
        ),
      )
      .orderBy(asc(people.id))
      .limit(FANOUT_PAGE);
    // One statement: the page, its deliveries and the cursor commit together or not at all. Those to send on
    // a channel without a rate limit of its own are put in batches of BATCH_SIZE, one queue job each.
    const result = await ctx.db.execute(sql`
      with page as (${page}),
      chosen as (
        select id, channel, held_back,
          case when held_back is null and channel in (${sql.join(BATCHED_CHANNELS.map((c) => sql`${c}`), sql`, `)})
            then (row_number() over (partition by channel, held_back is null order by id) - 1) / ${BATCH_SIZE} end as chunk
        from page where held_back is not null or not digest
      ),
      batches as (select channel, chunk, gen_random_uuid() as batch from (select distinct channel, chunk from chosen where chunk is not null) c),
      made as (
        insert into deliveries (broadcast_id, worker_id, channel, status, reason, batch)
        select ${broadcastId}::uuid, c.id, c.channel::channel_kind, case when c.held_back is null then 'queued' else 'skipped' end::delivery_status, c.held_back, b.batch
        from chosen c left join batches b on b.channel = c.channel and b.chunk = c.chunk
        on conflict (broadcast_id, worker_id) do nothing
        returning id, channel, status, batch
      ),
      held as (
        insert into digest_items (worker_id, broadcast_id, created_at)
        select id, ${broadcastId}::uuid, ${ctx.clock.now().toISOString()}::timestamptz from page where digest and held_back is null
        on conflict do nothing
        returning worker_id
      ),
      moved as (
        update broadcasts set cursor = (select id from page order by id desc limit 1), total = total + (select count(*) from made) + (select count(*) from held)
        where id = ${broadcastId} and exists (select 1 from page)
        returning cursor
      )
      select (select cursor from moved) as cursor, coalesce((select json_agg(json_build_object('id', id, 'channel', channel, 'batch', batch)) from made where status = 'queued'), '[]'::json) as made`);
    const [row] = rowsOf<{ cursor: string | null; made: Array<{ id: string; channel: ChannelName; batch: string | null }> | string }>(result);
    if (!row?.cursor) break;
    cursor = row.cursor;
    // The page is queued while the next one is written; at most one page waits, and one that never
    // reaches Redis (a crash here) is queued by the resumed run or by the sweeper.
    await queueing;
    queueing = enqueueDeliveries(ctx.queues, typeof row.made === 'string' ? (JSON.parse(row.made) as Array<{ id: string; channel: ChannelName; batch: string | null }>) : row.made);
    queueing.catch(() => undefined); // handled when awaited above or below, not left to crash the process
  }
  await queueing;
  if (b.toGroups) await queueGroupPosts(ctx, b);
  await ctx.db.update(broadcasts).set({ status: 'sending' }).where(and(eq(broadcasts.id, broadcastId), inArray(broadcasts.status, ['scheduled', 'fanning_out'])));
  const [after] = await ctx.db.select({ total: broadcasts.total }).from(broadcasts).where(eq(broadcasts.id, broadcastId));
  return { total: after?.total ?? 0 };
}

/** One post per group of the broadcast's region, written once and queued for the bot under its own id. */
async function queueGroupPosts(ctx: Ctx, b: typeof broadcasts.$inferSelect): Promise<void> {
  const groups = await ctx.db.select({ id: chatGroups.id }).from(chatGroups).where(and(like(chatGroups.regionCode, `${b.regionCode}%`), isNull(chatGroups.removedAt)));
  if (groups.length) await ctx.db.insert(groupPosts).values(groups.map((g) => ({ broadcastId: b.id, groupId: g.id }))).onConflictDoNothing();
  const queued = await ctx.db.select({ id: groupPosts.id }).from(groupPosts).where(and(eq(groupPosts.broadcastId, b.id), eq(groupPosts.status, 'queued')));
  await ctx.queues.enqueueBulk('deliveries-chat', 'post-group', queued.map((p) => ({ payload: { groupPostId: p.id }, jobId: `group-${p.id}` })));
}

/** Posts a broadcast into one WeChat group (the bot process, which holds the login, runs it). */
export async function postToGroup(ctx: Ctx, groupPostId: string, channels: Map<string, Channel>, job?: Job, token?: string): Promise<string> {
  const [row] = await ctx.db
    .select({ post: groupPosts, group: chatGroups, b: broadcasts })
    .from(groupPosts)
    .innerJoin(chatGroups, eq(chatGroups.id, groupPosts.groupId))
    .innerJoin(broadcasts, eq(broadcasts.id, groupPosts.broadcastId))
    .where(eq(groupPosts.id, groupPostId));
  if (!row || row.post.status !== 'queued') return row?.post.status ?? 'missing';
  const close = async (status: 'sent' | 'failed', reason: string | null) => {
    await ctx.db.update(groupPosts).set({ status, reason, ...(status === 'sent' ? { sentAt: ctx.clock.now() } : {}) }).where(and(eq(groupPosts.id, groupPostId), eq(groupPosts.status, 'queued')));
    return status === 'sent' ? 'sent' : `failed:${reason}`;
  };
  if (row.b.status === 'cancelled') return close('failed', 'cancelled');
  if (row.group.removedAt) return close('failed', 'group_removed');
  const chat = channels.get('chat');
  // Transient: the bot is not logged in right now; the job retries with backoff.
  if (!chat?.postToGroup) throw new Error('WeChat chat is not available in this process');
  const text = renderText(row.b.message['zh-CN'] ?? '', row.b.variables);
  let result;
  try {
    result = await chat.postToGroup(row.group.name, text);
  } catch (err) {
    if (err instanceof HeldElsewhere && job && token) {
      // Another bot process drives the accounts: back on the queue for a moment, no retry used.
      await job.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 300), token);
      throw new DelayedError();
    }
    throw err;
  }
  return result.ok ? close('sent', null) : close('failed', result.reason);
}

/** A region code and the codes of the regions it lies in (53 → 5325 → 532528 → …). */
function ancestors(code: string): string[] {
  return [2, 4, 6, 9, 12].filter((n) => n <= code.length).map((n) => code.slice(0, n));
}

/** Home within the circle around a point, and within the person's own radius (default 5 km). */
function nearHome(near: { lat: number; lng: number; radiusKm: number }) {
  const dLat = near.radiusKm / 111;
  const dLng = near.radiusKm / (111 * Math.max(0.1, Math.cos((near.lat * Math.PI) / 180)));
  const km = sql`(12742 * asin(sqrt(power(sin(radians(${people.homeLat} - ${near.lat}) / 2), 2) + cos(radians(${near.lat})) * cos(radians(${people.homeLat})) * power(sin(radians(${people.homeLng} - ${near.lng}) / 2), 2))))`;
  return sql`(${people.homeLat} between ${near.lat - dLat} and ${near.lat + dLat} and ${people.homeLng} between ${near.lng - dLng} and ${near.lng + dLng} and ${km} <= least(${near.radiusKm}, coalesce(${subscriptions.radiusKm}, 5)))`;
}

/**
 * The system's own broadcasts: when a post or a training opens, people subscribed to its topic in the
 * county hear of it (for a gig: only those whose home lies within its circle and their own radius).
 */
export async function announce(
  ctx: AnnounceCtx,
  a: { topic: string; regionCode: string; near?: { lat: number; lng: number; radiusKm: number }; message: Record<string, string>; subject?: { type: 'vacancy' | 'training'; id: string }; urgent?: boolean },
): Promise<string> {
  const county = a.regionCode.slice(0, 6);
  return startBroadcast(ctx, {
    regionCode: county,
    createdBy: null,
    topic: a.topic,
    audience: { regionCode: county, laborCapacities: ['full', 'partial', 'weak'], ...(a.near ? { near: a.near } : {}) },
    message: a.message,
    subject: a.subject ?? null,
    urgent: a.urgent ?? false,
    sendAt: ctx.clock.now(),
  });
}

export async function announceVacancy(
  ctx: AnnounceCtx,
  v: { id: string; kind: string; regionCode: string; lat: number | null; lng: number | null; message: Record<string, string>; details?: unknown },
  radiusKm: number,
): Promise<string> {
  const near = v.kind === 'gig' && v.lat != null && v.lng != null ? { lat: v.lat, lng: v.lng, radiusKm } : undefined;
  return announce(ctx, { topic: v.kind, regionCode: v.regionCode, near, message: v.message, subject: { type: 'vacancy', id: v.id }, urgent: startsSoon(v, ctx.clock.now()) });
}

/** A gig that starts within a day cannot wait for the next morning's digest. */
function startsSoon(v: { kind: string; details?: unknown }, now: Date): boolean {
  const d = v.details as { date?: string; startTime?: string } | null | undefined;
  if (v.kind !== 'gig' || !d?.date) return false;
  const start = Date.parse(`${d.date}T${d.startTime ?? '00:00'}:00+08:00`);
  return Number.isFinite(start) && start - now.getTime() < 86400_000;
}

/** Queues the broadcast's deliveries still queued; a job that already exists is left alone. */
async function queuePending(ctx: Ctx, broadcastId: string): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const rows = await ctx.db
      .select({ id: deliveries.id, channel: deliveries.channel, batch: deliveries.batch })
      .from(deliveries)
      .where(and(eq(deliveries.broadcastId, broadcastId), eq(deliveries.status, 'queued'), after ? gt(deliveries.id, after) : undefined))
      .orderBy(asc(deliveries.id))
      .limit(FANOUT_PAGE);
    if (!rows.length) return;
    after = rows[rows.length - 1]!.id;
    await enqueueDeliveries(ctx.queues, rows);
  }
}

type Outcome = { id: string; status: 'sent' | 'failed' | 'skipped' | 'unknown'; reason: string | null; channel?: ChannelName; ref?: string; at: Date };

/** Who claims a delivery: its batch's job, its own job, or a call by hand (tests, tools), which takes any. */
type Claimer = 'batch' | 'own' | 'hand';

/** Per database: claims and final states of concurrent deliveries, each written as one statement. */
const batchers = new WeakMap<Db, { claim: Record<Claimer, Batcher<string, Claimed>>; finish: Batcher<Outcome, void> }>();

function batchersOf(ctx: Ctx) {
  let b = batchers.get(ctx.db);
  if (!b) {
    b = {
      // A batch's job claims only deliveries still in a batch, and a delivery's own job only one in none:
      // one that left its batch (to wait, to be tried again) belongs to its own job from then on, and a
      // job put on the wrong queue (a worker of an older release, during an upgrade) takes nothing.
      claim: { batch: new Batcher((ids) => claimMany(ctx, ids, 'batch')), own: new Batcher((ids) => claimMany(ctx, ids, 'own')), hand: new Batcher((ids) => claimMany(ctx, ids, 'hand')) },
      // Only a delivery still claimed (or in doubt) is closed: one settled meanwhile keeps its outcome.
      // An outcome is written even if the statement meets a deadlock or a dropped connection: the
      // message is already with the provider, and losing the write would leave it claimed and later
      // `unknown` although it was sent. Rows are taken in id order so two batches never lock crosswise.
      finish: new Batcher(async (unsorted) => {
        const outcomes = [...unsorted].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        await withRetries(() => ctx.db.execute(sql`
          update deliveries d set status = v.status::delivery_status, reason = v.reason,
            channel = coalesce(v.channel::channel_kind, d.channel), updated_at = v.at,
            provider_ref = coalesce(v.ref, d.provider_ref),
            sent_at = case when v.status = 'sent' then v.at else d.sent_at end,
            doubt_since = case when v.status = 'unknown' then v.at else null end
          from unnest(${sql.param(outcomes.map((o) => o.id))}::uuid[], ${sql.param(outcomes.map((o) => o.status))}::text[],
            ${sql.param(outcomes.map((o) => o.reason))}::text[], ${sql.param(outcomes.map((o) => o.channel ?? null))}::text[],
            ${sql.param(outcomes.map((o) => o.ref ?? null))}::text[],
            ${sql.param(outcomes.map((o) => o.at.toISOString()))}::timestamptz[]) as v(id, status, reason, channel, ref, at)
          -- A definite answer also settles a delivery marked unknown meanwhile (its job ran twice after a stall),
          -- and a doubt of its own replaces "interrupted" with what the provider said and its reference.
          where d.id = v.id and (d.status = 'sending' or (d.status = 'unknown' and (v.status <> 'unknown' or d.reason = 'interrupted')))`));
      }),
    };
    batchers.set(ctx.db, b);
  }
  return b;
}

async function finish(ctx: Ctx, id: string, status: Outcome['status'], reason: string | null, now: Date, channel?: ChannelName, ref?: string) {
  await batchersOf(ctx).finish.add({ id, status, reason, at: now, ...(channel ? { channel } : {}), ...(ref ? { ref } : {}) });
}

/** What a claimed delivery needs to be judged and sent, read with the claim in one statement. */
interface Claimed {
  id: string;
  /** The recipient: a registered person, or (account_id) a member of staff. */
  worker_id: string | null;
  account_id: string | null;
  channel: ChannelName;
  worker_status: string | null;
  /** For the message's {{name}} and {{village}}. */
  worker_name: string | null;
  village: string | null;
  consent: boolean | null;
  language: string | null;
  unsubscribed_all: boolean | null;
  topics: string[] | null;
  quiet_start: number | null;
  quiet_end: number | null;
  daily_cap: number | null;
  fallback_channel: ChannelName | null;
  sent_today: number;
  broadcast_id: string | null;
  broadcast_status: string | null;
  broadcast_topic: string | null;
  message: Record<string, string> | null;
  variables: Record<string, string | number> | null;
  sequence: string | null;
  step: string | null;
  follow_up_status: string | null;
  follow_up_variables: Record<string, string | number> | null;
  notice_id: string | null;
  policy_title: Localized | null;
  policy_benefit: Localized | null;
  policy_apply: { steps: Localized[] } | null;
  digest_id: string | null;
  digest_text: string | null;
  /** A staff notice pushed to its member of staff: the notice, and what the account asked for. */
  staff_notice_id: string | null;
  staff_notice_kind: string | null;
  staff_notice_params: Record<string, string | number | null> | null;
  /** The name of the notice's region, for the text. */
  staff_notice_region: string | null;
  account_disabled: boolean | null;
  push_opt_out: boolean | null;
  has_contact: boolean | null;
  /** The holder bound their own WeChat: tried first. */
  has_chat: boolean | null;
}

/**
 * Claims deliveries (those still queued or deferred) and reads what each needs: the person, their
 * subscription and the broadcast in the claiming statement; what only a follow-up step, a policy notice,
 * a digest or a staff notice needs in a second one, asked only when the batch holds such deliveries. A
 * broadcast's batch (nearly all of them) is then planned over four relations instead of eleven: planning
 * the one statement had cost more than running it.
 */
async function claimMany(ctx: Ctx, ids: string[], by: Claimer): Promise<Map<string, Claimed>> {
  // One transaction: a claim whose reading then fails is undone with it, and its jobs' retries take the
  // deliveries again, instead of finding them claimed and closing them as interrupted, never sent.
  return ctx.db.transaction((tx) => claimIn(tx, ctx, ids, by));
}

async function claimIn(db: Db, ctx: Ctx, ids: string[], by: Claimer): Promise<Map<string, Claimed>> {
  const now = ctx.clock.now();
  const result = await db.execute(sql`
    with c as (
      update deliveries set status = 'sending', attempts = attempts + 1, updated_at = ${now.toISOString()}::timestamptz
      where id = any(${sql.param(ids)}::uuid[]) and status in ('queued', 'deferred')${by === 'batch' ? sql` and batch is not null` : by === 'own' ? sql` and batch is null` : sql``}
      returning id, worker_id, account_id, channel, broadcast_id, step_id, notice_id, digest_id, staff_notice_id
    )
    select c.id, c.worker_id, c.account_id, c.channel, c.step_id, people.status as worker_status, people.name as worker_name, people.village, people.consent, people.preferred_language as language,
      s.unsubscribed_all, s.topics, s.quiet_start, s.quiet_end, s.daily_cap, s.fallback_channel,
      (select count(*)::int from deliveries d where d.worker_id = c.worker_id and d.status = 'sent' and d.sent_at > ${shanghaiDayStart(now).toISOString()}::timestamptz) as sent_today,
      c.broadcast_id, b.status as broadcast_status, b.topic as broadcast_topic, b.message, b.variables,
      c.notice_id, c.digest_id, c.staff_notice_id
    from c
    left join ${people} on people.id = c.worker_id
    left join subscriptions s on s.worker_id = c.worker_id
    left join broadcasts b on b.id = c.broadcast_id`);
  const claimed = rowsOf<Claimed & { step_id: string | null }>(result);
  const others = claimed.filter((r) => r.step_id || r.notice_id || r.digest_id || r.staff_notice_id).map((r) => r.id);
  if (others.length) {
    const extras = rowsOf<Partial<Claimed> & { id: string; staff_locale: string | null }>(
      await db.execute(sql`
        select d.id, f.sequence, st.step, f.status as follow_up_status, f.variables as follow_up_variables,
          pol.title as policy_title, pol.benefit as policy_benefit, pol.apply as policy_apply, g.text as digest_text,
          staff_notices_read.kind as staff_notice_kind, staff_notices_read.params as staff_notice_params, ${regionNameSql(sql`staff_notices_read.region_code`)} as staff_notice_region,
          staff_accounts.locale as staff_locale, staff_accounts.disabled_at is not null as account_disabled, staff_accounts.push_opt_out, staff_accounts.has_contact, staff_accounts.has_chat
        from deliveries d
        left join follow_up_steps st on st.id = d.step_id
        left join follow_ups f on f.id = st.follow_up_id
        left join ${ctx.outreachPorts.policyNoticeTexts} pol on pol.notice_id = d.notice_id
        left join digests g on g.id = d.digest_id
        left join ${staffAccounts} on staff_accounts.id = d.account_id
        left join ${staffNoticesSql} on staff_notices_read.id = d.staff_notice_id
        where d.id = any(${sql.param(others)}::uuid[])`),
    );
    const byId = new Map(claimed.map((r) => [r.id, r]));
    for (const { staff_locale, ...x } of extras) {
      const r = byId.get(x.id);
      if (r) Object.assign(r, x, { language: r.language ?? staff_locale });
    }
  }
  return new Map(claimed.map((r) => [r.id, r]));
}

/** The topic, the text in the person's language, and whether its source was called off. */
function contentOf(c: Claimed): { topic: string | null; cancelled: string | null; text: string } {
  const lang = (LOCALES as readonly string[]).includes(c.language ?? '') ? (c.language as Locale) : 'zh-CN';
  if (c.broadcast_id) {
    const message = c.message ?? {};
    const text = renderText(textFor(message, lang), c.variables ?? {}, { name: c.worker_name, village: c.village });
    return { topic: c.broadcast_topic, cancelled: !c.broadcast_status || c.broadcast_status === 'cancelled' ? 'cancelled' : null, text };
  }
  if (c.digest_id) return { topic: null, cancelled: c.digest_text == null ? 'cancelled' : null, text: c.digest_text ?? '' };
  const t = translator(lang);
  if (c.staff_notice_id) {
    if (!c.staff_notice_kind) return { topic: null, cancelled: 'cancelled', text: '' };
    // The push's own wording (the region and the date or policy named, to be read away from the console), else the inbox's.
    const given = c.staff_notice_params ?? {};
    const params = { ...given, region: given.region ?? c.staff_notice_region ?? '', ...(lang === 'en' && given.titleEn ? { title: given.titleEn } : {}) };
    const inbox = t(`common:notice.${c.staff_notice_kind}`, { ...params, defaultValue: c.staff_notice_kind });
    return { topic: null, cancelled: null, text: t(`outreach:staff_push.${c.staff_notice_kind}`, { ...params, defaultValue: inbox }) };
  }
  if (c.notice_id) {
    const pick = (l: Localized | null | undefined) => (l ? ((lang === 'en' ? l.en : undefined) ?? l['zh-CN']) : '');
    const step = pick(c.policy_apply?.steps[0]) || t('policies:no_step');
    return { topic: 'policy', cancelled: c.policy_title ? null : 'cancelled', text: t('policies:notice', { title: pick(c.policy_title), benefit: pick(c.policy_benefit), step }) };
  }
  const def = c.sequence ? sequenceOf(c.sequence) : undefined;
  return {
    topic: def?.topic ?? null,
    cancelled: !def ? 'cancelled' : c.follow_up_status === 'stopped' ? 'stopped' : null,
    text: t(`outreach:sequence.${c.sequence}.${c.step}`, { place: t('outreach:no_place'), ...(c.follow_up_variables ?? {}) }),
  };
}

/**
 * One delivery. Rules are read at send time (cancelled, unsubscribed, quiet hours, daily cap), so a
 * change made after queueing is honoured. The row is claimed right before its own send, in the same
 * statement that reads what the rules need. A delivery found already claimed was cut off between claim
 * and record (a crash, a lost connection): it becomes `unknown`, never sent a second time, and the
 * provider's report or the channel's rule settles it. So does a send whose request may have reached
 * the provider (InDoubt).
 */
export async function deliver(ctx: Ctx, deliveryId: string, channels: Map<string, Channel>, job?: Job, token?: string): Promise<string> {
  return deliverOne(ctx, deliveryId, channels, { job, token });
}

/** How a delivery runs: under its own job (which can wait or retry itself), or as one of its batch's. */
type RunBy = { job?: Job | undefined; token?: string | undefined; batch?: undefined } | { batch: string };

/** In-flight deliveries of one batch's job at a time (the queue runs a few jobs at once). */
const BATCH_IN_FLIGHT = 64;

/**
 * A batch's deliveries (`deliveries-bulk`, job id batch-<batch>): those still to send, read from the
 * database by the batch, so a job put back after a loss is the same job. Each runs as `deliver` runs it:
 * claimed right before its own send (a few dozen at a time, their claims and outcomes written a
 * statement for many), judged by the same rules, closed on its own. One that must wait (quiet hours, daily
 * cap) or be tried again leaves the batch for a job of its own. One found already claimed is left alone:
 * another run of this job may still be sending it (the job put back after Redis lost it); if it was cut off
 * by a crash instead, the sweeper calls it `unknown` once it has been claimed for longer than any run holds
 * one. Either way it is never sent twice. One deferred with its batch still set (by an older release, during
 * an upgrade) is left to the sweeper, which gives it a job of its own.
 */
export async function deliverBatch(ctx: Ctx, batch: string, channels: Map<string, Channel>): Promise<Record<string, number>> {
  const rows = rowsOf<{ id: string }>(await ctx.db.execute(sql`select id from deliveries where batch = ${batch}::uuid and status in ('queued', 'sending') order by id`));
  const outcomes: Record<string, number> = {};
  let failure: Error | undefined;
  let next = 0;
  const runner = async () => {
    while (next < rows.length) {
      const { id } = rows[next++]!;
      try {
        const out = (await deliverOne(ctx, id, channels, { batch })).split(':')[0]!;
        outcomes[out] = (outcomes[out] ?? 0) + 1;
      } catch (err) {
        // The others still go; then the job fails and is run again (the queue's retries), and what was
        // closed meanwhile stays closed: each delivery has as many tries as a job of its own would.
        failure ??= err instanceof Error ? err : new Error(String(err));
        ctx.logger.warn({ deliveryId: id, batch, err: (err as Error)?.message }, 'delivery of a batch not done; the batch is tried again');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_IN_FLIGHT, rows.length) }, runner));
  if (failure !== undefined) throw failure;
  return outcomes;
}

async function deliverOne(ctx: Ctx, deliveryId: string, channels: Map<string, Channel>, by: RunBy): Promise<string> {
  const now = ctx.clock.now();
  const batched = by.batch !== undefined;
  const { job, token } = by.batch === undefined ? by : { job: undefined, token: undefined };
  const c = await batchersOf(ctx).claim[batched ? 'batch' : job ? 'own' : 'hand'].add(deliveryId);
  // Not claimed, but found claimed. By its own job (whose id is the delivery's): cut off between claim and
  // record by an earlier run of this job, it becomes unknown, never sent again. By a batch's job: a run of the
  // same job may still be sending it (the job put back after Redis lost it), so it is left to the sweeper,
  // which calls it unknown once it has been claimed for longer than any run holds one. Should a run still
  // going be called interrupted all the same (a stall, a send slower than that), what it then learns
  // overrides it: sent, not sent (given back), or in doubt (see `finish` and `giveBack`).
  if (!c) {
    if (!batched) {
      const [cut] = await ctx.db
        .update(deliveries)
        .set({ status: 'unknown', reason: 'interrupted', doubtSince: now, updatedAt: now })
        .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'sending'), job ? isNull(deliveries.batch) : undefined))
        .returning({ id: deliveries.id });
      if (cut) return 'unknown';
    }
    const [d] = await ctx.db.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.id, deliveryId));
    return d?.status ?? 'missing';
  }
  const skip = async (reason: string) => {
    await finish(ctx, deliveryId, 'skipped', reason, now);
    return `skipped:${reason}`;
  };
  const content = contentOf(c);
  const sub = {
    unsubscribedAll: c.unsubscribed_all ?? DEFAULT_SUBSCRIPTION.unsubscribedAll,
    topics: c.topics ?? DEFAULT_SUBSCRIPTION.topics,
    quietStart: c.quiet_start ?? DEFAULT_SUBSCRIPTION.quietStart,
    quietEnd: c.quiet_end ?? DEFAULT_SUBSCRIPTION.quietEnd,
    dailyCap: c.daily_cap ?? DEFAULT_SUBSCRIPTION.dailyCap,
  };
  if (content.cancelled) return skip(content.cancelled);
  const staff = c.account_id !== null;
  if (staff) {
    // A member of staff: the account's own choices, read now (disabled, opted out, contact removed).
    if (c.account_disabled) return skip('left');
    if (c.push_opt_out) return skip('unsubscribed');
    if (!c.has_contact && !c.has_chat) return skip('no_contact');
  } else {
    if (c.worker_status !== 'active') return skip('left');
    if (!c.consent) return skip('no_consent');
    if (sub.unsubscribedAll) return skip('unsubscribed');
    if (content.topic && sub.topics.length && !sub.topics.includes(content.topic)) return skip('unsubscribed_topic');
  }

  // Staff have the default quiet hours (21:00–08:00) and no daily cap: what is pushed to them is urgent and rare.
  let at = nextAllowed(now, sub.quietStart, sub.quietEnd);
  let why = 'quiet_hours';
  if (!staff && at.getTime() === now.getTime() && c.sent_today >= sub.dailyCap) {
    at = nextAllowed(new Date(shanghaiDayStart(now).getTime() + 86400_000), sub.quietStart, sub.quietEnd);
    why = 'daily_cap';
  }
  if (at.getTime() > now.getTime()) {
    // Deferred, never dropped: the same job waits until the allowed time (one of a batch's: a job of its own).
    // Written even through a deadlock or a dropped connection: left claimed, it would later be called unknown.
    await withRetries(() => ctx.db.update(deliveries).set({ status: 'deferred', reason: why, notBefore: at, updatedAt: now, batch: null }).where(eq(deliveries.id, deliveryId)));
    if (batched) {
      await enqueueOwnJob(ctx.queues, { id: deliveryId, channel: c.channel }, at.getTime() - Date.now());
      return `deferred:${at.toISOString()}`;
    }
    if (job && token) {
      await job.moveToDelayed(at.getTime(), token);
      throw new DelayedError();
    }
    return `deferred:${at.toISOString()}`;
  }

  const tried: string[] = [];
  // A mini-program message with no consent left comes by chat, whatever the fallback setting says.
  // Text messages are the last resort for whoever the others cannot reach, where SMS is set up.
  // Staff are reached on what they set themselves: their own WeChat first, then their number by SMS.
  const order = staff ? [c.has_chat ? 'chat' : null, c.has_contact ? 'sms' : null].filter((x): x is ChannelName => Boolean(x)) : [...new Set([c.channel, c.fallback_channel ?? (c.channel === 'mini_program' ? 'chat' : null), channels.has('sms') ? 'sms' : null].filter((x): x is ChannelName => Boolean(x)))];
  const recipient = c.account_id ? { accountId: c.account_id } : { workerId: c.worker_id! };
  for (const name of order) {
    const channel = channels.get(name);
    if (!channel && name === 'chat' && name !== c.channel) {
      // Only the bot process holds the WeChat login: the delivery moves to its queue, still this one delivery.
      await withRetries(() => ctx.db.update(deliveries).set({ channel: 'chat', status: 'queued', reason: `handed_off: ${tried.join(', ')}`.slice(0, 200), updatedAt: now, batch: null }).where(eq(deliveries.id, deliveryId)));
      await enqueueDeliveries(ctx.queues, [{ id: deliveryId, channel: 'chat' }]);
      return 'handed_off';
    }
    if (!channel) {
      tried.push(`${name}:unavailable`);
      continue;
    }
    let result;
    try {
      result = await channel.send({ deliveryId, ...recipient, text: content.text });
    } catch (err) {
      if (err instanceof HeldElsewhere && ((job && token) || batched)) {
        // Another bot process drives the person's accounts: the job goes back for a moment (no retry used)
        // and is taken again, by that process or this one, until the holder sends it.
        const back = Date.now() + 200 + Math.floor(Math.random() * 300);
        const given = await giveBack(ctx, deliveryId, 'held_elsewhere', now);
        if (batched) {
          if (given) await enqueueOwnJob(ctx.queues, { id: deliveryId, channel: c.channel }, back - Date.now());
          return 'held_elsewhere';
        }
        await job!.moveToDelayed(back, token);
        throw new DelayedError();
      }
      if (err instanceof InDoubt) {
        // It may have reached the provider: never sent again, settled by the report or the rule.
        await finish(ctx, deliveryId, 'unknown', `in_doubt: ${err.detail}`.slice(0, 200), now, name, err.ref);
        ctx.logger.warn({ deliveryId, channel: name, detail: err.detail }, 'delivery outcome unknown');
        return 'unknown';
      }
      // Not sent: give the claim back so the retry can take it (one of a batch's: its own job's retries, from the first backoff on).
      const given = await giveBack(ctx, deliveryId, `retry: ${(err as Error).name}`, now);
      if (batched) {
        if (given) await enqueueOwnJob(ctx.queues, { id: deliveryId, channel: c.channel }, RETRY_FIRST_MS);
        return `retry:${(err as Error).name}`;
      }
      throw err;
    }
    if (result.ok) {
      await finish(ctx, deliveryId, 'sent', null, now, name, result.ref);
      return 'sent';
    }
    tried.push(`${name}:${result.reason}`);
  }
  await finish(ctx, deliveryId, 'failed', tried.join(', ').slice(0, 200) || 'no_channel', now);
  return 'failed';
}

/**
 * A claim given back, the message surely not sent: queued again, out of any batch (its own job takes it).
 * Also from `unknown` if another run of the job called it interrupted meanwhile: this run knows better.
 * False when it was neither (closed meanwhile): then nothing is to be tried again.
 */
async function giveBack(ctx: Ctx, deliveryId: string, reason: string, now: Date): Promise<boolean> {
  // Written even through a deadlock or a dropped connection: left claimed, it would later be called unknown and settled as sent.
  const rows = await withRetries(() =>
    ctx.db
      .update(deliveries)
      .set({ status: 'queued', reason: reason.slice(0, 200), doubtSince: null, updatedAt: now, batch: null })
      .where(and(eq(deliveries.id, deliveryId), or(eq(deliveries.status, 'sending'), and(eq(deliveries.status, 'unknown'), eq(deliveries.reason, 'interrupted')))))
      .returning({ id: deliveries.id }),
  );
  return rows.length > 0;
}

/** After the last retry of a failure that surely did not send, the delivery is closed as failed with the reason. */
export async function markExhausted(ctx: Pick<AppContext, 'db' | 'clock'>, deliveryId: string, reason: string): Promise<void> {
  await ctx.db
    .update(deliveries)
    .set({ status: 'failed', reason: `retries_exhausted: ${reason}`.slice(0, 200), updatedAt: ctx.clock.now() })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'queued'), isNull(deliveries.batch)));
}

/** After a batch's job failed its last retry: its deliveries not yet claimed are closed as failed (those cut off mid-send are the sweeper's). */
export async function markBatchExhausted(ctx: Pick<AppContext, 'db' | 'clock'>, batch: string, reason: string): Promise<void> {
  await ctx.db
    .update(deliveries)
    .set({ status: 'failed', reason: `retries_exhausted: ${reason}`.slice(0, 200), updatedAt: ctx.clock.now() })
    .where(and(eq(deliveries.batch, batch), eq(deliveries.status, 'queued')));
}

/**
 * The sweeper (every minute): a delivery left queued, or deferred past its time, is put back on its
 * queue under its own id (a job that still exists is left alone, so nothing runs twice; one lost with
 * Redis is found here). One claimed mid-send for longer than the queue's lock lost its worker between
 * claim and record: it becomes `unknown`, never sent again.
 */
export async function sweepDeliveries(ctx: Ctx & Pick<AppContext, 'config'>): Promise<number> {
  const now = ctx.clock.now();
  const stale = new Date(now.getTime() - Math.max(60_000, 2 * ctx.config.queueLockMs));
  // A row a worker is writing at this moment is passed over (skip locked), never waited on: the
  // worker is alive and its outcome is on the way.
  const cut = rowsOf<{ id: string }>(
    await ctx.db.execute(sql`
      update deliveries set status = 'unknown', reason = 'interrupted', doubt_since = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
      where id in (select id from deliveries where status = 'sending' and updated_at < ${stale.toISOString()}::timestamptz order by id for update skip locked)
      returning id`),
  );
  const rows = await ctx.db
    .select({ id: deliveries.id, channel: deliveries.channel, status: deliveries.status, batch: deliveries.batch })
    .from(deliveries)
    .leftJoin(broadcasts, eq(broadcasts.id, deliveries.broadcastId))
    .where(
      and(
        inArray(deliveries.status, ['queued', 'deferred']),
        sql`${deliveries.updatedAt} < ${stale.toISOString()}::timestamptz`,
        sql`coalesce(${deliveries.notBefore}, '-infinity') <= ${now.toISOString()}::timestamptz`,
        sql`${broadcasts.status} is distinct from 'fanning_out'`,
      ),
    )
    .limit(5000);
  // Deferred with its batch still set (an older release deferred it during an upgrade): out of the batch,
  // whose job reads only what is queued, and given a job of its own.
  const stray = rows.filter((r) => r.status === 'deferred' && r.batch).map((r) => r.id);
  if (stray.length) await ctx.db.update(deliveries).set({ batch: null }).where(and(inArray(deliveries.id, stray), eq(deliveries.status, 'deferred')));
  await enqueueDeliveries(ctx.queues, rows.map((r) => (r.status === 'deferred' ? { ...r, batch: null } : r)));
  return rows.length + cut.length;
}
