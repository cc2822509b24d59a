import { and, asc, eq, like } from 'drizzle-orm';
import type { AppContext } from '../context';
import { staffChatDoor, stationRegion } from '../access';
import { identities, sendingAccounts, type SendingAccount } from '../db/schema/outreach';
import { inScope } from '../shared/actor';
import { command } from '../shared/command';
import { regionExists } from '../registry';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { notify } from '../notices';
import { shanghaiDate } from '../shared/time';
import { leasesOf } from './lease';
import { HeldElsewhere, InDoubt, mayHaveArrived, type Channel, type SendResult } from './channels';
import type { OutreachProps } from './props';

/** What one logged-in account can do; the bot process registers it at login and removes it at logout. */
export interface LiveAccount {
  id: string;
  say(contactId: string, text: string): Promise<'ok' | 'contact_not_found'>;
  postToGroup(topic: string, text: string): Promise<'ok' | 'group_not_found'>;
  /** Whether this login's own record shows the text said to the contact since then (what the puppet keeps). */
  findSent?(contactId: string, text: string, since: Date): Promise<boolean>;
  /** The lease this process drives the account under: every send checks it first (StaleLease when lost). */
  lease?: { token: number; fence(): Promise<void> };
}

/** Whether another live bot process holds one of these accounts (set by the bot process that shares the accounts out). */
let elsewhere: ((accountIds: string[]) => Promise<boolean>) | undefined;

export function watchLeases(check: typeof elsewhere): void {
  elsewhere = check;
}

/** Counted per account and day, against WeChat's limits. */
export type AccountAction = 'message' | 'group_post' | 'contact_lookup';

const live = new Map<string, LiveAccount>();
/** The next moment each account may send (its pace, CHAT_SEND_INTERVAL_MS). */
const nextSlot = new Map<string, number>();
const cachedAccounts = new WeakMap<object, { at: number; rows: Map<string, SendingAccount> }>();
let defaultAccountId: string | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether any account has logged in since this process started (before that, the pool is still starting). */
let started = false;

/**
 * Accounts whose lease this process has just taken, their bot still starting (a takeover from a process that
 * died): what only they reach waits for them instead of going by the next channel meanwhile.
 */
const starting = new Set<string>();

/** Marks an account as starting in this process (its lease taken, its bot not logged in yet), or no longer. */
export function startingHere(id: string, on: boolean): void {
  if (on) starting.add(id);
  else starting.delete(id);
}

export function goOnline(account: LiveAccount): void {
  live.set(account.id, account);
  started = true;
}

export function goOffline(id: string): void {
  live.delete(id);
}

export function liveAccountIds(): string[] {
  return [...live.keys()];
}

function counterKey(id: string, day: string, action: AccountAction): string {
  return `acct:${id}:${day}:${action}`;
}

/** Adds one to a day's count of an action for an account (today unless told); the count is kept three days. */
export async function count(ctx: Pick<AppContext, 'redis' | 'clock'>, id: string, action: AccountAction, by = 1, day = shanghaiDate(ctx.clock.now())): Promise<number> {
  const key = counterKey(id, day, action);
  const n = await ctx.redis.kv.incrby(key, by);
  if (n === by) await ctx.redis.kv.expire(key, 3 * 86400);
  return n;
}

/** Today's counts of every action for some accounts. */
export async function todayCounts(ctx: Pick<AppContext, 'redis' | 'clock'>, ids: string[]): Promise<Map<string, Record<AccountAction, number>>> {
  const day = shanghaiDate(ctx.clock.now());
  const actions: AccountAction[] = ['message', 'group_post', 'contact_lookup'];
  const keys = ids.flatMap((id) => actions.map((a) => counterKey(id, day, a)));
  const values = keys.length ? await ctx.redis.kv.mget(...keys) : [];
  const out = new Map<string, Record<AccountAction, number>>();
  ids.forEach((id, i) => out.set(id, Object.fromEntries(actions.map((a, j) => [a, Number(values[i * actions.length + j] ?? 0)])) as Record<AccountAction, number>));
  return out;
}

