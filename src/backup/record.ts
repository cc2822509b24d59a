import type { RedisClient as Redis } from '../redis';
import { listBackups } from './service';

const KEY = 'backup:last-success';

/** Notes a whole backup written at `at`, where every process of the deployment can read it (Redis). */
export async function noteBackupSuccess(kv: Redis, at: Date): Promise<void> {
  await kv.set(KEY, String(at.getTime()));
}

/**
 * When the newest whole backup was made: the later of what the daily job noted and the newest file in
 * BACKUP_DIR (a backup made by `npm run backup` shows there), or undefined when there is none at all.
 */
export async function lastBackupSuccess(kv: Redis, dir: string): Promise<Date | undefined> {
  const noted = Number((await kv.get(KEY)) ?? NaN);
  const newest = listBackups(dir)[0]?.at.getTime() ?? NaN;
  const best = Math.max(Number.isFinite(noted) ? noted : -Infinity, Number.isFinite(newest) ? newest : -Infinity);
  return Number.isFinite(best) ? new Date(best) : undefined;
}
