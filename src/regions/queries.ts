import { and, asc, eq, like, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { regions } from '../db/schema';

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
