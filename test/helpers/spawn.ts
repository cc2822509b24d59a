import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/**
 * Runs a TypeScript entry point of the project as one Node process (tsx as a loader, not as a
 * wrapper), so a signal sent to it, SIGKILL included, reaches the process that does the work.
 */
export function spawnTs(args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, ...opts });
}
