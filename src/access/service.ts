import type { AppContext } from '../context';
import { recordAudit } from '../audit/service';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { accounts } from '../db/schema';
import { PiiVault } from '../pii/vault';
import { Conflict, RateLimited, Unauthorized, ValidationFailed } from '../shared/errors';
import type { Actor } from './actor';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './password';
import * as q from './queries';
import type { AccountView, LoginBody } from './schemas';
import { looksLikeToken, newToken, tokenDigest } from './tokens';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** Failed logins from one address, whatever the account, before that address waits LOCK_MINUTES. */
export const IP_LOCK_AFTER_FAILURES = 20;

type Ctx = Pick<AppContext, 'db' | 'config' | 'clock'>;

/** Each failure in a row after the second answers more slowly (0.25 s, 0.5 s, 1 s, then 2 s) until the lock. */
async function slowDown(failedInARow: number): Promise<void> {
  if (failedInARow < 3) return;
  await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** (failedInARow - 3))));
}

/**
 * Failures per address in Redis: someone trying many accounts from one place is stopped as well
 * as someone trying many passwords on one account. Without Redis at hand (a test of the bare
 * service) the per-account lock still holds.
 */
async function ipFailures(ctx: Partial<Pick<AppContext, 'redis'>>, ip: string | undefined, add: boolean): Promise<number> {
  if (!ctx.redis || !ip) return 0;
  const key = `login:fail:${ip}`;
  if (!add) return Number((await ctx.redis.kv.get(key)) ?? 0);
  const n = await ctx.redis.kv.incr(key);
  if (n === 1) await ctx.redis.kv.expire(key, LOCK_MINUTES * 60);
  return n;
}

export interface RequestMeta {
  ip?: string;
  requestId?: string;
}

export async function login(ctx: Ctx & Partial<Pick<AppContext, 'redis'>>, body: LoginBody, meta: RequestMeta): Promise<{ token: string; expiresAt: Date; account: AccountView }> {
  const now = ctx.clock.now();
  if ((await ipFailures(ctx, meta.ip, false)) >= IP_LOCK_AFTER_FAILURES) {
    await recordAudit(ctx.db, { action: 'auth.login_refused', details: { reason: 'address_locked' }, ...meta });
    throw new RateLimited('too many failed logins from this address', LOCK_MINUTES * 60);
  }
  const account = await q.findAccountByUsername(ctx.db, body.username);
  if (!account || account.disabledAt) {
    await verifyAgainstNothing(body.password);
    await ipFailures(ctx, meta.ip, true);
    await recordAudit(ctx.db, { action: 'auth.login_failed', details: { reason: 'unknown_account' }, ...meta });
    throw new Unauthorized('invalid credentials', [], {});
  }
  if (account.lockedUntil && account.lockedUntil > now) {
    const seconds = Math.ceil((account.lockedUntil.getTime() - now.getTime()) / 1000);
    await recordAudit(ctx.db, { actorId: account.id, action: 'auth.login_refused', details: { reason: 'locked' }, ...meta });
    throw new RateLimited('account locked', seconds);
  }
  if (!(await verifyPassword(account.passwordHash, body.password))) {
    const failed = await q.recordFailedLogin(ctx.db, account.id, LOCK_AFTER_FAILURES, new Date(now.getTime() + LOCK_MINUTES * 60_000));
    await slowDown(failed);
    await ipFailures(ctx, meta.ip, true);
    await recordAudit(ctx.db, { actorId: account.id, action: 'auth.login_failed', details: { reason: 'wrong_password' }, ...meta });
    throw new Unauthorized('invalid credentials');
  }
  if (account.totpEnabledAt && account.totpSecretEnc) {
    if (!body.code) throw new Unauthorized('second factor needed', [{ path: 'body.code', message: 'errors:detail.totp.required' }]);
    const step = totpStep(ctx, account.totpSecretEnc, body.code, now);
    // A wrong code counts like a wrong password; a code already used is refused.
    if (step === null || (account.totpLastStep !== null && step <= account.totpLastStep)) {
      await q.recordFailedLogin(ctx.db, account.id, LOCK_AFTER_FAILURES, new Date(now.getTime() + LOCK_MINUTES * 60_000));
      await ipFailures(ctx, meta.ip, true);
      await recordAudit(ctx.db, { actorId: account.id, action: 'auth.login_failed', details: { reason: 'wrong_code' }, ...meta });
      throw new Unauthorized('invalid second factor', [{ path: 'body.code', message: 'errors:detail.totp.invalid' }]);
    }
    await ctx.db.update(accounts).set({ totpLastStep: step }).where(eq(accounts.id, account.id));
  }
  await q.resetFailedLogins(ctx.db, account.id);
  const token = newToken();
  const expiresAt = new Date(now.getTime() + ctx.config.auth.tokenTtlHours * 3600_000);
  await q.insertSession(ctx.db, account.id, tokenDigest(ctx.config.secrets.tokenSecret, token), expiresAt);
  await recordAudit(ctx.db, { actorId: account.id, action: 'auth.login', regionCode: account.regionCode, ...meta });
  const view = await getAccount(ctx, account.id);
  return { token, expiresAt, account: view };
}

