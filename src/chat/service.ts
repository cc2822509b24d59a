import { and, count, desc, eq, like } from 'drizzle-orm';
import { assertInScope, type Actor } from '../shared/actor';
import { command, type CommandProps } from '../shared/command';
import type { AppContext } from '../context';
import { ensureServiceAccount } from '../access';
import { helpRequests } from '../db/schema/chat';
import { namesAndPhonesOf, setHomePoint } from '../registry';
import { Conflict, NotFound } from '../shared/errors';
import type { ChatProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'redis' | 'pii' | 'config'>;

const CHAT_ACCOUNT = 'wechat-bot';

/** ID-card and phone numbers in free text, replaced before anything a person typed is stored or shown. */
export function maskNumbers(text: string): string {
  return text.replace(/\d{6,}[\dXx]?/g, (m) => `${m.slice(0, 2)}${'*'.repeat(Math.max(0, m.length - 4))}${m.slice(-2)}`);
}

/**
 * The account the bot acts as when a bound person applies, subscribes or reports by chat: it cannot
 * sign in (disabled), and the audit log names it. Its scope is everything, since it only ever acts for
 * the person whose WeChat is bound, on public posts.
 */
const chatAccounts = new WeakMap<object, string>();

export async function chatActor(ctx: Pick<AppContext, 'db' | 'config'>): Promise<Actor> {
  const known = chatAccounts.get(ctx.db);
  if (known) return { accountId: known, username: CHAT_ACCOUNT, role: 'system', regionCode: '', stationId: null, canRevealPii: false };
  const id = await ensureServiceAccount(ctx.db, { username: CHAT_ACCOUNT, displayName: '微信助手', regionCode: ctx.config.regionRoot });
  chatAccounts.set(ctx.db, id);
  return { accountId: id, username: CHAT_ACCOUNT, role: 'system', regionCode: '', stationId: null, canRevealPii: false };
}

/** 人工: a task for the station of the person's region (the deployment's root when not bound). */
export async function requestHelp(props: Pick<CommandProps, 'ctx'> & { ctx: Ctx }, input: { workerId: string | null; regionCode: string | null; contact: string; context: Array<{ at: string; text: string }> }) {
  const { ctx } = props;
  const regionCode = input.regionCode ?? ctx.config.regionRoot;
  // One open request per chat account: asking again adds to it rather than piling up.
  const [open] = await ctx.db.select().from(helpRequests).where(and(eq(helpRequests.contact, input.contact), eq(helpRequests.status, 'open'))).limit(1);
  if (open) {
    await ctx.db.update(helpRequests).set({ context: input.context }).where(eq(helpRequests.id, open.id));
    return { id: open.id, existing: true };
  }
  const id = await command({ ctx }, async (tx, audit) => {
    const [row] = await tx
      .insert(helpRequests)
      .values({ workerId: input.workerId, regionCode, contact: input.contact, context: input.context, createdAt: ctx.clock.now() })
      .returning({ id: helpRequests.id });
    audit({ action: 'help_request.open', entity: 'help_request', entityId: row!.id, regionCode });
    return row!.id;
  });
  return { id, existing: false };
}

export async function listHelpRequests(ctx: Pick<AppContext, 'db'>, actor: Actor, status: 'open' | 'closed' | undefined) {
  const where = and(like(helpRequests.regionCode, `${actor.regionCode}%`), status ? eq(helpRequests.status, status) : undefined);
  const rows = await ctx.db.select().from(helpRequests).where(where).orderBy(desc(helpRequests.createdAt)).limit(200);
  const people = await namesAndPhonesOf(ctx.db, rows.flatMap((r) => (r.workerId ? [r.workerId] : [])));
  // The newest 200 are listed; the count is of them all, so nothing waiting goes uncounted.
  const [all] = await ctx.db.select({ n: count() }).from(helpRequests).where(where);
  return {
    items: rows.map((r) => {
      const p = r.workerId ? people.get(r.workerId) : undefined;
      return presentHelp(r, p?.name ?? null, p?.phoneMasked ?? null);
    }),
    total: all?.n ?? 0,
  };
}

function presentHelp(r: typeof helpRequests.$inferSelect, name: string | null, phoneMasked: string | null) {
  return {
    id: r.id,
    workerId: r.workerId,
    workerName: name,
    phone: phoneMasked,
    regionCode: r.regionCode,
    door: r.door,
    context: r.context,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    note: r.note,
  };
}

export async function closeHelpRequest({ ctx, actor, meta }: ChatProps<Pick<AppContext, 'db' | 'clock'>>, id: string, note: string) {
  const [r] = await ctx.db.select().from(helpRequests).where(eq(helpRequests.id, id));
  if (!r) throw new NotFound('help request', id);
  assertInScope(actor, r.regionCode, 'help request', id);
  const done = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [done] = await tx
      .update(helpRequests)
      .set({ status: 'closed', closedAt: ctx.clock.now(), closedBy: actor.accountId, note })
      .where(and(eq(helpRequests.id, id), eq(helpRequests.status, 'open')))
      .returning();
    if (!done) throw new Conflict('already closed', [{ path: 'helpRequest', message: 'errors:detail.chat.closed' }]);
    audit({ action: 'help_request.close', entity: 'help_request', entityId: id, regionCode: r.regionCode });
    return done;
  });
  const w = done.workerId ? (await namesAndPhonesOf(ctx.db, [done.workerId])).get(done.workerId) : undefined;
  return presentHelp(done, w?.name ?? null, w?.phoneMasked ?? null);
}

/** Home location from a shared WeChat location, for gigs near home. */
export async function setHome(ctx: Pick<AppContext, 'db' | 'clock'>, workerId: string, lat: number, lng: number) {
  await setHomePoint(ctx.db, workerId, lat, lng, ctx.clock.now());
}
