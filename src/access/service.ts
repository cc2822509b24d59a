import type { AppContext } from '../context';
import { auditRead, command } from '../shared/command';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { accounts } from '../db/schema/access';
import { PiiVault } from '../pii/vault';
import { Conflict, Unauthorized, ValidationFailed } from '../shared/errors';
import type { Actor } from '../shared/actor';
import { presentContact } from './contact';
import { hashCost, hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './password';
import * as q from './queries';
import * as throttle from './throttle';
import type { AccountView, LoginBody } from './schemas';
import { looksLikeToken, newToken, tokenDigest } from './tokens';
import type { AccessProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'config' | 'clock'>;

export interface RequestMeta {
  ip?: string;
  requestId?: string;
}

/**
 * Signs in. Unknown names, disabled accounts and wrong passwords take the same path and the same
 * time (a check against a hash of the same cost) and get the same answer. Tries refused by the
 * throttle are answered before any password is checked, alike for every name, with the wait.
 */
export async function login(props: Omit<AccessProps<Ctx & Pick<AppContext, 'redis'>>, 'actor'>, body: LoginBody): Promise<{ token: string; expiresAt: Date; account: AccountView }> {
  const { ctx, meta } = props;
  const now = ctx.clock.now();
  const gate = await throttle.admit(ctx, body.username, meta.ip, now);
  if (!gate.admitted) {
    // Looked up only to name the account in the audit entry; the answer is the same either way.
    const known = await q.findAccountByUsername(ctx.db, body.username);
    await auditRead({ ctx, meta }, { ...(known ? { actorId: known.id } : {}), action: 'auth.login_refused', details: { reason: gate.reason } });
    throw new throttle.SignInRefused(gate.reason, gate.waitSeconds);
  }
  const found = await q.findAccountByUsername(ctx.db, body.username);
  const account = found && !found.disabledAt ? found : undefined;
  const cost = hashCost(ctx);
  const passwordRight = account ? await verifyPassword(account.passwordHash, body.password) : await verifyAgainstNothing(body.password, cost);
  if (!account || !passwordRight) {
    await throttle.failed(ctx, body.username, meta.ip, now);
    await auditRead({ ctx, meta }, { ...(account ? { actorId: account.id } : {}), action: 'auth.login_failed', details: { reason: account ? 'wrong_password' : 'unknown_account' } });
    throw new Unauthorized('invalid credentials');
  }
  if (account.totpEnabledAt && account.totpSecretEnc) {
    if (!body.code) throw new Unauthorized('second factor needed', [{ path: 'body.code', message: 'errors:detail.totp.required' }]);
    const step = totpStep(ctx, account.totpSecretEnc, body.code, now);
    // A wrong code counts like a wrong password; a code already used is refused.
    if (step === null || (account.totpLastStep !== null && step <= account.totpLastStep)) {
      await throttle.failed(ctx, body.username, meta.ip, now);
      await auditRead({ ctx, meta }, { actorId: account.id, action: 'auth.login_failed', details: { reason: 'wrong_code' } });
      throw new Unauthorized('invalid second factor', [{ path: 'body.code', message: 'errors:detail.totp.invalid' }]);
    }
    await ctx.db.update(accounts).set({ totpLastStep: step }).where(eq(accounts.id, account.id));
  }
  await throttle.succeeded(ctx, body.username, meta.ip);
  // A hash made at an older cost is made again now, while the password is at hand.
  if (needsRehash(account.passwordHash, cost)) await q.replacePasswordHash(ctx.db, account.id, account.passwordHash, await hashPassword(body.password, cost));
  const token = newToken();
  const expiresAt = new Date(now.getTime() + ctx.config.auth.tokenTtlHours * 3600_000);
  await command({ ctx, actor: { accountId: account.id }, meta }, async (tx, audit) => {
    await q.insertSession(tx, account.id, tokenDigest(ctx.config.secrets.tokenSecret, token), expiresAt);
    audit({ action: 'auth.login', regionCode: account.regionCode });
  });
  const view = await getAccount(ctx, account.id);
  return { token, expiresAt, account: view };
}

export async function logout({ ctx, actor, meta }: AccessProps<Ctx>, token: string): Promise<void> {
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await q.revokeSession(tx, tokenDigest(ctx.config.secrets.tokenSecret, token), ctx.clock.now());
    audit({ action: 'auth.logout' });
  });
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
    contact: presentContact(a),
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
export async function enableTotp({ ctx, actor, meta }: AccessProps<Ctx>, code: string) {
  const [a] = await ctx.db.select().from(accounts).where(eq(accounts.id, actor.accountId));
  if (a!.totpEnabledAt) throw new Conflict('already set up', [{ path: 'account', message: 'errors:detail.totp.enabled' }]);
  if (!a!.totpSecretEnc) throw new Conflict('not set up', [{ path: 'account', message: 'errors:detail.totp.not_started' }]);
  const now = ctx.clock.now();
  const step = totpStep(ctx, a!.totpSecretEnc, code, now);
  if (step === null) throw new ValidationFailed('wrong code', [{ path: 'body.code', message: 'errors:detail.totp.invalid' }]);
  await command({ ctx, actor: { accountId: a!.id }, meta }, async (tx, audit) => {
    await tx.update(accounts).set({ totpEnabledAt: now, totpLastStep: step }).where(eq(accounts.id, a!.id));
    audit({ action: 'auth.totp_enabled', regionCode: a!.regionCode });
  });
  return { enabled: true };
}
