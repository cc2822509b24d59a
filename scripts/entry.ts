import { isAbsolute, resolve } from 'node:path';

/** The project's root folder (where package.json is). */
export const ROOT = resolve(__dirname, '..');

/**
 * The arguments after `node` that start one of the project's entry points (`server/main.ts`,
 * `scripts/chat.ts` …, relative to the root) as one Node process, so that a signal sent to it, SIGKILL
 * included, reaches the process that does the work:
 * - from the TypeScript sources, with tsx as a loader (not as a wrapper);
 * - when BANGFU_BUILD_DIR names a tree of the project compiled to JavaScript beside the sources (the tests
 *   make one per run), from that tree with Node alone, as the container image runs dist/. A process then
 *   starts in about a third of the time, which matters where tests start dozens of them.
 */
export function entryArgs(entry: string, args: string[] = []): string[] {
  const built = process.env.BANGFU_BUILD_DIR;
  if (built && entry.endsWith('.ts')) {
    const file = isAbsolute(entry) ? entry.slice(ROOT.length + 1) : entry;
    return [resolve(built, file.replace(/\.ts$/, '.js')), ...args];
  }
  return ['--import', 'tsx', entry, ...args];
}
