import { randomInt } from 'node:crypto';
import { and, count, desc, eq, like } from 'drizzle-orm';
import { assertInScope, type Actor } from '../shared/actor';
import { auditRead, command } from '../shared/command';
import type { AppContext } from '../context';
import { ensureServiceAccount, isStaffContact } from '../access';
import { helpRequests } from '../db/schema/chat';
import { wageCases } from '../db/schema/market';
import { identities } from '../db/schema/outreach';
import { activeWorkerAmong, findWorker, findWorkerByIdHash, namesAndPhonesOf, setHomePoint } from '../registry';
import { normalizeResidentId, parseResidentId } from '../pii/resident-id';
import { Conflict, NotFound } from '../shared/errors';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'redis' | 'pii' | 'config'>;
type Meta = { requestId?: string; ip?: string };

export const BINDING_CODE_DAYS = 7;
export const BIND_TRIES_PER_HOUR = 5;
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

/** A one-time code a station hands to a person, who sends it to the bot to bind their WeChat. */
export async function issueBindingCode(ctx: Ctx, actor: Actor, workerId: string, meta: Meta) {
  const w = await findWorker(ctx.db, workerId);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  if (w.status !== 'active') throw new Conflict('worker not active', [{ path: 'worker', message: 'errors:detail.outreach.worker_inactive' }]);
  const ttl = BINDING_CODE_DAYS * 86400;
  for (;;) {
    const code = String(randomInt(100000, 1000000));
    if (await ctx.redis.kv.set(`bind:code:${code}`, workerId, 'EX', ttl, 'NX')) {
      // The code lives in Redis alone: this entry is the only row written.
      await auditRead({ ctx, actor, meta }, { action: 'binding_code.issue', entity: 'worker', entityId: workerId, regionCode: w.regionCode });
      return { code, expiresAt: new Date(ctx.clock.now().getTime() + ttl * 1000).toISOString() };
    }
  }
}

/** wrong_kind: the WeChat is a member of staff's own (bound to their account); it cannot also be a registered person's. */
export type BindResult = { ok: true; workerId: string; name: string; idMasked: string; consent: boolean } | { ok: false; reason: 'locked' | 'no_match' | 'bad_id' | 'wrong_kind' };

/**
 * Binds a chat account to a person: by a binding code, or by name and ID number (both must match the
 * register). At most BIND_TRIES_PER_HOUR failures an hour per chat account; a success forgets them.
 */
export async function bindContact(ctx: Ctx, door: { kind: 'wechat_contact' | 'mp_openid' | 'oa_openid'; value: string; accountId?: string }, proof: { code: string } | { name: string; idNumber: string }): Promise<BindResult> {
  const triesKey = `bind:tries:${ctx.pii.index('contact', `${door.kind}:${door.value}`)}`;
  const tries = Number((await ctx.redis.kv.get(triesKey)) ?? 0);
  if (tries >= BIND_TRIES_PER_HOUR) return { ok: false, reason: 'locked' };
  if (door.kind === 'wechat_contact') {
    if (await isStaffContact(ctx.db, door.value)) return { ok: false, reason: 'wrong_kind' };
  }
  const fail = async (reason: 'no_match' | 'bad_id'): Promise<BindResult> => {
    const n = await ctx.redis.kv.incr(triesKey);
    if (n === 1) await ctx.redis.kv.expire(triesKey, 3600);
    return { ok: false, reason: n >= BIND_TRIES_PER_HOUR ? 'locked' : reason };
  };
  let workerId: string | null = null;
  if ('code' in proof) {
    workerId = await ctx.redis.kv.get(`bind:code:${proof.code}`);
  } else {
    const id = normalizeResidentId(proof.idNumber);
    if (!parseResidentId(id, ctx.clock.now()).ok) return fail('bad_id');
    const w = await findWorkerByIdHash(ctx.db, ctx.pii.index('id', id));
    if (w && w.name.replace(/\s/g, '') === proof.name.replace(/\s/g, '')) workerId = w.id;
  }
  const w = workerId ? await activeWorkerAmong(ctx.db, [workerId]) : undefined;
  if (!w) return fail('no_match');
  await command({ ctx }, async (tx, audit) => {
    // One person per chat account: a chat account bound before (a shared phone) now belongs to this person.
    // WeChat ids are the same whichever account sees them: every account's record of this id now means this person.
    await tx.update(identities).set({ workerId: w.id }).where(and(eq(identities.kind, door.kind), eq(identities.value, door.value)));
    await tx.insert(identities).values({ workerId: w.id, kind: door.kind, value: door.value, accountId: door.accountId ?? null, createdAt: ctx.clock.now() }).onConflictDoNothing();
    audit({ action: 'chat.bind', entity: 'worker', entityId: w.id, regionCode: w.regionCode, details: { door: door.kind, by: 'code' in proof ? 'code' : 'id_number' } });
  });
  if ('code' in proof) await ctx.redis.kv.del(`bind:code:${proof.code}`);
  await ctx.redis.kv.del(triesKey);
  return { ok: true, workerId: w.id, name: w.name, idMasked: w.idNumberMasked, consent: w.consent };
}

export async function workerForContact(ctx: Pick<AppContext, 'db'>, door: { kind: 'wechat_contact' | 'oa_openid'; value: string }) {
  const doors = await ctx.db.select({ workerId: identities.workerId }).from(identities).where(and(eq(identities.kind, door.kind), eq(identities.value, door.value)));
  return activeWorkerAmong(ctx.db, doors.map((d) => d.workerId));
}

/** 人工: a task for the station of the person's region (the deployment's root when not bound). */
export async function requestHelp(ctx: Ctx, input: { workerId: string | null; regionCode: string | null; contact: string; context: Array<{ at: string; text: string }> }) {
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

export async function closeHelpRequest(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, id: string, note: string, meta: Meta) {
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

/** 工资: a bound person reports unpaid wages in their own words; the station sees a wage case. */
export async function reportWages(ctx: Pick<AppContext, 'db' | 'clock'>, worker: { id: string; regionCode: string }, said: string) {
  return command({ ctx }, async (tx, audit) => {
    const [row] = await tx
      .insert(wageCases)
      .values({ workerId: worker.id, regionCode: worker.regionCode, reason: 'reported_by_chat', description: maskNumbers(said).slice(0, 500), openedAt: ctx.clock.now() })
      .returning({ id: wageCases.id });
    audit({ action: 'wage_case.report', entity: 'wage_case', entityId: row!.id, regionCode: worker.regionCode, details: { door: 'chat' } });
    return row!.id;
  });
}

/** Home location from a shared WeChat location, for gigs near home. */
export async function setHome(ctx: Pick<AppContext, 'db' | 'clock'>, workerId: string, lat: number, lng: number) {
  await setHomePoint(ctx.db, workerId, lat, lng, ctx.clock.now());
}
