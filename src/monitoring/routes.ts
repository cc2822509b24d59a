import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { RegionCode } from '../regions/schemas';
import { CATEGORY } from '../registry/vocab';
import * as service from './service';
import * as warnings from './warnings';
import * as reports from './reports';

const Month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'errors:detail.monitoring.month').meta({ example: '2026-10' });

export function monitoringRoutes(api: Api, ctx: AppContext): void {
  const tags = ['monitoring'];
  api.route({
    method: 'get', path: '/monitoring/warnings', summary: '预警: regions whose figures fell, people out of work or earning much less, zero-employment households; open and acknowledged ones unless asked otherwise', tags, auth: 'staff',
    query: z.object({ regionCode: RegionCode.optional(), status: z.enum(['open', 'acknowledged', 'closed']).optional(), kind: z.enum(['region_decline', 'lost_job', 'income_drop', 'zero_employment_household']).optional(), page: z.coerce.number().int().min(1).max(100000).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
    response: z.record(z.string(), z.unknown()),
    handler: ({ actor, query }) => warnings.listWarnings(ctx, actor, query),
  });
  api.route({ method: 'post', path: '/monitoring/warnings/:id/acknowledge', summary: 'Acknowledge a warning (it leaves the open list)', tags, auth: 'staff', params: z.object({ id: z.uuid() }), status: 200, response: z.record(z.string(), z.unknown()), handler: ({ actor, params, koa }) => warnings.acknowledge(ctx, actor, params.id, requestMeta(koa)) });
  api.route({ method: 'get', path: '/monitoring/zero-employment', summary: '零就业家庭 now: households with someone able to work and nobody in work, each with how long it has been so', tags, auth: 'staff', query: z.object({ regionCode: RegionCode.optional() }).strict(), response: z.record(z.string(), z.unknown()), handler: ({ actor, query }) => warnings.zeroEmploymentList(ctx, actor, query) });
  api.route({
    method: 'get',
    path: '/monitoring/figures',
    summary: '务工规模与务工收入: a month’s figures for a region and the regions one level below, per category, with 同比 and 环比 (closed months from their snapshot)',
    tags,
    auth: 'staff',
    query: z.object({ regionCode: RegionCode.optional(), month: Month.optional(), category: z.enum(CATEGORY).optional() }).strict(),
    response: z.record(z.string(), z.unknown()),
    handler: ({ actor, query }) => service.figures(ctx, actor, query),
  });
  api.route({ method: 'get', path: '/monitoring/reports', summary: '日报告 and 月通报, newest first', tags, auth: 'staff', query: z.object({ kind: z.enum(['daily', 'monthly']).optional(), page: z.coerce.number().int().min(1).max(100000).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }).strict(), response: z.record(z.string(), z.unknown()), handler: ({ actor, query }) => reports.listReports(ctx, actor, query) });
  api.route({
    method: 'get', path: '/monitoring/reports/:id', summary: 'One report, its rows kept to your region (JSON, or XLSX with format=xlsx)', tags, auth: 'staff',
    params: z.object({ id: z.uuid() }), query: z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict(), response: z.record(z.string(), z.unknown()),
    handler: async ({ actor, params, query, koa }) => {
      const r = await reports.getReport(ctx, actor, params.id);
      if (query.format === 'json') return r;
      koa.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      koa.attachment(`${r.kind}-${r.period}.xlsx`);
      koa.body = await reports.reportXlsx(koa.state.t, r);
      return undefined;
    },
  });
  api.route({
    method: 'get',
    path: '/monitoring/trend',
    summary: 'Employment scale and income of a region month by month (13 months by default), oldest first',
    tags,
    auth: 'staff',
    query: z.object({ regionCode: RegionCode.optional(), month: Month.optional(), months: z.coerce.number().int().min(2).max(36).default(13) }).strict(),
    response: z.record(z.string(), z.unknown()),
    handler: ({ actor, query }) => service.trend(ctx, actor, query),
  });
}
