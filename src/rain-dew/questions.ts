import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { preparedOn } from '../db/prepared';
import { rainDewFiles } from '../db/schema/rain-dew';
import { firedSteps } from '../outreach';

/**
 * The Rain Dew question sent to the person since `since` that they have not answered yet (its step), if any:
 * one sent after the file's last contact. One statement, over outreach's read model of the steps it sent.
 */
export async function openQuestion(db: Db, workerId: string, since: Date): Promise<string | undefined> {
  // Asked at most messages a registered person sends: prepared once.
  const [open] = await preparedOn(db, 'open_rain_dew_question', (d) => {
    const sent = firedSteps(d, { workerId: sql.placeholder('workerId'), sequence: 'rain_dew', since: sql.placeholder('since') });
    return d
      .select({ step: sent.step })
      .from(sent)
      .innerJoin(rainDewFiles, eq(rainDewFiles.workerId, sent.workerId))
      .where(and(eq(sent.workerId, sql.placeholder('workerId')), sql`(${rainDewFiles.lastContactAt} is null or ${rainDewFiles.lastContactAt} < ${sent.firedAt})`))
      .orderBy(desc(sent.firedAt))
      .limit(1)
      .prepare('open_rain_dew_question');
  }).execute({ workerId, since: since.toISOString() });
  return open?.step;
}
