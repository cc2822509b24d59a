import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { rowsOf, openDatabase } from '../../src/db/client';
import { workers } from '../../src/db/schema';
import { fanOut } from '../../src/outreach/service';
import { dailyBackup } from '../../src/backup/daily';
import { makeBackup, restoreBackup } from '../../src/backup/service';
import { verifyAuditChain } from '../../src/audit/verify';
import { loadConfig } from '../../src/config';
import { startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { runEntry, stopAll } from '../helpers/processes';
import { TEST_REDIS_URL } from '../helpers/test-env';
import { until } from '../helpers/wait';

const KEY = 'ab'.repeat(32);
const TABLES = ['workers', 'households', 'employment_records', 'imports', 'broadcasts', 'deliveries', 'accounts', 'audit_log'];

/** Every table's rows as one digest, so "the same rows" is checked row by row, not by counting. */
async function fingerprint(h: Harness): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const [r] = rowsOf<{ d: string }>(await h.ctx.db.execute(sql.raw(`select coalesce(md5(string_agg(t::text, '|' order by t::text)), 'empty') d from ${t} t`)));
    out[t] = r!.d;
  }
  return out;
}

/** A restore drill: register, import, broadcast; back up; wipe; restore; the same rows and the same audit chain. */
describe('backups and the restore drill', () => {
  const started: ChildProcess[] = [];
  let h: Harness;
  let station: Staff;
  let dir: string;
  let running: Workers;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bangfu-backup-'));
    h = await createHarness({ env: { BACKUP_KEY: KEY, BACKUP_DIR: join(dir, 'backups'), BACKUP_KEEP_DAYS: '7' } });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    running = startWorkers(h.ctx, { only: ['imports'] });
  });
  afterAll(async () => {
    stopAll(started);
    await running.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (entry: string, args: string[], env: Record<string, string> = {}) =>
    runEntry(entry, args, { DATABASE_URL: h.config.databaseUrl!, REDIS_URL: TEST_REDIS_URL, PII_KEY: h.config.secrets.piiKey.toString('hex'), DATA_DIR: dir, BACKUP_KEY: KEY, BACKUP_DIR: join(dir, 'backups'), LOG_LEVEL: 'error', ...env }, started);

  it('a PostgreSQL register backed up, wiped and restored has the same rows and the same audit chain', async () => {
    // Register, import, broadcast: the three ways a station's work lands in the register.
    expect((await station.post('/api/v1/workers', workerInput({ name: '罗阿普' }))).status).toBe(201);
    const file = csv([FORM_HEADER, ['1', '白文秀', '女', validIdNumber({ birth: '1988-03-03', sex: 'female' }), '哈尼族', '群众', '初中', '健康', '普通劳动力', '', '否', '', '', '', '县内', '']]);
    const up = await request(appOf(h)).post(`/api/v1/imports?regionCode=${REGIONS.villageA.code}`).set('Authorization', `Bearer ${station.token}`).attach('file', file, '信息表.csv');
    expect(up.status).toBe(202);
    await until(async () => (await station.get(`/api/v1/imports/${up.body.id}`)).body, (b) => b.status === 'done');
    const b = (await station.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '周五在乡政府有招聘会' } })).body as { id: string };
    await fanOut(h.ctx, b.id);
    const before = await fingerprint(h);
    const chain = await verifyAuditChain(h.ctx.db);
    expect(chain.ok).toBe(true);

    const backup = cli('scripts/backup.ts', []);
    expect({ code: await backup.exited, err: backup.stderr.join('') }).toEqual({ code: 0, err: '' });
    const made = JSON.parse(backup.stdout.join('').trim().split('\n').at(-1)!) as { file: string; bytes: number };
    expect(made.bytes).toBeGreaterThan(0);
    // Encrypted: no name from the register can be read in the file.
    expect(readFileSync(made.file).includes(Buffer.from('罗阿普'))).toBe(false);

    // The database is lost.
    await h.ctx.db.execute(sql`drop schema public cascade`);
    await h.ctx.db.execute(sql`create schema public`);
    await h.ctx.db.execute(sql`drop schema if exists drizzle cascade`);

    // A wrong key or a damaged file is refused before anything is touched.
    const wrong = cli('scripts/restore.ts', [made.file, '--yes'], { BACKUP_KEY: 'cd'.repeat(32) });
    expect(await wrong.exited).toBe(1);
    expect(wrong.stderr.join('')).toContain('BACKUP_KEY 不对');
    const damaged = join(dir, 'damaged.backup');
    const bytes = readFileSync(made.file);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(damaged, bytes);
    const bad = cli('scripts/restore.ts', [damaged, '--yes']);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr.join('')).toContain('文件已损坏');

    const restore = cli('scripts/restore.ts', [made.file, '--yes']);
    expect({ code: await restore.exited, err: restore.stderr.join('') }).toEqual({ code: 0, err: '' });
    const said = JSON.parse(restore.stdout.join('').trim().split('\n').at(-1)!) as { audit: { ok: boolean; entries: number; last: unknown } };
    expect(said.audit).toEqual({ ok: true, entries: chain.entries, last: chain.last });
    expect(await fingerprint(h)).toEqual(before);
    // And the service works on it: the people are there and can be found.
    const list = await station.get('/api/v1/workers?pageSize=50');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
  }, 240_000);

  it('the daily job writes an encrypted backup and keeps only BACKUP_KEEP_DAYS, never the newest', async () => {
    const backups = join(dir, 'backups');
    const first = await dailyBackup(h.ctx);
    expect(first.file).toBeDefined();
    // Two old ones: one past the keep, one within.
    const old = join(backups, 'bangfu-postgres-20261101-024000.backup');
    const recent = join(backups, 'bangfu-postgres-20261130-024000.backup');
    writeFileSync(old, 'x');
    writeFileSync(recent, 'x');
    utimesSync(old, new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
    utimesSync(recent, new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));
    const second = await dailyBackup(h.ctx);
    expect(second.removed).toBe(1);
    const left = readdirSync(backups);
    expect(left).not.toContain('bangfu-postgres-20261101-024000.backup');
    expect(left).toContain('bangfu-postgres-20261130-024000.backup');
    // Without a key nothing unencrypted is ever written.
    const none = await dailyBackup({ ...h.ctx, config: { ...h.ctx.config, backup: { ...h.ctx.config.backup, key: undefined } } });
    expect(none).toEqual({ skipped: 'no BACKUP_KEY' });
    expect(readdirSync(backups)).toHaveLength(left.length);
  });

  it('the embedded database is backed up and restored whole, and what was there is kept aside', async () => {
    const data = join(dir, 'embedded');
    const config = loadConfig({ DATA_DIR: data, BACKUP_KEY: KEY, PII_KEY: h.config.secrets.piiKey.toString('hex'), TOKEN_SECRET: 'x'.repeat(40) } as NodeJS.ProcessEnv);
    const first = await openDatabase({ url: undefined, dataDir: data, what: 'test' });
    await first.migrate();
    await seedRegions(first.db);
    await first.db.execute(sql`insert into audit_log (action) values ('test.one'), ('test.two')`);
    const made = await makeBackup(first, config);
    await first.db.execute(sql`insert into audit_log (action) values ('test.after')`);
    const chainBefore = await verifyAuditChain(first.db);
    await first.close();

    const restored = await restoreBackup(made.file, config, async () => null);
    expect(restored.keptAside).toMatch(/pglite\.before-restore-/);
    const back = await openDatabase({ url: undefined, dataDir: data, what: 'test' });
    try {
      const actions = rowsOf<{ action: string }>(await back.db.execute(sql`select action from audit_log where action like 'test.%' order by seq`)).map((r) => r.action);
      expect(actions).toEqual(['test.one', 'test.two']);
      const chain = await verifyAuditChain(back.db);
      expect(chain.ok).toBe(true);
      expect(chain.entries).toBe(chainBefore.entries - 1);
      expect(await back.db.select().from(workers).where(eq(workers.id, '00000000-0000-0000-0000-000000000000'))).toEqual([]);
    } finally {
      await back.close();
    }
  }, 180_000);
});
