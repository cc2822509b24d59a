import { sql } from 'drizzle-orm';
import { assistanceProjects, projectWorkers } from '../db/schema/monitoring';

/**
 * Read model for the register: each person's link to a government-invested project, with the project's id and
 * name, as a subquery whose columns monitoring chooses (link_id, worker_id, employment_record_id, project_id,
 * project_name). PostgreSQL pulls it up into the query that uses it, so a condition on worker_id uses the links'
 * index as before.
 */
export const projectLinksSql = sql`(select l.id as link_id, l.worker_id, l.employment_record_id, p.id as project_id, p.name as project_name
  from ${projectWorkers} l join ${assistanceProjects} p on p.id = l.project_id)`;
