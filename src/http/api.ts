import Router from '@koa/router';
import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type Koa from 'koa';
import { z } from 'zod';
import type { Actor } from '../shared/actor';
import { Forbidden, Unauthorized, ValidationFailed } from '../shared/errors';
import { requestExamples } from './examples';
import { operationId } from './operation-id';
import type { RequestState, WorkerPrincipal } from './state';
export type { WorkerPrincipal } from './state';
import { zodDetails } from './zod-details';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';


export interface WorkerRealm {
  authenticate(token: string): Promise<WorkerPrincipal | undefined>;
  /** Throws RateLimited when the address (or, with a session, the token) asks too often. */
  limit(ip: string, sessionId: string | undefined): Promise<void>;
}
type AnyObject = z.ZodType<Record<string, unknown>>;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string().meta({ example: '请求内容有误' }),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() }).loose()),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export interface Handled<B extends AnyObject | undefined, Q extends AnyObject | undefined, P extends AnyObject | undefined> {
  body: B extends z.ZodType ? z.infer<B> : undefined;
  query: Q extends z.ZodType ? z.infer<Q> : undefined;
  params: P extends z.ZodType ? z.infer<P> : undefined;
  /** The signed-in member of staff; present on staff routes. */
  actor: Actor;
  /** The signed-in worker (mini-program); present on worker routes. */
  me: WorkerPrincipal;
  koa: Koa.ParameterizedContext<RequestState>;
}

export interface RouteSpec<B extends AnyObject | undefined, Q extends AnyObject | undefined, P extends AnyObject | undefined> {
  method: Method;
  /** Koa-style path under /api/v1, e.g. `/workers/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /**
   * `public` routes need no token; `staff` routes a staff token; `worker` routes a worker's token from the
   * mini-program, bound to a person in the register (`worker_session`: any worker token, bound or not).
   */
  auth: 'public' | 'staff' | 'worker' | 'worker_session';
  /** Open to an administrator who has yet to set up the required second factor (setting it up, signing out). */
  beforeSecondFactor?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status and schema; errors are documented for every route. */
  status?: number;
  response?: z.ZodType;
  responseDescription?: string;
  /** Documents a multipart/form-data body with one file field (the handler reads it). */
  upload?: { field: string; description: string };
  /** Documents a binary response, e.g. an XLSX download. */
  binary?: { contentType: string; description: string };
  /** Other successful answers by status, e.g. a dry run's 200 beside the 202 of the real thing: JSON, a file, or both (chosen by the request). */
  alsoResponds?: Record<number, { description: string; response?: z.ZodType; binary?: string }>;
  /**
   * `replica`: what this route reads tolerates a few seconds of lag (figures, reports, forms, exports, long
   * lists), so its reads may be served by the read replica (DATABASE_READ_URL); its writes still go to the primary.
   */
  reads?: 'replica';
  handler: (input: Handled<B, Q, P>) => Promise<unknown>;
}

/** Runs a request's handler as `key`'s: lag-tolerant reads may go to the replica, and the caller's writes are remembered (src/db/reader.ts). */
export type ReadScope = <T>(key: string | undefined, tolerant: boolean, work: () => Promise<T>) => Promise<T>;

/**
 * One place that registers a route on the router and in the OpenAPI document, so the two never
 * drift: the chain is always authenticate → validate params, query, body → handler → JSON.
 */
export class Api {
  readonly router = new Router<RequestState>({ prefix: '/api/v1' });
  readonly registry = new OpenAPIRegistry();
  private readonly operationIds = new Set<string>();

  constructor(
    private readonly authenticate: (token: string) => Promise<Actor | undefined>,
    private readonly worker?: WorkerRealm,
    private readonly readScope?: ReadScope,
  ) {
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
    this.registry.registerComponent('securitySchemes', 'workerBearer', { type: 'http', scheme: 'bearer', description: 'A worker token from POST /api/v1/me/login' });
  }

