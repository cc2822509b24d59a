import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workers } from './registry';

/**
 * A worker's sign-in from the mini-program: a realm apart from staff sessions. It starts with the
 * person's openid (and unionid, when WeChat gives one) and gains the worker once they are bound.
 */
export const workerSessions = pgTable(
  'worker_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Keyed digest of the token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    openid: text('openid').notNull(),
    unionid: text('unionid'),
    workerId: uuid('worker_id').references(() => workers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('worker_sessions_expires_idx').on(t.expiresAt), index('worker_sessions_openid_idx').on(t.openid)],
);
