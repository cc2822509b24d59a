import { and, eq } from 'drizzle-orm';
import type { Executor } from '../shared/command';
import { identities } from '../db/schema/outreach';

/** Whether this WeChat contact is bound to a registered person (whatever their status), through any account. */
export async function isPersonContact(db: Executor, contact: string): Promise<boolean> {
  const [row] = await db.select({ id: identities.id }).from(identities).where(and(eq(identities.kind, 'wechat_contact'), eq(identities.value, contact))).limit(1);
  return row !== undefined;
}
