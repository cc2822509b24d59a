import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Client, type DatabaseError } from 'pg';
import { recordAudit } from '../../src/audit/service';
import { verifyAuditChain } from '../../src/audit/verify';
import { openDatabase, type Database } from '../../src/db/client';
import { auditProtection, logAuditProtection } from '../../src/db/roles';
import { createLogger } from '../../src/logger';
import { startService, type Service } from '../../server/runtime';
import { LogCapture, testConfig } from '../helpers/harness';
import { freeLowPort } from '../helpers/processes';
import { PG_ADMIN_URL, REDIS_PREFIX_ROOT, databaseUrl, runId } from '../helpers/test-env';

/** A URL to `database` as `role` (the test server trusts local connections, so no password). */
function urlAs(role: string, database: string): string {
  const u = new URL(databaseUrl(database));
  u.username = role;
  u.password = '';
  return u.toString();
}

/** The SQLSTATE and message a statement is refused with, or 'done'. */
async function refusal(client: Client, statement: string): Promise<string> {
  return client.query(statement).then(
    () => 'done',
    (err: DatabaseError) => `${err.code} ${err.message}`,
  );
}

describe('two database roles: migrations as the owner, the service as a role that owns nothing', () => {
  const tag = `${runId()}_${randomBytes(3).toString('hex')}`;
  const owner = `bangfu_t_${tag}_owner`;
  const servant = `bangfu_t_${tag}_svc`;
  const name = `bangfu_t_${tag}_roles`;
  const logs = new LogCapture();
  let admin: Client;
  let service: Service | undefined;
  let asService: Client | undefined;

  beforeAll(async () => {
    admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create role "${owner}" login`);
    await admin.query(`create role "${servant}" login`);
    await admin.query(`create database "${name}" owner "${owner}"`);
  });

  afterAll(async () => {
    await asService?.end();
    await service?.close();
    if (service) rmSync(service.ctx.config.dataDir, { recursive: true, force: true });
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`drop role if exists "${servant}"`);
    await admin.query(`drop role if exists "${owner}"`);
    await admin.end();
  });

  it('starts: migrates as the owner, grants the service role its rights, and the service signs in and reads the audit log', async () => {
    const config = testConfig({
      DATABASE_URL: urlAs(servant, name),
      DATABASE_MIGRATE_URL: urlAs(owner, name),
      REDIS_PREFIX: `${REDIS_PREFIX_ROOT}:${runId()}:${randomBytes(4).toString('hex')}`,
      HOST: '127.0.0.1',
      PORT: String(await freeLowPort()),
      ADMIN_PASSWORD: 'roles-test-admin-password',
      DEMO_DATA: 'false',
    });
    service = await startService({ role: 'api', config, logger: createLogger('info', logs), announce: () => undefined });
    expect(logs.text()).toContain('the service role cannot change or remove entries');

    const login = await fetch(`${service.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'roles-test-admin-password' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const audit = await fetch(`${service.url}/api/v1/audit?action=auth.login`, { headers: { authorization: `Bearer ${token}` } });
    expect(audit.status).toBe(200);
    const page = (await audit.json()) as { items: Array<{ action: string }> };
    expect(page.items.map((e) => e.action)).toContain('auth.login');

    // Every table of the service belongs to the owner; the service's role owns nothing.
    const owned = await admin.query(
      `select count(*)::int as n from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = $1`,
      [servant],
    );
    expect(owned.rows[0].n).toBe(0);
  });

  it('refuses the service role turning the triggers off, updating, deleting or truncating the audit log (permission denied)', async () => {
    asService = new Client({ connectionString: urlAs(servant, name) });
    await asService.connect();
    expect(await refusal(asService, 'alter table audit_log disable trigger all')).toBe('42501 must be owner of table audit_log');
    expect(await refusal(asService, `update audit_log set action = 'forged'`)).toBe('42501 permission denied for table audit_log');
    expect(await refusal(asService, 'delete from audit_log')).toBe('42501 permission denied for table audit_log');
    expect(await refusal(asService, 'truncate audit_log')).toBe('42501 permission denied for table audit_log');
    expect(await refusal(asService, 'drop table audit_log')).toBe('42501 must be owner of table audit_log');
    // Nor can it move the chain's head, nor switch the triggers off for its session.
    expect(await refusal(asService, 'update audit_chain set seq = 0')).toBe('42501 permission denied for table audit_chain');
    expect(await refusal(asService, 'set session_replication_role = replica')).toMatch(/^42501 permission denied to set parameter/);
  });

  it('lets the service role add entries and read them, and the chain verifies through it', async () => {
    const database: Database = await openDatabase({ url: urlAs(servant, name), dataDir: service!.ctx.config.dataDir, poolSize: 2 });
    try {
      expect(await auditProtection(database.db)).toBe('append-only');
      await recordAudit(database.db, { action: 'roles.check', entity: 'audit', details: { by: 'service role' } });
      const { rows } = await asService!.query(`select action, seq from audit_log where action = 'roles.check'`);
      expect(rows).toEqual([{ action: 'roles.check', seq: expect.any(String) }]);
      expect(await verifyAuditChain(database.db)).toEqual(expect.objectContaining({ ok: true, problem: null }));
    } finally {
      await database.close();
    }
  });

  it('gives the service role its rights on tables the owner adds later (default privileges)', async () => {
    const asOwner = new Client({ connectionString: urlAs(owner, name) });
    await asOwner.connect();
    try {
      await asOwner.query('create table later_table (id serial primary key, note text)');
    } finally {
      await asOwner.end();
    }
    expect(await refusal(asService!, `insert into later_table (note) values ('x')`)).toBe('done');
    expect(await refusal(asService!, 'delete from later_table')).toBe('done');
  });

  it('says the single-role setup leaves the audit log only tamper-evident: the owner could turn the triggers off', async () => {
    const database = await openDatabase({ url: urlAs(owner, name), dataDir: service!.ctx.config.dataDir, poolSize: 1 });
    try {
      expect(await auditProtection(database.db)).toBe('tamper-evident');
      // What start-up says when DATABASE_URL alone connects as the owner.
      const said = new LogCapture();
      await logAuditProtection(database, { granted: undefined }, createLogger('info', said));
      expect(said.lines.map((l) => JSON.parse(l) as { level: number; msg: string })).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringContaining('not prevented (set DATABASE_MIGRATE_URL') }),
      ]);
    } finally {
      await database.close();
    }
    const asOwner = new Client({ connectionString: urlAs(owner, name) });
    await asOwner.connect();
    try {
      // Shown, then put back: the owner can do what the service role cannot.
      await asOwner.query('begin');
      expect(await refusal(asOwner, 'alter table audit_log disable trigger all')).toBe('done');
      await asOwner.query('rollback');
    } finally {
      await asOwner.end();
    }
  });
});
