import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../logger';
import { negotiateLocale, translator, type Locale } from '../i18n';
import { DomainError, RateLimited, type ErrorCode, type ErrorDetail } from '../shared/errors';
import { errorCodes, isOutage, isPoolWait } from '../db/outage';
import { isRedisDown } from '../redis';
import type { RequestState } from './state';

type Ctx = Koa.ParameterizedContext<RequestState>;

const STATUS: Record<ErrorCode | 'invalid_json' | 'payload_too_large' | 'uri_too_long' | 'unsupported_media_type' | 'route_not_found' | 'method_not_allowed' | 'internal', number> = {
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  policy_violation: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};
export type HttpErrorCode = keyof typeof STATUS;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Request id (taken from X-Request-Id when it is sane), locale, and one log line per request. */
export function requestContext(logger: Logger, defaultLocale: Locale): Koa.Middleware<RequestState> {
  return async (ctx: Ctx, next) => {
    const started = process.hrtime.bigint();
    const given = ctx.get('x-request-id');
    ctx.state.requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    ctx.state.locale = negotiateLocale(ctx.get('accept-language'), defaultLocale);
    ctx.state.t = translator(ctx.state.locale);
    ctx.set('Content-Language', ctx.state.locale);
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings may carry search terms typed by staff.
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          route: (ctx as unknown as { _matchedRoute?: string })._matchedRoute,
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          actor: ctx.state.actor?.accountId,
        },
        'request',
      );
    }
  };
}

function send(ctx: Ctx, code: HttpErrorCode, message: string, details: ErrorDetail[] = []): void {
  ctx.status = STATUS[code];
  ctx.body = { error: { code, message, details, requestId: ctx.state.requestId } };
}

/** How long a client is asked to wait when the database cannot be reached. */
export const OUTAGE_RETRY_AFTER_S = 5;
/** How long the check of the database may take after an error that carries no code. */
const PING_MS = 1500;

/**
 * A database outage, by the error's codes (refused, reset, terminated, too many clients). An error
 * with no code at all (node-postgres's own timeouts and "terminated" say nothing but words) is judged
 * by asking the database: no answer within PING_MS is an outage. An error the server answered with
 * its own SQLSTATE means it is up.
 */
async function databaseDown(err: unknown, ping?: () => Promise<void>): Promise<boolean> {
  if (isOutage(err) || isPoolWait(err)) return true;
  if (!ping || errorCodes(err).length) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), PING_MS)))]);
    return false;
  } catch {
    return true;
  } finally {
    clearTimeout(timer);
  }
}

/** Addresses longer than `maxBytes` answer 414 with a plain message (longer heads are refused by the server, see server.ts). */
export function urlLimit(maxBytes: number): Koa.Middleware<RequestState> {
  return async (ctx: Ctx, next) => {
    if (Buffer.byteLength(ctx.originalUrl) > maxBytes) {
      send(ctx, 'uri_too_long', ctx.state.t('errors:uri_too_long', { max: maxBytes }));
      return;
    }
    await next();
  };
}

/**
 * Maps every failure to `{ error: { code, message, details } }`, localised; never a stack trace. A
 * request refused to a signed-in member of staff (forbidden, or not found, which is how a record of
 * another region answers) is handed to `onDenied` for the audit log. `ping` asks the database whether
 * it answers, to tell an outage from a fault of our own; `poolFull` whether every connection of the pool is
 * open, to tell a rush (each one busy for the whole wait) from a server that takes no new connection.
 */
export function errorMapper(logger: Logger, onDenied?: (ctx: Ctx, code: string) => Promise<void>, ping?: () => Promise<void>, poolFull?: () => boolean): Koa.Middleware<RequestState> {
  return async (ctx: Ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        send(ctx, 'route_not_found', ctx.state.t('errors:route_not_found'));
      } else if (ctx.status === 405 && ctx.body === undefined) {
        send(ctx, 'method_not_allowed', ctx.state.t('errors:method_not_allowed'));
      }
    } catch (err) {
      const t = ctx.state.t ?? translator('zh-CN');
      if (err instanceof DomainError) {
        if (err instanceof RateLimited) ctx.set('Retry-After', String(err.retryAfterSeconds));
        const details = err.details.map((d) => ({ ...d, message: t(d.message, { ...d, defaultValue: d.message }) }));
        send(ctx, err.code, t(`errors:${err.code}`, err.params), details);
        if (onDenied && ctx.state.actor && (err.code === 'forbidden' || err.code === 'not_found')) {
          await onDenied(ctx, err.code).catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'audit of a denied request failed'));
        }
        return;
      }
      const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean; message?: string };
      const status = e.status ?? e.statusCode;
      if (status === 413 || e.type === 'entity.too.large') {
        send(ctx, 'payload_too_large', t('errors:payload_too_large'));
      } else if (status === 415 || e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
        send(ctx, 'unsupported_media_type', t('errors:unsupported_media_type'));
      } else if (status === 400) {
        send(ctx, 'invalid_json', t('errors:invalid_json'));
      } else if (status === 401) {
        send(ctx, 'unauthorized', t('errors:unauthorized'));
      } else if (status === 404) {
        send(ctx, 'route_not_found', t('errors:route_not_found'));
      } else if (status === 405) {
        send(ctx, 'method_not_allowed', t('errors:method_not_allowed'));
      } else if (isPoolWait(err) && poolFull?.()) {
        // Every connection was open and busy for the whole wait (a rush of requests): not a fault, worth asking again shortly.
        // (A pool that could not open a connection at all is an outage, below.)
        logger.warn({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path }, 'database connections all busy');
        ctx.set('Retry-After', String(OUTAGE_RETRY_AFTER_S));
        send(ctx, 'unavailable', t('errors:busy', { seconds: OUTAGE_RETRY_AFTER_S }));
      } else if (isRedisDown(err)) {
        // Redis is down or restarting: what needed it (sign-in's throttle, a push's replay check) waits for it.
        logger.warn({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path }, 'redis unavailable');
        ctx.set('Retry-After', String(OUTAGE_RETRY_AFTER_S));
        send(ctx, 'unavailable', t('errors:redis_unavailable', { seconds: OUTAGE_RETRY_AFTER_S }));
      } else if (await databaseDown(err, ping)) {
        // Not our fault and not the caller's: said plainly, with when to try again. The query is not logged (it may carry values).
        logger.warn({ requestId: ctx.state.requestId, err: { type: (err as Error)?.name, codes: errorCodes(err) } }, 'database unavailable');
        ctx.set('Retry-After', String(OUTAGE_RETRY_AFTER_S));
        send(ctx, 'unavailable', t('errors:database_unavailable', { seconds: OUTAGE_RETRY_AFTER_S }));
      } else {
        logger.error({ requestId: ctx.state.requestId, err: { type: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'unhandled error');
        send(ctx, 'internal', t('errors:internal'));
      }
    }
  };
}