/** The account the service runs when none is registered: the one set by WECHATY_PUPPET and BOT_NAME. */
export async function ensureDefaultAccount(ctx: Pick<AppContext, 'db' | 'config'>): Promise<SendingAccount> {
  await ctx.db.insert(sendingAccounts).values({ name: ctx.config.bot.name, regionCode: ctx.config.regionRoot, puppet: ctx.config.bot.puppet }).onConflictDoNothing({ target: sendingAccounts.name });
  const [row] = await ctx.db.select().from(sendingAccounts).where(eq(sendingAccounts.name, ctx.config.bot.name));
  defaultAccountId = row!.id;
  return row!;
}

async function accountRows(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<Map<string, SendingAccount>> {
  const now = Date.now();
  let cached = cachedAccounts.get(ctx.db);
  if (!cached || now - cached.at > 5000) {
    cached = { at: now, rows: new Map((await ctx.db.select().from(sendingAccounts)).map((a) => [a.id, a])) };
    cachedAccounts.set(ctx.db, cached);
  }
  return cached.rows;
}

/**
 * An account changed state. Logged out, errored into a block, or set aside: it leaves the pool at once (its
 * people are reached by the other accounts or the next channel) and the station's staff are told.
 */
export async function setAccountStatus(ctx: Pick<AppContext, 'db' | 'clock' | 'logger' | 'noticePorts'> & Partial<Pick<AppContext, 'queues'>>, id: string, status: SendingAccount['status'], reason: string | null, opts: { alert?: boolean; byStaff?: boolean } = {}): Promise<void> {
  if (status !== 'online') goOffline(id);
  const at = ctx.clock.now();
  const [before] = await ctx.db.select().from(sendingAccounts).where(eq(sendingAccounts.id, id));
  // An account staff set aside stays aside whatever its puppet does; only staff bring it back.
  if (!before || (before.status === 'disabled' && !opts.byStaff)) return;
  await ctx.db.update(sendingAccounts).set({ status, statusReason: reason, statusAt: at }).where(eq(sendingAccounts.id, id));
  cachedAccounts.delete(ctx.db);
  ctx.logger[status === 'online' ? 'info' : 'warn']({ account: id, status, reason }, 'sending account status');
  if ((opts.alert ?? true) && before.status === 'online' && (status === 'offline' || status === 'blocked')) {
    await notify(ctx, at, {
      kind: status === 'blocked' ? 'account_blocked' : 'account_offline',
      regionCode: before.regionCode,
      reach: 'region_and_above',
      audience: 'staff',
      params: { name: before.name, reason: reason ?? '' },
      link: { entity: 'sending_account', id },
      dedupeKey: `account:${id}:${status}:${at.toISOString()}`,
    }, ctx.queues);
  }
}

/** A chat delivery keeps the account and the fencing token it was sent under (as its provider reference). */
function leaseRef(account: LiveAccount): { ref?: string } {
  return account.lease ? { ref: `lease:${account.id}:${account.lease.token}` } : {};
}

/** Waits for the account's next free moment and takes it. */
async function pace(id: string, intervalMs: number): Promise<void> {
  const now = Date.now();
  const slot = Math.max(now, nextSlot.get(id) ?? 0);
  nextSlot.set(id, slot + intervalMs);
  if (slot > now) await sleep(slot - now);
}

/**
 * WeChat chat through the pool: the accounts logged in here that have the person as a contact, least
 * used today first. Each message counts against the account's daily ceiling; an account at its ceiling
 * or offline is passed over, and when none is left the delivery moves on to the next channel.
 */
export function poolChannel(ctx: Pick<AppContext, 'db' | 'redis' | 'clock' | 'config' | 'logger'>): Channel {
  return {
    name: 'chat',
    async send(msg): Promise<SendResult> {
      // A member of staff: the WeChat they bound themselves (unbound since: the next channel serves).
      const known = msg.workerId
        ? await ctx.db.select({ value: identities.value, accountId: identities.accountId }).from(identities).where(and(eq(identities.workerId, msg.workerId), eq(identities.kind, 'wechat_contact')))
        : [await staffChatDoor(ctx.db, msg.accountId!)]
            .filter((k) => k !== undefined)
            .filter((k): k is { value: string; accountId: string | null } => k.value !== null);
      if (!known.length) return { ok: false, permanent: true, reason: 'not_bound' };
      const rows = await accountRows(ctx);
      const ids = known.map((k) => k.accountId ?? defaultAccountId ?? '').filter(Boolean);
      const noneHere = !ids.some((id) => live.has(id));
      // An account of theirs taken over here a moment ago and still starting: the message waits for it.
      if (noneHere && ids.some((id) => starting.has(id))) throw new HeldElsewhere('the account that reaches this person is starting in this process');
      // With several bot processes, each drives its own accounts: one another drives reaches the person there.
      if (noneHere && elsewhere && (await elsewhere(ids))) throw new HeldElsewhere('the accounts that reach this person are driven by another bot process');
      // The bot process starting, its accounts not logged in yet: wait for them rather than move on.
      // Once they have been up, accounts that went away are gone from the pool and the next channel serves.
      if (!live.size && !started) throw new Error('no sending account is logged in yet');
      const reachable = known
        .map((k) => ({ contact: k.value, id: k.accountId ?? defaultAccountId ?? '' }))
        .filter((k) => live.has(k.id) && rows.get(k.id)?.status !== 'disabled' && rows.get(k.id)?.status !== 'blocked');
      if (!reachable.length) return { ok: false, permanent: true, reason: 'accounts_offline' };
      const used = await todayCounts(ctx, reachable.map((r) => r.id));
      reachable.sort((a, b) => (used.get(a.id)?.message ?? 0) - (used.get(b.id)?.message ?? 0));
      for (const r of reachable) {
        const ceiling = rows.get(r.id)?.dailyCeiling ?? 500;
        // The day is fixed once, so taking a count back after the wait lands on the same day.
        const day = shanghaiDate(ctx.clock.now());
        if ((await count(ctx, r.id, 'message', 1, day)) > ceiling) {
          await count(ctx, r.id, 'message', -1, day);
          continue;
        }
        const account = live.get(r.id);
        if (!account) {
          await count(ctx, r.id, 'message', -1, day);
          continue;
        }
        await pace(r.id, ctx.config.bot.sendIntervalMs);
        try {
          // The fencing token checked at the last moment: a process that lost the account sends nothing.
          await account.lease?.fence();
        } catch (err) {
          await count(ctx, r.id, 'message', -1, day);
          throw err;
        }
        let said;
        const asked = new Date();
        try {
          await count(ctx, r.id, 'contact_lookup', 1, day);
          said = await account.say(r.contact, msg.text);
        } catch (err) {
          // The account fell over mid-send. Its own record says whether the message went; when it cannot
          // tell, the outcome is in doubt and the message is not sent again by another account.
          const went = await account.findSent?.(r.contact, msg.text, asked).catch(() => false);
          if (went) return { ok: true, ...leaseRef(account) };
          await count(ctx, r.id, 'message', -1, day);
          if (mayHaveArrived(err)) throw new InDoubt(`WeChat did not confirm: ${(err as Error).message}`.slice(0, 160));
          throw err;
        }
        if (said === 'ok') {
          ctx.logger.info({ deliveryId: msg.deliveryId, account: r.id, lease: account.lease?.token }, 'message sent (chat)');
          return { ok: true, ...leaseRef(account) };
        }
        await count(ctx, r.id, 'message', -1, day);
      }
      return { ok: false, permanent: true, reason: 'accounts_at_ceiling' };
    },
    async postToGroup(topic, text) {
      const rows = await accountRows(ctx);
      // None of the accounts is driven here, but another bot process drives some: the post waits for it.
      if (!live.size && (starting.size || (elsewhere && (await elsewhere([...rows.keys()]))))) throw new HeldElsewhere('the sending accounts are driven by another bot process, or starting in this one');
      for (const account of live.values()) {
        if (rows.get(account.id)?.status === 'disabled' || rows.get(account.id)?.status === 'blocked') continue;
        await pace(account.id, ctx.config.bot.sendIntervalMs);
        await account.lease?.fence();
        if ((await account.postToGroup(topic, text)) === 'ok') {
          await count(ctx, account.id, 'group_post');
          return { ok: true };
        }
      }
      if (!live.size) throw new Error('no sending account is logged in');
      return { ok: false, permanent: true, reason: 'group_not_found' };
    },
  };
}

/** The accounts of a region with their state and today's counts, for the station. */
export async function listAccounts(ctx: Pick<AppContext, 'db' | 'redis' | 'clock'>, regionCode: string) {
  const rows = await ctx.db.select().from(sendingAccounts).where(like(sendingAccounts.regionCode, `${regionCode}%`)).orderBy(asc(sendingAccounts.name));
  const counts = await todayCounts(ctx, rows.map((r) => r.id));
  const leases = await leasesOf(ctx.db, rows.map((r) => r.id));
  return { items: rows.map((r) => presentAccount(r, counts.get(r.id)!, leases.get(r.id) ?? null)) };
}

/** drivenBy: the bot process holding the account's lease now (host:pid:…), its fencing token and the lease's end; null when none does. */
export function presentAccount(r: SendingAccount, today: Record<AccountAction, number>, drivenBy: { holder: string; token: number; expiresAt: string } | null = null) {
  return { id: r.id, name: r.name, regionCode: r.regionCode, stationId: r.stationId, door: r.door, puppet: r.puppet, dailyCeiling: r.dailyCeiling, status: r.status, statusReason: r.statusReason, statusAt: r.statusAt?.toISOString() ?? null, today, drivenBy };
}


/** Administrators register a station's sending account; it starts with the bot process. */
export async function createAccount({ ctx, actor, meta }: OutreachProps<Pick<AppContext, 'db' | 'redis' | 'clock' | 'pii'>>, input: { name: string; regionCode: string; stationId?: string | null; door: 'personal' | 'wecom' | 'official_account'; puppet: string; puppetToken?: string | null; dailyCeiling: number }
) {
  if (actor.role === 'station') throw new Forbidden('administrators only');
  if (!inScope(actor, input.regionCode)) throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  if (!(await regionExists(ctx.db, input.regionCode))) throw new ValidationFailed('unknown region', [{ path: 'body.regionCode', message: 'errors:detail.unknown_region' }]);
  if (input.stationId) {
    const stationAt = await stationRegion(ctx.db, input.stationId);
    if (!stationAt || !inScope(actor, stationAt)) throw new ValidationFailed('unknown station', [{ path: 'body.stationId', message: 'errors:detail.unknown_station' }]);
  }
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(sendingAccounts)
      .values({ name: input.name, regionCode: input.regionCode, stationId: input.stationId ?? null, door: input.door, puppet: input.puppet, puppetTokenEnc: input.puppetToken ? ctx.pii.encrypt(input.puppetToken) : null, dailyCeiling: input.dailyCeiling, createdAt: ctx.clock.now() })
      .onConflictDoNothing({ target: sendingAccounts.name })
      .returning();
    if (!row) throw new Conflict('name taken', [{ path: 'body.name', message: 'errors:detail.outreach.account_name_taken' }]);
    audit({ action: 'sending_account.create', entity: 'sending_account', entityId: row.id, regionCode: row.regionCode });
    return row;
  });
  return presentAccount(row, (await todayCounts(ctx, [row.id])).get(row.id)!);
}

