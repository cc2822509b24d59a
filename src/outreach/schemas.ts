import { z } from 'zod';
import { PageQuery } from '../http/pagination';
import { RegionCode } from '../regions';
import { CATEGORY, LABOR_CAPACITY } from '../registry';
import { SEQUENCE_KEYS, SEQUENCES, type SequenceKey } from './sequences';

import { TOPICS } from './topics';
export { TOPICS, type Topic } from './topics';
import { CHANNELS, type ChannelName } from '../queues/deliveries';

export { CHANNELS, type ChannelName };
const minutes = z.number().int().min(0).max(24 * 60 - 1);

export const SubscriptionPut = z
  .object({
    topics: z.array(z.enum(TOPICS)).max(TOPICS.length).default([]),
    regionCodes: z.array(RegionCode).max(10).default([]),
    radiusKm: z.number().int().min(1).max(200).default(5),
    quietStart: minutes.default(21 * 60).meta({ description: 'Minutes after midnight, Asia/Shanghai (21:00 = 1260)' }),
    quietEnd: minutes.default(8 * 60),
    dailyCap: z.number().int().min(1).max(50).default(5),
    channel: z.enum(CHANNELS).default('chat'),
    fallbackChannel: z.enum(CHANNELS).nullish(),
    unsubscribedAll: z.boolean().default(false).meta({ description: '退订: nothing is sent, whatever the topic' }),
    digestAt: minutes.nullable().default(8 * 60 + 30).meta({ description: 'New matches come together once a day at this time (minutes after midnight, Asia/Shanghai; 08:30 = 510); null: each as it comes' }),
  })
  .strict()
  .meta({ id: 'Subscription' });
export type SubscriptionPut = z.infer<typeof SubscriptionPut>;

export const SubscriptionView = SubscriptionPut.extend({
  workerId: z.uuid(),
  fallbackChannel: z.enum(CHANNELS).nullable(),
  digestAt: minutes.nullable(),
  smsOptOut: z.boolean().meta({ description: 'Replied 回T退订 to a text message: no more SMS, whatever the channel (set by the reply, not by this form)' }),
  updatedAt: z.string().nullable(),
}).meta({ id: 'SubscriptionView' });
export type SubscriptionView = z.infer<typeof SubscriptionView>;

export const BroadcastCreate = z
  .object({
    topic: z.enum(TOPICS).nullish().meta({ description: 'Only people subscribed to this topic (none: everyone in the audience who has not unsubscribed)' }),
    audience: z
      .object({
        regionCode: RegionCode,
        categories: z.array(z.enum(CATEGORY)).max(CATEGORY.length).optional(),
        laborCapacities: z.array(z.enum(LABOR_CAPACITY)).max(4).optional(),
        employed: z.boolean().optional(),
        near: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180), radiusKm: z.number().min(0.5).max(200) }).strict().optional(),
      })
      .strict(),
    message: z
      .object({ 'zh-CN': z.string().trim().min(1).max(600), en: z.string().trim().min(1).max(600).optional() })
      .strict()
      .meta({ description: 'Text per language; {{name}} style variables are filled from `variables`' }),
    variables: z.record(z.string().regex(/^\w{1,30}$/), z.union([z.string().max(100), z.number()])).default({}),
    sendAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'Default: now' }),
    toGroups: z.boolean().default(false).meta({ description: "Also post the zh-CN text into the WeChat groups registered in the audience's region" }),
  })
  .strict()
  .meta({ id: 'BroadcastCreate' });
export type BroadcastCreate = z.infer<typeof BroadcastCreate>;

export const BroadcastView = z
  .object({
    id: z.uuid(),
    regionCode: z.string(),
    topic: z.string().nullable(),
    audience: z.record(z.string(), z.unknown()),
    message: z.record(z.string(), z.string()),
    sendAt: z.string(),
    status: z.enum(['scheduled', 'fanning_out', 'sending', 'done', 'cancelled']),
    total: z.number().int(),
    counts: z
      .object({ queued: z.number().int(), sending: z.number().int(), sent: z.number().int(), deferred: z.number().int(), failed: z.number().int(), skipped: z.number().int(), unknown: z.number().int() })
      .meta({ description: 'Deliveries by state; they add up to `total`. unknown: the message may have reached the provider and waits for its report; never sent twice.' }),
    digested: z.number().int().meta({ description: 'Recipients who hear of it in their next digest instead' }),
    skippedByReason: z.record(z.string(), z.number().int()),
    notReached: z
      .array(z.object({ status: z.enum(['deferred', 'failed', 'skipped', 'unknown']), reason: z.string(), label: z.string(), count: z.number().int(), until: z.string().nullable() }))
      .meta({ description: 'Everyone not (yet) reached, grouped by reason, in plain words in the reader’s language; `until` is Beijing time for a deferred message' }),
    groups: z.array(z.object({ name: z.string(), status: z.enum(['queued', 'sent', 'failed']), reason: z.string().nullable() })),
    createdAt: z.string(),
  })
  .meta({ id: 'Broadcast' });

