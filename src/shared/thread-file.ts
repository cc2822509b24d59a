import { join } from 'node:path';

/**
 * The options that start a worker thread on the module `name` beside `dir` (a piscina pool's `filename`
 * and `execArgv`): the compiled file in a build; run from TypeScript sources, the thread loads them through
 * tsx's require hook only. The threads' modules are all CommonJS, and tsx's full loader would start a
 * loader thread of its own for every thread, about a tenth of a second of CPU more each time a pool starts one.
 */
export function threadFile(dir: string, name: string, ext: string): { filename: string; execArgv: string[] } {
  const filename = join(dir, `${name}${ext}`);
  if (ext !== '.ts') return { filename, execArgv: [] };
  return { filename, execArgv: ['--require', require.resolve('tsx/cjs')] };
}

