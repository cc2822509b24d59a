import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
// Only the function that names the package's folder: the package's main file parses the whole 1.5 MB bundle at start.
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path';
import type { RequestState } from './state';

const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png']);
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'application/javascript; charset=utf-8', png: 'image/png' };

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bangfu 帮扶 API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', deepLinking: true });`;

/** Readable API documentation at /docs, served from the swagger-ui-dist package (no CDN). */
export function docsRouter(): Router<RequestState> {
  const router = new Router<RequestState>();
  const dir = getAbsoluteFSPath();
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = TYPES.js!;
    ctx.body = INIT;
  });
  router.get('/docs/:asset', async (ctx) => {
    const asset = ctx.params.asset ?? '';
    if (!ASSETS.has(asset)) return;
    ctx.type = TYPES[asset.split('.').pop() ?? ''] ?? 'application/octet-stream';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(join(dir, asset));
  });
  return router;
}
