import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import * as service from './service';

const Id = z.object({ id: z.uuid() });

const HelpRequestView = z
  .object({
    id: z.uuid(),
    workerId: z.uuid().nullable(),
    workerName: z.string().nullable(),
    phone: z.string().nullable().meta({ description: 'Masked' }),
    regionCode: z.string(),
    door: z.string(),
    context: z.array(z.object({ at: z.string(), text: z.string() })).meta({ description: 'The last messages, ID and phone numbers masked' }),
    status: z.enum(['open', 'closed']),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'HelpRequest' });

export function chatRoutes(api: Api, ctx: AppContext): void {
  const tags = ['chat'];
  api.route({
    method: 'get', path: '/help-requests', summary: '人工: people who asked by chat for a member of staff, with the conversation so far', tags, auth: 'staff',
    query: z.object({ status: z.enum(['open', 'closed']).optional() }).strict(), response: z.object({ items: z.array(HelpRequestView).meta({ description: 'The newest 200' }), total: z.number().int() }),
    handler: ({ actor, query }) => service.listHelpRequests(ctx, actor, query.status),
  });
  api.route({
    method: 'post', path: '/help-requests/:id/close', summary: 'Close a request for help with a note of what was done', tags, auth: 'staff', params: Id, status: 200,
    body: z.object({ note: z.string().trim().min(1).max(1000) }).strict(), response: HelpRequestView,
    handler: ({ actor, params, body, koa }) => service.closeHelpRequest({ ctx, actor, meta: requestMeta(koa) }, params.id, body.note),
  });
}
