import type { AppContext } from '../src/context';
import { acquire, beat, botAccounts, fence, heldElsewhere, leave, newHolderId, release, renew, type HeldLease, type SendingAccount, ensureDefaultAccount, goOffline, setAccountStatus, startingHere, watchLeases } from '../src/outreach';
import { startBot, type Bot } from './bot';
import { NoRealPuppet } from './puppet';

export interface Fleet {
  /** This process as a lease holder (host:pid:random). */
  holder: string;
  /** The accounts this process drives now, with their bots. */
  bots(): Bot[];
  /** One pass: renew what is held, then take what is free up to this process's share. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export interface FleetOptions {
  /** Said once when an account cannot run here for want of a real puppet (production on the mock). */
  announce?: (line: string) => void;
  /** How often to look for free accounts (default: every 2 s), apart from the renewals (a third of the lease). */
  pollMs?: number;
}

/**
 * The bot process's sending accounts, each driven under a lease (src/outreach/lease.ts): the default account
 * (always, as before) and every personal or WeCom account not set aside. Several bot processes share the accounts out — each
 * takes free ones up to its share (the accounts over the live bot processes, rounded up) and one holding
 * more than its share hands one over — and one that dies (its lease not renewed) is replaced by another
 * within the lease's time and the next look.
 */
export async function startFleet(ctx: AppContext, opts: FleetOptions = {}): Promise<Fleet> {
  const holder = newHolderId();
  const ttl = ctx.config.bot.leaseSeconds;
  const held = new Map<string, { lease: HeldLease; bot?: Bot }>();
  /** Accounts that failed to start here, left alone until then (a wrong token is not retried every 2 s). */
  const failedUntil = new Map<string, number>();
  const said = new Set<string>();
  let live = 1;
  let closed = false;
  await ensureDefaultAccount(ctx);
  watchLeases((ids) => heldElsewhere(ctx.db, ids, holder, ttl));

  // The default account always runs (set aside, it still answers; the pool only stops sending through it).
  const eligible = (): Promise<SendingAccount[]> => botAccounts(ctx.db, ctx.config.bot.name);

  /** Stops driving an account: out of the pool at once, sends under way finish, the bot stops, the lease is released (or simply lost). */
  const letGo = async (accountId: string, why: 'lost' | 'handed_over' | 'stopping') => {
    const h = held.get(accountId);
    if (!h) return;
    held.delete(accountId);
    goOffline(accountId);
    ctx.logger[why === 'lost' ? 'warn' : 'info']({ account: accountId, token: h.lease.token, holder, why }, why === 'lost' ? 'sending account lease lost: this process stops driving it' : 'sending account let go');
    await h.bot?.stop().catch(() => undefined);
    if (why !== 'lost') await release(ctx.db, h.lease, holder).catch(() => undefined);
  };

  const take = async (account: SendingAccount) => {
    const lease = await acquire(ctx.db, account.id, holder, ttl);
    if (!lease) return;
    const entry: { lease: HeldLease; bot?: Bot } = { lease };
    held.set(account.id, entry);
    ctx.logger.info({ account: account.id, token: lease.token, holder }, 'sending account lease taken');
    // Until its bot has started (logged in, or waiting for a scan), what only it reaches waits instead of going by SMS.
    startingHere(account.id, true);
    try {
      entry.bot = await startBot(ctx, { account, lease: { token: lease.token, fence: () => fence(ctx.db, lease, holder) } });
      if (!held.has(account.id)) await entry.bot.stop();
    } catch (err) {
      held.delete(account.id);
      await release(ctx.db, lease, holder).catch(() => undefined);
      failedUntil.set(account.id, Date.now() + 5 * 60_000);
      if (err instanceof NoRealPuppet) {
        if (!said.has(account.id)) opts.announce?.(err.message);
        said.add(account.id);
        ctx.logger.warn({ puppet: account.puppet, env: ctx.config.env, account: account.id }, 'WeChat bot not started: no real puppet configured');
      } else {
        await setAccountStatus(ctx, account.id, 'offline', `failed to start: ${(err as Error).message}`.slice(0, 200), { alert: false }).catch(() => undefined);
      }
    } finally {
      startingHere(account.id, false);
    }
  };

  let renewing: Promise<void> | undefined;
  const renewAll = () =>
    (renewing ??= (async () => {
      try {
        live = Math.max(1, await beat(ctx.db, holder, ttl));
      } catch (err) {
        ctx.logger.warn({ err: (err as Error).message }, 'bot process heartbeat failed');
      }
      for (const [accountId, h] of [...held]) {
        let ok: boolean;
        try {
          ok = await renew(ctx.db, h.lease, holder, ttl);
        } catch (err) {
          // The database unreachable: the lease runs on until its deadline, then sends stop by themselves.
          ctx.logger.warn({ err: (err as Error).message, account: accountId }, 'lease renewal failed');
          ok = performance.now() < h.lease.deadline;
        }
        if (!ok) await letGo(accountId, 'lost');
      }
    })().finally(() => (renewing = undefined)));

  let looking: Promise<void> | undefined;
  const look = () =>
    (looking ??= (async () => {
      if (closed) return;
      await renewAll();
      const accounts = await eligible();
      const share = Math.ceil(accounts.length / live);
      // One more than the share: hand one over to a process that has fewer (it takes it at its next look).
      if (held.size > share && live > 1) {
        const [last] = [...held.keys()].slice(-1);
        if (last) await letGo(last, 'handed_over');
      }
      for (const account of accounts) {
        if (closed || held.size >= share) break;
        if (held.has(account.id) || (failedUntil.get(account.id) ?? 0) > Date.now()) continue;
        await take(account);
      }
    })()
      .catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'looking for sending accounts failed'))
      .finally(() => (looking = undefined)));

  await look();
  const renewTimer = setInterval(() => void renewAll(), Math.max(1000, (ttl * 1000) / 3));
  const lookTimer = setInterval(() => void look(), opts.pollMs ?? 2000);
  renewTimer.unref();
  lookTimer.unref();

  let closing: Promise<void> | undefined;
  return {
    holder,
    bots: () => [...held.values()].flatMap((h) => (h.bot ? [h.bot] : [])),
    tick: look,
    close: () =>
      (closing ??= (async () => {
        closed = true;
        clearInterval(renewTimer);
        clearInterval(lookTimer);
        await looking;
        await renewing;
        for (const id of [...held.keys()]) await letGo(id, 'stopping');
        await leave(ctx.db, holder).catch(() => undefined);
        watchLeases(undefined);
      })()),
  };
}
