import { parseArgs } from 'node:util';
import { BackupRefused, listBackups, makeBackup, pruneBackups } from '../src/backup/service';
import { ConfigError, loadConfig } from '../src/config';
import { openControl } from '../src/control/client';
import { controlSocketPath } from '../src/control/socket';
import { openDatabase } from '../src/db/client';
import { DatabaseUnreachable } from '../src/db/outage';
import { DataDirInUse } from '../src/db/owner';

const HELP = `npm run backup [-- --list]

Backs the whole register up into BACKUP_DIR (default DATA_DIR/backups), encrypted with BACKUP_KEY,
and removes backups older than BACKUP_KEEP_DAYS (the newest is always kept). On the embedded
database beside a running service, the service itself writes the backup. The last line is JSON.
  --list   the backups there, newest first
`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { list: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig();
  if (values.list) {
    const all = listBackups(config.backup.dir);
    for (const b of all) process.stdout.write(`${b.at.toISOString()}  ${(b.bytes / 1048576).toFixed(1)} MB  ${b.file}\n`);
    process.stdout.write(`${JSON.stringify({ dir: config.backup.dir, backups: all.length })}\n`);
    return 0;
  }
  const started = Date.now();
  let made: { file: string; bytes: number };
  const running = config.databaseUrl ? null : await openControl(controlSocketPath(config.dataDir));
  if (running) {
    running.send({ cmd: 'backup' });
    let answer: { file: string; bytes: number } | undefined;
    for await (const a of running.answers) {
      if (a.type === 'done' && a.file) answer = { file: a.file, bytes: a.bytes ?? 0 };
      else if (a.type === 'error') throw new BackupRefused(a.message);
    }
    if (!answer) throw new BackupRefused('the running service closed the connection before the backup finished');
    made = answer;
  } else {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, what: 'npm run backup' });
    try {
      made = await makeBackup(database, config);
    } finally {
      await database.close();
    }
  }
  const removed = pruneBackups(config.backup.dir, config.backup.keepDays, new Date());
  process.stdout.write(`备份完成 / backup written: ${made.file} (${(made.bytes / 1048576).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s${running ? ', through the running service' : ''})\n`);
  if (removed.length) process.stdout.write(`已删除超过 ${config.backup.keepDays} 天的备份 / removed backups older than ${config.backup.keepDays} days: ${removed.join(', ')}\n`);
  process.stdout.write(`${JSON.stringify({ file: made.file, bytes: made.bytes, removed: removed.length })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const plain = err instanceof ConfigError || err instanceof BackupRefused || err instanceof DataDirInUse || err instanceof DatabaseUnreachable;
    process.stderr.write(`${plain ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
