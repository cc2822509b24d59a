import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { fairSignups } from '../db/schema/fairs';
import { fairTitles } from '../market';

/** The fairs one person signed up for, for their right of access: the fair's title and start, and the sign-up's status, source and check-in. */
export async function personalDataOf(db: Db, workerId: string) {
  const signups = await db
    .select({ fairId: fairSignups.fairId, status: fairSignups.status, source: fairSignups.source, checkedInAt: fairSignups.checkedInAt, createdAt: fairSignups.createdAt })
    .from(fairSignups)
    .where(eq(fairSignups.workerId, workerId));
  const fairs = new Map((await fairTitles(db, [...new Set(signups.map((s) => s.fairId))])).map((f) => [f.id, f]));
  return signups.flatMap(({ fairId, ...s }) => {
    const fair = fairs.get(fairId);
    return fair ? [{ fair: fair.title, startsAt: fair.startsAt, ...s }] : [];
  });
}
