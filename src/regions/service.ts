import { assertInScope, inScope, type Actor } from '../access/actor';
import type { AppContext } from '../context';
import { NotFound } from '../shared/errors';
import * as q from './queries';

type Ctx = Pick<AppContext, 'db'>;

export async function getRegion(ctx: Ctx, actor: Actor, code: string) {
  const region = await q.findRegion(ctx.db, code);
  // Ancestors of the actor's own region are visible too, so the console can show the path.
  if (!region || !(inScope(actor, code) || actor.regionCode.startsWith(code))) throw new NotFound('region', code);
  return region;
}

/** Children of a region inside the actor's subtree; without a parent, the actor's own region. */
export async function listRegions(ctx: Ctx, actor: Actor, parent: string | undefined) {
  if (!parent) {
    const own = await q.findRegion(ctx.db, actor.regionCode);
    return own ? [own] : [];
  }
  assertInScope(actor, parent, 'region', parent);
  return q.listChildren(ctx.db, parent);
}
