import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import { PageQuery } from '../http/pagination';
import { RegionCode } from '../regions';
import { CATEGORY } from '../registry';
import * as service from './service';
import * as warnings from './warnings';
import * as reports from './reports';
import * as targets from './targets';
import * as projects from './projects';
import * as projectWorkers from './project-workers';
import * as forms from './forms';
import { RelocationSitesQuery, RelocationSitesView, relocationSites } from './relocation';
import { WorkshopCheckQuery, WorkshopCheckView, workshopCheck } from './workshops';
import { trendPng, trendSvg } from './chart';
import { downloadedForm } from '../reporting';
import { REVIEW_KINDS } from './integrity';
import { ChildFiguresQuery, ChildFiguresView, childFigures, TrendQuery, TrendView } from './breakdown';
import { ShareHistoryQuery, ShareHistoryView, shareHistory } from './relocation-history';
import { FiguresView, ReportsView, WarningsView, ZeroEmploymentView } from './views';

const Month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'errors:detail.monitoring.month').meta({ example: '2026-10' });
const Year = z.coerce.number().int().min(2000).max(2100);
const Any = z.record(z.string(), z.unknown());
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Conclusion = z.object({ note: z.string().trim().max(1000).nullish().meta({ description: 'What staff found (复核结论); required for review items' }) }).strict();

