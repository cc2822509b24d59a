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
  // The compiled tree is the run's (this process's environment), whatever environment the test gives the child.
  return spawn(process.execPath, entryArgs(entry!, rest), { cwd: ROOT, ...opts });
}
