import { sql, type SQL } from 'drizzle-orm';
import { employmentPayments, employmentRecords, households, trainingRecords, workers } from '../db/schema/registry';

/**
 * Read models for another module's raw SQL (monitoring's figures, forms and checks): the register's rows as
 * subqueries with the columns the register chooses to show (never the encrypted or hashed ones), under the name
 * the caller gives them, so the caller's statement keeps its own aliases and stays one statement. PostgreSQL pulls
 * a subquery like these (no aggregate, no DISTINCT, no LIMIT) up into the query that uses it, so conditions and
 * joins on these columns use the tables' own indexes and the plan is that of the tables themselves.
 */

/** The people ever on the register: their name (and masked phone), where they are registered, their household, category and capacity, when registered (created_at) and the day they left (left_on). */
export function registeredPeopleAs(alias: string): SQL {
  const w = workers;
  return sql`(select ${w.id}, ${w.householdId}, ${w.regionCode}, ${w.name}, ${w.phoneMasked}, ${w.sex}, ${w.birthDate}, ${w.health}, ${w.laborCapacity}, ${w.category}, ${w.monitoringType}, ${w.employed}, ${w.consent}, ${w.intention}, ${w.status}, ${w.leftOn}, ${w.createdAt} from ${w}) ${sql.identifier(alias)}`;
}

/** The register's households: where each is registered, and whether it is one of those relocated (易地扶贫搬迁). */
export function registeredHouseholdsAs(alias: string): SQL {
  const h = households;
  return sql`(select ${h.id}, ${h.regionCode}, ${h.relocated}, ${h.createdAt} from ${h}) ${sql.identifier(alias)}`;
}

/** Every job of the register's dated records: whose, for whom, where, of what kind, from when to when, for how much a month, and when recorded. */
export function employmentSpellsAs(alias: string): SQL {
  const e = employmentRecords;
  return sql`(select ${e.id}, ${e.workerId}, ${e.employerName}, ${e.place}, ${e.placeRegionCode}, ${e.kind}, ${e.startDate}, ${e.endDate}, ${e.monthlyIncomeFen}, ${e.partTime}, ${e.exitReason}, ${e.projectWork}, ${e.source}, ${e.createdAt} from ${e}) ${sql.identifier(alias)}`;
}

/** The payments due on jobs (public-welfare posts' subsidies, wages): for which job and month, what was due and when, what was paid and when. */
export function employmentPaymentsAs(alias: string): SQL {
  const p = employmentPayments;
  return sql`(select ${p.id}, ${p.recordId}, ${p.workerId}, ${p.kind}, ${p.period}, ${p.dueOn}, ${p.amountDueFen}, ${p.paidOn}, ${p.amountPaidFen}, ${p.note}, ${p.createdAt} from ${p}) ${sql.identifier(alias)}`;
}

/** The trainings recorded in the register: whose, what, from when to when. */
export function trainingRecordsAs(alias: string): SQL {
  const t = trainingRecords;
  return sql`(select ${t.id}, ${t.workerId}, ${t.title}, ${t.kind}, ${t.provider}, ${t.startDate}, ${t.endDate}, ${t.source}, ${t.createdAt} from ${t}) ${sql.identifier(alias)}`;
}