/** `fairsHeld`: the fairs module's count of the fairs held, for the progress form's "乐业搬迁" fairs (fairs sit beside monitoring). */
export function monitoringRoutes(api: Api, ctx: AppContext, fairsHeld: forms.FairsHeld): void {
  const tags = ['monitoring'];
  api.route({
    method: 'get', path: '/monitoring/warnings', summary: '预警: regions whose figures fell, people out of work or earning much less, zero-employment households; open and acknowledged ones unless asked otherwise', tags, auth: 'staff', reads: 'replica',
    query: z.object({ regionCode: RegionCode.optional(), status: z.enum(['open', 'acknowledged', 'closed']).optional(), kind: z.enum(warnings.WARNING_KINDS).optional(), ...PageQuery }).strict(),
    response: WarningsView,
    handler: ({ actor, query }) => warnings.listWarnings(ctx, actor, query),
  });
  api.route({
    method: 'post', path: '/monitoring/warnings/:id/acknowledge', summary: 'Acknowledge a warning (it leaves the open list)', tags, auth: 'staff',
    params: z.object({ id: z.uuid() }), body: Conclusion, status: 200, response: Any,
    handler: ({ actor, params, body, koa }) => warnings.acknowledge({ ctx, actor, meta: requestMeta(koa) }, params.id, body ?? {}),
  });
  api.route({
    method: 'get', path: '/monitoring/reviews', summary: 'Integrity review list: several public-welfare posts in a household, a post passed among relatives, a holder who no longer needs it, subsidies and work-relief wages overdue, late or short; each with its evidence', tags, auth: 'staff', reads: 'replica',
    query: z.object({ regionCode: RegionCode.optional(), status: z.enum(['open', 'acknowledged', 'closed']).optional(), kind: z.enum(REVIEW_KINDS).optional(), ...PageQuery }).strict(),
    response: WarningsView,
    handler: ({ actor, query }) => warnings.listWarnings(ctx, actor, query, REVIEW_KINDS),
  });
  api.route({
    method: 'post', path: '/monitoring/reviews/:id/conclude', summary: 'Close a review item with what was found (复核结论, required)', tags, auth: 'staff',
    params: z.object({ id: z.uuid() }), body: Conclusion, status: 200, response: Any,
    handler: ({ actor, params, body, koa }) => warnings.acknowledge({ ctx, actor, meta: requestMeta(koa) }, params.id, body, REVIEW_KINDS),
  });
  api.route({
    method: 'get', path: '/monitoring/relocation-sites', summary: '易地搬迁安置区: 脱贫人口（含监测对象） living at each relocation site in your region, how many are in work on the day (near or away, public-welfare posts, workshops), the rate, and the site’s zero-employment households', tags, auth: 'staff', reads: 'replica',
    query: RelocationSitesQuery, response: RelocationSitesView,
    handler: ({ actor, query }) => relocationSites(ctx, actor, query),
  });
  api.route({
    method: 'get', path: '/monitoring/workshops', summary: '就业帮扶车间: each workshop’s declared head-counts (带动就业人数, 其中脱贫人口) beside the people the register has in work there on the day, the differences flagged', tags, auth: 'staff', reads: 'replica',
    query: WorkshopCheckQuery, response: WorkshopCheckView,
    handler: ({ actor, query }) => workshopCheck(ctx, actor, query),
  });
  api.route({ method: 'get', path: '/monitoring/zero-employment', summary: '零就业家庭 now: households with someone able to work and nobody in work, each with how long it has been so', tags, auth: 'staff', reads: 'replica', query: z.object({ regionCode: RegionCode.optional() }).strict(), response: ZeroEmploymentView, handler: ({ actor, query }) => warnings.zeroEmploymentList(ctx, actor, query) });
  api.route({
    method: 'get',
    path: '/monitoring/figures',
    summary: '务工规模与务工收入: a month’s figures for a region and the regions one level below, per category, with 同比 and 环比 (closed months from their snapshot)',
    tags,
    auth: 'staff', reads: 'replica',
    query: z.object({ regionCode: RegionCode.optional(), month: Month.optional(), category: z.enum(CATEGORY).optional() }).strict(),
    response: FiguresView,
    handler: ({ actor, query }) => service.figures(ctx, actor, query),
  });
  api.route({
    method: 'get',
    path: '/monitoring/figures/children',
    summary: 'Figures by region: each region one level below (prefecture → county → township → village) for a month, one measure ranked, with the month before, the same month a year before, 环比 and 同比; 脱贫人口（含监测对象） or 农村低收入人口 apart',
    tags,
    auth: 'staff', reads: 'replica',
    query: ChildFiguresQuery,
    response: ChildFiguresView,
    handler: ({ actor, query }) => childFigures(ctx, actor, query),
  });
  api.route({ method: 'get', path: '/monitoring/reports', summary: '日报告, 周调度 and 月通报, newest first', tags, auth: 'staff', reads: 'replica', query: z.object({ kind: z.enum(['daily', 'weekly', 'monthly']).optional(), ...PageQuery }).strict(), response: ReportsView, handler: ({ actor, query }) => reports.listReports(ctx, actor, query) });
  api.route({
    method: 'get', path: '/monitoring/reports/:id', summary: 'One report, its rows kept to your region (JSON, or XLSX with format=xlsx; a monthly bulletin’s workbook carries the 13-month chart)', tags, auth: 'staff', reads: 'replica',
    params: z.object({ id: z.uuid() }), query: z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict(), response: Any,
    handler: async ({ actor, params, query, koa }) => {
      const r = await reports.getReport(ctx, actor, params.id);
      if (query.format === 'json') return r;
      const chart = r.kind === 'monthly' ? await trendPng(koa.state.t, await service.trend(ctx, actor, { months: 13, month: r.period })) : undefined;
      koa.type = XLSX;
      koa.attachment(`${r.kind}-${r.period}.xlsx`);
      koa.body = await reports.reportXlsx(koa.state.t, r, chart);
      return undefined;
    },
  });
  api.route({
    method: 'get',
    path: '/monitoring/trend',
    summary: 'Every figure of a region month by month (13 months by default), oldest first: 脱贫人口（含监测对象）, or 农村低收入人口 apart',
    tags,
    auth: 'staff', reads: 'replica',
    query: TrendQuery,
    response: TrendView,
    handler: ({ actor, query }) => service.trend(ctx, actor, query),
  });
  api.route({
    method: 'get', path: '/monitoring/trend/chart', summary: 'The same as a chart (bars: employment scale; line: average monthly income in yuan), SVG or PNG', tags, auth: 'staff', reads: 'replica',
    query: z.object({ regionCode: RegionCode.optional(), month: Month.optional(), months: z.coerce.number().int().min(2).max(36).default(13), format: z.enum(['svg', 'png']).default('svg') }).strict(),
    binary: { contentType: 'image/svg+xml', description: 'The chart as SVG, or as PNG (image/png) with format=png' },
    handler: async ({ actor, query, koa }) => {
      const data = await service.trend(ctx, actor, query);
      koa.type = query.format === 'png' ? 'image/png' : 'image/svg+xml';
      koa.set('Cache-Control', 'private, max-age=300');
      koa.body = query.format === 'png' ? await trendPng(koa.state.t, data) : await trendSvg(koa.state.t, data);
      return undefined;
    },
  });

  api.route({
    method: 'get', path: '/monitoring/targets', summary: 'The year’s targets of your region and the regions in it, each beside where it stands today (training: the share of the year’s target due by now)', tags, auth: 'staff', reads: 'replica',
    query: z.object({ regionCode: RegionCode.optional(), year: Year.optional() }).strict(), response: Any,
    handler: ({ actor, query }) => targets.listTargets(ctx, actor, query),
  });
  api.route({
    method: 'put', path: '/monitoring/targets', summary: 'Set targets for the weekly dispatch (administrators); value null removes one', tags, auth: 'staff',
    body: z.object({ year: z.number().int().min(2000).max(2100), items: z.array(z.object({ regionCode: RegionCode, metric: z.enum(targets.TARGET_METRICS), value: z.number().int().min(0).max(100_000_000).nullable() }).strict()).min(1).max(500) }).strict(),
    status: 200, response: Any,
    handler: ({ actor, body, koa }) => targets.setTargets({ ctx, actor, meta: requestMeta(koa) }, body),
  });

  api.route({ method: 'get', path: '/projects', summary: 'Assistance projects (workshops, work relief, cooperatives, bases, brands, alliances, government-invested and public-service projects) of your region', tags, auth: 'staff', reads: 'replica', query: projects.ProjectListQuery, response: projects.ProjectList, handler: ({ actor, query }) => projects.listProjects(ctx, actor, query) });
  api.route({ method: 'post', path: '/projects', summary: 'Register an assistance project, with the people it employs and where it stands', tags, auth: 'staff', body: projects.ProjectCreate, response: projects.ProjectView, handler: ({ actor, body, koa }) => projects.createProject({ ctx, actor, meta: requestMeta(koa) }, body) });
  api.route({ method: 'get', path: '/projects/:id', summary: 'One assistance project', tags, auth: 'staff', params: z.object({ id: z.uuid() }), response: projects.ProjectView, handler: ({ actor, params }) => projects.getProject(ctx, actor, params.id) });
  api.route({ method: 'patch', path: '/projects/:id', summary: 'Correct an assistance project (its numbers, its end)', tags, auth: 'staff', params: z.object({ id: z.uuid() }), body: projects.ProjectPatch, response: projects.ProjectView, handler: ({ actor, params, body, koa }) => projects.updateProject({ ctx, actor, meta: requestMeta(koa) }, params.id, body) });
  api.route({
    method: 'get', path: '/projects/:id/figures', summary: 'A project’s head-counts from the register for the year so far (people linked to it, 脱贫人口 含监测对象, from relocation sites, with signed agreements) and, for a government-invested project, its share of relocation-site jobs against its county’s', tags, auth: 'staff', reads: 'replica',
    params: z.object({ id: z.uuid() }), response: projectWorkers.ProjectFiguresView,
    handler: async ({ actor, params }) => projectWorkers.projectFigures(ctx, await projects.scopedProject(ctx, actor, params.id)),
  });
  api.route({
    method: 'get', path: '/projects/:id/workers', summary: 'Who works on a government-invested project (以工代赈, 政府投资建设项目, 基层社会管理和公共服务项目), from when to when, with or without a signed labour contract or agreement', tags, auth: 'staff',
    params: z.object({ id: z.uuid() }), response: projectWorkers.ProjectWorkerList,
    handler: ({ actor, params }) => projectWorkers.listProjectWorkers(ctx, actor, params.id),
  });
  api.route({
    method: 'post', path: '/projects/:id/workers', summary: 'Record that a person on the register works on a government-invested project (a spell inside the project’s dates, not overlapping another of theirs); its head-counts and relocation-site share follow', tags, auth: 'staff',
    params: z.object({ id: z.uuid() }), body: projectWorkers.ProjectWorkerCreate, response: projectWorkers.ProjectWorkerView,
    handler: ({ actor, params, body, koa }) => projectWorkers.addProjectWorker({ ctx, actor, meta: requestMeta(koa) }, params.id, body),
  });
  api.route({
    method: 'patch', path: '/projects/:id/workers/:linkId', summary: 'End a person’s spell on a project, or record the agreement as signed', tags, auth: 'staff',
    params: z.object({ id: z.uuid(), linkId: z.uuid() }), body: projectWorkers.ProjectWorkerPatch, status: 200, response: projectWorkers.ProjectWorkerView,
    handler: ({ actor, params, body, koa }) => projectWorkers.updateProjectWorker({ ctx, actor, meta: requestMeta(koa) }, params.id, params.linkId, body),
  });
  api.route({
    method: 'get', path: '/monitoring/relocation-shares', summary: '易地搬迁安置区按比例安排就业: the share of government-invested projects’ jobs each county in your region keeps for people from relocation sites', tags, auth: 'staff', reads: 'replica',
    query: z.object({ regionCode: RegionCode.optional() }).strict(), response: projectWorkers.RelocationSharesView,
    handler: ({ actor, query }) => projectWorkers.listRelocationShares(ctx, actor, query),
  });
  api.route({
    method: 'get', path: '/monitoring/relocation-shares/history', summary: '易地搬迁安置区按比例安排就业 month by month: each county’s share of its government-invested projects’ jobs held by people from relocation sites, and each project’s, beside the share the county had set (closed months from the snapshot kept when they closed)', tags, auth: 'staff',
    query: ShareHistoryQuery, response: ShareHistoryView,
    handler: ({ actor, query }) => shareHistory(ctx, actor, query),
  });
  api.route({
    method: 'put', path: '/monitoring/relocation-shares', summary: 'Set a county’s share (administrators; null removes it); its projects are judged again and those short of it warned', tags, auth: 'staff',
    body: projectWorkers.RelocationShareSet, status: 200, response: Any,
    handler: ({ actor, body, koa }) => projectWorkers.setRelocationShare({ ctx, actor, meta: requestMeta(koa) }, body),
  });

  const FormQuery = z.object({ year: Year, regionCode: RegionCode.optional(), through: z.iso.date().optional().meta({ description: 'Count up to this day (default: today, or the year’s end)' }), format: z.enum(['json', 'xlsx']).default('json') }).strict();
  api.route({
    method: 'get', path: '/monitoring/forms/progress', summary: '防止返贫就业攻坚行动推进情况表 (附件1): one row per region one level down, with the total; cumulative for the year', tags, auth: 'staff', reads: 'replica',
    query: FormQuery, response: Any,
    handler: async ({ actor, query, koa }) => {
      const form = await forms.progressForm(ctx, actor, query, fairsHeld);
      if (query.format === 'json') return form;
      // The form downloaded by a region that reports it counts as sent (the reporting calendar).
      await downloadedForm(ctx, actor, 'progress', requestMeta(koa));
      koa.type = XLSX;
      koa.attachment(`附件1-推进情况表-${form.year}.xlsx`);
      koa.body = await forms.progressXlsx(form);
      return undefined;
    },
  });
  api.route({
    method: 'get', path: '/monitoring/forms/projects', summary: '脱贫人口就业帮扶项目清单 (附件2): the projects that ran in the year, county by county (contact numbers in full; each download is audited)', tags, auth: 'staff', reads: 'replica',
    query: FormQuery, response: Any,
    handler: async ({ actor, query, koa }) => {
      const form = await forms.projectsForm(ctx, actor, query, requestMeta(koa));
      if (query.format === 'json') return form;
      await downloadedForm(ctx, actor, 'projects', requestMeta(koa));
      koa.type = XLSX;
      koa.attachment(`附件2-项目清单-${form.year}.xlsx`);
      koa.body = await forms.projectsXlsx(form);
      return undefined;
    },
  });
}
