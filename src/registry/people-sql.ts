import { sql, type SQL } from 'drizzle-orm';
import { alias, QueryBuilder } from 'drizzle-orm/pg-core';
import { households, workers as table } from '../db/schema/registry';
import { regionNameSql, villageNameSql } from '../regions';

/**
 * Read model for another module's query: the register's people, as a subquery with the columns the
 * register chooses to show, so a broadcast's audience, its call list and what a delivery needs are each
 * still one statement. PostgreSQL pulls a plain subquery like this up into the query that uses it, so a
 * column nobody asks for costs nothing, and a condition on one uses the workers' own indexes.
 */
/** Named `w`, as the subqueries below spell it (Drizzle leaves a lone table's columns unqualified). */
const workers = alias(table, 'w');

export const people = new QueryBuilder()
  .select({
    id: workers.id,
    status: workers.status,
    /** Consent to matching and messages (PIPL Art. 29). */
    consent: workers.consent,
    name: workers.name,
    phoneMasked: workers.phoneMasked,
    /** The keyed hash of the phone, as SMS providers' reports name the recipient. */
    phoneHash: workers.phoneHash,
    regionCode: workers.regionCode,
    category: workers.category,
    laborCapacity: workers.laborCapacity,
    employed: workers.employed,
    preferredLanguage: workers.preferredLanguage,
    homeLat: workers.homeLat,
    homeLng: workers.homeLng,
    /** The household is one of those relocated (易地扶贫搬迁). */
    relocated: sql<boolean>`exists (select 1 from ${households} h where h.id = w.household_id and h.relocated)`.as('relocated'),
    /** The name of the region the person is registered in, whatever its level. */
    place: regionNameSql(sql`w.region_code`).as('place'),
    /** The village or community the person lives in; null for someone registered at a township or above. */
    village: villageNameSql(sql`w.region_code`).as('village'),
  })
  .from(workers)
  .as('people');

/**
 * Read model for the map: the homes recorded under a region code prefix (a `like` pattern), as rows `(lat, lng)`,
 * for a region's centre (regions keep no points of their own). Every person, whatever their status, as before.
 */
export function homePointsUnder(prefix: string): SQL {
  return sql`select ${table.homeLat} as lat, ${table.homeLng} as lng from ${table} where ${table.regionCode} like ${prefix} and ${table.homeLat} is not null`;
}
