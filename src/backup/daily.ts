import type { AppContext } from '../context';
import { makeBackup, pruneBackups } from './service';

/**
 * The daily backup (02:40 Beijing time, in the worker). Without BACKUP_KEY nothing is written and
 * the log says so every day, louder in production: an unencrypted copy of the register is never made.
 */
export async function dailyBackup(ctx: Pick<AppContext, 'database' | 'config' | 'logger' | 'clock'>): Promise<{ file?: string; bytes?: number; removed?: number; skipped?: string }> {
  if (!ctx.config.backup.key) {
    const log = ctx.config.env === 'production' ? ctx.logger.error.bind(ctx.logger) : ctx.logger.warn.bind(ctx.logger);
    log('no backup made: BACKUP_KEY is not set (see README, Backups)');
    return { skipped: 'no BACKUP_KEY' };
  }
  const made = await makeBackup(ctx.database, ctx.config, { at: ctx.clock.now() });
  const removed = pruneBackups(ctx.config.backup.dir, ctx.config.backup.keepDays, ctx.clock.now());
  ctx.logger.info({ file: made.file, bytes: made.bytes, removed: removed.length }, 'backup written');
  return { file: made.file, bytes: made.bytes, removed: removed.length };
}
