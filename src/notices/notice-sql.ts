import { alias, QueryBuilder } from 'drizzle-orm/pg-core';
import { staffNotices as table } from '../db/schema/notices';

/** Named `n` inside (Drizzle leaves a lone table's columns unqualified). */
const notices = alias(table, 'n');

/**
 * Read model for another module's query: staff notices, as a subquery with the columns notices chooses to
 * show, so a push's claim reads the notice it carries in the same statement (PostgreSQL pulls the subquery
 * up into the query that uses it; a condition on `id` uses the notices' primary key).
 */
export const staffNoticesSql = new QueryBuilder()
  .select({ id: notices.id, kind: notices.kind, regionCode: notices.regionCode, params: notices.params })
  .from(notices)
  .as('staff_notices_read');
