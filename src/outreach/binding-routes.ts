import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { BINDING_CODE_DAYS, issueBindingCode } from './binding';

const Id = z.object({ id: z.uuid() });

/** The code a station hands to a person to bind their WeChat (listed with the chat's routes, as before). */
export function bindingRoutes(api: Api, ctx: AppContext): void {
  const tags = ['chat'];
  api.route({
    method: 'post', path: '/workers/:id/binding-code', summary: `A one-time code (valid ${BINDING_CODE_DAYS} days) the person sends to the WeChat bot to bind their account`, tags, auth: 'staff', params: Id, status: 201,
    response: z.object({ code: z.string().regex(/^\d{6}$/), expiresAt: z.string() }).meta({ id: 'BindingCode' }),
    handler: ({ actor, params, koa }) => issueBindingCode(ctx, actor, params.id, requestMeta(koa)),
  });
}
