import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';

/**
 * One bot process per sending account: a lease row in PostgreSQL (account_leases) with its holder, its
 * expiry and a fencing token that grows by one at each taking.
 *
 * Why PostgreSQL and not Redis: the deliveries the account sends are claimed in PostgreSQL, so the lease
 * is checked against the same store, and its expiry is the database's clock (`now()`), one clock for every
 * machine. A Redis lease would be lost with Redis's data, and a Redis Cluster's failover (replication is
 * asynchronous) can hand one key to two holders.
 *
 * Times are the database's: a holder's own clock is used only to stop sending before its lease can have
 * run out (the deadline below), never to decide that another's has.
 */

/** This process, as a holder: host, pid and a random part (a restarted process with the same pid is another holder). */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** A send under a token that is no longer the account's: refused before it reaches WeChat. */
export class StaleLease extends Error {
  constructor(
    readonly accountId: string,
    readonly token: number,
  ) {
    super(`the lease on sending account ${accountId} (token ${token}) is no longer held by this process: send refused`);
    this.name = 'StaleLease';
  }
}

export interface HeldLease {
  accountId: string;
  token: number;
  /** When this process stops trusting the lease (its own monotonic clock, taken before the renewal was asked). */
  deadline: number;
}

const seconds = (s: number) => sql`(${s} * interval '1 second')`;

/** Takes an account that nobody holds (never held, released, or expired); undefined while another holds it. */
export async function acquire(db: Db, accountId: string, holder: string, ttlS: number): Promise<HeldLease | undefined> {
  const asked = performance.now();
  const [row] = rowsOf<{ token: string | number }>(
    await db.execute(sql`
      insert into account_leases (account_id, holder, token, expires_at, acquired_at, renewed_at)
      values (${accountId}, ${holder}, 1, now() + ${seconds(ttlS)}, now(), now())
      on conflict (account_id) do update set holder = excluded.holder, token = account_leases.token + 1,
        expires_at = excluded.expires_at, acquired_at = now(), renewed_at = now()
      where account_leases.holder is null or account_leases.expires_at <= now()
      returning token`),
  );
  return row ? { accountId, token: Number(row.token), deadline: asked + ttlS * 1000 } : undefined;
}

/** Extends a lease still held under its token; false when it was lost (expired and taken, or released). */
export async function renew(db: Db, lease: HeldLease, holder: string, ttlS: number): Promise<boolean> {
  const asked = performance.now();
  const rows = rowsOf(
    await db.execute(sql`
      update account_leases set expires_at = now() + ${seconds(ttlS)}, renewed_at = now()
      where account_id = ${lease.accountId} and holder = ${holder} and token = ${lease.token} and expires_at > now()
      returning token`),
  );
  if (rows.length) lease.deadline = asked + ttlS * 1000;
  return rows.length > 0;
}

/** Gives the account up at once (a clean stop or a hand-over), so another process takes it at its next look. */
export async function release(db: Db, lease: HeldLease, holder: string): Promise<void> {
  lease.deadline = 0;
  await db.execute(sql`update account_leases set holder = null, expires_at = now() where account_id = ${lease.accountId} and holder = ${holder} and token = ${lease.token}`);
}

/**
 * The check every send makes just before it goes to WeChat: this process's own deadline first (no round
 * trip needed to know a lease has run out), then the row: still this holder, this token, not expired.
 */
export async function fence(db: Db, lease: HeldLease, holder: string): Promise<void> {
  if (performance.now() >= lease.deadline) throw new StaleLease(lease.accountId, lease.token);
  const rows = rowsOf(await db.execute(sql`select 1 from account_leases where account_id = ${lease.accountId} and holder = ${holder} and token = ${lease.token} and expires_at > now()`));
  if (!rows.length || performance.now() >= lease.deadline) throw new StaleLease(lease.accountId, lease.token);
}

/**
 * Another process holds one of these accounts, or held it until less than a lease's time ago: a bot process
 * (the one asking, or another) takes an account whose holder died at its next look, so what would go by it
 * waits for that rather than moving on to the next channel.
 */
export async function heldElsewhere(db: Db, accountIds: string[], holder: string, ttlS: number): Promise<boolean> {
  if (!accountIds.length) return false;
  const rows = rowsOf(
    await db.execute(sql`
      select 1 from account_leases l
      where l.account_id in (${sql.join(accountIds.map((id) => sql`${id}::uuid`), sql`, `)})
        and l.holder is not null and l.holder <> ${holder} and l.expires_at > now() - ${seconds(ttlS)}
      limit 1`),
  );
  return rows.length > 0;
}

/** This process is alive (renewed with its leases); the count of live bot processes shares out the accounts. */
export async function beat(db: Db, holder: string, ttlS: number): Promise<number> {
  await db.execute(sql`
    insert into bot_processes (id, host, pid, started_at, seen_at) values (${holder}, ${hostname()}, ${process.pid}, now(), now())
    on conflict (id) do update set seen_at = now()`);
  // Those gone for long are forgotten.
  await db.execute(sql`delete from bot_processes where seen_at < now() - ${seconds(ttlS * 10)}`);
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int n from bot_processes where seen_at > now() - ${seconds(ttlS)}`));
  return row?.n ?? 1;
}

export async function leave(db: Db, holder: string): Promise<void> {
  await db.execute(sql`delete from bot_processes where id = ${holder}`);
}

/** Who holds each account, for the accounts list (holder, token, expiry; null: nobody drives it now). */
export async function leasesOf(db: Db, accountIds: string[]): Promise<Map<string, { holder: string; token: number; expiresAt: string }>> {
  if (!accountIds.length) return new Map();
  const rows = rowsOf<{ account_id: string; holder: string; token: string | number; expires_at: string | Date }>(
    await db.execute(sql`
      select account_id, holder, token, expires_at from account_leases
      where account_id in (${sql.join(accountIds.map((id) => sql`${id}::uuid`), sql`, `)}) and holder is not null and expires_at > now()`),
  );
  return new Map(rows.map((r) => [r.account_id, { holder: r.holder, token: Number(r.token), expiresAt: new Date(r.expires_at).toISOString() }]));
}
