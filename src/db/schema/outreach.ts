import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, smallint, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, stations } from './access';
import { staffNotices } from './notices';
import { policyNotices } from './policies';
import { workers } from './registry';

/** Which door an account is: a personal WeChat account, a WeCom (企业微信) account, or an official account (服务号). */
export const accountDoor = pgEnum('account_door', ['personal', 'wecom', 'official_account']);
/** online: logged in and sending; offline: logged out or not started; blocked: WeChat limited it; disabled: set aside by staff. */
export const accountStatus = pgEnum('account_status', ['offline', 'online', 'blocked', 'disabled']);

/**
 * A station's sending accounts (a pool): a broadcast is spread over those that can reach each person,
 * each with its own pace and daily ceiling, so one blocked account does not silence a station.
 */
export const sendingAccounts = pgTable(
  'sending_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The region it serves (checked when staff register it; the default account takes the deployment's root). */
    regionCode: text('region_code').notNull(),
    stationId: uuid('station_id').references(() => stations.id),
    door: accountDoor('door').notNull().default('personal'),
    /** The Wechaty puppet that drives it (npm name), and its token, encrypted. */
    puppet: text('puppet').notNull(),
    puppetTokenEnc: text('puppet_token_enc'),
    /** Messages a day at most (WeChat limits accounts that send too much). */
    dailyCeiling: integer('daily_ceiling').notNull().default(500),
    status: accountStatus('status').notNull().default('offline'),
    statusReason: text('status_reason'),
    statusAt: timestamp('status_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sending_accounts_name_idx').on(t.name), index('sending_accounts_region_idx').on(t.regionCode.op('text_pattern_ops')), check('sending_accounts_ceiling', sql`${t.dailyCeiling} >= 0`)],
);

export type SendingAccount = typeof sendingAccounts.$inferSelect;

/**
 * Which bot process drives each sending account: one at a time (src/outreach/lease.ts). The holder renews
 * before expires_at; another process takes the account only once it has passed. Each taking adds one to
 * token (the fencing token): every send checks its token is still the row's, so a holder that was paused
 * past its lease and woke up cannot send.
 */
