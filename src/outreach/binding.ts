import { randomInt } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { assertInScope, type Actor } from '../shared/actor';
import { auditRead, command, type CommandProps } from '../shared/command';
import type { AppContext } from '../context';
import { isStaffContact } from '../access';
import { identities } from '../db/schema/outreach';
import { activeWorkerAmong, activeWorkerWhereIdIn, findWorker, findWorkerByIdHash } from '../registry';
import { preparedOn } from '../db/prepared';
import { normalizeResidentId, parseResidentId } from '../pii/resident-id';
import { Conflict, NotFound } from '../shared/errors';

/**
 * Binding a chat door (a WeChat contact, a mini-program or official-account openid) to a registered person:
 * outreach keeps people's doors, so the code a station hands out, the binding and the look-up of a door's
 * person are its own.
 */
type Ctx = Pick<AppContext, 'db' | 'clock' | 'redis' | 'pii' | 'config'>;
type Meta = { requestId?: string; ip?: string };

export const BINDING_CODE_DAYS = 7;
export const BIND_TRIES_PER_HOUR = 5;
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
 * The person acts for themselves, so the props carry only the context.
 */
export async function bindContact(props: Pick<CommandProps, 'ctx'> & { ctx: Ctx }, door: { kind: 'wechat_contact' | 'mp_openid' | 'oa_openid'; value: string; accountId?: string }, proof: { code: string } | { name: string; idNumber: string }): Promise<BindResult> {
  const { ctx } = props;
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

/** The person (still in the programme) whose WeChat contact or follower this is: asked at every chat message, so one prepared statement. */
export async function workerForContact(ctx: Pick<AppContext, 'db'>, door: { kind: 'wechat_contact' | 'oa_openid'; value: string }) {
  const [w] = await preparedOn(ctx.db, 'worker_for_contact', (db) =>
    activeWorkerWhereIdIn(
      db,
      db
        .select({ id: identities.workerId })
        .from(identities)
        .where(and(eq(identities.kind, sql.placeholder('kind')), eq(identities.value, sql.placeholder('value')))),
    ).prepare('worker_for_contact'),
  ).execute({ kind: door.kind, value: door.value });
  return w;
}

