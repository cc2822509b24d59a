import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { pageOf } from '../http/pagination';
import type { Actor } from '../shared/actor';
import { ChecklistView, EligibleQuery, NotifyBody, PolicyInput, PolicyListQuery, PolicyView } from './schemas';
import * as service from './service';

const Key = z.object({ key: z.string().regex(/^[a-z][a-z0-9_]{2,59}$/) });
const Id = z.object({ id: z.uuid() });

/** How the employer a route names is found in the actor's scope (market owns employers; the app passes its lookup in). */
export type EmployerLookup = (ctx: AppContext, actor: Actor, id: string) => Promise<{ regionCode: string; kind: string }>;

export function policyRoutes(api: Api, ctx: AppContext, scopedEmployer: EmployerLookup): void {
  const tags = ['policies'];
  api.route({ method: 'get', path: '/policies', summary: 'The policies that apply in a region (national, province, prefecture, county; overrides applied); by default those in force today, state=expired lists the ended ones apart, each with its successor or why it has none', tags, auth: 'staff', query: PolicyListQuery, response: z.object({ items: z.array(PolicyView) }), handler: ({ actor, query }) => service.listPolicies(ctx, actor, query) });
  api.route({ method: 'get', path: '/policies/:key', summary: 'One policy, current version, with the list of its versions', tags, auth: 'staff', params: Key, response: PolicyView.extend({ versions: z.array(z.object({ version: z.number().int(), createdAt: z.string(), current: z.boolean() })) }), handler: ({ params }) => service.getPolicy(ctx, params.key) });
  api.route({ method: 'post', path: '/policies', summary: 'Add a policy for your region (county administrators and above); its rule is checked field by field', tags, auth: 'staff', body: PolicyInput, status: 201, response: PolicyView.extend({ versions: z.array(z.object({ version: z.number().int(), createdAt: z.string(), current: z.boolean() })) }), handler: ({ actor, body, koa }) => service.createPolicy({ ctx, actor, meta: requestMeta(koa) }, body) });
  api.route({ method: 'put', path: '/policies/:key', summary: 'A new version of a policy; the old one is kept for the record', tags, auth: 'staff', params: Key, body: PolicyInput, response: PolicyView.extend({ versions: z.array(z.object({ version: z.number().int(), createdAt: z.string(), current: z.boolean() })) }), handler: ({ actor, params, body, koa }) => service.updatePolicy({ ctx, actor, meta: requestMeta(koa) }, params.key, body) });
  api.route({ method: 'get', path: '/policies/:key/eligible', summary: 'People of your region eligible for a policy (by default those not told of it yet)', tags, auth: 'staff', params: Key, query: EligibleQuery, response: pageOf(z.object({ workerId: z.uuid(), name: z.string() })), handler: ({ actor, params, query, koa }) => service.eligibleWorkers(ctx, actor, params.key, query, koa.state.t) });
  api.route({ method: 'post', path: '/policies/:key/notify', summary: 'Tell everyone eligible in your region who has not been told yet, through the push engine', tags, auth: 'staff', params: Key, body: NotifyBody, status: 200, response: z.object({ told: z.number().int() }), handler: ({ actor, params, body, koa }) => service.notifyEligible(ctx, actor, params.key, body.regionCode, koa.state.t, requestMeta(koa)) });
  api.route({ method: 'get', path: '/workers/:id/policies', summary: "A person's checklist: what they can claim now, with reasons and steps, and what one change would open", tags, auth: 'staff', params: Id, response: ChecklistView, handler: ({ actor, params, koa }) => service.workerChecklist(ctx, actor, params.id, koa.state.t, koa.state.locale) });
  api.route({
    method: 'get', path: '/workers/:id/policy-notices', summary: 'What a person was told of, when and why, with the version told; kept after a policy ends', tags, auth: 'staff', params: Id,
    response: z.object({ items: z.array(z.object({ key: z.string(), version: z.number().int(), title: z.string(), benefit: z.string(), reason: z.string(), toldAt: z.string(), validTo: z.string().nullable(), state: z.string(), source: z.string() })) }),
    handler: ({ actor, params, koa }) => service.policyHistory(ctx, actor, params.id, koa.state.locale),
  });
  api.route({
    method: 'get', path: '/employers/:id/policies', summary: 'What hiring lifted workers brings this employer (for HR agencies, brokers and labour cooperatives, also what organising work brings)', tags, auth: 'staff', params: Id, response: ChecklistView,
    handler: async ({ actor, params, koa }) => {
      const e = await scopedEmployer(ctx, actor, params.id);
      return service.employerChecklist(ctx, e, koa.state.locale);
    },
  });
}