export const accountLeases = pgTable('account_leases', {
  accountId: uuid('account_id')
    .primaryKey()
    .references(() => sendingAccounts.id, { onDelete: 'cascade' }),
  /** The process holding it (host, pid and a random part); null once released. */
  holder: text('holder'),
  token: bigint('token', { mode: 'number' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull(),
  renewedAt: timestamp('renewed_at', { withTimezone: true }).notNull(),
});

/** Bot processes alive (seen within a lease's time): the accounts are shared out among them. */
export const botProcesses = pgTable('bot_processes', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
});
export const channelKind = pgEnum('channel_kind', ['chat', 'mini_program', 'log', 'sms', 'official_account']);

/** What a person wants to be told, when, and how; honoured at send time, not only when queued. */
export const subscriptions = pgTable('subscriptions', {
  workerId: uuid('worker_id')
    .primaryKey()
    .references(() => workers.id),
  /** gig, regular, seasonal, public_welfare, work_relief, workshop, training, policy, job_fair */
  topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
  /** Regions of interest besides home; empty means the home county. */
  regionCodes: text('region_codes').array().notNull().default(sql`'{}'::text[]`),
  radiusKm: integer('radius_km').notNull().default(5),
  /** Quiet hours in minutes after midnight, Asia/Shanghai (default 21:00–08:00). */
  quietStart: smallint('quiet_start').notNull().default(21 * 60),
  quietEnd: smallint('quiet_end').notNull().default(8 * 60),
  dailyCap: smallint('daily_cap').notNull().default(5),
  channel: channelKind('channel').notNull().default('chat'),
  fallbackChannel: channelKind('fallback_channel'),
  unsubscribedAll: boolean('unsubscribed_all').notNull().default(false),
  /**
   * When new matches come, as minutes after midnight in Asia/Shanghai (default 08:30): all of a day's
   * in one digest. Null: each new match as it comes.
   */
  digestAt: smallint('digest_at').default(8 * 60 + 30),
  /** Replied 回T退订 to a text message: no more SMS (other channels are as chosen). */
  smsOptOut: boolean('sms_opt_out').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** How a person is reached on each door: their WeChat contact id, mini-program openid, unionid. */
export const identityKind = pgEnum('identity_kind', ['wechat_contact', 'mp_openid', 'wechat_unionid', 'oa_openid']);
export const identities = pgTable(
  'identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    kind: identityKind('kind').notNull(),
    value: text('value').notNull(),
    /** For a WeChat contact: the sending account that has the person as a contact (none: the default account). */
    accountId: uuid('account_id').references(() => sendingAccounts.id),
    /** The person's last message through this door (an official account may answer freely for 48 hours after). */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // A contact id once per account that knows it (WeChat ids are the same whichever account sees them).
  (t) => [unique('identities_value_idx').on(t.kind, t.value, t.accountId).nullsNotDistinct(), index('identities_worker_idx').on(t.workerId, t.kind)],
);

/** Who a broadcast is for. `near` keeps those whose home lies within the radius (and within their own radius). */
export interface Audience {
  regionCode: string;
  categories?: string[];
  laborCapacities?: string[];
  employed?: boolean;
  near?: { lat: number; lng: number; radiusKm: number };
  /** Only people of relocated households (乐业搬迁). */
  relocatedOnly?: boolean;
  /** A job fair's news: also everyone signed up for it (or waiting), wherever they live and whatever they take. */
  fairId?: string;
}

export const broadcastStatus = pgEnum('broadcast_status', ['scheduled', 'fanning_out', 'sending', 'done', 'cancelled']);

/** A message to an audience: written by station staff for their region, or by the system on a new match. */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionCode: text('region_code').notNull(),
    createdBy: uuid('created_by').references(() => accounts.id),
    /** The topic people must be subscribed to (or none: everyone in the audience who has not unsubscribed). */
    topic: text('topic'),
    audience: jsonb('audience').$type<Audience>().notNull(),
    /** Text per language with {{variables}}; zh-CN is required. */
    message: jsonb('message').$type<Record<string, string>>().notNull(),
    variables: jsonb('variables').$type<Record<string, string | number>>().notNull().default({}),
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    status: broadcastStatus('status').notNull().default('scheduled'),
    /** Fan-out resumes after the last worker id it committed. */
    cursor: uuid('cursor'),
    total: integer('total').notNull().default(0),
    /** Also post the message into the WeChat groups the region's stations manage. */
    toGroups: boolean('to_groups').notNull().default(false),
    /** What a system announcement is about (a new post or training): such news waits for each person's digest. */
    subject: jsonb('subject').$type<{ type: 'vacancy' | 'training'; id: string }>(),
    /** Goes at once rather than in the digest (a gig starting before the next morning). */
    urgent: boolean('urgent').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [index('broadcasts_region_idx').on(t.regionCode.op('text_pattern_ops'))],
);

export const followUpStatus = pgEnum('follow_up_status', ['active', 'completed', 'stopped']);

/**
 * One person followed through one sequence (a training reminder, a check after a hire, a call-back
 * after a lost job): the source of truth for its steps, whatever happens to the queue.
 */
export const followUps = pgTable(
  'follow_ups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sequence: text('sequence').notNull(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    regionCode: text('region_code').notNull(),
    /** What it is about (a training session, an application); '' when about the person alone. */
    subject: text('subject').notNull().default(''),
    /** The date the steps are counted from, as an Asia/Shanghai date. */
    anchorDate: text('anchor_date').notNull(),
    variables: jsonb('variables').$type<Record<string, string | number>>().notNull().default({}),
    status: followUpStatus('status').notNull().default('active'),
    stopReason: text('stop_reason'),
    /** The last time the person wrote to us while this ran (the bot notes it). */
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One run of a sequence per person and subject at a time; a finished one can be started again.
    uniqueIndex('follow_ups_active_idx').on(t.sequence, t.workerId, t.subject).where(sql`${t.status} = 'active'`),
    index('follow_ups_worker_idx').on(t.workerId, t.status),
  ],
);

export const stepStatus = pgEnum('follow_up_step_status', ['pending', 'fired', 'skipped', 'cancelled']);

/** One step of a follow-up; its id is the delayed queue job's id. */
export const followUpSteps = pgTable(
  'follow_up_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    followUpId: uuid('follow_up_id')
      .notNull()
      .references(() => followUps.id),
    /** The step's key in its sequence (day_before, week_1, month_3 …). */
    step: text('step').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: stepStatus('status').notNull().default('pending'),
    reason: text('reason'),
    firedAt: timestamp('fired_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('follow_up_steps_once_idx').on(t.followUpId, t.step),
    index('follow_up_steps_due_idx').on(t.dueAt).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * The day's news for one person (新岗位汇总): the best few new matches since the last one, with reasons
 * and numbers to reply, written once per person and window and sent as one message.
 */
export const digests = pgTable(
  'digests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    /** The window it was made for. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    items: jsonb('items').$type<Array<{ type: 'vacancy' | 'training'; id: string; title: string; summary: string; reasons: string[] }>>().notNull(),
    /** Further new matches not listed. */
    more: integer('more').notNull().default(0),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('digests_window_idx').on(t.workerId, t.dueAt)],
);

/** A new match waiting for the person's next digest. */
export const digestItems = pgTable(
  'digest_items',
  {
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    broadcastId: uuid('broadcast_id')
      .notNull()
      .references(() => broadcasts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    digestId: uuid('digest_id').references(() => digests.id),
  },
  (t) => [primaryKey({ columns: [t.workerId, t.broadcastId] }), index('digest_items_waiting_idx').on(t.workerId, t.createdAt).where(sql`${t.digestId} is null`)],
);

/**
 * queued → sending → sent | failed | skipped; deferred waits for an allowed hour. `unknown`: the request
 * may have reached the provider (a timeout or reset after it was written, a crash between claim and
 * record); it is never sent again, only settled by the provider's report or the channel's rule.
 */
export const deliveryStatus = pgEnum('delivery_status', ['queued', 'sending', 'sent', 'deferred', 'failed', 'skipped', 'unknown']);

/**
 * One per recipient and broadcast, or one per follow-up step; its id is the queue job's id, so a
 * re-queued delivery runs once.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    broadcastId: uuid('broadcast_id').references(() => broadcasts.id),
    stepId: uuid('step_id').references(() => followUpSteps.id),
    /** A single message telling one person of a policy they can claim. */
    noticeId: uuid('notice_id').references((): AnyPgColumn => policyNotices.id),
    digestId: uuid('digest_id').references(() => digests.id),
    /** A notice from the staff inbox pushed to one member of staff (account_id) who has a contact. */
    staffNoticeId: uuid('staff_notice_id').references(() => staffNotices.id),
    /** The recipient: a registered person, or a member of staff; exactly one. */
    workerId: uuid('worker_id').references(() => workers.id),
    accountId: uuid('account_id').references(() => accounts.id),
    channel: channelKind('channel').notNull(),
    status: deliveryStatus('status').notNull().default('queued'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    /** The provider's id for what it accepted (WeChat msgid, SMS serial or BizId), to match its report. */
    providerRef: text('provider_ref'),
    /** When a deferred delivery may go (quiet hours, daily cap), shown to staff. */
    notBefore: timestamp('not_before', { withTimezone: true }),
    /** Since when the outcome is in doubt (status unknown); the channel's rule settles it after the wait. */
    doubtSince: timestamp('doubt_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /**
     * The batch a broadcast's delivery goes out in, on a channel with no rate limit of its own: one queue
     * job sends the batch (job id batch-<batch>), and only that job claims its rows. Null for a delivery
     * with a job of its own (job id = delivery id); a batch's delivery that must wait or be tried again
     * leaves its batch for a job of its own.
     */
    batch: uuid('batch'),
  },
  (t) => [
    uniqueIndex('deliveries_once_idx').on(t.broadcastId, t.workerId),
    // Each source's own key, kept only for the deliveries from that source: a broadcast's delivery (nearly
    // every row) then writes four index entries a version (it has three: made, claimed, closed), not eight.
    uniqueIndex('deliveries_step_idx').on(t.stepId).where(sql`${t.stepId} is not null`),
    uniqueIndex('deliveries_notice_idx').on(t.noticeId).where(sql`${t.noticeId} is not null`),
    uniqueIndex('deliveries_digest_idx').on(t.digestId).where(sql`${t.digestId} is not null`),
    uniqueIndex('deliveries_staff_notice_idx').on(t.staffNoticeId, t.accountId).where(sql`${t.staffNoticeId} is not null`),
    check('deliveries_one_source', sql`num_nonnulls(${t.broadcastId}, ${t.stepId}, ${t.noticeId}, ${t.digestId}, ${t.staffNoticeId}) = 1`),
    check('deliveries_one_recipient', sql`num_nonnulls(${t.workerId}, ${t.accountId}) = 1`),
    // Staff pushes come only from the staff inbox, and it pushes to staff only.
    check('deliveries_staff_source', sql`(${t.accountId} is null) = (${t.staffNoticeId} is null)`),
    index('deliveries_status_idx').on(t.broadcastId, t.status),
    // A batch's job finds its deliveries still to send; a delivery leaves this index once closed.
    index('deliveries_batch_idx').on(t.batch).where(sql`${t.batch} is not null and ${t.status} in ('queued', 'sending')`),
    index('deliveries_worker_sent_idx').on(t.workerId, t.sentAt),
    // Set only while a delivery is unknown (a new enum value cannot be used in the migration that adds it).
    index('deliveries_doubt_idx').on(t.doubtSince).where(sql`${t.doubtSince} is not null`),
    // A provider's report names its own message id: found without reading every delivery.
    index('deliveries_provider_ref_idx').on(t.channel, t.providerRef).where(sql`${t.providerRef} is not null`),
  ],
);

/**
 * What a provider reported of a message it was handed (WeChat's subscribe_msg_sent_event and
 * TEMPLATESENDJOBFINISH, an SMS status report), kept until it settles the delivery it belongs to.
 * `address` is the openid, or the keyed hash of the phone number; `ref` the provider's message id or ours.
 */
export const providerReports = pgTable(
  'provider_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: channelKind('channel').notNull(),
    address: text('address'),
    ref: text('ref'),
    delivered: boolean('delivered').notNull(),
    code: text('code'),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    deliveryId: uuid('delivery_id').references(() => deliveries.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('provider_reports_open_idx').on(t.channel, t.address).where(sql`${t.deliveryId} is null`), index('provider_reports_ref_idx').on(t.channel, t.ref)],
);

/**
 * A WeChat group (village or station group) a station manages, which the bot has been added to: a place
 * broadcasts are posted into (group_posts), so outreach keeps it.
 */
export const chatGroups = pgTable(
  'chat_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionCode: text('region_code').notNull(),
    /** The group's name (topic) as it shows in WeChat; the bot finds the group by it. */
    name: text('name').notNull(),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [index('chat_groups_region_idx').on(t.regionCode.op('text_pattern_ops'))],
);

export const groupPostStatus = pgEnum('group_post_status', ['queued', 'sent', 'failed']);

/** A broadcast posted into one group: once per broadcast and group. */
export const groupPosts = pgTable(
  'group_posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    broadcastId: uuid('broadcast_id')
      .notNull()
      .references(() => broadcasts.id),
    groupId: uuid('group_id')
      .notNull()
      .references(() => chatGroups.id),
    status: groupPostStatus('status').notNull().default('queued'),
    reason: text('reason'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('group_posts_once_idx').on(t.broadcastId, t.groupId)],
);

/**
 * One-time subscribe-message consents (一次性订阅) a person gave in the mini-program, per template: each
 * message sent through the mini-program spends one.
 */
export const subscribeConsents = pgTable(
  'subscribe_consents',
  {
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    templateId: text('template_id').notNull(),
    remaining: integer('remaining').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workerId, t.templateId] }), check('subscribe_consents_remaining', sql`${t.remaining} >= 0`)],
);
