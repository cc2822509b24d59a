import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { and, asc, count, desc, eq, ilike, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { employmentRecords, households, trainingRecords, workers } from '../db/schema/registry';
import { inWorkingAgeSql } from './age-band';
import { withBothNames } from './vocab';
import { levelsOf, nameOf, regionNameSql } from '../regions';

/** `region X and everything under it`, on any table with a region_code column. */
export function inRegion(column: AnyPgColumn, code: string): SQL {
  return like(column, `${code.replace(/[%_\\]/g, '')}%`);
}

export async function findWorker(db: Db, id: string) {
  const [row] = await db.select().from(workers).where(eq(workers.id, id)).limit(1);
  return row;
}

export async function findWorkerByIdHash(db: Db, hash: string) {
  const [row] = await db.select().from(workers).where(eq(workers.idNumberHash, hash)).limit(1);
  return row;
}

export async function currentEmployment(db: Db, workerIds: string[]) {
  if (!workerIds.length) return [];
  return db
    .select()
    .from(employmentRecords)
    .where(and(inArray(employmentRecords.workerId, workerIds), isNull(employmentRecords.endDate)))
    .orderBy(desc(employmentRecords.startDate));
}

export async function listWorkers(
  db: Db,
  f: { scope: string; category?: string; laborCapacity?: string; employed?: boolean; householdId?: string; name?: string; idHash?: string; phoneHash?: string; workingAge?: boolean; reasonMissing?: boolean; today: string },
  page: { offset: number; limit: number },
) {
  const working = inWorkingAgeSql(workers.birthDate, workers.sex, f.today);
  // Seed 003 Longyan §3: of working age, able to work, not in work, and the reason not yet asked (as needsReason says).
  const missing = sql`(${and(working, eq(workers.status, 'active'), sql`${workers.laborCapacity} <> 'none'`, eq(workers.employed, false), sql`coalesce(${workers.notTransferredReason}, '') = ''`)})`;
  const where = and(
    inRegion(workers.regionCode, f.scope),
    // 监测对象 under either name (防止返贫监测对象, 防止返贫致贫对象) is one group to filter on.
    f.category ? inArray(workers.category, withBothNames([f.category]) as never[]) : undefined,
    f.laborCapacity ? eq(workers.laborCapacity, f.laborCapacity as never) : undefined,
    f.employed === undefined ? undefined : eq(workers.employed, f.employed),
    f.householdId ? eq(workers.householdId, f.householdId) : undefined,
    f.workingAge === undefined ? undefined : f.workingAge ? working : sql`not ${working}`,
    f.reasonMissing === undefined ? undefined : f.reasonMissing ? missing : sql`not (${missing})`,
    f.name || f.idHash || f.phoneHash
      ? or(
          f.name ? ilike(workers.name, `%${f.name.replace(/[%_\\]/g, '')}%`) : undefined,
          f.idHash ? eq(workers.idNumberHash, f.idHash) : undefined,
          f.phoneHash ? eq(workers.phoneHash, f.phoneHash) : undefined,
        )
      : undefined,
  );
  const [total] = await db.select({ n: count() }).from(workers).where(where);
  const items = await db.select().from(workers).where(where).orderBy(asc(workers.regionCode), asc(workers.name), asc(workers.id)).offset(page.offset).limit(page.limit);
  return { items, total: total?.n ?? 0 };
}

export async function employmentHistory(db: Db, workerId: string) {
  return db.select().from(employmentRecords).where(eq(employmentRecords.workerId, workerId)).orderBy(desc(employmentRecords.startDate), desc(employmentRecords.createdAt));
}

export async function trainingHistory(db: Db, workerId: string) {
  return db.select().from(trainingRecords).where(eq(trainingRecords.workerId, workerId)).orderBy(desc(trainingRecords.startDate));
}

/** 村 / 社区: the level of the regions table a person's home must be. */
export const VILLAGE_LEVEL = 5;

export async function regionLevel(db: Db, code: string): Promise<number | undefined> {
  const [row] = await levelsOf(db, [code]);
  return row?.level;
}

export async function regionExists(db: Db, code: string): Promise<boolean> {
  return (await nameOf(db, code)) !== undefined;
}

const memberStats = {
  members: sql<number>`count(${workers.id})::int`,
  capableMembers: sql<number>`(count(${workers.id}) filter (where ${workers.laborCapacity} <> 'none'))::int`,
  employedMembers: sql<number>`(count(${workers.id}) filter (where ${workers.employed}))::int`,
  /** Who lives there, eldest first, so a household reads as its people rather than as a number. */
  names: sql<string[]>`coalesce(array_agg(${workers.name} order by ${workers.birthDate}, ${workers.id}) filter (where ${workers.id} is not null), '{}')`,
  memberIds: sql<string[]>`coalesce(array_agg(${workers.id}::text order by ${workers.birthDate}, ${workers.id}) filter (where ${workers.id} is not null), '{}')`,
  /** The village's name, so a list or its CSV reads a place rather than a 12-digit code. */
  regionName: regionNameSql(households.regionCode),
};

/** 零就业家庭: at least one active member with labour capacity, and no active member employed. */
const zeroEmployment = sql`(count(${workers.id}) filter (where ${workers.laborCapacity} <> 'none')) > 0 and (count(${workers.id}) filter (where ${workers.employed})) = 0`;

export async function listHouseholds(
  db: Db,
  f: { scope: string; zeroEmployment?: boolean; relocated?: boolean; id?: string },
  page: { offset: number; limit: number },
) {
  const where = and(
    inRegion(households.regionCode, f.scope),
    f.relocated === undefined ? undefined : eq(households.relocated, f.relocated),
    f.id ? eq(households.id, f.id) : undefined,
  );
  const having = f.zeroEmployment === undefined ? undefined : f.zeroEmployment ? zeroEmployment : sql`not (${zeroEmployment})`;
  const base = db
    .select({ household: households, ...memberStats })
    .from(households)
    .leftJoin(workers, and(eq(workers.householdId, households.id), eq(workers.status, 'active')))
    .where(where)
    .groupBy(households.id)
    .having(having)
    .$dynamic();
  const totalRows = await db.select({ n: count() }).from(base.as('h'));
  const items = await base.orderBy(asc(households.regionCode), asc(households.createdAt), asc(households.id)).offset(page.offset).limit(page.limit);
  return { items, total: totalRows[0]?.n ?? 0 };
}

/** Zero-employment households counted per child region of `scope` (one level down, or itself at the bottom). */
export async function zeroEmploymentByRegion(db: Db, scope: string) {
  const childLen = scope.length === 2 ? 4 : scope.length === 4 ? 6 : scope.length === 6 ? 9 : 12;
  const result = await db.execute(sql`
    select g."regionCode", ${regionNameSql(sql`g."regionCode"`)} as "regionName", g.households
    from (
    select substring(z.region_code from 1 for ${childLen}) as "regionCode", count(*)::int as "households"
    from (
      select h.region_code
      from ${households} h
      join ${workers} w on w.household_id = h.id and w.status = 'active'
      where h.region_code like ${scope.replace(/[%_\\]/g, '') + '%'}
      group by h.id
      having count(*) filter (where w.labor_capacity <> 'none') > 0 and count(*) filter (where w.employed) = 0
    ) z
    group by 1
    ) g
    order by 1`);
  return rowsOf<{ regionCode: string; regionName: string | null; households: number }>(result);
}

/**
 * Read model for a query of another module: the home region of the person whose id is this column or
 * expression (one row each, by the key). The register owns the column it reads.
 */
export function homeRegionOf(workerId: SQL | AnyPgColumn): SQL<string> {
  return sql<string>`(select w.region_code from ${workers} w where w.id = ${workerId})`;
}

/**
 * The desk's search, as a subquery another module joins its own rows to: up to `limit` active people of
 * the region `regionCode` or under it, by the start of the name or the last four of the ID number,
 * in name order.
 */
export function peopleMatching(db: Db, regionCode: string, q: string, limit: number) {
  const tail = /^[0-9xX]{4}$/.test(q) ? q.toUpperCase() : null;
  return db
    .select({ id: workers.id, name: workers.name, idNumberMasked: workers.idNumberMasked, regionCode: workers.regionCode })
    .from(workers)
    .where(and(like(workers.regionCode, `${regionCode}%`), eq(workers.status, 'active'), tail ? like(workers.idNumberMasked, `%${tail}`) : like(workers.name, `${q.replace(/[%_\\]/g, '')}%`)))
    .orderBy(asc(workers.name), asc(workers.id))
    .limit(limit)
    .as('people');
}

/** Whether the household was relocated (易地扶贫搬迁); false for one not known. */
export async function householdRelocated(db: Db, householdId: string): Promise<boolean> {
  const [row] = await db.select({ r: households.relocated }).from(households).where(eq(households.id, householdId));
  return row?.r ?? false;
}
