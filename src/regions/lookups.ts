import { and, asc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { regions } from '../db/schema/regions';

/** The name of each of these codes that is a region, in one query (codes not known are left out). */
export async function namesOf(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes)];
  if (!wanted.length) return new Map();
  const rows = await db.select({ code: regions.code, name: regions.name }).from(regions).where(inArray(regions.code, wanted));
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** The name of one region, or undefined when the code is not a region. */
export async function nameOf(db: Db, code: string): Promise<string | undefined> {
  const [row] = await db.select({ name: regions.name }).from(regions).where(eq(regions.code, code)).limit(1);
  return row?.name;
}

/** Which of these codes are regions. */
export async function knownCodes(db: Db, codes: readonly string[]): Promise<Set<string>> {
  return new Set((await namesOf(db, codes)).keys());
}

/** The regions directly below one, code and name, by code. */
export async function childrenOf(db: Db, parentCode: string): Promise<{ code: string; name: string }[]> {
  return db.select({ code: regions.code, name: regions.name }).from(regions).where(eq(regions.parentCode, parentCode)).orderBy(asc(regions.code));
}

/** Which of these codes have regions below them. */
export async function withChildren(db: Db, codes: readonly string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const rows = await db.select({ parent: regions.parentCode }).from(regions).where(inArray(regions.parentCode, [...codes])).groupBy(regions.parentCode);
  return new Set(rows.map((r) => r.parent).filter((p): p is string => p !== null));
}

/** The regions whose code starts with `prefix` and is `digits` long (a prefecture's counties: its 4 digits, 6), code and name, by code. */
export async function regionsOfDigits(db: Db, prefix: string, digits: number): Promise<{ code: string; name: string }[]> {
  return db
    .select({ code: regions.code, name: regions.name })
    .from(regions)
    .where(and(like(regions.code, `${prefix}%`), sql`length(${regions.code}) = ${digits}`))
    .orderBy(asc(regions.code));
}

/**
 * Read model for reports over many people: true when a region code (a column or expression of the caller's
 * query) lies in a relocation site (易地搬迁安置区) or under one. Regions owns the columns it reads.
 */
export function inRelocationSite(regionCode: SQL): SQL {
  return sql`exists (select 1 from ${regions} s where s.relocation_site and ${regionCode} like s.code || '%')`;
}

/** Read model: the relocation sites (易地搬迁安置区) under a code, itself included, as a subquery of columns `code` and `name`. */
export function relocationSitesSql(prefix: string): SQL {
  return sql`select code, name from ${regions} where relocation_site and code like ${`${prefix}%`}`;
}

/** The relocation sites (易地搬迁安置区) under a code, itself included, code and name, by code. */
export async function relocationSitesUnder(db: Db, prefix: string): Promise<{ code: string; name: string }[]> {
  return db
    .select({ code: regions.code, name: regions.name })
    .from(regions)
    .where(and(eq(regions.relocationSite, true), like(regions.code, `${prefix}%`)))
    .orderBy(asc(regions.code));
}

/** Of these codes, those flagged as a key assistance county (乡村振兴重点帮扶县) or a relocation site (易地搬迁安置区), with their flags. */
export async function flaggedAmong(db: Db, codes: readonly string[]): Promise<{ code: string; key: boolean; site: boolean }[]> {
  if (!codes.length) return [];
  return db
    .select({ code: regions.code, key: regions.keyAssistanceCounty, site: regions.relocationSite })
    .from(regions)
    .where(and(inArray(regions.code, [...codes]), or(eq(regions.keyAssistanceCounty, true), eq(regions.relocationSite, true))));
}
