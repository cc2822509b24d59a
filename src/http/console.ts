import Router from '@koa/router';
import { send } from '@koa/send';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RequestState } from './state';

/** Where the built console is: beside the sources (npm start), or beside the compiled service (the image). */
export function consoleDir(): string | undefined {
  return [resolve(__dirname, '../../web/dist'), resolve(__dirname, '../../../web/dist')].find((d) => existsSync(resolve(d, 'index.html')));
}

/**
 * The station console, a single-page application built from web/ (npm run build:web), at /console: its
 * files as they are, and the page itself for every other address under it (the application routes).
 */
export function consoleRoutes(): Router<RequestState> {
  const router = new Router<RequestState>();
  const serve = async (koa: Parameters<Parameters<typeof router.get>[1]>[0]) => {
    const root = consoleDir();
    if (!root) {
      koa.status = 503;
      koa.type = 'text/plain; charset=utf-8';
      koa.body = '工作站控制台尚未构建：请运行 npm run build:web\nThe console is not built: run npm run build:web';
      return;
    }
    const rest = koa.path.replace(/^\/console\/?/, '');
    if (rest.startsWith('assets/')) {
      // Built files carry a content hash in their names: they may be kept for a long time.
      await send(koa, rest, { root, immutable: true, maxage: 365 * 86400_000 });
      return;
    }
    koa.set('Cache-Control', 'no-cache');
    await send(koa, 'index.html', { root });
  };
  router.get('/console', serve);
  router.get('/console/{*rest}', serve);
  return router;
}
