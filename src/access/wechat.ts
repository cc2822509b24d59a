import { randomInt } from 'node:crypto';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { preparedOn } from '../db/prepared';
import { accounts } from '../db/schema/access';
import { auditRead, command, type AuditMeta, type CommandActor, type CommandProps } from '../shared/command';
import { NotFound } from '../shared/errors';
import type { Actor } from '../shared/actor';
import { presentContact, type ContactView } from './contact';
import type { AccessProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'redis' | 'pii'>;
type Meta = { requestId?: string; ip?: string };

/**
 * A member of staff binds their own WeChat as a registered person does, by a one-time code sent to the
 * bot, but with a code of its own shape: eight digits (a person's code has six), valid a short while,
 * since the holder reads it off the screen in front of them and sends it at once.
 */
export const STAFF_CODE_MINUTES = 15;
export const STAFF_CODE = /^\d{8}$/;
const codeKey = (code: string) => `bind:staff:${code}`;
const latestKey = (accountId: string) => `bind:staff:of:${accountId}`;
/** The same count of failed tries as a person's binding: one door, one budget (BIND_TRIES_PER_HOUR). */
export const triesKeyOf = (ctx: Pick<AppContext, 'pii'>, contact: string) => `bind:tries:${ctx.pii.index('contact', `wechat_contact:${contact}`)}`;
const TRIES_PER_HOUR = 5;

export const WechatCodeView = z
  .object({
    code: z.string().regex(STAFF_CODE).meta({ description: 'Send these eight digits to the WeChat bot from your own WeChat; single use' }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'StaffWechatCode' });
export type WechatCodeView = z.infer<typeof WechatCodeView>;

/** A new code for the signed-in account; the one issued before it stops working. */
export async function issueStaffCode(ctx: Ctx, actor: Actor, meta: Meta): Promise<WechatCodeView> {
  const [a] = await ctx.db.select({ regionCode: accounts.regionCode }).from(accounts).where(and(eq(accounts.id, actor.accountId), isNull(accounts.disabledAt)));
  if (!a) throw new NotFound('account', actor.accountId);
  const ttl = STAFF_CODE_MINUTES * 60;
  const before = await ctx.redis.kv.get(latestKey(actor.accountId));
  if (before) await ctx.redis.kv.del(codeKey(before));
  for (;;) {
    const code = String(randomInt(10_000_000, 100_000_000));
    if (await ctx.redis.kv.set(codeKey(code), actor.accountId, 'EX', ttl, 'NX')) {
      await ctx.redis.kv.set(latestKey(actor.accountId), code, 'EX', ttl);
      // The code lives in Redis alone: this entry is the only row written.
      await auditRead({ ctx, actor, meta }, { action: 'account.wechat_code', entity: 'account', entityId: actor.accountId, regionCode: a.regionCode });
      return { code, expiresAt: new Date(ctx.clock.now().getTime() + ttl * 1000).toISOString() };
    }
  }
}

export type StaffBindResult =
  | { ok: true; accountId: string; displayName: string; locale: string }
  /** wrong_kind: this WeChat is a registered person's; it cannot also be a member of staff's. */
  | { ok: false; reason: 'locked' | 'no_match' | 'wrong_kind' };

/**
 * Binds the WeChat contact that sent a staff code to the account the code was issued to. The code is taken
 * once (a second use finds nothing); a WeChat bound to a registered person is refused and nothing is
 * written, the code left for the holder's own WeChat. A WeChat bound to another account before moves here.
 * Whether a WeChat is a person's is outreach's to say (it keeps their doors): the caller passes its answer.
 */
export async function bindStaffContact(
  props: Pick<AccessProps<Ctx>, 'ctx'>,
  door: { value: string; accountId?: string },
  code: string,
  isPersonContact: (db: Ctx['db'], contact: string) => Promise<boolean>,
): Promise<StaffBindResult> {
  const { ctx } = props;
  const triesKey = triesKeyOf(ctx, door.value);
  if (Number((await ctx.redis.kv.get(triesKey)) ?? 0) >= TRIES_PER_HOUR) return { ok: false, reason: 'locked' };
  if (await isPersonContact(ctx.db, door.value)) return { ok: false, reason: 'wrong_kind' };
  const accountId = STAFF_CODE.test(code) ? await ctx.redis.kv.getdel(codeKey(code)) : null;
  const [a] = accountId ? await ctx.db.select().from(accounts).where(and(eq(accounts.id, accountId), isNull(accounts.disabledAt))) : [];
  if (!a) {
    const n = await ctx.redis.kv.incr(triesKey);
    if (n === 1) await ctx.redis.kv.expire(triesKey, 3600);
    return { ok: false, reason: n >= TRIES_PER_HOUR ? 'locked' : 'no_match' };
  }
  const now = ctx.clock.now();
  await command({ ctx, actor: { accountId: a.id } }, async (tx, audit) => {
    await tx.update(accounts).set({ chatContact: null, chatSendingAccountId: null, chatBoundAt: null }).where(and(eq(accounts.chatContact, door.value), ne(accounts.id, a.id)));
    await tx.update(accounts).set({ chatContact: door.value, chatSendingAccountId: door.accountId ?? null, chatBoundAt: now }).where(eq(accounts.id, a.id));
    audit({ action: 'account.wechat_bind', entity: 'account', entityId: a.id, regionCode: a.regionCode, details: { by: 'code' } });
  });
  await ctx.redis.kv.del(latestKey(a.id), triesKey);
  return { ok: true, accountId: a.id, displayName: a.displayName, locale: a.locale };
}

/** The member of staff whose WeChat this is, if any (an account disabled since is nobody's). */
export async function staffForContact(ctx: Pick<AppContext, 'db'>, contact: string) {
  // Asked for every chat message: prepared once.
  const [a] = await preparedOn(ctx.db, 'staff_for_contact', (db) =>
    db
      .select({ id: accounts.id, displayName: accounts.displayName, locale: accounts.locale, regionCode: accounts.regionCode })
      .from(accounts)
      .where(and(eq(accounts.chatContact, sql.placeholder('contact')), isNull(accounts.disabledAt)))
      .prepare('staff_for_contact'),
  ).execute({ contact });
  return a;
}

/** Unbinds the account's WeChat: from the console (`via: 'console'`) or by 解绑 in the chat. */
export async function unbindStaffWechat(
  { ctx, actor, meta = {} }: CommandProps & { ctx: Pick<AppContext, 'db'>; actor: CommandActor; meta?: AuditMeta },
  via: 'console' | 'chat',
): Promise<ContactView> {
  const accountId = actor.accountId;
  const row = await command({ ctx, actor: { accountId }, meta }, async (tx, audit) => {
    const [before] = await tx.select({ contact: accounts.chatContact }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    const [row] = await tx.update(accounts).set({ chatContact: null, chatSendingAccountId: null, chatBoundAt: null }).where(eq(accounts.id, accountId)).returning();
    if (!row) throw new NotFound('account', accountId);
    if (before?.contact) audit({ action: 'account.wechat_unbind', entity: 'account', entityId: accountId, regionCode: row.regionCode, details: { via } });
    return row;
  });
  return presentContact(row);
}
