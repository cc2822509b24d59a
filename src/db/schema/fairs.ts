import { bigserial, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './access';
import { jobFairs, vacancies } from './market';
import { workers } from './registry';

/** The posts employers bring to a fair, each with its number in the fair (回复 报名 7). */
export const fairVacancies = pgTable(
  'fair_vacancies',
  {
    fairId: uuid('fair_id')
      .notNull()
      .references(() => jobFairs.id),
    vacancyId: uuid('vacancy_id')
      .notNull()
      .references(() => vacancies.id),
    seq: integer('seq').notNull(),
    /** When it was last shown on screen during the live stream. */
    onScreenAt: timestamp('on_screen_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.fairId, t.vacancyId] }), uniqueIndex('fair_vacancies_seq_idx').on(t.fairId, t.seq)],
);

export const fairSignupStatus = pgEnum('fair_signup_status', ['signed_up', 'waiting', 'cancelled']);

/** A person's place at a fair (or on its waiting list), and their check-in. */
export const fairSignups = pgTable(
  'fair_signups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fairId: uuid('fair_id')
      .notNull()
      .references(() => jobFairs.id),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id),
    status: fairSignupStatus('status').notNull(),
    /** chat, station, mini_program, walk_in */
    source: text('source').notNull(),
    /** Order of arrival (a new number on signing up again): the waiting list is served in this order. */
    queue: bigserial('queue', { mode: 'number' }).notNull(),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedInBy: uuid('checked_in_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fair_signups_unique_idx').on(t.fairId, t.workerId), index('fair_signups_fair_idx').on(t.fairId, t.status, t.queue), index('fair_signups_worker_idx').on(t.workerId)],
);
