import Router from '@koa/router';
import type { AppContext } from '../context';
import type { RequestState } from '../http/state';

async function withTimeout(p: Promise<unknown>, ms: number): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process is up. `/readyz`: PostgreSQL and Redis answer (and, when one is set, how the read replica stands, which readiness does not need). */
export function healthRouter(ctx: Pick<AppContext, 'database' | 'redis'>): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/healthz', (koa) => {
    koa.body = { status: 'ok' };
  });
  router.get('/readyz', async (koa) => {
    const [database, redis] = await Promise.all([withTimeout(ctx.database.ping(), 2000), withTimeout(ctx.redis.ping(), 2000)]);
    const ready = database === 'ok' && redis === 'ok';
    koa.status = ready ? 200 : 503;
    // The read replica is reported, never required: without it the primary answers every read.
    const replica = ctx.database.reads?.state();
    koa.body = { status: ready ? 'ready' : 'not_ready', checks: { database, redis, ...(replica ? { replica: replica.state } : {}) }, ...(replica ? { replica } : {}) };
  });
  return router;
}