/** Change an account's daily ceiling, or set it aside (disabled) and back (offline until it logs in). */
export async function updateAccount({ ctx, actor, meta }: OutreachProps<Pick<AppContext, 'db' | 'redis' | 'clock' | 'logger' | 'noticePorts'>>, id: string, patch: { dailyCeiling?: number; disabled?: boolean }) {
  const [a] = await ctx.db.select().from(sendingAccounts).where(eq(sendingAccounts.id, id));
  if (!a || !inScope(actor, a.regionCode)) throw new NotFound('sending_account', id);
  if (actor.role === 'station' && patch.disabled !== undefined) throw new Forbidden('administrators only');
  await command({ ctx, actor, meta }, async (tx, audit) => {
    if (patch.dailyCeiling !== undefined) await tx.update(sendingAccounts).set({ dailyCeiling: patch.dailyCeiling }).where(eq(sendingAccounts.id, id));
    if (patch.disabled === true) await setAccountStatus({ ...ctx, db: tx }, id, 'disabled', 'set aside by staff', { alert: false, byStaff: true });
    if (patch.disabled === false && a.status === 'disabled') await setAccountStatus({ ...ctx, db: tx }, id, 'offline', 'back in the pool; starts with the bot process', { alert: false, byStaff: true });
    audit({ action: 'sending_account.update', entity: 'sending_account', entityId: id, regionCode: a.regionCode, details: { fields: Object.keys(patch) } });
  });
  cachedAccounts.delete(ctx.db);
  const [row] = await ctx.db.select().from(sendingAccounts).where(eq(sendingAccounts.id, id));
  return presentAccount(row!, (await todayCounts(ctx, [id])).get(id)!, (await leasesOf(ctx.db, [id])).get(id) ?? null);
}
