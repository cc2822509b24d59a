import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { recordAudit, type AuditEntry } from '../audit/service';
import type { Db } from '../db/client';

/**
 * What a query runs through: the database itself or a transaction open on it (a transaction is a
 * `PgDatabase` too, so both are this one type, with no cast). A service that takes an Executor works
 * the same whether it is called on its own or from inside another command's transaction.
 */
export type Executor = Db;

/** Where a request came from, as HTTP, the bot and the queues fill it in for the audit log. */
export interface AuditMeta {
  requestId?: string;
  ip?: string;
}

/** Who acts (absent for the system itself: a scheduled job, the person's own chat). */
export interface CommandActor {
  accountId: string;
}

/** The common parameters of a command: where it runs, who does it, and the request it serves. */
export interface CommandProps {
  ctx: { db: Executor };
  actor?: CommandActor | null;
  meta?: AuditMeta;
}

/**
 * One audit entry for the change under way. Actor, request id and address come from the command's
 * props unless the entry names its own (an entry may say `actorId: null` for the system).
 */
export type Audit = (entry: AuditEntry) => void;

/** Entries waiting to be written, and that command's props, by the transaction of the outermost command that opened it. */
const pending = new WeakMap<Executor, { entries: AuditEntry[]; props: CommandProps }>();

export function isTransaction(db: Executor): boolean {
  return is(db, PgTransaction);
}

/** The entry's own fields first, then the command's props, then (joined) the outer command's request. */
function fill(props: CommandProps, entry: AuditEntry, outer?: CommandProps): AuditEntry {
  return {
    ...entry,
    actorId: entry.actorId !== undefined ? entry.actorId : (props.actor?.accountId ?? outer?.actor?.accountId ?? null),
    requestId: entry.requestId ?? props.meta?.requestId ?? outer?.meta?.requestId,
    ip: entry.ip ?? props.meta?.ip ?? outer?.meta?.ip,
  };
}

async function flush(tx: Executor, entries: AuditEntry[]): Promise<void> {
  for (const e of entries.splice(0)) await recordAudit(tx, e);
}

/**
 * Runs `work` as one unit of work: the change, its audit entries and its events (`emit` on the same
 * `tx`) commit together or not at all. On the database it opens a transaction; on an Executor that is
 * already a transaction it joins it, so a command called by another is part of the caller's unit.
 *
 * The entries given to `audit` are written at the end of the outermost command, just before its
 * commit: each insert takes the audit chain's head row (migration 0029) until the transaction ends, so
 * writing them last keeps that lock short. If the audit insert fails, the whole change rolls back.
 */
export async function command<T>(props: CommandProps, work: (tx: Executor, audit: Audit) => Promise<T>): Promise<T> {
  const db = props.ctx.db;
  if (isTransaction(db)) {
    const outer = pending.get(db);
    if (outer) return work(db, (entry) => void outer.entries.push(fill(props, entry, outer.props)));
    // A transaction opened by the caller itself: this command's entries are written when its work is done.
    const own: AuditEntry[] = [];
    const result = await work(db, (entry) => void own.push(fill(props, entry)));
    await flush(db, own);
    return result;
  }
  return db.transaction(async (tx) => {
    const entries: AuditEntry[] = [];
    pending.set(tx, { entries, props });
    const result = await work(tx, (entry) => void entries.push(fill(props, entry)));
    await flush(tx, entries);
    return result;
  });
}

/**
 * An audit entry that records a read, not a change (a person's details shown, a list exported, a
 * refusal): one statement on its own, or part of the caller's transaction when given one.
 */
export async function auditRead(props: CommandProps, entry: AuditEntry): Promise<void> {
  const db = props.ctx.db;
  const outer = isTransaction(db) ? pending.get(db) : undefined;
  if (outer) outer.entries.push(fill(props, entry, outer.props));
  else await recordAudit(db, fill(props, entry));
}

/**
 * An audit entry for a change the caller is making on `props.ctx.db`, which must be a transaction (a
 * helper handed the caller's `tx`): it joins that unit of work. On the bare database it refuses, since
 * the entry would then be written apart from the change.
 */
export async function auditIn(props: CommandProps, entry: AuditEntry): Promise<void> {
  if (!isTransaction(props.ctx.db)) throw new Error('auditIn needs the transaction of the change it records');
  await auditRead(props, entry);
}
