import { inArray, sql, type SQL } from 'drizzle-orm';

/** What an anonymised field holds instead of the person's words (PIPL Art. 19). */
export const ANONYMISED = '已匿名';

/**
 * The people being anonymised, as every owner of their data is told in the one transaction that
 * anonymises them: their ids, and every WeChat identifier they were known by (gathered first from the
 * owners that keep one: outreach's doors, the mini-program's sign-ins), so an owner can also find what
 * it kept under such an identifier without the person's id (a help request or a sign-in made before binding).
 */
export interface Erasure {
  workerIds: string[];
  wechatIds: string[];
}

/** Rows whose column holds one of the people's WeChat identifiers (none when no identifier is known). */
export function knownBy(erasure: Erasure, col: Parameters<typeof inArray>[0]): SQL {
  return erasure.wechatIds.length ? inArray(col, erasure.wechatIds) : sql`false`;
}
