import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { pageOf } from '../http/pagination';
import * as apps from './applications';
import type { FairPostCheck } from './applications';
import * as employers from './employers';
import * as matching from './matching';
import type { GraduateSource } from './matching';
import {
  ApplicationCreate,
  ApplicationListQuery,
  ApplicationMove,
  ApplicationView,
  Candidate,
  EmployerCreate,
  EmployerListQuery,
  EmployerView,
  Match,
  MatchQuery,
  PaymentReport,
  TrainingListQuery,
  TrainingSessionCreate,
  TrainingSessionView,
  VacancyCreate,
  VacancyListQuery,
  VacancyPatch,
  VacancyView,
  WageCaseView,
  WorkerRef,
} from './schemas';
import * as trainings from './trainings';
import * as vacancies from './vacancies';

const Id = z.object({ id: z.uuid() });

/**
 * `fairCarries` answers for the fairs (a layer above) whether an application made at a fair may count for it;
 * `graduates` is rain-dew's (a layer above) list of graduates still without work, whom a post's candidates put first.
 */
export function marketRoutes(api: Api, ctx: AppContext, fairCarries: FairPostCheck, graduates: GraduateSource): void {
  const meta = requestMeta;
  const tags = ['market'];

  api.route({ method: 'post', path: '/employers', summary: 'Register an employer (enterprise, workshop, work-relief contractor, village committee, HR agency, broker, cooperative)', tags, auth: 'staff', body: EmployerCreate, response: EmployerView, handler: ({ actor, body, koa }) => employers.createEmployer({ ctx, actor, meta: meta(koa) }, body) });
  api.route({ method: 'get', path: '/employers', summary: 'Employers in your region', tags, auth: 'staff', reads: 'replica', query: EmployerListQuery, response: pageOf(EmployerView), handler: ({ actor, query }) => employers.listEmployers(ctx, actor, query) });
  api.route({ method: 'get', path: '/employers/:id', summary: 'One employer', tags, auth: 'staff', params: Id, response: EmployerView, handler: ({ actor, params }) => employers.getEmployer(ctx, actor, params.id) });
  api.route({ method: 'post', path: '/employers/:id/verify', summary: 'Mark an employer verified by the station (its posts may then open)', tags, auth: 'staff', params: Id, status: 200, response: EmployerView, handler: ({ actor, params, koa }) => employers.verifyEmployer({ ctx, actor, meta: meta(koa) }, params.id) });

  api.route({ method: 'post', path: '/vacancies', summary: 'Post a vacancy, gig, public-welfare post, seasonal departure, work-relief or workshop job', tags, auth: 'staff', body: VacancyCreate, response: VacancyView, handler: ({ actor, body, koa }) => vacancies.createVacancy({ ctx, actor, meta: meta(koa) }, body) });
  api.route({ method: 'get', path: '/vacancies', summary: 'Vacancies in your region; `q` searches Chinese text', tags, auth: 'staff', reads: 'replica', query: VacancyListQuery, response: pageOf(VacancyView), handler: ({ actor, query }) => vacancies.listVacancies(ctx, actor, query) });
  api.route({ method: 'get', path: '/vacancies/:id', summary: 'One vacancy', tags, auth: 'staff', params: Id, response: VacancyView, handler: ({ actor, params }) => vacancies.getVacancy(ctx, actor, params.id) });
  api.route({ method: 'patch', path: '/vacancies/:id', summary: 'Edit, publish or close a vacancy', tags, auth: 'staff', params: Id, body: VacancyPatch, response: VacancyView, handler: ({ actor, params, body, koa }) => vacancies.updateVacancy({ ctx, actor, meta: meta(koa) }, params.id, body) });
  api.route({
    method: 'get', path: '/vacancies/:id/candidates', summary: 'People to contact for a vacancy, ranked, with reasons', tags, auth: 'staff', params: Id,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), radiusKm: z.coerce.number().min(0.5).max(500).optional() }).strict(),
    response: z.object({ items: z.array(Candidate) }),
    handler: async ({ actor, params, query, koa }) => ({ items: await matching.candidatesForVacancy(ctx, actor, params.id, query, koa.state.t, graduates) }),
  });
  api.route({ method: 'post', path: '/vacancies/:id/applications', summary: 'Apply for a person', tags, auth: 'staff', params: Id, body: ApplicationCreate, response: ApplicationView, handler: ({ actor, params, body, koa }) => apps.apply({ ctx, actor, meta: meta(koa) }, params.id, body.workerId, body.source, body.fairId ? { fair: { id: body.fairId, carries: fairCarries } } : {}) });
  api.route({ method: 'get', path: '/vacancies/:id/applications', summary: 'The applicants of a vacancy as a pipeline', tags, auth: 'staff', params: Id, query: ApplicationListQuery, response: pageOf(ApplicationView), handler: ({ actor, params, query }) => apps.listForVacancy(ctx, actor, params.id, query) });

  api.route({ method: 'get', path: '/applications/:id', summary: 'One application with its history', tags, auth: 'staff', params: Id, response: ApplicationView, handler: ({ actor, params }) => apps.getApplication(ctx, actor, params.id) });
  api.route({ method: 'post', path: '/applications/:id/status', summary: 'Move an application: interview, hired (records the job in the register), rejected, no_show, withdrawn; gigs: accepted, checked_in, completed', tags, auth: 'staff', params: Id, body: ApplicationMove, status: 200, response: ApplicationView, handler: ({ actor, params, body, koa }) => apps.move({ ctx, actor, meta: meta(koa) }, params.id, body) });
  api.route({ method: 'post', path: '/applications/:id/payment', summary: 'The worker says whether a completed gig was paid; not paid opens a wage-arrears case', tags, auth: 'staff', params: Id, body: PaymentReport, status: 200, response: ApplicationView, handler: ({ actor, params, body, koa }) => apps.reportPayment({ ctx, actor, meta: meta(koa) }, params.id, body.paid, body.amountFen) });

  api.route({ method: 'get', path: '/wage-cases', summary: 'Wage-arrears cases (欠薪) in your region', tags, auth: 'staff', query: z.object({ status: z.enum(['open', 'resolved']).optional() }).strict(), response: z.object({ items: z.array(WageCaseView) }), handler: ({ actor, query }) => apps.listWageCases(ctx, actor, query.status) });
  api.route({ method: 'post', path: '/wage-cases/:id/resolve', summary: 'Close a wage-arrears case with a note', tags, auth: 'staff', params: Id, body: z.object({ note: z.string().trim().min(2).max(500) }).strict(), status: 200, response: WageCaseView, handler: ({ actor, params, body, koa }) => apps.resolveWageCase({ ctx, actor, meta: meta(koa) }, params.id, body.note) });

  api.route({ method: 'post', path: '/trainings', summary: 'Announce a training session (订单/定向/定岗/劳动预备制/新型学徒制/岗前/技能提升)', tags, auth: 'staff', body: TrainingSessionCreate, response: TrainingSessionView, handler: ({ actor, body, koa }) => trainings.createSession({ ctx, actor, meta: meta(koa) }, body) });
  api.route({ method: 'get', path: '/trainings', summary: 'Training sessions in your region', tags, auth: 'staff', reads: 'replica', query: TrainingListQuery, response: pageOf(TrainingSessionView), handler: ({ actor, query }) => trainings.listSessions(ctx, actor, query) });
  api.route({ method: 'get', path: '/trainings/:id', summary: 'One training session', tags, auth: 'staff', params: Id, response: TrainingSessionView, handler: ({ actor, params }) => trainings.getSession(ctx, actor, params.id) });
  api.route({ method: 'post', path: '/trainings/:id/enrolments', summary: 'Enrol a person (capacity enforced)', tags, auth: 'staff', params: Id, body: WorkerRef, response: z.object({ id: z.uuid(), sessionId: z.uuid(), workerId: z.uuid(), status: z.string() }), handler: ({ actor, params, body, koa }) => trainings.enrol({ ctx, actor, meta: meta(koa) }, params.id, body.workerId) });
  api.route({ method: 'post', path: '/trainings/:id/enrolments/cancel', summary: 'Cancel a person’s enrolment', tags, auth: 'staff', params: Id, body: WorkerRef, status: 200, response: z.object({ id: z.uuid(), sessionId: z.uuid(), workerId: z.uuid(), status: z.string() }), handler: ({ actor, params, body, koa }) => trainings.cancelEnrolment({ ctx, actor, meta: meta(koa) }, params.id, body.workerId) });

  api.route({
    method: 'get', path: '/workers/:id/matches', summary: 'Best vacancies, gigs near home and trainings for a person, with reasons', tags, auth: 'staff', params: Id, query: MatchQuery,
    response: z.object({ items: z.array(Match) }),
    handler: async ({ actor, params, query, koa }) => ({ items: await matching.matchesForWorker(ctx, actor, params.id, query, koa.state.t) }),
  });
}
