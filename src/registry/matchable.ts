import { and, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { households, workers } from '../db/schema/registry';
import type { Worker } from './person';

/** What matching reads about a person (never the encrypted columns): the register chooses these and nothing else. */
const matchableColumns = {
  id: workers.id,
  name: workers.name,
  homeLat: workers.homeLat,
  homeLng: workers.homeLng,
  skills: workers.skills,
  laborCapacity: workers.laborCapacity,
  payFloorFen: workers.payFloorFen,
  intention: workers.intention,
  regionCode: workers.regionCode,
  employed: workers.employed,
};
export type MatchableColumns = typeof matchableColumns;
export type MatchablePerson = Pick<Worker, keyof MatchableColumns>;

/**
 * The people matching may put forward, in a region and everything under it: in the programme, consented to matching
 * (PIPL Art. 29) and able to work. Written out (not parameters) so the planner reads them from the indexes that hold
 * exactly these people and every column scored (workers_match_*_idx, migration 0045).
 */
function matchableUnder(scope: string): SQL[] {
  return [sql`${workers.status} = 'active' and ${workers.consent} and ${workers.laborCapacity} <> 'none'`, like(workers.regionCode, `${scope}%`)];
}

/**
 * Up to `limit` of the matchable people under `scope` who also meet the caller's conditions, written on the columns
 * above (near a point, with a skill, without work …), in one statement.
 */
export function matchablePeople(db: Db, scope: string, where: (w: MatchableColumns) => Array<SQL | undefined>, limit: number): Promise<MatchablePerson[]> {
  return db
    .select(matchableColumns)
    .from(workers)
    .where(and(...matchableUnder(scope), ...where(matchableColumns)))
    .limit(limit);
}

/**
 * The matchable people under `scope` as a subquery, for a module that joins its own rows about people to them in one
 * statement; PostgreSQL folds it into the outer query, so the same indexes serve.
 */
export function matchableSubquery(db: Db, scope: string) {
  return db.select(matchableColumns).from(workers).where(and(...matchableUnder(scope))).as('matchable');
}

/**
 * A person from a relocation site (易地搬迁): a member of a relocated household registered under `scope`, or at home
 * under one of the sites' regions (a region flagged 易地搬迁安置区).
 */
export function fromRelocationSite(scope: string, siteCodes: readonly string[]): SQL {
  const relocated = sql`${workers.householdId} in (select ${households.id} from ${households} where ${households.relocated} and ${households.regionCode} like ${`${scope}%`})`;
  return or(relocated, ...siteCodes.map((code) => like(workers.regionCode, `${code}%`)))!;
}
