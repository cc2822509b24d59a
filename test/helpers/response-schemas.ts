import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { buildApi } from '../../src/app';
import type { AppContext } from '../../src/context';
import { ErrorBody, type Api } from '../../src/http/api';

/**
 * Every JSON answer of the API in the tests is held to what the API declares: a route's answer to
 * the schema it documents for that status, and every error to the error envelope. Mismatches are
 * collected here and fail the test that caused them (test/helpers/after-each.ts).
 */
const mismatches: string[] = [];

/** The mismatches found since the last call, emptied. */
export function takeMismatches(): string[] {
  return mismatches.splice(0);
}

interface Declared {
  router: Api['router'];
  /** `GET /api/v1/workers/:id` → status → the JSON schema of that answer (undefined: no JSON body). */
  routes: Map<string, Map<number, z.ZodType | undefined>>;
}

const declaredBy = new WeakMap<AppContext, Declared>();

function declared(ctx: AppContext): Declared {
  let found = declaredBy.get(ctx);
  if (found) return found;
  const api = buildApi(ctx);
  const routes = new Map<string, Map<number, z.ZodType | undefined>>();
  for (const def of api.registry.definitions) {
    if (def.type !== 'route') continue;
    const { method, path, responses } = def.route;
    const statuses = new Map<number, z.ZodType | undefined>();
    for (const [status, response] of Object.entries(responses)) {
      const content = (response as { content?: Record<string, { schema?: unknown }> }).content;
      statuses.set(Number(status), content?.['application/json']?.schema as z.ZodType | undefined);
    }
    routes.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, statuses);
  }
  found = { router: api.router, routes };
  declaredBy.set(ctx, found);
  return found;
}

/** The route Koa's router runs for this request, as `METHOD /path/:param`, if it is one of the API's. */
function routeOf(d: Declared, method: string, path: string): string | undefined {
  for (const layer of d.router.match(path, method).pathAndMethod) {
    const key = `${method} ${String(layer.path)}`;
    if (d.routes.has(key)) return key;
  }
  return undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function check(d: Declared, method: string, url: string, status: number, contentType: string, body: Buffer): void {
  const path = url.split('?')[0]!;
  if (!path.startsWith('/api/v1/') || method === 'HEAD') return;
  const route = routeOf(d, method, path);
  const where = `${method} ${path} → ${status}${route ? ` (${route})` : ''}`;
  const json = /application\/json/.test(contentType);
  let parsed: unknown;
  if (json && body.length) {
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      mismatches.push(`${where}: the body is not JSON although it says so`);
      return;
    }
  }
  if (status >= 400) {
    // The API promises one envelope for every error, documented or not.
    const result = ErrorBody.safeParse(parsed);
    if (!result.success) mismatches.push(`${where}: not the error envelope: ${describeIssues(result.error)}`);
    return;
  }
  if (!route) return;
  const statuses = d.routes.get(route)!;
  if (!statuses.has(status)) {
    mismatches.push(`${where}: answered ${status}, which the route does not declare (it declares ${[...statuses.keys()].filter((s) => s < 400).join(', ')})`);
    return;
  }
  const schema = statuses.get(status);
  if (!schema || !json) return;
  const result = schema.safeParse(parsed);
  if (!result.success) mismatches.push(`${where}: does not match its declared schema: ${describeIssues(result.error)}`);
}

/** Koa's `app.callback()`, or anything else that answers Node's requests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (req: any, res: any) => unknown;

/**
 * Wraps the app's request handler so each answer is checked as it is sent. The body is gathered
 * from what the handler writes; nothing about the answer itself is changed.
 */
export function checkingResponses<H extends Handler>(ctx: AppContext, handler: H): H {
  const d = declared(ctx);
  const checked = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return write(...args);
    }) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      try {
        check(d, req.method ?? 'GET', req.url ?? '/', res.statusCode, String(res.getHeader('content-type') ?? ''), Buffer.concat(chunks));
      } catch (err) {
        mismatches.push(`${req.method} ${req.url}: the answer could not be checked: ${(err as Error).message}`);
      }
      return end(...args);
    }) as ServerResponse['end'];
    return handler(req, res);
  };
  return checked as H;
}
