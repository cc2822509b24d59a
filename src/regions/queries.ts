import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { regions } from '../db/schema';

export async function findRegion(db: Db, code: string) {
  const [row] = await db.select().from(regions).where(eq(regions.code, code)).limit(1);
  return row;
}

export async function listChildren(db: Db, parentCode: string) {
  return db.select().from(regions).where(eq(regions.parentCode, parentCode)).orderBy(asc(regions.code));
}
