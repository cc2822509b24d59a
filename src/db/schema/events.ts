import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/* The kernel's tables: the outbox that domain events and queued work leave by, and the once-only effects of events. */

/**
 * Work to put on a queue, written in the same transaction as the change that calls for it; a relay
 * publishes it (the row id as the job id unless one is given) and marks it published, so a crash
 * between the commit and Redis loses nothing.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    queue: text('queue').notNull(),
    job: text('job').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    jobId: text('job_id'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outbox_unpublished_idx').on(t.createdAt).where(sql`${t.publishedAt} is null`)],
);

/**
 * An event's effect that must happen once, however often the event is handled: the subscriber notes the
 * event here in the same transaction as its effect (an audit entry, say), so a worker that dies after
 * committing but before the queue hears of it does not repeat the effect when the event is retried.
 * Pruned with the outbox, long after any retry.
 */
export const eventEffects = pgTable(
  'event_effects',
  {
    eventId: uuid('event_id').notNull(),
    subscriber: text('subscriber').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.subscriber] }), index('event_effects_created_idx').on(t.createdAt)],
);
