import { sql } from 'drizzle-orm';
import { fairSignups } from '../db/schema/fairs';

/**
 * Read model for outreach: the sign-ups to fairs, as a subquery whose columns the fairs choose (fair_id,
 * worker_id, status), so a broadcast to a fair's people finds them in the statement that pages its audience.
 * PostgreSQL pulls it up into that statement, so the sign-ups' index on the fair and the person serves as before.
 */
export const fairSignupsSql = sql`(select s.fair_id, s.worker_id, s.status from ${fairSignups} s)`;
