import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { BackupUnreadable, readHeader } from '../src/backup/archive';
import { BackupRefused, makeBackup, restoreBackup } from '../src/backup/service';
import { verifyAuditChain } from '../src/audit/verify';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { DatabaseUnreachable } from '../src/db/outage';
import { DataDirInUse } from '../src/db/owner';
import { migrateDatabase } from '../src/db/roles';

const HELP = `npm run restore -- FILE [--yes]

Puts the register back as it was in FILE (made by npm run backup, opened with BACKUP_KEY).
Stop the service first. What is there now is kept aside, not deleted: the embedded database's
folder is renamed, a server's database is backed up first. Afterwards the audit log's chain is
checked. Without --yes, it asks before replacing anything. The last line is JSON.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { yes: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }, allowPositionals: true });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const file = positionals[0]!;
  const config = loadConfig();
  const { header } = readHeader(file);
  process.stdout.write(`备份 / backup: ${file}\n  制作时间 / made at ${header.createdAt}, ${header.kind}, schema ${header.schema ?? '?'}, version ${header.version}\n`);
  if (!values.yes) {
    if (!process.stdin.isTTY) throw new BackupRefused('没有确认：加上 --yes 再运行 / not confirmed: run again with --yes');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const said = await rl.question('用它替换现在的数据？当前数据会另存，不会删除。输入 yes 继续 / Replace the current data with it (kept aside, not deleted)? Type yes: ');
    rl.close();
    if (said.trim().toLowerCase() !== 'yes') {
      process.stdout.write('未恢复 / nothing restored\n');
      return 1;
    }
  }
  const restored = await restoreBackup(file, config, async () => {
    // A server's current database is backed up before it is replaced.
    const current = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, what: 'npm run restore' });
    try {
      return (await makeBackup(current, config, { label: 'before-restore' })).file;
    } finally {
      await current.close();
    }
  });
  // The restored data is brought to this version's schema (and the service's role granted its rights), then its audit chain is checked.
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, what: 'npm run restore' });
  try {
    await migrateDatabase(database, { url: config.databaseUrl, migrateUrl: config.databaseMigrateUrl, dataDir: config.dataDir });
    const chain = await verifyAuditChain(database.db);
    process.stdout.write(`已恢复到 ${restored.from.createdAt} 的状态 / restored to ${restored.from.createdAt}\n`);
    if (restored.keptAside) process.stdout.write(`原来的数据另存在 / what was there is kept at: ${restored.keptAside}\n`);
    process.stdout.write(chain.ok ? `审计日志完好，共 ${chain.entries} 条 / audit log OK: ${chain.entries} entries\n` : `审计日志有问题 / audit log FAILED: ${chain.problem?.message}\n`);
    process.stdout.write(`${JSON.stringify({ restored: file, from: restored.from.createdAt, keptAside: restored.keptAside, audit: { ok: chain.ok, entries: chain.entries, last: chain.last } })}\n`);
    return chain.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const plain = err instanceof ConfigError || err instanceof BackupRefused || err instanceof BackupUnreadable || err instanceof DataDirInUse || err instanceof DatabaseUnreachable;
    process.stderr.write(`${plain ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
