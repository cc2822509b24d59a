import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The options that start a worker thread on the module `name` beside `dir` (a piscina pool's `filename`
 * and `execArgv`): the compiled file in a build; run from TypeScript sources, the thread loads them as
 * the process does (tsx).
 */
export function threadFile(dir: string, name: string, ext: string): { filename: string; execArgv: string[] } {
  const filename = join(dir, `${name}${ext}`);
  if (ext !== '.ts') return { filename, execArgv: [] };
  return { filename, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
}

