import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { employers } from '../db/schema/market';

/** The region an employer is registered in, or undefined when there is no such employer. */
export async function employerRegion(db: Db, id: string): Promise<string | undefined> {
  const [e] = await db.select({ regionCode: employers.regionCode }).from(employers).where(eq(employers.id, id)).limit(1);
  return e?.regionCode;
}
