import { bigint, bigserial, boolean, check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Who did what to which record, when. Written by the service, never updated.
 * seq, prevHash and hash are set by the database as each entry is written (see src/audit/chain.ts);
 * whatever a caller passes for them is replaced.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entity: text('entity'),
    entityId: text('entity_id'),
    regionCode: text('region_code'),
    requestId: text('request_id'),
    ip: text('ip'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    /** Place in the hash chain: 1, 2, 3 … in the order entries were written. */
    seq: bigint('seq', { mode: 'number' }),
    /** sha256 (hex) of the entry before, or 64 zeros for the first. */
    prevHash: text('prev_hash'),
    /** sha256 (hex) over prevHash and this entry's canonical content. */
    hash: text('hash'),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_actor_idx').on(t.actorId), uniqueIndex('audit_seq_idx').on(t.seq)],
);

/** The chain's head: one row, the last entry's seq and hash; locked by each writer until it commits. */
export const auditChain = pgTable(
  'audit_chain',
  {
    id: boolean('id').primaryKey().default(true),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [check('audit_chain_one_row', sql`${t.id}`)],
);
