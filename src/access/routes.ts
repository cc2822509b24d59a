import { z } from 'zod';
import { pageOf } from '../http/pagination';
import * as accounts from './accounts';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { AccountView, LoginBody, LoginResult } from './schemas';
import { hashCost, prepareStandIn } from './password';
import * as service from './service';
import { ContactPatch, ContactView, setOwnContact } from './contact';
import { issueStaffCode, STAFF_CODE_MINUTES, unbindStaffWechat, WechatCodeView } from './wechat';
import { setStationPlace, StationPlaceInput } from './station-place';
import type { PointsUnder } from '../regions';

export function accessRoutes(api: Api, ctx: AppContext): void {
  // Ready before the first sign-in; an invalid cost is refused when the configuration is read. (The
  // OpenAPI document is built from routes without a configuration: nothing to prepare then.)
  if (ctx.config) prepareStandIn(hashCost(ctx)).catch(() => undefined);
  api.route({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in with username and password; returns a bearer token',
    tags: ['auth'],
    auth: 'public',
    body: LoginBody,
    status: 200,
    response: LoginResult,
    handler: async ({ body, koa }) => {
      const result = await service.login({ ctx, meta: { ip: koa.ip, requestId: koa.state.requestId } }, body);
      return { token: result.token, expiresAt: result.expiresAt.toISOString(), account: result.account };
    },
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke the token used for this request',
    tags: ['auth'],
    auth: 'staff',
    beforeSecondFactor: true,
    status: 204,
    handler: async ({ actor, koa }) => {
      const token = /^Bearer\s+(\S+)$/i.exec(koa.get('authorization'))?.[1] ?? '';
      await service.logout({ ctx, actor, meta: { ip: koa.ip, requestId: koa.state.requestId } }, token);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in account and its region',
    tags: ['auth'],
    auth: 'staff',
    beforeSecondFactor: true,
    response: AccountView,
    handler: async ({ actor }) => service.getAccount(ctx, actor.accountId),
  });

  api.route({
    method: 'patch',
    path: '/auth/me/contact',
    summary: 'Set your own push contact (a mobile number urgent notices are texted to, besides the inbox), remove it, or opt out of push',
    tags: ['auth'],
    auth: 'staff',
    body: ContactPatch,
    status: 200,
    response: ContactView,
    handler: ({ actor, body, koa }) => setOwnContact({ ctx, actor, meta: { ip: koa.ip, requestId: koa.state.requestId } }, body),
  });

  api.route({
    method: 'post',
    path: '/auth/me/wechat/code',
    summary: `A one-time code (eight digits, valid ${STAFF_CODE_MINUTES} minutes) to send to the WeChat bot from your own WeChat: it binds that WeChat to your account, and urgent notices go there first (SMS when WeChat cannot take them). A new code replaces the last one`,
    tags: ['auth'],
    auth: 'staff',
    status: 201,
    response: WechatCodeView,
    handler: ({ actor, koa }) => issueStaffCode(ctx, actor, { ip: koa.ip, requestId: koa.state.requestId }),
  });

  api.route({
    method: 'delete',
    path: '/auth/me/wechat',
    summary: 'Unbind your WeChat: urgent notices are texted (if you set a number) or stay in the inbox',
    tags: ['auth'],
    auth: 'staff',
    status: 200,
    response: ContactView,
    handler: ({ actor, koa }) => unbindStaffWechat({ ctx, actor, meta: { ip: koa.ip, requestId: koa.state.requestId } }, 'console'),
  });

  api.route({
    method: 'post', path: '/auth/totp/setup', summary: 'Start setting up the second factor: a secret and an otpauth:// link for an authenticator app', tags: ['auth'], auth: 'staff', beforeSecondFactor: true, status: 200,
    response: z.object({ secret: z.string(), otpauthUrl: z.string() }).meta({ id: 'TotpSetup' }),
    handler: ({ actor }) => service.setupTotp(ctx, actor),
  });
  api.route({
    method: 'post', path: '/auth/totp/enable', summary: 'Turn the second factor on with a code from the app; from then on sign-in needs `code`', tags: ['auth'], auth: 'staff', beforeSecondFactor: true, status: 200,
    body: z.object({ code: z.string().regex(/^\d{6}$/, 'expected the 6 digits of the authenticator app') }).strict(), response: z.object({ enabled: z.boolean() }),
    handler: ({ actor, body, koa }) => service.enableTotp({ ctx, actor, meta: { ip: koa.ip, requestId: koa.state.requestId } }, body.code),
  });
}

/** `pointsUnder`: the points recorded in a region (the market's and the register's), to check a station's place against. */
export function accountRoutes(api: Api, ctx: AppContext, pointsUnder: PointsUnder): void {
  const meta = requestMeta;
  const tags = ['accounts'];
  api.route({
    method: 'post', path: '/accounts', summary: 'Create a staff account for a role below your own, in your region', tags, auth: 'staff',
    body: accounts.AccountCreate, response: accounts.StaffAccountView,
    handler: ({ actor, body, koa }) => accounts.createAccount({ ctx, actor, meta: meta(koa) }, body),
  });
  api.route({
    method: 'get', path: '/accounts', summary: 'Staff accounts in your region', tags, auth: 'staff',
    query: accounts.AccountListQuery, response: pageOf(accounts.StaffAccountView),
    handler: ({ actor, query }) => accounts.listAccounts(ctx, actor, query),
  });
  api.route({
    method: 'patch', path: '/accounts/:id', summary: 'Rename, reset the password, disable or grant the reveal permission', tags, auth: 'staff',
    params: z.object({ id: z.uuid() }), body: accounts.AccountPatch, response: accounts.StaffAccountView,
    handler: ({ actor, params, body, koa }) => accounts.updateAccount({ ctx, actor, meta: meta(koa) }, params.id, body),
  });
  api.route({
    method: 'post', path: '/stations', summary: 'Register a station (就业服务站, 零工驿站)', tags: ['stations'], auth: 'staff',
    body: accounts.StationCreate, response: accounts.StationView,
    handler: ({ actor, body, koa }) => accounts.createStation({ ctx, actor, meta: meta(koa) }, body),
  });
  api.route({
    method: 'get', path: '/stations', summary: 'Stations in your region', tags: ['stations'], auth: 'staff',
    response: z.object({ items: z.array(accounts.StationView) }),
    handler: ({ actor }) => accounts.listStations(ctx, actor),
  });
  api.route({
    method: 'put', path: '/stations/:id/place', summary: "Set where a station is (its village or community, address and point): the centre of its 15-minute circle on the map; by its own staff or an administrator of its region", tags: ['stations'], auth: 'staff',
    params: z.object({ id: z.uuid() }), body: StationPlaceInput, response: accounts.StationView,
    handler: async ({ actor, params, body, koa }) => accounts.presentStation(await setStationPlace({ ctx, actor, meta: meta(koa) }, params.id, body, pointsUnder)),
  });
}
