import { createHmac } from 'node:crypto';
import type { AppContext } from '../context';
import { RateLimited } from '../shared/errors';
import { addressGroup } from './address-group';

/**
 * Who may try a password now, kept in Redis so every API process sees the same counts.
 *
 * - One account from one address: the first FREE_TRIES tries go at once (typing mistakes), then
 *   each try must wait for the one before it: 5 s, 10 s, 20 s … doubling up to the lock time.
 *   A stranger hammering `admin` from one place slows down only there; the owner elsewhere signs in.
 * - One address, whatever the accounts: ADDRESS_FAILURES failures and it waits the lock time.
 * - One account, whatever the addresses: only when `lockAddresses` different addresses failed on it
 *   within an hour does it lock for everyone, for the lock time.
 *
 * An "address" is an IPv4 address, or an IPv6 address's /64 (see address-group.ts): one host is given
 * a whole /64 and could otherwise try from a fresh address every time, or be 20 addresses by itself.
 *
 * Every count is kept by username, whether or not such an account exists, and decided before the
 * database is asked, so a refusal says nothing about which names are real. Tries are counted as
 * they are let in (a success clears the count), so a burst of tries at once cannot slip past the
 * delay. Times come from the service's clock; Redis' own expiry only clears keys no longer needed.
 * Usernames and addresses are kept as keyed digests, never in clear. A name and address that have
 * never failed are forgotten the lock time after their last try (their delays are over by then), so
 * tries that do not fail (a second factor asked for) leave no key for a day.
 */
export const FREE_TRIES = 3;
export const FIRST_DELAY_MS = 5000;
export const ADDRESS_FAILURES = 20;
const ACCOUNT_WINDOW_MS = 3600_000;
const DAY_MS = 24 * 3600_000;

export type Refusal = 'throttled' | 'address_locked' | 'locked';
export type Admission = { admitted: true } | { admitted: false; reason: Refusal; waitSeconds: number };

type Ctx = Pick<AppContext, 'redis' | 'config'>;

const ADMIT = `
local now = tonumber(ARGV[1])
local wait, reason = 0, ''
local function consider(untilMs, why)
  local left = tonumber(untilMs or '0') - now
  if left > wait then wait, reason = left, why end
end
consider(redis.call('GET', KEYS[3]), 'locked')
consider(redis.call('HGET', KEYS[2], 'until'), 'address_locked')
consider(redis.call('HGET', KEYS[1], 'until'), 'throttled')
if wait > 0 then return {reason, math.ceil(wait)} end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local free = tonumber(ARGV[2])
if n > free then
  local delay = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ (n - free - 1))
  redis.call('HSET', KEYS[1], 'until', string.format('%.0f', now + delay))
end
if redis.call('HEXISTS', KEYS[1], 'failed') == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return {'', n}
`;

const FAIL = `
local now, addr, limit, lockMs, windowMs, lockAddresses, pairMs = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
redis.call('HSET', KEYS[4], 'failed', 1)
redis.call('PEXPIRE', KEYS[4], pairMs)
local since = tonumber(redis.call('HGET', KEYS[1], 'since') or '0')
if now - since > lockMs then redis.call('HSET', KEYS[1], 'since', string.format('%.0f', now), 'n', 0) end
if redis.call('HINCRBY', KEYS[1], 'n', 1) >= limit then
  redis.call('HSET', KEYS[1], 'until', string.format('%.0f', now + lockMs), 'since', string.format('%.0f', now), 'n', 0)
end
redis.call('PEXPIRE', KEYS[1], 2 * lockMs)
redis.call('ZADD', KEYS[2], now, addr)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - windowMs)
if redis.call('ZCARD', KEYS[2]) >= lockAddresses then
  redis.call('SET', KEYS[3], string.format('%.0f', now + lockMs), 'PX', 2 * lockMs)
  redis.call('DEL', KEYS[2])
  return 1
end
redis.call('PEXPIRE', KEYS[2], windowMs)
return 0
`;

function digest(ctx: Ctx, kind: string, value: string): string {
  return createHmac('sha256', ctx.config.secrets.tokenSecret).update(`login:${kind}:${value}`).digest('base64url').slice(0, 22);
}

function keys(ctx: Ctx, username: string, ip: string | undefined) {
  const u = digest(ctx, 'user', username);
  const a = digest(ctx, 'addr', addressGroup(ip));
  return { a, pair: `login:pair:${u}:${a}`, address: `login:addr:${a}`, addresses: `login:acct:${u}`, lock: `login:lock:${u}` };
}

/** Lets a try in (and counts it), or says why not and for how long. */
export async function admit(ctx: Ctx, username: string, ip: string | undefined, now: Date): Promise<Admission> {
  const k = keys(ctx, username, ip);
  const lockMs = ctx.config.auth.lockMinutes * 60_000;
  const [reason, n] = (await ctx.redis.kv.eval(ADMIT, 3, k.pair, k.address, k.lock, now.getTime(), FREE_TRIES, FIRST_DELAY_MS, lockMs, DAY_MS)) as [string, number];
  if (!reason) return { admitted: true };
  return { admitted: false, reason: reason as Refusal, waitSeconds: Math.max(1, Math.ceil(n / 1000)) };
}

/** A wrong password, code, or a name that is no account: counts for the address and towards the account's lock. */
export async function failed(ctx: Ctx, username: string, ip: string | undefined, now: Date): Promise<{ accountLocked: boolean }> {
  const k = keys(ctx, username, ip);
  const lockMs = ctx.config.auth.lockMinutes * 60_000;
  const locked = await ctx.redis.kv.eval(FAIL, 4, k.address, k.addresses, k.lock, k.pair, now.getTime(), k.a, ADDRESS_FAILURES, lockMs, ACCOUNT_WINDOW_MS, ctx.config.auth.lockAddresses, DAY_MS);
  return { accountLocked: locked === 1 };
}

/** The right password from this address: its delays start again. */
export async function succeeded(ctx: Ctx, username: string, ip: string | undefined): Promise<void> {
  await ctx.redis.kv.del(keys(ctx, username, ip).pair);
}

/** An administrator set a new password: the account's lock and its count of addresses go. */
export async function clearAccount(ctx: Ctx, username: string): Promise<void> {
  const k = keys(ctx, username, undefined);
  await ctx.redis.kv.del(k.lock, k.addresses);
}

/**
 * A sign-in refused for a while. The message says the wait in words a person reads (seconds under a
 * minute, else whole minutes); `Retry-After` carries the exact seconds.
 */
export class SignInRefused extends RateLimited {
  constructor(
    readonly reason: Refusal,
    waitSeconds: number,
  ) {
    super(`sign-in refused (${reason})`, waitSeconds);
    const minutes = waitSeconds >= 60;
    // i18next picks errors:rate_limited_minutes / _seconds by `context`, and the plural by `count`.
    Object.assign(this.params, { context: minutes ? 'minutes' : 'seconds', count: minutes ? Math.ceil(waitSeconds / 60) : waitSeconds });
  }
}
