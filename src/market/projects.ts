import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { marketProjects } from '../db/schema/market';
import type { Executor } from '../shared/command';

/** What the market knows of an assistance project: what monitoring, which keeps the projects, told it. */
export interface MarketProject {
  id: string;
  kind: string;
  regionCode: string;
}

/** Monitoring's word that a project was recorded or changed, in its transaction: the market keeps its kind and county. */
export async function noteProject(tx: Executor, p: MarketProject): Promise<void> {
  await tx.insert(marketProjects).values(p).onConflictDoUpdate({ target: marketProjects.id, set: { kind: p.kind, regionCode: p.regionCode } });
}

/** The project a post names, or undefined when the market has not heard of it. */
export async function projectOf(db: Db, id: string): Promise<MarketProject | undefined> {
  const [p] = await db.select().from(marketProjects).where(eq(marketProjects.id, id));
  return p;
}
