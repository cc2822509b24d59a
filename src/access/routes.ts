import type { AppContext } from '../context';
import type { Api } from '../http/api';
import { AccountView, LoginBody, LoginResult } from './schemas';
import * as service from './service';

export function accessRoutes(api: Api, ctx: AppContext): void {
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
      const result = await service.login(ctx, body, { ip: koa.ip, requestId: koa.state.requestId });
      return { token: result.token, expiresAt: result.expiresAt.toISOString(), account: result.account };
    },
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke the token used for this request',
    tags: ['auth'],
    auth: 'staff',
    status: 204,
    handler: async ({ actor, koa }) => {
      const token = /^Bearer\s+(\S+)$/i.exec(koa.get('authorization'))?.[1] ?? '';
      await service.logout(ctx, token, actor, { ip: koa.ip, requestId: koa.state.requestId });
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in account and its region',
    tags: ['auth'],
    auth: 'staff',
    response: AccountView,
    handler: async ({ actor }) => service.getAccount(ctx, actor.accountId),
  });
}
