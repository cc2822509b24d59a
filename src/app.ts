import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import Koa from 'koa';
import helmet from 'koa-helmet';
import { tileOrigin, regionRoutes } from './regions';
import { accessRoutes, accountRoutes, auditRoutes, BOARD_PATH, queueBoard } from './access';
import * as access from './access';
import type { AppContext, NoticePorts, OutreachPorts, PolicyPorts, RegisterPorts } from './context';
import { healthRouter } from './health';
import { Api } from './http/api';
import { docsRouter } from './http/docs';
import { errorMapper, requestContext, urlLimit } from './http/middleware';
import { auditRead } from './shared/command';
import { openApiDocument } from './http/openapi';
import type { RequestState } from './http/state';
import { exportRoutes, registryRoutes } from './registry';
import { privacyRoutes } from './privacy';
import { importRoutes } from './imports';
import { pointsUnder } from './market';
import { marketRoutes, scopedEmployer, trainingEnrolmentDays } from './market';
import { bindingRoutes, groupRoutes, outreachRoutes, miniProgramPushDoor, policyNoticeDeliveries, staffNoticePushes } from './outreach';
import { chatRoutes } from './chat';
import { policyNoticeTextsSql, policyRoutes } from './policies';
import { rainDewRoutes, seekingGraduates, withRainDewFileIn } from './rain-dew';
import { checkinPage, fairCarries, fairRoutes, fairSignupsSql, fairsHeld } from './fairs';
import { consoleRoutes } from './http/console';
import { workerRealm, meRoutes } from './me';
import { monitoringRoutes, projectLinksSql } from './monitoring';
import { noticeRoutes } from './notices';
import { reportingRoutes } from './reporting';
import { httpMetrics, metricsRouter, type Metrics } from './metrics';

/**
 * What the policies learn of the modules above and beside them, from those modules' front doors: the market's
 * enrolments and Rain Dew's files for the eligibility rules, outreach's deliveries for a policy notice.
 * Whoever builds the AppContext (server/runtime.ts, the tests' harness) puts these in it.
 */
export const policyPorts: PolicyPorts = {
  trainingEnrolments: trainingEnrolmentDays,
  rainDewFilesIn: withRainDewFileIn,
  policyNoticeDeliveries,
};

/** What the register learns of monitoring: its links of people to government-invested projects, as a read model. */
export const registerPorts: RegisterPorts = { projectLinks: projectLinksSql };

/** What outreach reads of the fairs (a fair's sign-ups, for a broadcast to its people) and of the policies (a notice's text). */
export const outreachPorts: OutreachPorts = { fairSignups: fairSignupsSql, policyNoticeTexts: policyNoticeTextsSql };

/** Who a staff notice is pushed to, and the pushes: outreach writes them (to access's staff accounts) in the notice's statement. */
export const noticePorts: NoticePorts = { staffNoticePushes };

/** Every port the context carries, for whoever builds an AppContext: `{ config, …, ...contextPorts }`. */
export const contextPorts: Pick<AppContext, 'policyPorts' | 'registerPorts' | 'outreachPorts' | 'noticePorts'> = { policyPorts, registerPorts, outreachPorts, noticePorts };

/** Every REST resource, mounted once; the OpenAPI document is built from the same calls. */
export function buildApi(ctx: AppContext): Api {
  // The OpenAPI document is built with no database (scripts/openapi.ts): nothing to route then.
  const reads = ctx.database?.reads;
  const api = new Api((token) => access.authenticate(ctx, token), workerRealm(ctx), reads ? (key, tolerant, work) => reads.scope(key, tolerant, work) : undefined);
  accessRoutes(api, ctx);
  accountRoutes(api, ctx, pointsUnder);
  auditRoutes(api, ctx);
  regionRoutes(api, ctx, pointsUnder);
  privacyRoutes(api, ctx);
  registryRoutes(api, ctx);
  exportRoutes(api, ctx);
  importRoutes(api, ctx);
  marketRoutes(api, ctx, fairCarries, seekingGraduates);
  outreachRoutes(api, ctx);
  bindingRoutes(api, ctx);
  chatRoutes(api, ctx);
  groupRoutes(api, ctx);
  policyRoutes(api, ctx, scopedEmployer);
  rainDewRoutes(api, ctx);
  fairRoutes(api, ctx);
  meRoutes(api, ctx);
  monitoringRoutes(api, ctx, fairsHeld);
  noticeRoutes(api, ctx);
  reportingRoutes(api, ctx);
  return api;
}

export interface AppOptions {
  /** Count and time requests into these metrics; with `token`, answer GET /metrics here too (not when they have a port of their own). */
  metrics?: { metrics: Metrics; token?: string };
  /**
   * Doors that other parts of the service open on this server, such as the official account's
   * (`/wechat/oa`, from the bot): the process that wires the service passes them in.
   */
  doors?: ReadonlyArray<Router<RequestState>>;
}

export function buildApp(ctx: AppContext, opts: AppOptions = {}): Koa<RequestState> {
  const app = new Koa<RequestState>({ proxy: ctx.config.http.trustProxy });
  const api = buildApi(ctx);
  // Written out when first asked for, once: most processes (and every test's app) never serve it.
  let openapi: object | undefined;

  if (opts.metrics) app.use(httpMetrics(opts.metrics.metrics));
  app.use(requestContext(ctx.logger, ctx.config.locale.default));
  app.use(
    errorMapper(ctx.logger, (k, code) =>
      auditRead({ ctx, actor: k.state.actor!, meta: { requestId: k.state.requestId, ip: k.ip } }, { action: 'request.denied', details: { method: k.method, route: (k as { _matchedRoute?: string })._matchedRoute ?? null, code } }),
      () => ctx.database.ping(),
      () => {
        const p = ctx.database.pool?.();
        return p ? p.total >= p.max : false;
      },
    ),
  );
  app.use(urlLimit(ctx.config.http.urlLimitKb * 1024));
  // The queue dashboard's own page needs its inline styles and scripts; everything else keeps the strict policy.
  // The console map's tiles (and a style's glyphs and sprites) may come from the host MAP_TILE_URL names.
  const tiles = tileOrigin(ctx.config.map.tileUrl);
  const strict = helmet(tiles ? { contentSecurityPolicy: { directives: { 'connect-src': ["'self'", tiles], 'img-src': ["'self'", 'data:', tiles] } } } : {});
  const board = helmet({ contentSecurityPolicy: false });
  app.use((koa, next) => (koa.path.startsWith(BOARD_PATH) ? board(koa, next) : strict(koa, next)) as Promise<void>);
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: `${ctx.config.http.bodyLimitKb}kb`,
      jsonStrict: true,
    }),
  );

  app.use(queueBoard(ctx));
  if (opts.metrics?.token) app.use(metricsRouter(opts.metrics.metrics, opts.metrics.token).routes());
  const health = healthRouter(ctx);
  app.use(health.routes());
  const docs = docsRouter();
  app.use(docs.routes());
  app.use(checkinPage(ctx).routes());
  for (const door of opts.doors ?? []) app.use(door.routes());
  app.use(miniProgramPushDoor(ctx).routes());
  app.use(consoleRoutes().routes());
  api.router.get('/openapi.json', (koa) => {
    koa.body = openapi ??= openApiDocument(api);
  });
  app.use(api.router.routes());
  app.use(api.router.allowedMethods());

  // Errors in a stream after the response has started reach here; they must not crash the process.
  app.on('error', (err: Error) => ctx.logger.warn({ err: { type: err.name, message: err.message } }, 'http stream error'));
  return app;
}
