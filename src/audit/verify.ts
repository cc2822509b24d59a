import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { CHAIN_COLUMNS, GENESIS, entryHash, type ChainedEntry } from './chain';

export type ChainProblemKind =
  /** An entry's content no longer matches its own hash. */
  | 'changed'
  /** Entries are missing between two that remain. */
  | 'missing'
  /** An entry's link does not name the entry before it: that one was replaced, or the link was. */
  | 'broken'
  /** An entry has no place in the chain (written with the chain's trigger turned off). */
  | 'unchained'
  /** The chain head does not match the last entry: entries at the end were removed. */
  | 'head'
  /** A hash noted earlier (--expect) is no longer in the chain at its place. */
  | 'anchor';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The entry (audit_log.id) the problem was found at; null when it is about the end of the log. */
  entryId: number | null;
  seq: number | null;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  /** Entries checked before the first problem (all of them when ok). */
  entries: number;
  /** The last entry's place and hash: note it elsewhere to detect a rewrite of the whole chain later. */
  last: { seq: number; hash: string } | null;
  problem: ChainProblem | null;
}

export interface VerifyOptions {
  /** A place and hash noted earlier that must still be in the chain. */
  expect?: { seq: number; hash: string };
  batchSize?: number;
  /** Called after each page is read, with the last place read (progress; tests write entries here). */
  afterPage?: (seq: number) => Promise<void>;
}

/**
 * Walks the audit log in chain order and reports the first entry where a change or a gap shows.
 *
 * The walk reads many pages and then the chain head; on a running service entries are written
 * meanwhile, and a head read after them would be ahead of the last entry read. So all of it runs in
 * one read-only REPEATABLE READ transaction: every statement sees the database as it was at the first
 * one (each entry is committed together with the head it moves), and writers are not held up.
 * The embedded database runs the same statements on its one connection.
 */
export async function verifyAuditChain(db: Db, opts: VerifyOptions = {}): Promise<ChainReport> {
  return db.transaction((tx) => walk(tx, opts), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

async function walk(db: Db, opts: VerifyOptions): Promise<ChainReport> {
  const batchSize = opts.batchSize ?? 5000;
  type Link = { id: number; seq: number; hash: string };
  let prev = null as Link | null;
  let entries = 0;
  const fail = (kind: ChainProblemKind, entryId: number | null, seq: number | null, message: string): ChainReport => ({
    ok: false,
    entries,
    last: prev && { seq: prev.seq, hash: prev.hash },
    problem: { kind, entryId, seq, message },
  });

  for (;;) {
    const after: number = prev?.seq ?? 0;
    const rows: ChainedEntry[] = rowsOf<ChainedEntry>(
      await db.execute(sql`select ${sql.raw(CHAIN_COLUMNS)} from audit_log where audit_log.seq > ${after} order by audit_log.seq limit ${batchSize}`),
    );
    for (const row of rows) {
      const id: number = Number(row.id);
      const seq: number = Number(row.seq);
      const expectedSeq: number = (prev?.seq ?? 0) + 1;
      if (entryHash(row) !== row.hash) {
        return fail('changed', id, seq, `entry ${id} (no. ${seq}) does not match its hash: it was changed after it was written`);
      }
      if (seq !== expectedSeq) {
        const n = seq - expectedSeq;
        return fail('missing', id, seq, `${n} ${n === 1 ? 'entry is' : 'entries are'} missing before entry ${id} (nos. ${expectedSeq}–${seq - 1})`);
      }
      if (row.prevHash !== (prev?.hash ?? GENESIS)) {
        const before = prev ? `entry ${prev.id} (no. ${prev.seq})` : 'the start of the chain';
        return fail('broken', prev?.id ?? id, prev?.seq ?? seq, `entry ${id} (no. ${seq}) does not follow ${before}: that entry was replaced, or this link was`);
      }
      if (opts.expect && opts.expect.seq === seq && opts.expect.hash !== row.hash) {
        return fail('anchor', id, seq, `entry no. ${seq} (id ${id}) is not the one noted earlier: the chain was rewritten up to it`);
      }
      prev = { id, seq, hash: row.hash ?? '' };
      entries += 1;
    }
    if (rows.length < batchSize) break;
    await opts.afterPage?.(prev?.seq ?? 0);
  }

  const [loose] = rowsOf<{ id: string }>(await db.execute(sql`select id::text as id from audit_log where seq is null order by audit_log.id limit 1`));
  if (loose) return fail('unchained', Number(loose.id), null, `entry ${loose.id} is not in the chain: it was written with the chain turned off`);

  const [head] = rowsOf<{ seq: string; hash: string }>(await db.execute(sql`select seq::text as seq, hash from audit_chain`));
  const lastSeq = prev?.seq ?? 0;
  if (head ? Number(head.seq) !== lastSeq || head.hash !== (prev?.hash ?? GENESIS) : lastSeq > 0) {
    const said = head ? `the chain head records ${head.seq} entries` : 'the chain head is missing';
    return fail('head', null, null, `${said} but the log ends at no. ${lastSeq}: entries at the end were removed or the head was changed`);
  }
  if (opts.expect && opts.expect.seq > lastSeq) {
    return fail('anchor', null, opts.expect.seq, `entry no. ${opts.expect.seq}, noted earlier, is no longer in the log (it ends at no. ${lastSeq})`);
  }
  return { ok: true, entries, last: prev && { seq: prev.seq, hash: prev.hash }, problem: null };
}
