import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { pageOf } from '../http/pagination';
import {
  EmploymentEnd,
  EmploymentStart,
  EmploymentView,
  HouseholdCreate,
  HouseholdListQuery,
  HouseholdPatch,
  HouseholdView,
  IdParams,
  RevealQuery,
  TrainingCreate,
  TrainingView,
  WorkerCreate,
  WorkerListQuery,
  WorkerPatch,
  WorkerView,
  ZeroEmploymentSummaryQuery,
  ExportQuery,
  ConsentInput,
  ConsentView,
  ExportRequestInput,
  ExportRequestView,
} from './schemas';
import * as approvals from './export-approvals';
import * as consent from './consent';
import * as publicWelfare from './public-welfare';
import * as service from './service';
import * as payments from './payments';
import { exportWorkers } from './export';

export function registryRoutes(api: Api, ctx: AppContext): void {
  const meta = requestMeta;
  const tags = ['registry'];

  api.route({
    method: 'post', path: '/exports/requests', summary: 'Ask for an unmasked export (permission needed); a second administrator approves it', tags, auth: 'staff',
    body: ExportRequestInput, response: ExportRequestView,
    handler: ({ actor, body, koa }) => approvals.requestExport({ ctx, actor, meta: meta(koa) }, body),
  });
  api.route({ method: 'get', path: '/exports/requests', summary: 'Export requests of your region and their state', tags, auth: 'staff', response: z.object({ items: z.array(ExportRequestView) }), handler: ({ actor }) => approvals.listExportRequests(ctx, actor) });
  api.route({
    method: 'post', path: '/exports/requests/:id/approve', summary: `Approve another administrator's export request (usable once within ${approvals.APPROVAL_HOURS} hours)`, tags, auth: 'staff', status: 200,
    params: IdParams, response: ExportRequestView,
    handler: ({ actor, params, koa }) => approvals.decideExport({ ctx, actor, meta: meta(koa) }, params.id, true),
  });
  api.route({
    method: 'post', path: '/exports/requests/:id/reject', summary: "Refuse another administrator's export request", tags, auth: 'staff', status: 200,
    params: IdParams, response: ExportRequestView,
    handler: ({ actor, params, koa }) => approvals.decideExport({ ctx, actor, meta: meta(koa) }, params.id, false),
  });
  api.route({
    method: 'get', path: '/workers/:id/consent', summary: "A person's consent to matching and messages, with every answer recorded", tags, auth: 'staff',
    params: IdParams, response: ConsentView,
    handler: ({ actor, params }) => consent.getConsent(ctx, actor, params.id),
  });
  api.route({
    method: 'post', path: '/workers/:id/consent', summary: 'Record consent given or withdrawn (withdrawing stops every message at once)', tags, auth: 'staff', status: 200,
    params: IdParams, body: ConsentInput, response: ConsentView,
    handler: ({ actor, params, body }) => consent.setConsent(ctx, actor, params.id, body),
  });

  api.route({
    method: 'post', path: '/workers', summary: 'Register a person (实名登记)', tags, auth: 'staff',
    body: WorkerCreate, response: WorkerView,
    handler: ({ actor, body, koa }) => service.createWorker({ ctx, actor, meta: meta(koa) }, body),
  });
  api.route({
    method: 'get', path: '/workers', summary: "Registered people in the caller's region, filtered and paged", tags, auth: 'staff', reads: 'replica',
    query: WorkerListQuery, response: pageOf(WorkerView),
    handler: ({ actor, query }) => service.listWorkers(ctx, actor, query),
  });
  api.route({
    method: 'get', path: '/workers/:id', summary: 'One person; `reveal=true` with a `purpose` shows ID and phone unmasked (permission needed, audited)', tags, auth: 'staff',
    params: IdParams, query: RevealQuery, response: WorkerView,
    handler: ({ actor, params, query, koa }) => service.getWorker(ctx, actor, params.id, { reveal: query.reveal, purpose: query.purpose }, meta(koa)),
  });
  api.route({
    method: 'patch', path: '/workers/:id', summary: 'Correct or complete a person’s record (send the version you read)', tags, auth: 'staff',
    params: IdParams, body: WorkerPatch, response: WorkerView,
    handler: ({ actor, params, body, koa }) => service.updateWorker({ ctx, actor, meta: meta(koa) }, params.id, body),
  });
  api.route({
    method: 'get', path: '/workers/:id/employment', summary: 'Employment history, newest first', tags, auth: 'staff',
    params: IdParams, response: z.object({ items: z.array(EmploymentView) }),
    handler: async ({ actor, params }) => ({ items: await service.employmentHistory(ctx, actor, params.id) }),
  });
  api.route({
    method: 'post', path: '/workers/:id/employment', summary: 'Record a new job (closes the current one the day before)', tags, auth: 'staff',
    params: IdParams, body: EmploymentStart, response: EmploymentView,
    handler: ({ actor, params, body, koa }) => service.startEmployment({ ctx, actor, meta: meta(koa) }, params.id, body),
  });
  api.route({
    method: 'post', path: '/workers/:id/employment/end', summary: 'Record that the current job ended', tags, auth: 'staff',
    params: IdParams, body: EmploymentEnd, status: 200, response: z.object({ items: z.array(EmploymentView) }),
    handler: async ({ actor, params, body, koa }) => ({ items: await service.endEmployment({ ctx, actor, meta: meta(koa) }, params.id, body.endDate, body.exitReason) }),
  });
  api.route({
    method: 'get', path: '/workers/:id/employment/:recordId/terms', summary: 'A public-welfare post’s agreements (劳动合同或劳务协议), oldest first', tags, auth: 'staff',
    params: z.object({ id: z.uuid(), recordId: z.uuid() }), response: z.object({ items: z.array(publicWelfare.TermView) }),
    handler: ({ actor, params }) => publicWelfare.termsOf(ctx, actor, params.id, params.recordId),
  });
  api.route({
    method: 'post', path: '/workers/:id/employment/:recordId/terms', summary: 'Renew a public-welfare post (以岗聘任 again): the next agreement, from the day after the current one ends, at most a year (seed 004 §12)', tags, auth: 'staff',
    params: z.object({ id: z.uuid(), recordId: z.uuid() }), body: publicWelfare.TermRenewal, response: z.object({ startsOn: z.string(), endsOn: z.string() }),
    handler: ({ actor, params, body, koa }) => publicWelfare.renewTerm({ ctx, actor, meta: meta(koa) }, params.id, params.recordId, body),
  });
  api.route({
    method: 'get', path: '/public-welfare/terms-due', summary: 'Public-welfare post holders whose agreement ends soon, has ended while the post is held (renew or 有序退岗), or was never recorded', tags, auth: 'staff',
    query: publicWelfare.TermsDueQuery, response: publicWelfare.TermsDueView,
    handler: ({ actor, query }) => publicWelfare.termsDue(ctx, actor, query),
  });
  api.route({
    method: 'get', path: '/workers/:id/employment/:recordId/payments', summary: 'Month by month, what a public-welfare post (岗位补贴) or work-relief job (劳务报酬) owed and paid', tags, auth: 'staff',
    params: z.object({ id: z.uuid(), recordId: z.uuid() }), response: z.object({ items: z.array(payments.PaymentView) }),
    handler: ({ actor, params }) => payments.listPayments(ctx, actor, params.id, params.recordId),
  });
  api.route({
    method: 'put', path: '/workers/:id/employment/:recordId/payments/:period', summary: 'Record a month’s payment: due date and amount, and once paid, the day and amount paid (again to correct it)', tags, auth: 'staff',
    params: z.object({ id: z.uuid(), recordId: z.uuid(), period: payments.Period }), body: payments.PaymentInput, response: payments.PaymentView,
    handler: ({ actor, params, body, koa }) => payments.recordPayment({ ctx, actor, meta: meta(koa) }, params.id, params.recordId, params.period, body),
  });
  api.route({
    method: 'get', path: '/workers/:id/trainings', summary: 'Training history', tags, auth: 'staff',
    params: IdParams, response: z.object({ items: z.array(TrainingView) }),
    handler: async ({ actor, params }) => ({ items: await service.trainingHistory(ctx, actor, params.id) }),
  });
  api.route({
    method: 'post', path: '/workers/:id/trainings', summary: 'Record a training taken', tags, auth: 'staff',
    params: IdParams, body: TrainingCreate, response: TrainingView,
    handler: ({ actor, params, body, koa }) => service.addTraining({ ctx, actor, meta: meta(koa) }, params.id, body),
  });

  api.route({
    method: 'post', path: '/households', summary: 'Create a household (户), optionally with its members', tags, auth: 'staff',
    body: HouseholdCreate, response: HouseholdView,
    handler: ({ actor, body, koa }) => service.createHousehold({ ctx, actor, meta: meta(koa) }, body),
  });
  api.route({
    method: 'get', path: '/households', summary: 'Households; `zeroEmployment=true` lists 零就业家庭', tags, auth: 'staff', reads: 'replica',
    query: HouseholdListQuery, response: pageOf(HouseholdView),
    handler: ({ actor, query }) => service.listHouseholds(ctx, actor, query),
  });
  api.route({
    method: 'get', path: '/households/zero-employment/summary', summary: 'Zero-employment households counted per region one level down', tags, auth: 'staff', reads: 'replica',
    query: ZeroEmploymentSummaryQuery,
    response: z.object({ regionCode: z.string(), total: z.number().int(), byRegion: z.array(z.object({ regionCode: z.string(), regionName: z.string().nullable(), households: z.number().int() })) }),
    handler: ({ actor, query }) => service.zeroEmploymentSummary(ctx, actor, query.regionCode),
  });
  api.route({
    method: 'get', path: '/households/:id', summary: 'One household with its member counts', tags, auth: 'staff',
    params: IdParams, response: HouseholdView,
    handler: ({ actor, params }) => service.getHousehold(ctx, actor, params.id),
  });
  api.route({
    method: 'patch', path: '/households/:id', summary: 'Change the relocation flag or the members', tags, auth: 'staff',
    params: IdParams, body: HouseholdPatch, response: HouseholdView,
    handler: ({ actor, params, body, koa }) => service.updateHousehold({ ctx, actor, meta: meta(koa) }, params.id, body),
  });
}

export function exportRoutes(api: Api, ctx: AppContext): void {
  api.route({
    method: 'get',
    path: '/exports/workers',
    summary: '农村贫困劳动力就业信息表 as XLSX for a region and filter; masked unless `reveal=true` with an `approval` a second administrator gave (audited)',
    tags: ['registry'],
    auth: 'staff', reads: 'replica',
    query: ExportQuery,
    binary: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', description: 'The form, one row per person' },
    handler: async ({ actor, query, koa }) => {
      const stream = await exportWorkers(ctx, actor, query, koa.state.t, { requestId: koa.state.requestId, ip: koa.ip });
      koa.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      koa.attachment(`workers-${query.regionCode ?? actor.regionCode}.xlsx`);
      koa.body = stream;
      return undefined;
    },
  });
}
