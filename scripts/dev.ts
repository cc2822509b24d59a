import { spawn } from 'node:child_process';

/**
 * Development: the service (API, workers and the mock bot) restarting when its sources change, and the
 * console from Vite with hot reload at http://localhost:5173/console/, its /api calls passed to the service.
 */
const port = process.env.PORT ?? '3000';
const children = [
  spawn('npx', ['tsx', 'watch', 'server/main.ts'], { stdio: 'inherit', env: { ...process.env, PORT: port } }),
  spawn('npx', ['vite', '--config', 'web/vite.config.mts'], { stdio: 'inherit', env: { ...process.env, PORT: port } }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => {
  stop();
  process.exitCode = code ?? 0;
});
