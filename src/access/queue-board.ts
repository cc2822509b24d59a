import type Koa from 'koa';
import * as access from './service';
import type { AppContext } from '../context';
import { auditRead } from '../shared/command';
import type { RequestState } from '../http/state';

export const BOARD_PATH = '/admin/queues';
const COOKIE = 'bf_board';

/**
 * The queue dashboard (bull-board) for system administrators. A browser opens it once as
 * /admin/queues?token=<bearer token>; the token is then kept in an HttpOnly cookie for this path.
 * Everyone else gets the usual JSON error.
 */
export function queueBoard(ctx: AppContext): Koa.Middleware<RequestState> {
  // bull-board and its templates are loaded when an administrator first opens the board, not with the service.
  let board: Promise<Koa.Middleware<RequestState>> | undefined;
  const build = async (): Promise<Koa.Middleware<RequestState>> => {
    const [{ createBullBoard }, { BullMQAdapter }, { KoaAdapter }] = await Promise.all([import('@bull-board/api'), import('@bull-board/api/bullMQAdapter'), import('@bull-board/koa')]);
    const adapter = new KoaAdapter();
    adapter.setBasePath(BOARD_PATH);
    createBullBoard({ queues: ctx.queues.names().map((q) => new BullMQAdapter(ctx.queues.queue(q))), serverAdapter: adapter });
    return adapter.registerPlugin();
  };

  return async (koa, next) => {
    if (!koa.path.startsWith(BOARD_PATH)) {
      await next();
      return;
    }
    const fromQuery = typeof koa.query.token === 'string' ? koa.query.token : undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(koa.get('authorization'))?.[1];
    const token = bearer ?? fromQuery ?? koa.cookies.get(COOKIE);
    const actor = token ? await access.authenticate(ctx, token) : undefined;
    if (!actor) {
      koa.status = 401;
      koa.body = { error: { code: 'unauthorized', message: koa.state.t('errors:unauthorized'), details: [], requestId: koa.state.requestId } };
      return;
    }
    if (actor.role !== 'system') {
      await auditRead({ ctx, actor, meta: { requestId: koa.state.requestId, ip: koa.ip } }, { action: 'access.denied', entity: 'queue_board' });
      koa.status = 403;
      koa.body = { error: { code: 'forbidden', message: koa.state.t('errors:forbidden'), details: [], requestId: koa.state.requestId } };
      return;
    }
    if (fromQuery) {
      koa.cookies.set(COOKIE, fromQuery, { httpOnly: true, sameSite: 'strict', path: BOARD_PATH, secure: koa.secure, overwrite: true });
      // Drop the token from the address bar (and from any later referrer).
      if (koa.method === 'GET' && koa.path === BOARD_PATH) return koa.redirect(BOARD_PATH);
    }
    board ??= build().catch((err: unknown) => {
      board = undefined;
      throw err;
    });
    await (await board)(koa, next);
  };
}
