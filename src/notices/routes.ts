import { z } from 'zod';
import type { AppContext } from '../context';
import type { Api } from '../http/api';
import { PageQuery } from '../http/pagination';
import * as service from './service';

const Notice = z.object({
  id: z.string(),
  kind: z.string(),
  regionCode: z.string(),
  text: z.string(),
  params: z.record(z.string(), z.unknown()),
  link: z.object({ entity: z.string(), id: z.string() }).nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

/** The staff inbox: reports that came out, regions whose figures fell, new items for review. */
export function noticeRoutes(api: Api, ctx: AppContext): void {
  const tags = ['notices'];
  api.route({
    method: 'get', path: '/notices', summary: 'What the service has told you: new reports, warnings for your region, review items; newest first, with the unread count', tags, auth: 'staff',
    query: z.object({ unread: z.enum(['true', 'false']).optional().transform((v) => v === 'true'), ...PageQuery }).strict(),
    response: z.object({ items: z.array(Notice), page: z.number().int(), pageSize: z.number().int(), total: z.number().int(), unread: z.number().int() }),
    handler: ({ actor, query, koa }) => service.listNotices(ctx, actor, koa.state.t, query),
  });
  api.route({ method: 'post', path: '/notices/:id/read', summary: 'Mark a notice read', tags, auth: 'staff', params: z.object({ id: z.uuid() }), status: 200, response: z.object({ id: z.string(), read: z.boolean() }), handler: ({ actor, params }) => service.markRead(ctx, actor, params.id) });
  api.route({ method: 'post', path: '/notices/read-all', summary: 'Mark every notice read', tags, auth: 'staff', status: 200, response: z.object({ marked: z.number().int() }), handler: ({ actor }) => service.markAllRead(ctx, actor) });
}
