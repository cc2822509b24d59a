import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { SubscriptionPut, SubscriptionView } from '../outreach';
import { RateLimited, ValidationFailed } from '../shared/errors';
import * as auth from './auth';
import { BindBody, CheckinBody, ConsentBody, LoginBody, LoginView, NearbyQuery, PaidBody, PhoneBody, ProfilePatch, SearchQuery } from './schemas';
import * as me from './service';

const Id = z.object({ id: z.uuid() });
const Json = z.record(z.string(), z.unknown());

/**
 * The worker-facing API the mini-program calls, under /api/v1/me. A worker's token reaches only that
 * worker's records: another person's ids answer 404, exactly like ids that do not exist.
 */
export function meRoutes(api: Api, ctx: AppContext): void {
  const tags = ['me'];
  const meta = requestMeta;
  const who = (m: { workerId: string | null }) => m.workerId!;

  api.route({ method: 'post', path: '/me/login', summary: 'Sign in with the code from wx.login (exchanged with WeChat for the openid); a worker token', tags, auth: 'public', body: LoginBody, status: 200, response: LoginView, handler: async ({ body, koa }) => {
    await auth.workerRealm(ctx).limit(koa.ip, undefined);
    return auth.login(ctx, body.code);
  } });
  api.route({ method: 'post', path: '/me/logout', summary: 'End this worker session', tags, auth: 'worker_session', status: 204, handler: async ({ me: m }) => { await auth.logout(ctx, m); return undefined; } });
  api.route({
    method: 'post', path: '/me/bind', summary: 'Bind this WeChat account to a person in the register: the station’s binding code, or name and ID number (5 failed tries an hour)', tags, auth: 'worker_session', body: BindBody, status: 200, response: Json,
    handler: async ({ me: m, body }) => {
      const r = await auth.bind({ ctx }, m, body);
      if (r.ok) return { bound: true, name: r.name, idNumber: r.idMasked, consent: r.consent };
      if (r.reason === 'locked') throw new RateLimited('bind locked', 3600);
      throw new ValidationFailed('no match', [{ path: 'body', message: `errors:detail.me.${r.reason}` }]);
    },
  });
  api.route({ method: 'get', path: '/me', summary: 'My record (masked), with the history of changes and whose word each was', tags, auth: 'worker', response: Json, handler: ({ me: m }) => me.profile(ctx, who(m)) });
  api.route({ method: 'patch', path: '/me', summary: 'Correct my contact details, intentions, skills or home (kept in history as my own report)', tags, auth: 'worker', body: ProfilePatch, response: Json, handler: ({ me: m, body, koa }) => me.updateProfile(ctx, who(m), body, meta(koa)) });
  api.route({ method: 'post', path: '/me/phone', summary: 'My phone number through WeChat’s phone-number button (stored like every phone number: encrypted, shown masked)', tags, auth: 'worker', body: PhoneBody, status: 200, response: Json, handler: ({ me: m, body, koa }) => me.setPhone(ctx, who(m), body.code, meta(koa)) });

  api.route({ method: 'get', path: '/me/nearby', summary: 'Gigs and posts within a radius of a point (home by default), nearest first, with distance, position, geohash and reasons; or, with cluster, counts per geohash cell', tags, auth: 'worker', query: NearbyQuery, response: Json, handler: ({ me: m, query, koa }) => me.nearby(ctx, who(m), query, koa.state.t) });
  api.route({ method: 'get', path: '/me/matches', summary: 'The best jobs, gigs or trainings for me, with reasons', tags, auth: 'worker', query: z.object({ kind: z.enum(['jobs', 'gigs', 'training']).default('jobs') }).strict(), response: Json, handler: ({ me: m, query, koa }) => me.matches(ctx, who(m), query.kind, koa.state.t) });
  api.route({ method: 'get', path: '/me/search', summary: 'Search the open posts of my prefecture by words (Chinese is cut into words)', tags, auth: 'worker', query: SearchQuery, response: Json, handler: ({ me: m, query, koa }) => me.search(ctx, who(m), query, koa.state.t) });
  api.route({ method: 'get', path: '/me/vacancies/:id', summary: 'One open post', tags, auth: 'worker', params: Id, response: Json, handler: ({ params, koa }) => me.vacancy(ctx, params.id, koa.state.t) });
  api.route({ method: 'post', path: '/me/vacancies/:id/apply', summary: 'Apply in one tap', tags, auth: 'worker', params: Id, response: Json, handler: ({ me: m, params, koa }) => me.apply(ctx, who(m), params.id, meta(koa)) });
  api.route({ method: 'get', path: '/me/applications', summary: 'My applications and their status', tags, auth: 'worker', response: Json, handler: ({ me: m }) => me.myApplications(ctx, who(m)) });
  for (const [verb, status, summary] of [
    ['withdraw', 'withdrawn', 'Withdraw my application'],
    ['check-in', 'checked_in', 'A gig: I have arrived'],
    ['complete', 'completed', 'A gig: the work is done'],
  ] as const) {
    api.route({ method: 'post', path: `/me/applications/:id/${verb}`, summary, tags, auth: 'worker', params: Id, status: 200, response: Json, handler: ({ me: m, params, koa }) => me.moveApplication(ctx, who(m), params.id, status, meta(koa)) });
  }
  api.route({ method: 'post', path: '/me/applications/:id/paid', summary: 'A gig: I was paid, or I was not (which opens a wage-arrears case for the station)', tags, auth: 'worker', params: Id, body: PaidBody, status: 200, response: Json, handler: ({ me: m, params, body, koa }) => me.reportPaid(ctx, who(m), params.id, body.paid, body.amountFen, meta(koa)) });

  api.route({ method: 'post', path: '/me/trainings/:id/enrol', summary: 'Enrol in a training session', tags, auth: 'worker', params: Id, response: Json, handler: ({ me: m, params, koa }) => me.enrolIn(ctx, who(m), params.id, meta(koa)) });
  api.route({ method: 'delete', path: '/me/trainings/:id/enrol', summary: 'Cancel my enrolment', tags, auth: 'worker', params: Id, status: 200, response: Json, handler: ({ me: m, params, koa }) => me.cancelTraining(ctx, who(m), params.id, meta(koa)) });
  api.route({ method: 'get', path: '/me/fairs', summary: 'Job fairs open to me, and whether I signed up', tags, auth: 'worker', response: Json, handler: ({ me: m }) => me.myFairs(ctx, who(m)) });
  api.route({ method: 'post', path: '/me/fairs/:id/signup', summary: 'Sign up for a fair (or join its waiting list)', tags, auth: 'worker', params: Id, response: Json, handler: ({ me: m, params, koa }) => me.fairSignUp(ctx, who(m), params.id, meta(koa)) });
  api.route({ method: 'delete', path: '/me/fairs/:id/signup', summary: 'Cancel my sign-up', tags, auth: 'worker', params: Id, status: 200, response: Json, handler: ({ me: m, params, koa }) => me.fairCancel(ctx, who(m), params.id, meta(koa)) });
  api.route({ method: 'post', path: '/me/fairs/checkin', summary: 'Check in at a fair with the code from its QR code', tags, auth: 'worker', body: CheckinBody, status: 200, response: Json, handler: ({ me: m, body, koa }) => me.fairCheckIn(ctx, who(m), body.code, meta(koa)) });
  api.route({ method: 'get', path: '/me/policies', summary: 'My policy checklist: what I can claim, why, and the steps', tags, auth: 'worker', response: Json, handler: ({ me: m, koa }) => me.policies(ctx, who(m), koa.state.t) });
  api.route({ method: 'get', path: '/me/subscription', summary: 'What I am sent, when and how (the same settings as in chat)', tags, auth: 'worker', response: SubscriptionView, handler: ({ me: m }) => me.subscription(ctx, who(m)) });
  api.route({ method: 'put', path: '/me/subscription', summary: 'Choose what I am sent', tags, auth: 'worker', body: SubscriptionPut, response: SubscriptionView, handler: ({ me: m, body, koa }) => me.setSubscription(ctx, who(m), body, meta(koa)) });
  api.route({ method: 'get', path: '/me/consent', summary: 'The notice on how my data is used, and whether I agreed (matching and messages need it)', tags, auth: 'worker', response: Json, handler: ({ me: m, koa }) => me.consentState(ctx, who(m), koa.state.t) });
  api.route({ method: 'post', path: '/me/consent', summary: 'Agree to the notice, or withdraw (pending messages stop at once)', tags, auth: 'worker', body: z.object({ granted: z.boolean() }).strict().meta({ id: 'MeConsent' }), status: 200, response: Json, handler: ({ me: m, body, koa }) => me.setConsent(ctx, who(m), body.granted, koa.state.t) });
  api.route({ method: 'get', path: '/me/subscribe-consents', summary: 'Subscribe-message consents left per template', tags, auth: 'worker', response: Json, handler: ({ me: m }) => me.consents(ctx, who(m)) });
  api.route({ method: 'post', path: '/me/subscribe-consents', summary: 'Report the templates I accepted (one message each); when none is left, messages come by chat', tags, auth: 'worker', body: ConsentBody, status: 200, response: Json, handler: ({ me: m, body }) => me.addConsents(ctx, who(m), body.templateIds) });
}