export async function logout(ctx: Ctx, token: string, actor: Actor, meta: RequestMeta): Promise<void> {
  await q.revokeSession(ctx.db, tokenDigest(ctx.config.secrets.tokenSecret, token), ctx.clock.now());
  await recordAudit(ctx.db, { actorId: actor.accountId, action: 'auth.logout', ...meta });
}

/** The actor behind a bearer token, or undefined when the token is unknown, expired or revoked. */
export async function authenticate(ctx: Ctx, token: string): Promise<Actor | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const row = await q.findLiveSession(ctx.db, tokenDigest(ctx.config.secrets.tokenSecret, token), ctx.clock.now());
  if (!row) return undefined;
  const a = row.account;
  const needsSecondFactor = ctx.config.auth.adminTotp === 'required' && a.role !== 'station' && !a.totpEnabledAt;
  return { accountId: a.id, username: a.username, role: a.role, regionCode: a.regionCode, stationId: a.stationId, canRevealPii: a.canRevealPii, ...(needsSecondFactor ? { needsSecondFactor } : {}) };
}

export async function getAccount(ctx: Pick<AppContext, 'db'>, id: string): Promise<AccountView> {
  const row = await q.findAccountView(ctx.db, id);
  if (!row) throw new Unauthorized('account gone');
  const a = row.account;
  return {
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    role: a.role,
    regionCode: a.regionCode,
    regionName: row.regionName,
    stationId: a.stationId,
    locale: a.locale,
  };
}

export async function purgeDeadSessions(ctx: Ctx): Promise<number> {
  return q.deleteDeadSessions(ctx.db, ctx.clock.now());
}

export { hashPassword };

/** The TOTP of an account's secret (30-second steps, 6 digits, SHA-1: what authenticator apps expect). */
function totpOf(secretBase32: string, label: string): TOTP {
  return new TOTP({ issuer: 'bangfu', label, secret: Secret.fromBase32(secretBase32), digits: 6, period: 30, algorithm: 'SHA1' });
}

/** The time step a code matches (one step either side, for clocks a little apart), or null. */
function totpStep(ctx: Pick<AppContext, 'config'>, secretEnc: string, code: string, now: Date): number | null {
  const vault = new PiiVault(ctx.config.secrets.piiKey);
  const delta = totpOf(vault.decrypt(secretEnc), 'x').validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 30_000) + delta;
}

/** Starts setting up the second factor: a new secret, kept encrypted, for the authenticator app. */
export async function setupTotp(ctx: Ctx, actor: Actor) {
  const [a] = await ctx.db.select().from(accounts).where(eq(accounts.id, actor.accountId));
  if (a!.totpEnabledAt) throw new Conflict('already set up', [{ path: 'account', message: 'errors:detail.totp.enabled' }]);
  const secret = new Secret({ size: 20 }).base32;
  await ctx.db.update(accounts).set({ totpSecretEnc: new PiiVault(ctx.config.secrets.piiKey).encrypt(secret) }).where(eq(accounts.id, a!.id));
  return { secret, otpauthUrl: totpOf(secret, a!.username).toString() };
}

/** Turns the second factor on once a code from the app matches. */
export async function enableTotp(ctx: Ctx, actor: Actor, code: string, meta: RequestMeta) {
  const [a] = await ctx.db.select().from(accounts).where(eq(accounts.id, actor.accountId));
  if (a!.totpEnabledAt) throw new Conflict('already set up', [{ path: 'account', message: 'errors:detail.totp.enabled' }]);
  if (!a!.totpSecretEnc) throw new Conflict('not set up', [{ path: 'account', message: 'errors:detail.totp.not_started' }]);
  const now = ctx.clock.now();
  const step = totpStep(ctx, a!.totpSecretEnc, code, now);
  if (step === null) throw new ValidationFailed('wrong code', [{ path: 'body.code', message: 'errors:detail.totp.invalid' }]);
  await ctx.db.update(accounts).set({ totpEnabledAt: now, totpLastStep: step }).where(eq(accounts.id, a!.id));
  await recordAudit(ctx.db, { actorId: a!.id, action: 'auth.totp_enabled', regionCode: a!.regionCode, ...meta });
  return { enabled: true };
}
