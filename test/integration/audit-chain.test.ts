import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Client } from 'pg';
import { recordAudit } from '../../src/audit/service';
import { verifyAuditChain } from '../../src/audit/verify';
import { MIGRATIONS_DIR, openDatabase, type Db } from '../../src/db/client';
import { auditLog } from '../../src/db/schema';
import { createHarness, type Harness } from '../helpers/harness';
import { spawnTs } from '../helpers/spawn';
import { PG_ADMIN_URL, databaseUrl, runId } from '../helpers/test-env';

/** The owner going round the triggers: what `ALTER TABLE … DISABLE TRIGGER` allows the table's owner. */
async function asOwnerWithoutTriggers(db: Db, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(statement);
  });
}

async function writeSome(db: Db, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await recordAudit(db, { action: 'worker.update', entity: 'worker', entityId: String(i), regionCode: '532501', details: { fields: ['phone'], n: i } });
}

async function entries(db: Db) {
  return db.select().from(auditLog).orderBy(asc(auditLog.seq));
}

/** Runs `npm run audit:verify` against this database; its exit code and last line. */
async function verifyCli(url: string, dataDir: string): Promise<{ code: number | null; last: Record<string, unknown>; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, NODE_ENV: 'test' };
  delete env.DATABASE_MIGRATE_URL;
  const child = spawnTs(['scripts/audit-verify.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const lines = out.trim().split('\n');
  return { code, last: JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>, out };
}

describe('the audit log as a hash chain', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('links every entry to the one before, also when many writers add entries at once, some of them rolled back', async () => {
    // Forty connections, so forty transactions really are writing at the same moment.
    const wide = await openDatabase({ url: h.config.databaseUrl, dataDir: h.config.dataDir, poolSize: 40 });
    const writers = Array.from({ length: 120 }, (_, i) =>
      wide.db
        .transaction(async (tx) => {
          await recordAudit(tx as unknown as Db, { action: 'concurrent.write', entityId: String(i), details: { i } });
          // Work after the entry, as callers do inside their transactions, keeps the chain head locked meanwhile.
          await tx.execute(sql`select count(*) from audit_log`);
          if (i % 10 === 0) throw new Error('rolled back on purpose');
          if (i % 3 === 0) await recordAudit(tx as unknown as Db, { action: 'concurrent.second', entityId: String(i) });
        })
        .catch((err: Error) => {
          if (err.message !== 'rolled back on purpose') throw err;
        }),
    );
    await Promise.all(writers).finally(() => wide.close());
    const rows = await entries(h.ctx.db);
    // 108 transactions committed; those with i divisible by 3 (and not by 10) wrote two entries.
    const committed = Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 10 !== 0);
    expect(rows).toHaveLength(committed.length + committed.filter((i) => i % 3 === 0).length);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, k) => k + 1));
    for (let k = 1; k < rows.length; k++) expect(rows[k]!.prevHash).toBe(rows[k - 1]!.hash);
    const report = await verifyAuditChain(h.ctx.db, { batchSize: 7 });
    expect(report).toEqual({ ok: true, entries: rows.length, last: { seq: rows.length, hash: rows[rows.length - 1]!.hash }, problem: null });
  });

  it('says the log is whole when entries are written while it is walked, and counts those there when it began', async () => {
    await writeSome(h.ctx.db, 10);
    let written = 0;
    // A busy service: entries are committed between every two pages the walk reads.
    const report = await verifyAuditChain(h.ctx.db, {
      batchSize: 3,
      afterPage: async () => {
        await recordAudit(h.ctx.db, { action: 'worker.view', entity: 'worker', entityId: String(written++) });
        await recordAudit(h.ctx.db, { action: 'worker.view', entity: 'worker', entityId: String(written++) });
      },
    });
    expect(written).toBeGreaterThan(0);
    const rows = await entries(h.ctx.db);
    expect(report).toEqual({ ok: true, entries: 10, last: { seq: 10, hash: rows[9]!.hash }, problem: null });
    expect(await verifyAuditChain(h.ctx.db)).toEqual(expect.objectContaining({ ok: true, entries: 10 + written }));
  });

  it('replaces whatever a caller passes for the chain fields', async () => {
    await writeSome(h.ctx.db, 2);
    await h.ctx.db.insert(auditLog).values({ action: 'forged.link', seq: 1, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) });
    const rows = await entries(h.ctx.db);
    expect(rows[2]).toEqual(expect.objectContaining({ action: 'forged.link', seq: 3, prevHash: rows[1]!.hash }));
    expect(rows[2]!.hash).not.toBe('f'.repeat(64));
    expect((await verifyAuditChain(h.ctx.db)).ok).toBe(true);
  });

  it('names an entry the owner changed behind the triggers', async () => {
    await writeSome(h.ctx.db, 6);
    const target = (await entries(h.ctx.db))[3]!;
    await asOwnerWithoutTriggers(h.ctx.db, sql`update audit_log set details = '{"fields": ["name"], "n": 3}' where id = ${target.id}`);
    expect(await verifyAuditChain(h.ctx.db)).toEqual(
      expect.objectContaining({ ok: false, entries: 3, problem: expect.objectContaining({ kind: 'changed', entryId: target.id, seq: 4 }) }),
    );
  });

  it('names an entry the owner replaced together with its hash, from the link the next entry holds', async () => {
    await writeSome(h.ctx.db, 6);
    const target = (await entries(h.ctx.db))[2]!;
    await asOwnerWithoutTriggers(h.ctx.db, sql`update audit_log set action = 'worker.view' where id = ${target.id}`);
    await asOwnerWithoutTriggers(h.ctx.db, sql`update audit_log a set hash = audit_log_hash(a) where id = ${target.id}`);
    const report = await verifyAuditChain(h.ctx.db);
    expect(report.problem).toEqual(expect.objectContaining({ kind: 'broken', entryId: target.id, seq: 3 }));
  });

  it('names the entry after one the owner deleted, and notices entries removed from the end', async () => {
    await writeSome(h.ctx.db, 6);
    const rows = await entries(h.ctx.db);
    await asOwnerWithoutTriggers(h.ctx.db, sql`delete from audit_log where id = ${rows[1]!.id}`);
    const report = await verifyAuditChain(h.ctx.db);
    expect(report.problem).toEqual(expect.objectContaining({ kind: 'missing', entryId: rows[2]!.id, seq: 3 }));
    expect(report.problem!.message).toContain('1 entry is missing before entry');

    await h.reset();
    await writeSome(h.ctx.db, 4);
    const last = (await entries(h.ctx.db))[3]!;
    await asOwnerWithoutTriggers(h.ctx.db, sql`delete from audit_log where id = ${last.id}`);
    expect((await verifyAuditChain(h.ctx.db)).problem).toEqual(expect.objectContaining({ kind: 'head' }));
  });

  it('notices a chain rewritten from the start when a hash noted earlier is given', async () => {
    await writeSome(h.ctx.db, 3);
    const noted = (await verifyAuditChain(h.ctx.db)).last!;
    expect((await verifyAuditChain(h.ctx.db, { expect: noted })).ok).toBe(true);
    // The owner empties the log and writes it again: the chain is whole, but not the one noted.
    await asOwnerWithoutTriggers(h.ctx.db, sql`truncate audit_log, audit_chain`);
    await writeSome(h.ctx.db, 4);
    expect((await verifyAuditChain(h.ctx.db)).ok).toBe(true);
    expect((await verifyAuditChain(h.ctx.db, { expect: noted })).problem).toEqual(expect.objectContaining({ kind: 'anchor', seq: noted.seq }));
  });

  it('npm run audit:verify says OK with the count, or names the entry, and ends with one JSON line', async () => {
    await writeSome(h.ctx.db, 5);
    const ok = await verifyCli(h.config.databaseUrl!, h.config.dataDir);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('audit log OK: 5 entries');
    expect(ok.last).toEqual(expect.objectContaining({ ok: true, entries: 5 }));

    const target = (await entries(h.ctx.db))[1]!;
    await asOwnerWithoutTriggers(h.ctx.db, sql`update audit_log set ip = '10.0.0.9' where id = ${target.id}`);
    const bad = await verifyCli(h.config.databaseUrl!, h.config.dataDir);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`entry ${target.id} (no. 2) does not match its hash`);
    expect(bad.last).toEqual(expect.objectContaining({ ok: false, problem: expect.objectContaining({ kind: 'changed', entryId: target.id }) }));
  });
});

