import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain, computed here independently of the database's own function
 * (audit_log_hash in migration 0029), so a check does not rest on code stored in the database.
 *
 * An entry's hash is sha256 (hex) over its fields in this order, each written as
 * "<bytes in UTF-8>:<text>;" or "~;" when null: prev_hash, seq, id, at (UTC, microseconds,
 * 2026-12-02T08:00:00.123456Z), actor_id, action, entity, entity_id, region_code, request_id, ip,
 * details (PostgreSQL's text of the jsonb value). The first entry's prev_hash is GENESIS.
 */
export const GENESIS = '0'.repeat(64);

/** One entry as text, the way PostgreSQL renders each column (see CHAIN_COLUMNS). */
export interface ChainedEntry {
  id: string;
  seq: string | null;
  prevHash: string | null;
  hash: string | null;
  at: string;
  actorId: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  regionCode: string | null;
  requestId: string | null;
  ip: string | null;
  details: string | null;
}

/** The select list that reads an audit_log row as a ChainedEntry. */
export const CHAIN_COLUMNS = `id::text as "id", seq::text as "seq", prev_hash as "prevHash", hash,
  to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "at", actor_id::text as "actorId", action,
  entity, entity_id as "entityId", region_code as "regionCode", request_id as "requestId", ip, details::text as "details"`;

function field(v: string | null): string {
  return v === null ? '~;' : `${Buffer.byteLength(v, 'utf8')}:${v};`;
}

export function entryHash(e: ChainedEntry): string {
  const fields = [e.prevHash, e.seq, e.id, e.at, e.actorId, e.action, e.entity, e.entityId, e.regionCode, e.requestId, e.ip, e.details];
  return createHash('sha256').update(fields.map(field).join(''), 'utf8').digest('hex');
}
