import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { ActionInput, ContactInput, FileCreate, FilePatch, FileView, SubsidyInput, Suggestions, Worklist, WorklistQuery } from './schemas';
import * as service from './service';

const WorkerId = z.object({ workerId: z.uuid() });

export function rainDewRoutes(api: Api, ctx: AppContext): void {
  const tags = ['rain-dew'];
  const meta = requestMeta;
  api.route({ method: 'post', path: '/rain-dew', summary: '一人一档: open the file of a Rain Dew Plan student (a registered person)', tags, auth: 'staff', body: FileCreate, response: FileView, handler: ({ actor, body, koa }) => service.openFile({ ctx, actor, meta: meta(koa) }, body) });
  api.route({ method: 'get', path: '/rain-dew', summary: "Case workers' worklist, riskiest first (out of school without work, then longest without contact), with the region's totals", tags, auth: 'staff', reads: 'replica', query: WorklistQuery, response: Worklist, handler: ({ actor, query }) => service.worklist(ctx, actor, query) });
  api.route({ method: 'get', path: '/rain-dew/:workerId', summary: 'The whole file on one page', tags, auth: 'staff', params: WorkerId, response: FileView, handler: ({ actor, params }) => service.getFile(ctx, actor, params.workerId) });
  api.route({ method: 'patch', path: '/rain-dew/:workerId', summary: 'Change the school details, the case worker or the status (recorded on the timeline)', tags, auth: 'staff', params: WorkerId, body: FilePatch, response: FileView, handler: ({ actor, params, body, koa }) => service.updateFile({ ctx, actor, meta: meta(koa) }, params.workerId, body) });
  api.route({ method: 'post', path: '/rain-dew/:workerId/contacts', summary: 'Record a contact (who, channel, outcome) and the status it found', tags, auth: 'staff', params: WorkerId, body: ContactInput, status: 200, response: FileView, handler: ({ actor, params, body, koa }) => service.recordContact({ ctx, actor, meta: meta(koa) }, params.workerId, body) });
  api.route({ method: 'post', path: '/rain-dew/:workerId/subsidies', summary: '雨露计划补助 paid for a term', tags, auth: 'staff', params: WorkerId, body: SubsidyInput, status: 200, response: FileView, handler: ({ actor, params, body, koa }) => service.addSubsidy({ ctx, actor, meta: meta(koa) }, params.workerId, body) });
  api.route({ method: 'put', path: '/rain-dew/:workerId/plan', summary: '一生一策: set the plan’s goal', tags, auth: 'staff', params: WorkerId, body: z.object({ goal: z.string().trim().min(2).max(300) }).strict(), response: FileView, handler: ({ actor, params, body, koa }) => service.setPlan({ ctx, actor, meta: meta(koa) }, params.workerId, body.goal) });
  api.route({ method: 'post', path: '/rain-dew/:workerId/actions', summary: 'Add an action to the plan: who does what by when', tags, auth: 'staff', params: WorkerId, body: ActionInput, status: 200, response: FileView, handler: ({ actor, params, body, koa }) => service.addAction({ ctx, actor, meta: meta(koa) }, params.workerId, body) });
  api.route({ method: 'post', path: '/rain-dew/actions/:id/close', summary: 'Close an action with what came of it', tags, auth: 'staff', params: z.object({ id: z.uuid() }), body: z.object({ status: z.enum(['done', 'dropped']), outcome: z.string().trim().min(2).max(500) }).strict(), status: 200, response: FileView, handler: ({ actor, params, body, koa }) => service.closeAction({ ctx, actor, meta: meta(koa) }, params.id, body) });
  api.route({ method: 'get', path: '/rain-dew/:workerId/suggestions', summary: 'Posts and trainings that fit, with reasons; and, N months after graduating without work, a public-welfare post as the last resort (suggested, never assigned)', tags, auth: 'staff', params: WorkerId, response: Suggestions, handler: ({ actor, params, koa }) => service.suggestions(ctx, actor, params.workerId, koa.state.t) });
}