describe('upgrading a database that already has audit entries', () => {
  const name = `bangfu_t_${runId()}_upgrade`;
  const dir = mkdtempSync(join(tmpdir(), 'bangfu-migrations-'));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('chains the entries written before the chain existed, so the log verifies after the upgrade', async () => {
    // The migrations as they were before the chain: the journal without 0029 and later.
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const journalFile = join(dir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number }> };
    journal.entries = journal.entries.filter((e) => e.idx < 29);
    writeFileSync(journalFile, JSON.stringify(journal));

    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const client = new Client({ connectionString: databaseUrl(name) });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: dir });
      await client.query(`insert into audit_log (action, details) values ('auth.login', '{"b": 1.50, "a": "文山"}'), ('worker.update', null), ('export.approve', '{"purpose": "县里核对 😀"}')`);
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await client.end();
    }
    const database = await openDatabase({ url: databaseUrl(name), dataDir: dir, poolSize: 1 });
    try {
      expect(await verifyAuditChain(database.db)).toEqual(expect.objectContaining({ ok: true, entries: 3 }));
      await recordAudit(database.db, { action: 'auth.logout' });
      expect(await verifyAuditChain(database.db)).toEqual(expect.objectContaining({ ok: true, entries: 4, last: expect.objectContaining({ seq: 4 }) }));
    } finally {
      await database.close();
    }
  });
});
