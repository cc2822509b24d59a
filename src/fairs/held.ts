import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { jobFairs } from '../db/schema/fairs';

/**
 * The fairs held under a region (announced, live, ended or reported: neither drafts nor cancelled ones) on a day from
 * `from` to `to` (Beijing time), whose campaign tag is like one of `campaignLike`, counted by the region `digits` long
 * they are in. Monitoring's progress form (附件1) counts its "乐业搬迁（迁建）" fairs with it, handed this function by
 * the server, since fairs sit beside monitoring, not below it.
 */
export async function fairsHeld(db: Db, q: { under: string; digits: number; from: string; to: string; campaignLike: readonly string[] }): Promise<Array<{ code: string; n: number }>> {
  if (q.campaignLike.length === 0) return [];
  const digits = sql.raw(String(Number(q.digits)));
  const campaign = sql.join(q.campaignLike.map((p) => sql`${jobFairs.campaign} like ${p}`), sql` or `);
  return rowsOf<{ code: string; n: number }>(
    await db.execute(sql`
      select left(${jobFairs.regionCode}, ${digits}) as code, count(*)::int as n from ${jobFairs}
      where ${jobFairs.regionCode} like ${q.under} and ${jobFairs.status} in ('announced', 'live', 'ended', 'reported')
        and (${jobFairs.startsAt} at time zone 'Asia/Shanghai')::date between ${q.from}::date and ${q.to}::date
        and (${campaign})
      group by 1`),
  );
}
