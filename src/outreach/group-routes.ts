import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { RegionCode } from '../regions';
import * as groups from './groups';

const Id = z.object({ id: z.uuid() });

const GroupView = z.object({ id: z.uuid(), name: z.string(), regionCode: z.string(), createdAt: z.string(), removedAt: z.string().nullable() }).meta({ id: 'ChatGroup' });

/** The WeChat groups broadcasts are posted into (listed under chat in the API document, where they have always been). */
export function groupRoutes(api: Api, ctx: AppContext): void {
  const tags = ['chat'];
  api.route({
    method: 'post', path: '/chat-groups', summary: 'Register a WeChat group the station manages (add the bot to it first); broadcasts with `toGroups` are posted into it', tags, auth: 'staff', status: 201,
    body: z.object({ name: z.string().trim().min(1).max(60).meta({ description: "The group's name exactly as it shows in WeChat" }), regionCode: RegionCode }).strict(), response: GroupView,
    handler: ({ actor, body, koa }) => groups.addGroup({ ctx, actor, meta: requestMeta(koa) }, body),
  });
  api.route({ method: 'get', path: '/chat-groups', summary: 'WeChat groups registered in your region', tags, auth: 'staff', response: z.object({ items: z.array(GroupView) }), handler: ({ actor }) => groups.listGroups(ctx, actor) });
  api.route({
    method: 'post', path: '/chat-groups/:id/remove', summary: 'Stop posting into a group', tags, auth: 'staff', params: Id, status: 200, response: GroupView,
    handler: ({ actor, params, koa }) => groups.removeGroup({ ctx, actor, meta: requestMeta(koa) }, params.id),
  });
}