export const BroadcastListQuery = z.object({ ...PageQuery }).strict();

const MANUAL_SEQUENCES = SEQUENCE_KEYS.filter((k) => SEQUENCES[k].manual) as [SequenceKey, ...SequenceKey[]];

export const FollowUpStart = z
  .object({
    sequence: z.enum(MANUAL_SEQUENCES).meta({ description: 'job_retention: 稳岗回访 after a hire; job_search: 求职跟进 after a lost job' }),
    anchorDate: z.iso.date().optional().meta({ description: 'The date steps count from (Asia/Shanghai); default today' }),
    variables: z.record(z.string().regex(/^\w{1,30}$/), z.union([z.string().trim().min(1).max(100), z.number()])).default({}),
  })
  .strict()
  .meta({ id: 'FollowUpStart' });
export type FollowUpStart = z.infer<typeof FollowUpStart>;

export const FollowUpView = z
  .object({
    id: z.uuid(),
    sequence: z.string(),
    workerId: z.uuid(),
    subject: z.string().nullable(),
    anchorDate: z.string(),
    status: z.enum(['active', 'completed', 'stopped']),
    stopReason: z.string().nullable(),
    createdAt: z.string(),
    steps: z.array(z.object({ step: z.string(), dueAt: z.string(), status: z.enum(['pending', 'fired', 'skipped', 'cancelled']), reason: z.string().nullable(), firedAt: z.string().nullable() })),
  })
  .meta({ id: 'FollowUp' });

export const SequenceView = z
  .object({
    key: z.string(),
    topic: z.string().nullable(),
    stopWhen: z.array(z.string()),
    manual: z.boolean(),
    variables: z.array(z.string()),
    steps: z.array(z.object({ key: z.string(), days: z.number().int().optional(), months: z.number().int().optional(), at: z.string().optional(), minutes: z.number().int().optional() })),
  })
  .meta({ id: 'FollowUpSequence' });

export const NotReachedQuery = z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict();
export const NotReachedView = z
  .object({
    broadcastId: z.uuid(),
    items: z.array(
      z.object({
        workerId: z.uuid(),
        name: z.string(),
        phoneMasked: z.string().nullable(),
        village: z.string().nullable(),
        regionCode: z.string(),
        status: z.enum(['deferred', 'failed', 'skipped', 'unknown', 'queued', 'sending']),
        reason: z.string(),
        label: z.string(),
      }),
    ),
  })
  .meta({ id: 'BroadcastNotReached' });

export const BroadcastPreviewBody = BroadcastCreate.extend({
  message: BroadcastCreate.shape.message.optional().meta({ description: 'Without it only the audience is counted' }),
  recipientId: z.uuid().optional().meta({ description: 'Whose message to show (one of the audience); default: the first by name' }),
})
  .strict()
  .meta({ id: 'BroadcastPreviewBody' });
export type BroadcastPreviewBody = z.infer<typeof BroadcastPreviewBody>;

const count = z.number().int();
export const BroadcastPreview = z
  .object({
    count: count.meta({ description: 'People it would reach now: in the audience, consented, not unsubscribed' }),
    byChannel: z.record(z.enum(CHANNELS), count).meta({ description: 'Those people by the channel they are reached on first' }),
    heldBack: z.object({ noConsent: count, unsubscribed: count }).meta({ description: 'In the audience but told nothing, and why' }),
    groups: count.meta({ description: 'WeChat groups it is also posted into' }),
    sms: z
      .object({ configured: z.boolean(), recipients: count, pieces: count, messages: count, priceFen: count, costFen: count, fallbackMaxMessages: count })
      .meta({ description: 'Text messages: people reached by SMS first, billed pieces per message, the estimate in fen; at most fallbackMaxMessages if every other channel failed' }),
    variables: z.object({
      used: z.array(z.string()),
      recipientVariables: z.array(z.string()).meta({ description: 'Filled from each recipient’s record' }),
      missing: z.array(z.object({ name: z.string(), recipients: count, groups: count })).meta({ description: 'Variables some recipients (or the group posts) would get empty; give a value in `variables` as the default' }),
    }),
    sendable: z.boolean().meta({ description: 'Someone would be reached and no variable is left empty' }),
    sample: z
      .object({
        workerId: z.uuid(),
        name: z.string(),
        language: z.string(),
        channel: z.enum(CHANNELS),
        views: z.array(z.object({ channel: z.enum(CHANNELS), form: z.enum(['message', 'card']), text: z.string() })).meta({ description: 'The message as this person would read it on each channel: the whole message, or the one-line card that opens it' }),
      })
      .nullable(),
    groupText: z.string().nullable().meta({ description: 'What is posted into the WeChat groups' }),
  })
  .meta({ id: 'BroadcastPreview' });
