import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config';
import { MIGRATIONS_DIR, type Database } from '../db/client';
import { holdDataDir, restoringMarker } from '../db/owner';
import { checkBackup, commitBackup, openBackup, writeBackup, type BackupHeader } from './archive';

export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

const NAME = /^bangfu-(postgres|pglite)-(\d{8}-\d{6,9})(-[a-z0-9-]+)?\.backup$/;

function keyOf(config: Config): Buffer {
  if (!config.backup.key) {
    throw new BackupRefused(
      '未设置 BACKUP_KEY：请用 `openssl rand -hex 32` 生成一个，另行保管（不要和 PII_KEY 放在一起），再设为 BACKUP_KEY / BACKUP_KEY is not set: make one with `openssl rand -hex 32`, keep it apart from PII_KEY, and set it as BACKUP_KEY',
    );
  }
  return config.backup.key;
}

function newestMigration(): string | null {
  try {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
    return journal.entries.at(-1)?.tag ?? null;
  } catch {
    return null;
  }
}

/** The service's version, from package.json two levels up (sources) or three (compiled into dist/). */
function version(): string {
  for (const up of [['..', '..'], ['..', '..', '..']]) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, ...up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next
    }
  }
  return 'unknown';
}

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 18);
}

/** libpq's environment for a postgres:// URL, so the password never shows in a process list. */
function pgEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: decodeURIComponent(u.hostname || 'localhost'),
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username || 'postgres'),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')),
    ...(u.searchParams.get('sslmode') ? { PGSSLMODE: u.searchParams.get('sslmode')! } : {}),
  };
}

/** Runs a PostgreSQL client program; its error output is kept to explain a failure in one line. */
function runPg(bin: string, args: string[], env: NodeJS.ProcessEnv, stdout?: (out: Readable) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const piped = stdout ? stdout(child.stdout!) : Promise.resolve();
    // A write that fails early (disk full) is answered when the program ends, below; not left unhandled meanwhile.
    piped.catch(() => undefined);
    child.once('error', (e) =>
      reject(new BackupRefused((e as NodeJS.ErrnoException).code === 'ENOENT' ? `找不到 ${bin}：请安装 PostgreSQL 客户端（postgresql-client）/ ${bin} not found: install the PostgreSQL client programs (postgresql-client)` : e.message)),
    );
    child.once('close', (code) => {
      piped.then(
        () => (code === 0 ? resolve() : reject(new BackupRefused(`${bin} 失败 / failed (${code}): ${err.trim().split('\n').slice(-3).join(' ')}`))),
        reject,
      );
    });
  });
}

export interface BackupMade {
  file: string;
  bytes: number;
  kind: 'postgres' | 'pglite';
}

/**
 * One encrypted backup of the whole database into BACKUP_DIR. On a server, pg_dump's custom format as
 * the service's own role (it may read every table; the owner's password stays out of the running
 * service); the embedded database's files are dumped by the process that holds them.
 */
export async function makeBackup(database: Database, config: Config, opts: { at?: Date; label?: string } = {}): Promise<BackupMade> {
  const key = keyOf(config);
  const at = opts.at ?? new Date();
  mkdirSync(config.backup.dir, { recursive: true, mode: 0o700 });
  const file = join(config.backup.dir, `bangfu-${database.kind}-${stamp(at)}${opts.label ? `-${opts.label}` : ''}.backup`);
  const header: BackupHeader = { kind: database.kind, createdAt: at.toISOString(), schema: newestMigration(), version: version() };
  let part: string;
  if (database.kind === 'pglite') {
    const blob = await database.dumpFiles!();
    part = await writeBackup(Readable.fromWeb(blob.stream() as never), file, key, header);
  } else {
    let written: Promise<string> | undefined;
    try {
      await runPg('pg_dump', ['--format=custom', '--no-owner', '--no-privileges'], pgEnv(config.databaseUrl!), async (out) => {
        written = writeBackup(out, file, key, header);
        await written;
      });
    } catch (err) {
      // pg_dump failed: what it wrote so far is not a backup.
      const left = await written?.catch(() => undefined);
      if (left) rmSync(left, { force: true });
      throw err;
    }
    part = (await written)!;
  }
  return { ...commitBackup(part, file), kind: database.kind };
}

/** Backups older than BACKUP_KEEP_DAYS are removed; the newest is always kept, whatever its age. */
export function pruneBackups(dir: string, keepDays: number, now: Date): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => NAME.test(n));
  } catch {
    return [];
  }
  const files = names.map((n) => ({ n, at: statSync(join(dir, n)).mtime })).sort((a, b) => b.at.getTime() - a.at.getTime());
  const cutoff = now.getTime() - keepDays * 86_400_000;
  const gone = files.slice(1).filter((f) => f.at.getTime() < cutoff);
  for (const f of gone) rmSync(join(dir, f.n), { force: true });
  // Parts left by a writer that died, a day or more old (a backup being written now is younger).
  for (const n of readdirSync(dir).filter((x) => x.endsWith('.part'))) {
    if (statSync(join(dir, n)).mtime.getTime() < now.getTime() - 86_400_000) rmSync(join(dir, n), { force: true });
  }
  return gone.map((f) => f.n);
}

