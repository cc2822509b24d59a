import { sql } from 'drizzle-orm';
import type { Logger } from '../logger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR, openDatabase, rowsOf, type Database, type Db } from './client';

/**
 * Two database roles on a PostgreSQL server: the owner, which runs the migrations and owns every table,
 * and the service's role, which owns nothing and is granted only what the service does. Only the owner
 * can turn the audit log's triggers off; the service's role can add entries and read them, nothing more.
 */

/** Tables the service reads and adds to but never changes. */
export const APPEND_ONLY_TABLES = ['audit_log'] as const;
/** Tables written only by the database itself (owner-run triggers); the service may read them. */
export const READ_ONLY_TABLES = ['audit_chain'] as const;

/** The user name in a postgres:// URL. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username) || process.env.PGUSER || process.env.USER || '';
}

/**
 * Gives the service's role what it needs on every table and sequence of schema public, now and (through
 * default privileges) on those the owner creates later. Run as the owner after migrating; safe to repeat.
 */
export async function grantServiceRole(owner: Db, role: string): Promise<void> {
  const r = sql.identifier(role);
  await owner.transaction(async (tx) => {
    // Processes starting together (api, worker, bot) would otherwise meet in the catalogue: 'tuple concurrently updated'.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('bangfu.grant_service_role'))`);
    await tx.execute(sql`grant usage on schema public to ${r}`);
    await tx.execute(sql`grant select, insert, update, delete on all tables in schema public to ${r}`);
    await tx.execute(sql`grant usage, select on all sequences in schema public to ${r}`);
    await tx.execute(sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${r}`);
    await tx.execute(sql`alter default privileges in schema public grant usage, select on sequences to ${r}`);
    // The migrations' own record may be read (so the service's role can make a whole backup with pg_dump), never written.
    await tx.execute(sql`grant usage on schema drizzle to ${r}`);
    await tx.execute(sql`grant select on all tables in schema drizzle to ${r}`);
    // pg_dump reads each sequence's position too: without this a backup as the service's role stops at the migrations' id sequence.
    await tx.execute(sql`grant select on all sequences in schema drizzle to ${r}`);
    for (const t of APPEND_ONLY_TABLES) await tx.execute(sql`revoke update, delete, truncate, references, trigger on ${sql.identifier(t)} from ${r}`);
    for (const t of READ_ONLY_TABLES) await tx.execute(sql`revoke insert, update, delete, truncate, references, trigger on ${sql.identifier(t)} from ${r}`);
  });
}

export type AuditProtection =
  /** The connected role cannot turn the audit log's triggers off: entries cannot be changed or removed through it. */
  | 'append-only'
  /** The connected role owns the audit log (or is a superuser): it could turn the triggers off; the hash chain shows what changed. */
  | 'tamper-evident';

/** What the connected role could do to the audit log. */
export async function auditProtection(db: Db): Promise<AuditProtection> {
  const [row] = rowsOf<{ owner: boolean }>(
    await db.execute(sql`select pg_has_role(current_user, c.relowner, 'USAGE') or r.rolsuper as owner
      from pg_class c, pg_roles r where c.oid = 'public.audit_log'::regclass and r.rolname = current_user`),
  );
  return row?.owner === false ? 'append-only' : 'tamper-evident';
}

export interface MigrateOptions {
  /** The service's connection (DATABASE_URL); undefined for the embedded database. */
  url: string | undefined;
  /** The owner's connection (DATABASE_MIGRATE_URL); when absent, migrations run through `database`. */
  migrateUrl: string | undefined;
  dataDir: string;
}

/**
 * Applies pending migrations. With a migrate URL: as the owner, then grants the service's role its rights
 * (unless both URLs name the same role). Without: through the service's own connection, as before.
 */
export async function migrateDatabase(database: Database, opts: MigrateOptions): Promise<{ granted: string | undefined }> {
  if (!opts.migrateUrl) {
    // Nothing pending: nothing to do. The service's own role (docker-compose's app, migrated beforehand by the
    // owner) may not create even the migrations' schema, which drizzle's migrator asks for before anything else.
    if (await migrationsApplied(database.db)) return { granted: undefined };
    await database.migrate().catch((err: unknown) => {
      const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
      if (code !== '42501') throw err;
      throw new Error(
        `migrations pending and role ${opts.url ? roleOf(opts.url) : ''} may not apply them: run the migrations as the owner first (npm run migrate with DATABASE_MIGRATE_URL, or docker compose's migrate service), or set DATABASE_MIGRATE_URL here`,
        { cause: err },
      );
    });
    return { granted: undefined };
  }
  const owner = await openDatabase({ url: opts.migrateUrl, dataDir: opts.dataDir, poolSize: 1 });
  try {
    await owner.migrate();
    const service = opts.url ? roleOf(opts.url) : '';
    if (!service || service === roleOf(opts.migrateUrl)) return { granted: undefined };
    await grantServiceRole(owner.db, service);
    return { granted: service };
  } finally {
    await owner.close();
  }
}

/** Whether the database has every migration this version ships (drizzle's record against its journal), without asking for any right to change it. */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> };
  const last = Math.max(...journal.entries.map((e) => e.when));
  try {
    const [row] = rowsOf<{ at: string | null }>(await db.execute(sql`select max(created_at)::text as at from drizzle.__drizzle_migrations`));
    return row?.at != null && Number(row.at) >= last;
  } catch {
    return false; // no record yet: a database never migrated
  }
}

/** Says at start what protects the audit log on this database, and warns when it is only the hash chain. */
export async function logAuditProtection(database: Database, migrated: { granted: string | undefined }, logger: Logger): Promise<void> {
  const protection = await auditProtection(database.db);
  if (protection === 'append-only') {
    logger.info({ protection, granted: migrated.granted }, 'audit log: the service role cannot change or remove entries');
  } else if (database.kind === 'postgres') {
    logger.warn(
      { protection },
      'audit log: the service connects as the owner of audit_log, which could turn its triggers off; changes would show in npm run audit:verify but are not prevented (set DATABASE_MIGRATE_URL to the owner and DATABASE_URL to a role that owns nothing)',
    );
  } else {
    logger.info({ protection }, 'audit log: embedded database, changes show in npm run audit:verify');
  }
}
