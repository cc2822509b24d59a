import { sql, type SQL } from 'drizzle-orm';
import { employers, enrolments, trainingSessions } from '../db/schema/market';

/**
 * Read models for another module's raw SQL (monitoring's checks and targets): the market's rows as subqueries
 * with the columns the market chooses to show, under the name the caller gives them, so the caller's statement
 * keeps its own aliases and stays one statement. PostgreSQL pulls a subquery like these (no aggregate, no
 * DISTINCT, no LIMIT) up into the query that uses it, so the plan is that of the tables themselves.
 */

/** Employers by id: id, name. */
export function employerNamesAs(alias: string): SQL {
  return sql`(select ${employers.id}, ${employers.name} from ${employers}) ${sql.identifier(alias)}`;
}

/**
 * Each enrolment in a training session, dated by the session's start: worker_id, start_date. A cancelled
 * enrolment, or an enrolment in a cancelled session, is not a training started.
 */
export function trainingStartsAs(alias: string): SQL {
  return sql`(
    select en.worker_id, ts.start_date from ${enrolments} en join ${trainingSessions} ts on ts.id = en.session_id
    where en.status <> 'cancelled' and ts.status <> 'cancelled'
  ) ${sql.identifier(alias)}`;
}
