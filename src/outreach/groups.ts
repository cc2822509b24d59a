import { and, eq, isNull, like } from 'drizzle-orm';
import type { AppContext } from '../context';
import { chatGroups } from '../db/schema/outreach';
import { regionExists } from '../registry';
import { inScope, assertInScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import type { OutreachProps } from './props';


/** A station registers a WeChat group it manages (the bot must be a member), for broadcasts into it. */
export async function addGroup({ ctx, actor, meta }: OutreachProps<Pick<AppContext, 'db' | 'clock'>>, input: { name: string; regionCode: string }) {
  if (!inScope(actor, input.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (!(await regionExists(ctx.db, input.regionCode))) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  const [same] = await ctx.db.select({ id: chatGroups.id }).from(chatGroups).where(and(eq(chatGroups.name, input.name), isNull(chatGroups.removedAt)));
  if (same) throw new Conflict('group already registered', [{ path: 'body.name', message: 'errors:detail.chat.group_taken' }]);
  const g = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [g] = await tx.insert(chatGroups).values({ name: input.name, regionCode: input.regionCode, createdBy: actor.accountId, createdAt: ctx.clock.now() }).returning();
    audit({ action: 'chat_group.add', entity: 'chat_group', entityId: g!.id, regionCode: g!.regionCode });
    return g!;
  });
  return presentGroup(g);
}

function presentGroup(g: typeof chatGroups.$inferSelect) {
  return { id: g.id, name: g.name, regionCode: g.regionCode, createdAt: g.createdAt.toISOString(), removedAt: g.removedAt?.toISOString() ?? null };
}

export async function listGroups(ctx: Pick<AppContext, 'db'>, actor: Actor) {
  const rows = await ctx.db.select().from(chatGroups).where(and(like(chatGroups.regionCode, `${actor.regionCode}%`), isNull(chatGroups.removedAt))).orderBy(chatGroups.name);
  return { items: rows.map(presentGroup) };
}

export async function removeGroup({ ctx, actor, meta }: OutreachProps<Pick<AppContext, 'db' | 'clock'>>, id: string) {
  const [g] = await ctx.db.select().from(chatGroups).where(eq(chatGroups.id, id));
  if (!g) throw new NotFound('chat group', id);
  assertInScope(actor, g.regionCode, 'chat group', id);
  const done = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [done] = await tx.update(chatGroups).set({ removedAt: ctx.clock.now() }).where(and(eq(chatGroups.id, id), isNull(chatGroups.removedAt))).returning();
    if (!done) throw new Conflict('already removed', [{ path: 'group', message: 'errors:detail.chat.group_removed' }]);
    audit({ action: 'chat_group.remove', entity: 'chat_group', entityId: id, regionCode: g.regionCode });
    return done;
  });
  return presentGroup(done);
}
