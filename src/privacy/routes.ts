import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import * as retention from './retention';

const IdParams = z.object({ id: z.uuid() });

/** A person's rights over their data: leaving the programme (and anonymisation later), and access to everything held. Tagged with the register, where they always were. */
export function privacyRoutes(api: Api, ctx: AppContext): void {
  const meta = requestMeta;
  const tags = ['registry'];

  api.route({
    method: 'post', path: '/workers/:id/leave', summary: 'The person left the programme: nothing more is sent; anonymised RETENTION_YEARS after their last activity', tags, auth: 'staff', status: 200,
    params: IdParams, body: z.object({ reason: z.string().trim().min(2).max(200) }).strict(), response: z.object({ id: z.uuid(), status: z.literal('left') }),
    handler: ({ actor, params, body, koa }) => retention.markLeft({ ctx, actor, meta: meta(koa) }, params.id, body.reason),
  });
  api.route({
    method: 'get', path: '/workers/:id/personal-data', summary: "Everything the register holds about a person, unmasked, for the person's right of access (permission and purpose needed, audited)", tags, auth: 'staff',
    params: IdParams, query: z.object({ purpose: z.string().trim().min(4).max(200) }).strict(), response: z.record(z.string(), z.unknown()),
    handler: ({ actor, params, query, koa }) => retention.personalData(ctx, actor, params.id, query.purpose, meta(koa)),
  });
}