/** The backups in BACKUP_DIR, newest first. */
export function listBackups(dir: string): Array<{ file: string; bytes: number; at: Date }> {
  try {
    return readdirSync(dir)
      .filter((n) => NAME.test(n))
      .map((n) => {
        const st = statSync(join(dir, n));
        return { file: join(dir, n), bytes: st.size, at: st.mtime };
      })
      .sort((a, b) => b.at.getTime() - a.at.getTime());
  } catch {
    return [];
  }
}

export interface Restored {
  kind: 'postgres' | 'pglite';
  from: BackupHeader;
  /** Where what was there before was kept (the embedded database's old files, or a backup made first). */
  keptAside: string | null;
}

/**
 * Puts a backup back. The whole file is read and checked with the key first; only then is anything
 * replaced, and the contents go straight from the file into the database (never written out in clear).
 * What was there is kept aside: the embedded database's directory is renamed, a server's database is
 * backed up first. A server's restore runs in one transaction after emptying its schemas (so a backup
 * from an older version restores too): a failure leaves it as it was. The embedded database is built
 * beside the old one and swapped in; a marker makes a start refuse while a restore is unfinished.
 * The service must be stopped: the embedded database refuses while another process holds it.
 */
export async function restoreBackup(file: string, config: Config, makeSafetyCopy: () => Promise<string | null>): Promise<Restored> {
  const key = keyOf(config);
  try {
    statSync(file);
  } catch {
    throw new BackupRefused(`找不到备份文件 / no such backup file: ${file}`);
  }
  const kind = config.databaseUrl ? 'postgres' : 'pglite';
  const header = await checkBackup(file, key);
  if (header.kind !== kind) {
    throw new BackupRefused(`这是${header.kind === 'pglite' ? '嵌入式数据库' : 'PostgreSQL 服务器'}的备份，当前配置的是${kind === 'pglite' ? '嵌入式数据库' : 'PostgreSQL 服务器'} / this is a backup of ${header.kind}, but the configured database is ${kind}`);
  }
  const opened = openBackup(file, key);
  if (kind === 'pglite') {
    const dir = join(config.dataDir, 'pglite');
    const hold = holdDataDir(dir, 'npm run restore');
    try {
      const chunks: Buffer[] = [];
      for await (const c of opened.contents() as AsyncIterable<Buffer>) chunks.push(c);
      const incoming = `${dir}.incoming`;
      writeFileSync(restoringMarker(dir), header.createdAt);
      rmSync(incoming, { recursive: true, force: true });
      const { PGlite } = require('../db/embedded') as typeof import('../db/embedded');
      const client = await PGlite.create(incoming, { loadDataDir: new Blob([Buffer.concat(chunks)]) });
      await client.close();
      let aside: string | null = `${dir}.before-restore-${stamp(new Date())}`;
      try {
        renameSync(dir, aside);
      } catch {
        aside = null; // nothing there (a restore onto an empty machine, or one rerun after a crash)
      }
      renameSync(incoming, dir);
      rmSync(restoringMarker(dir), { force: true });
      return { kind, from: header, keptAside: aside };
    } finally {
      await hold.release();
    }
  }
  const keptAside = await makeSafetyCopy();
  const env = pgEnv(config.databaseMigrateUrl ?? config.databaseUrl!);
  await restoreIntoServer(opened.contents(), env);
  return { kind, from: header, keptAside };
}

/** pg_restore turns the archive into SQL; psql runs it after emptying the schemas, all in one transaction. */
function restoreIntoServer(archive: Readable, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const toSql = spawn('pg_restore', ['--no-owner', '--no-privileges', '--file=-'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const run = spawn('psql', ['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', '--output=/dev/null', '--file=-'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    const keep = (d: Buffer) => (err = (err + d.toString()).slice(-4000));
    toSql.stderr.on('data', keep);
    run.stderr.on('data', keep);
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      toSql.kill();
      run.kill();
      reject(e);
    };
    for (const [child, bin] of [[toSql, 'pg_restore'], [run, 'psql']] as const) {
      child.once('error', (e) =>
        fail(new BackupRefused((e as NodeJS.ErrnoException).code === 'ENOENT' ? `找不到 ${bin}：请安装 PostgreSQL 客户端（postgresql-client）/ ${bin} not found: install the PostgreSQL client programs (postgresql-client)` : e.message)),
      );
    }
    run.stdin.on('error', () => undefined);
    toSql.stdin.on('error', () => undefined);
    // The schemas are emptied inside the same transaction as the restore: all of it, or none of it.
    run.stdin.write('DROP SCHEMA IF EXISTS drizzle CASCADE;\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n');
    toSql.stdout.pipe(run.stdin);
    pipeline(archive, toSql.stdin).catch((e: Error) => fail(new BackupRefused(`备份读取中断 / reading the backup failed: ${e.message}`)));
    let exits = 0;
    const done = (bin: string) => (code: number | null) => {
      if (code !== 0) return fail(new BackupRefused(`${bin} 失败 / failed (${code}), nothing was changed: ${err.trim().split('\n').slice(-3).join(' ')}`));
      if (++exits === 2 && !failed) resolve();
    };
    toSql.once('close', done('pg_restore'));
    run.once('close', done('psql'));
  });
}
