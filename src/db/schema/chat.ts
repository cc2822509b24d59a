import { index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { workers } from './registry';

export const helpStatus = pgEnum('help_request_status', ['open', 'closed']);

/**
 * 人工: a person asked by chat for a member of staff. The station of their region sees it with the
 * last messages of the conversation (ID and phone numbers masked), and closes it with a note.
 */
export const helpRequests = pgTable(
  'help_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null when the person has not bound their WeChat to the register yet. */
    workerId: uuid('worker_id').references(() => workers.id),
    regionCode: text('region_code').notNull(),
    /** The door and the chat account to answer on. */
    door: text('door').notNull().default('wechat'),
    contact: text('contact').notNull(),
    /** What the person last said, masked: [{ at, text }]. */
    context: jsonb('context').$type<Array<{ at: string; text: string }>>().notNull().default([]),
    status: helpStatus('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by').references(() => accounts.id),
    note: text('note'),
  },
  (t) => [index('help_requests_region_idx').on(t.status, t.regionCode.op('text_pattern_ops'))],
);
