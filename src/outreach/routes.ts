import { excel } from '../shared/libraries';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import { auditRead } from '../shared/command';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { pageOf } from '../http/pagination';
import { BroadcastCreate, BroadcastListQuery, BroadcastPreview, BroadcastPreviewBody, BroadcastView, NotReachedQuery, NotReachedView, FollowUpStart, FollowUpView, SequenceView, SubscriptionPut, SubscriptionView } from './schemas';
import * as followUps from './follow-ups';
import { SEQUENCE_KEYS, SEQUENCES } from './sequences';
import * as service from './service';
import { previewBroadcast, sendBroadcast } from './preview';
import * as pool from './pool';
import { RegionCode } from '../regions';
import { InboundBody, inboundSms } from './sms';
import { StatusBody, statusReports } from './sms-reports';
import { NotFound, ValidationFailed } from '../shared/errors';
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time. */
function sameSecret(given: string, expected: string): boolean {
  const h = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(h(given), h(expected));
}

const Id = z.object({ id: z.uuid() });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function callListXlsx(t: TFunction, list: Awaited<ReturnType<typeof service.notReached>>): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet(t('outreach:call_list.sheet'));
  ws.addRow(['name', 'phone', 'village', 'status', 'reason'].map((k) => t(`outreach:call_list.${k}`)));
  for (const i of list.items) ws.addRow([i.name, i.phoneMasked ?? '', i.village ?? i.regionCode, t(`outreach:call_list.status_${i.status}`), i.label]);
  ws.getRow(1).font = { bold: true };
  [14, 16, 20, 12, 50].forEach((w, n) => (ws.getColumn(n + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function outreachRoutes(api: Api, ctx: AppContext): void {
  const meta = requestMeta;
  const tags = ['outreach'];
  api.route({ method: 'get', path: '/workers/:id/subscription', summary: 'What a person is told, when and how', tags, auth: 'staff', params: Id, response: SubscriptionView, handler: ({ actor, params }) => service.getSubscription(ctx, actor, params.id) });
  api.route({ method: 'put', path: '/workers/:id/subscription', summary: 'Set topics, regions, radius, quiet hours, daily cap and channel; `unsubscribedAll` stops everything', tags, auth: 'staff', params: Id, body: SubscriptionPut, response: SubscriptionView, handler: ({ actor, params, body, koa }) => service.putSubscription({ ctx, actor, meta: meta(koa) }, params.id, body) });
  api.route({ method: 'post', path: '/broadcasts', summary: 'Send a message to an audience in your region, now or at `sendAt`; refused when a {{variable}} would be empty for someone (give a default in `variables`)', tags, auth: 'staff', body: BroadcastCreate, response: BroadcastView, handler: ({ actor, body, koa }) => sendBroadcast(ctx, actor, body, meta(koa)) });
  api.route({
    method: 'post', path: '/broadcasts/preview',
    summary: 'Before sending: who a broadcast would reach now (by channel, and who is held back), the SMS count and cost estimate, {{variables}} some people would get empty, and the message as one recipient would read it on each channel',
    tags, auth: 'staff', body: BroadcastPreviewBody, status: 200, response: BroadcastPreview,
    handler: ({ actor, body }) => previewBroadcast(ctx, actor, body),
  });
  api.route({ method: 'get', path: '/broadcasts', summary: 'Broadcasts of your region with their delivery counts', tags, auth: 'staff', reads: 'replica', query: BroadcastListQuery, response: pageOf(BroadcastView), handler: ({ actor, query, koa }) => service.listBroadcasts(ctx, actor, query, koa.state.t) });
  api.route({ method: 'get', path: '/broadcasts/:id', summary: 'One broadcast: status, counts by state (they add up to the recipients) and everyone not reached, grouped by reason in plain words', tags, auth: 'staff', params: Id, response: BroadcastView, handler: ({ actor, params, koa }) => service.getBroadcast(ctx, actor, params.id, koa.state.t) });
  api.route({
    method: 'get', path: '/broadcasts/:id/not-reached', summary: 'The call list: each person a broadcast did not reach (or not yet), with name, masked phone, village and the reason in plain words (JSON, or XLSX with format=xlsx)', tags, auth: 'staff',
    params: Id, query: NotReachedQuery, response: NotReachedView, binary: { contentType: XLSX, description: 'The call list as a spreadsheet' },
    handler: async ({ actor, params, query, koa }) => {
      const list = await service.notReached(ctx, actor, params.id, koa.state.t);
      await auditRead({ ctx, actor, meta: meta(koa) }, { action: 'broadcast.call_list', entity: 'broadcast', entityId: params.id, regionCode: actor.regionCode, details: { rows: list.items.length, format: query.format } });
      if (query.format === 'json') return list;
      koa.type = XLSX;
      koa.attachment(`broadcast-${params.id}-not-reached.xlsx`);
      koa.body = await callListXlsx(koa.state.t, list);
      return undefined;
    },
  });
  api.route({ method: 'post', path: '/broadcasts/:id/cancel', summary: 'Cancel: what has not been sent yet is skipped', tags, auth: 'staff', params: Id, status: 200, response: BroadcastView, handler: ({ actor, params, koa }) => service.cancelBroadcast({ ctx, actor, meta: meta(koa) }, params.id) });
  api.route({ method: 'get', path: '/follow-up-sequences', summary: 'The follow-up sequences the service runs: steps, stop rules, and which a station may start', tags, auth: 'staff', response: z.object({ items: z.array(SequenceView) }), handler: async () => ({ items: SEQUENCE_KEYS.map((k) => SEQUENCES[k]) }) });
  api.route({ method: 'get', path: '/workers/:id/follow-ups', summary: "A person's follow-ups and the state of each step", tags, auth: 'staff', params: Id, response: z.object({ items: z.array(FollowUpView) }), handler: ({ actor, params }) => followUps.listFollowUps(ctx, actor, params.id) });
  api.route({ method: 'post', path: '/workers/:id/follow-ups', summary: 'Start a follow-up sequence for a person (稳岗回访, 求职跟进)', tags, auth: 'staff', params: Id, body: FollowUpStart, response: FollowUpView, handler: ({ actor, params, body, koa }) => followUps.startByStaff({ ctx, actor, meta: meta(koa) }, params.id, body) });
  const AccountView = z.object({
    id: z.string(), name: z.string(), regionCode: z.string(), stationId: z.string().nullable(), door: z.enum(['personal', 'wecom', 'official_account']), puppet: z.string(), dailyCeiling: z.number().int(),
    status: z.enum(['offline', 'online', 'blocked', 'disabled']), statusReason: z.string().nullable(), statusAt: z.string().nullable(),
    today: z.object({ message: z.number().int(), group_post: z.number().int(), contact_lookup: z.number().int() }),
    drivenBy: z.object({ holder: z.string().meta({ description: 'the bot process (host:pid:…) holding the account’s lease' }), token: z.number().int().meta({ description: 'fencing token: every send checks it is still the account’s' }), expiresAt: z.string() }).nullable().meta({ description: 'which bot process drives the account now; null: none does (not started, or its process stopped and no other has taken it yet)' }),
  }).meta({ id: 'SendingAccount' });
  api.route({ method: 'get', path: '/sending-accounts', summary: 'The sending accounts of your region: door, state (online, offline, blocked, disabled), which bot process drives each, and today’s counts against the daily ceiling', tags, auth: 'staff', response: z.object({ items: z.array(AccountView) }), handler: ({ actor }) => pool.listAccounts(ctx, actor.regionCode) });
  api.route({
    method: 'post', path: '/sending-accounts', summary: 'Register a sending account for the pool (administrators); it starts with the bot process', tags, auth: 'staff',
    body: z.object({
      name: z.string().trim().min(2).max(40),
      regionCode: RegionCode,
      stationId: z.uuid().nullish(),
      door: z.enum(['personal', 'wecom', 'official_account']).default('personal'),
      puppet: z.string().regex(/^[@a-z0-9/._-]+$/i, 'errors:detail.outreach.puppet').max(100),
      puppetToken: z.string().min(8).max(500).nullish(),
      dailyCeiling: z.number().int().min(0).max(100000).default(500),
    }).strict(),
    response: AccountView,
    handler: ({ actor, body, koa }) => pool.createAccount({ ctx, actor, meta: meta(koa) }, body),
  });
  api.route({
    method: 'patch', path: '/sending-accounts/:id', summary: 'Change an account’s daily ceiling, or set it aside (disabled: true) and back', tags, auth: 'staff',
    params: Id, body: z.object({ dailyCeiling: z.number().int().min(0).max(100000).optional(), disabled: z.boolean().optional() }).strict(),
    response: AccountView,
    handler: ({ actor, params, body, koa }) => pool.updateAccount({ ctx, actor, meta: meta(koa) }, params.id, body),
  });
  api.route({
    method: 'post', path: '/sms/inbound', summary: 'Replies to our text messages, as the SMS provider posts them (回T退订 stops texts to that number); the token set in SMS_CALLBACK_TOKEN', tags, auth: 'public',
    query: z.object({ token: z.string().max(200) }).strict(),
    status: 200,
    response: z.object({ result: z.literal(0), errmsg: z.string(), code: z.literal(0), msg: z.string(), optedOut: z.number().int() }),
    handler: async ({ query, koa }) => {
      const expected = ctx.config.sms?.callbackToken;
      if (!expected || !sameSecret(query.token, expected)) throw new NotFound('callback');
      const parsed = InboundBody.safeParse((koa.request as { body?: unknown }).body);
      if (!parsed.success) throw new ValidationFailed('invalid sms callback', [{ path: 'body', message: 'errors:detail.sms_callback' }]);
      return inboundSms(ctx, parsed.data);
    },
  });
  api.route({
    method: 'post', path: '/sms/status', summary: 'Delivery reports of our text messages, as the SMS provider posts them (Tencent Cloud 短信下发状态通知 or Alibaba Cloud SmsReport); the token set in SMS_CALLBACK_TOKEN', tags, auth: 'public',
    query: z.object({ token: z.string().max(200) }).strict(),
    status: 200,
    response: z.object({ result: z.literal(0), errmsg: z.string(), code: z.literal(0), msg: z.string(), settled: z.number().int() }),
    handler: async ({ query, koa }) => {
      const expected = ctx.config.sms?.callbackToken;
      if (!expected || !sameSecret(query.token, expected)) throw new NotFound('callback');
      const parsed = StatusBody.safeParse((koa.request as { body?: unknown }).body);
      if (!parsed.success) throw new ValidationFailed('invalid sms status report', [{ path: 'body', message: 'errors:detail.sms_callback' }]);
      return statusReports(ctx, parsed.data);
    },
  });
  api.route({ method: 'post', path: '/follow-ups/:id/stop', summary: 'Stop a follow-up: its pending steps are never sent', tags, auth: 'staff', params: Id, status: 200, response: FollowUpView, handler: ({ actor, params, koa }) => followUps.stopByStaff({ ctx, actor, meta: meta(koa) }, params.id) });
}
