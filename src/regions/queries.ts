import { and, asc, eq, ilike, inArray, like, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { regions } from '../db/schema/regions';

export async function findRegion(db: Db, code: string) {
  const [row] = await db.select().from(regions).where(eq(regions.code, code)).limit(1);
  return row;
}

export async function listChildren(db: Db, parentCode: string) {
  return db.select().from(regions).where(eq(regions.parentCode, parentCode)).orderBy(asc(regions.code));
}

/** Regions under a code (itself included) down to a level, names and codes only: the places a chat message may name. */
export async function regionsUnder(db: Db, prefix: string, maxLevel: number) {
  return db
    .select({ code: regions.code, name: regions.name, level: regions.level })
    .from(regions)
    .where(and(like(regions.code, `${prefix}%`), lte(regions.level, maxLevel)))
    .orderBy(asc(regions.level), asc(regions.code));
}

/** The level of each of these codes that is a region. */
export async function levelsOf(db: Db, codes: string[]) {
  return db.select({ code: regions.code, level: regions.level }).from(regions).where(inArray(regions.code, codes));
}

/** Regions under a code (itself included) at any of the given levels: code, name and level. */
export async function regionsAtLevels(db: Db, prefix: string, levels: number[]) {
  return db
    .select({ code: regions.code, name: regions.name, level: regions.level })
    .from(regions)
    .where(and(like(regions.code, `${prefix}%`), inArray(regions.level, levels)));
}

/** Regions of a level under a code whose name holds the words typed, with their township and county; names first that begin with them. */
export async function searchByName(db: Db, prefix: string, q: string, level: number, limit: number) {
  const t = alias(regions, 'township');
  const c = alias(regions, 'county');
  const pattern = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return db
    .select({ code: regions.code, name: regions.name, level: regions.level, township: t.name, county: c.name })
    .from(regions)
    .leftJoin(t, eq(t.code, sql`left(${regions.code}, 9)`))
    .leftJoin(c, eq(c.code, sql`left(${regions.code}, 6)`))
    .where(and(like(regions.code, `${prefix}%`), eq(regions.level, level), ilike(regions.name, pattern)))
    .orderBy(sql`position(${q} in ${regions.name})`, asc(regions.code))
    .limit(limit);
}