  route<B extends AnyObject | undefined = undefined, Q extends AnyObject | undefined = undefined, P extends AnyObject | undefined = undefined>(
    spec: RouteSpec<B, Q, P>,
  ): void {
    this.document(spec);
    const success = spec.status ?? (spec.method === 'post' ? 201 : 200);
    this.router[spec.method](spec.path, async (ctx) => {
      const t = ctx.state.t;
      if (spec.auth === 'worker' || spec.auth === 'worker_session') {
        if (!this.worker) throw new Unauthorized('no worker realm');
        await this.worker.limit(ctx.ip, undefined);
        const token = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
        const me = token ? await this.worker.authenticate(token) : undefined;
        if (!me) throw new Unauthorized('missing or invalid worker token');
        await this.worker.limit(ctx.ip, me.sessionId);
        if (spec.auth === 'worker' && !me.workerId) throw new Forbidden('not bound', [{ path: 'account', message: 'errors:detail.me.not_bound' }]);
        ctx.state.me = me;
      } else if (spec.auth !== 'public') {
        const header = ctx.get('authorization');
        const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
        const actor = token ? await this.authenticate(token) : undefined;
        if (!actor) throw new Unauthorized('missing or invalid token');
        if (actor.needsSecondFactor && !spec.beforeSecondFactor) {
          throw new Forbidden('second factor required', [{ path: 'account', message: 'errors:detail.totp.setup_required' }]);
        }
        ctx.state.actor = actor;
      }
      const parse = (schema: z.ZodType | undefined, value: unknown, where: string) => {
        if (!schema) return undefined;
        // PostgreSQL text cannot hold a NUL character: refuse it here rather than fail later.
        const nul = nulPath(value, where);
        if (nul) throw new ValidationFailed('nul character', [{ path: nul, message: 'errors:detail.nul' }]);
        const result = schema.safeParse(value, { reportInput: true });
        if (!result.success) throw new ValidationFailed('invalid request', zodDetails(result.error.issues, where, t));
        return result.data;
      };
      const params = parse(spec.params, ctx.params, 'params');
      const query = parse(spec.query, ctx.query, 'query');
      const rawBody = (ctx.request as { body?: unknown }).body;
      const body = parse(spec.body, rawBody === undefined ? {} : rawBody, 'body');
      const input = {
        body,
        query,
        params,
        actor: ctx.state.actor as Actor,
        me: ctx.state.me as WorkerPrincipal,
        koa: ctx,
      } as Handled<B, Q, P>;
      // Sign-in and the caller's rights were settled above, on the primary; only the handler's reads may go elsewhere.
      const result = this.readScope ? await this.readScope(ctx.state.actor?.accountId, spec.reads === 'replica', () => spec.handler(input)) : await spec.handler(input);
      if (ctx.body === undefined || ctx.body === null) {
        ctx.status = result === undefined ? 204 : success;
        if (result !== undefined) ctx.body = result;
      }
    });
  }

  private document(spec: RouteSpec<AnyObject | undefined, AnyObject | undefined, AnyObject | undefined>): void {
    const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });
    const status = spec.status ?? (spec.method === 'post' ? 201 : 200);
    const id = operationId(spec.method, spec.path);
    if (this.operationIds.has(id)) throw new Error(`two routes derive the operationId ${id} (${spec.method} ${spec.path})`);
    this.operationIds.add(id);
    const example = exampleFor(id, spec.body);
    const config: RouteConfig = {
      method: spec.method,
      path: '/api/v1' + spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      operationId: id,
      summary: spec.summary,
      tags: spec.tags,
      // Public routes say so (an empty list) rather than leave a reader to guess.
      security: spec.auth === 'public' ? [] : [spec.auth === 'staff' ? { bearer: [] } : { workerBearer: [] }],
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body, ...(example === undefined ? {} : { example }) } } } } : {}),
        ...(spec.upload
          ? {
              body: {
                content: {
                  'multipart/form-data': {
                    schema: z.object({ [spec.upload.field]: z.string().meta({ format: 'binary', description: spec.upload.description }) }),
                  },
                },
              },
            }
          : {}),
      },
      responses: {
        [status]: spec.binary
          ? {
              description: spec.binary.description,
              // A route that answers JSON too (format=json) documents both, so clients get its JSON type.
              content: { ...(spec.response ? { 'application/json': { schema: spec.response } } : {}), [spec.binary.contentType]: { schema: z.string().meta({ format: 'binary' }) } },
            }
          : spec.response
            ? { description: spec.responseDescription ?? 'OK', content: { 'application/json': { schema: spec.response } } }
            : { description: spec.responseDescription ?? 'No content' },
        ...Object.fromEntries(
          Object.entries(spec.alsoResponds ?? {}).map(([other, r]) => [
            other,
            {
              description: r.description,
              content: {
                ...(r.response ? { 'application/json': { schema: r.response } } : {}),
                ...(r.binary ? { [r.binary]: { schema: z.string().meta({ format: 'binary' }) } } : {}),
              },
            },
          ]),
        ),
        400: errorResponse('Invalid input; `details` names each field'),
        ...(spec.auth === 'public' ? {} : { 401: errorResponse('Missing, expired or revoked token') }),
        ...(spec.auth === 'worker' || spec.auth === 'worker_session' ? { 429: errorResponse('Too many requests from this token or address; see Retry-After') } : {}),
        ...(spec.auth === 'worker' ? { 403: errorResponse('The WeChat account is not bound to a person yet (POST /api/v1/me/bind)') } : {}),
        500: errorResponse('Unexpected failure'),
      },
    };
    this.registry.registerPath(config);
  }
}

/** The documented example body of an operation, refused when its route's schema does not accept it. */
function exampleFor(id: string, body: z.ZodType | undefined): unknown {
  if (!(id in requestExamples)) return undefined;
  const example = requestExamples[id];
  if (!body) throw new Error(`example for ${id}, which takes no JSON body`);
  const parsed = body.safeParse(example);
  if (!parsed.success) throw new Error(`example for ${id} does not fit its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return example;
}

/** The path of the first string that contains a NUL character, if any. */
function nulPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = nulPath(v, `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** What the audit log records of the request behind a write. */
export function requestMeta(koa: { state: { requestId: string }; ip: string }): { requestId: string; ip: string } {
  return { requestId: koa.state.requestId, ip: koa.ip };
}
