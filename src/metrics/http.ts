import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Router from '@koa/router';
import type Koa from 'koa';
import { Unauthorized } from '../shared/errors';
import type { RequestState } from '../http/state';
import type { Metrics } from './registry';

export const METRICS_PATH = '/metrics';

/** Whether an Authorization header carries the metrics token (compared in constant time). */
export function metricsAuthorized(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/**
 * Counts and times every request by the route it matched (`/api/v1/workers/:id`), never by its raw
 * path, so one series stands for a route however many ids pass through it. Runs first, so the status
 * it records is the one the error mapper chose.
 */
export function httpMetrics(metrics: Metrics): Koa.Middleware<RequestState> {
  return async (koa, next) => {
    const end = metrics.httpDuration.startTimer();
    let status: number | undefined;
    try {
      await next();
      status = koa.status;
    } catch (err) {
      status = (err as { status?: number }).status ?? 500;
      throw err;
    } finally {
      const route = (koa as { _matchedRoute?: string | RegExp })._matchedRoute;
      const labels = { method: koa.method, route: typeof route === 'string' ? route : 'unmatched' };
      end(labels);
      metrics.httpRequests.inc({ ...labels, status: String(status ?? 500) });
    }
  };
}

/** GET /metrics on the API's own server; a missing or wrong token is refused like any other. */
export function metricsRouter(metrics: Metrics, token: string): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get(METRICS_PATH, async (koa) => {
    if (!metricsAuthorized(koa.get('authorization'), token)) {
      koa.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new Unauthorized('missing or invalid metrics token');
    }
    koa.set('Cache-Control', 'no-store');
    koa.type = metrics.contentType();
    koa.body = await metrics.text();
  });
  return router;
}

/** /metrics on a port of its own: how the worker and bot processes, which serve no API, are scraped. */
export function serveMetrics(metrics: Metrics, opts: { host: string; port: number; token: string }): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (!metricsAuthorized(req.headers.authorization, opts.token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' }).end('missing or invalid metrics token\n');
      return;
    }
    metrics.text().then(
      (body) => res.writeHead(200, { 'content-type': metrics.contentType(), 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics failed\n'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
