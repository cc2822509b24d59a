import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rainDewFiles } from '../db/schema/rain-dew';
import { firedSteps } from '../outreach';

/**
 * The Rain Dew question sent to the person since `since` that they have not answered yet (its step), if any:
 * one sent after the file's last contact. One statement, over outreach's read model of the steps it sent.
 */
export async function openQuestion(db: Db, workerId: string, since: Date): Promise<string | undefined> {
  const sent = firedSteps(db, { workerId, sequence: 'rain_dew', since });
  const [open] = await db
    .select({ step: sent.step })
    .from(sent)
    .innerJoin(rainDewFiles, eq(rainDewFiles.workerId, sent.workerId))
    .where(and(eq(sent.workerId, workerId), sql`(${rainDewFiles.lastContactAt} is null or ${rainDewFiles.lastContactAt} < ${sent.firedAt})`))
    .orderBy(desc(sent.firedAt))
    .limit(1);
  return open?.step;
}
