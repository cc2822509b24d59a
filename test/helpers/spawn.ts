import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { ROOT, entryArgs } from '../../scripts/entry';

export { ROOT };

/**
 * Runs a TypeScript entry point of the project (`args[0]`) as one Node process, so a signal sent to it,
 * SIGKILL included, reaches the process that does the work: from the run's compiled tree (made by the global
 * setup), or through tsx where there is none.
 */
export function spawnTs(args: string[], opts: SpawnOptions = {}): ChildProcess {
  const [entry, ...rest] = args;
  const env = opts.env ?? process.env;
  // A test's environment may leave the compiled tree out (the container's own, say): it is the run's, not the test's.
  return spawn(process.execPath, entryArgs(entry!, rest, { BANGFU_BUILD_DIR: process.env.BANGFU_BUILD_DIR, ...env }), { cwd: ROOT, ...opts });
}
