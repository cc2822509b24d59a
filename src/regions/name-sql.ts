import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { regions } from '../db/schema/regions';

/**
 * Read model for another module's query: the name of the region whose code is this column or expression
 * (null when it is no region), so a row and its place's name come back in one statement. Regions owns the
 * columns it reads.
 */
export function regionNameSql(code: SQL | AnyPgColumn): SQL<string | null> {
  return sql<string | null>`(select r.name from ${regions} r where r.code = ${code})`;
}

/**
 * Read model for another module's query: the name of the village or community (level 5) whose code is this
 * column or expression, null for a code of a township or above, or none (the {{village}} of a message).
 */
export function villageNameSql(code: SQL | AnyPgColumn): SQL<string | null> {
  return sql<string | null>`(select r.name from ${regions} r where r.code = ${code} and r.level = 5)`;
}
