import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { tokenDigest } from '../access';
import { command, type CommandProps } from '../shared/command';
import { bindContact } from '../outreach';
import type { AppContext } from '../context';
import { workerSessions } from '../db/schema/me';
import type { WorkerPrincipal, WorkerRealm } from '../http/api';
import { moveDoors, workerOfDoors, type Door } from '../outreach';
import { workerStatus } from '../registry';
import { RateLimited } from '../shared/errors';
import { code2Session } from './wechat';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'redis' | 'pii'>;

/** Worker tokens look unlike staff tokens, so neither can pass for the other. */
const PREFIX = 'bfw_';
/** A mini-program session lasts a month; the front end logs in again with a fresh wx.login code after. */
const SESSION_DAYS = 30;
/** Requests a minute: per worker token, and per address (a village's shared connection). */
export const PER_TOKEN_PER_MINUTE = 120;
export const PER_IP_PER_MINUTE = 600;

function newToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

function looksLikeWorkerToken(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43 && /^[A-Za-z0-9_-]+$/.test(token.slice(PREFIX.length));
}

/** The person an openid or unionid already belongs to (one person, one identity, whichever door came first). */
async function knownPerson(ctx: Pick<AppContext, 'db'>, openid: string, unionid: string | null): Promise<string | null> {
  return workerOfDoors(ctx.db, doorsOf(openid, unionid));
}

function doorsOf(openid: string, unionid: string | null): Door[] {
  return [{ kind: 'mp_openid', value: openid }, ...(unionid ? [{ kind: 'wechat_unionid' as const, value: unionid }] : [])];
}

/** Records the doors WeChat gave for a person (openid, unionid), moving them from anyone who held them before. */
async function rememberDoors(ctx: Pick<AppContext, 'db' | 'clock'>, workerId: string, openid: string, unionid: string | null): Promise<void> {
  await ctx.db.transaction((tx) => moveDoors(tx, workerId, doorsOf(openid, unionid), ctx.clock.now()));
}

/**
 * `wx.login` code in, worker token out. A person already bound (by this mini-program or, through the
 * unionid, by another WeChat door) is signed in as themselves; anyone else gets a session that can only bind.
 */
export async function login(ctx: Ctx, code: string) {
  const { openid, unionid } = await code2Session(ctx, code);
  const workerId = await knownPerson(ctx, openid, unionid);
  if (workerId) await rememberDoors(ctx, workerId, openid, unionid);
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86400_000);
  await ctx.db.insert(workerSessions).values({ tokenHash: tokenDigest(ctx.config.secrets.tokenSecret, token), openid, unionid, workerId, createdAt: now, expiresAt });
  return { token, expiresAt: expiresAt.toISOString(), bound: Boolean(workerId) };
}

export async function logout(ctx: Pick<AppContext, 'db' | 'clock'>, me: WorkerPrincipal): Promise<void> {
  await ctx.db.update(workerSessions).set({ revokedAt: ctx.clock.now() }).where(eq(workerSessions.id, me.sessionId));
}

/**
 * Binds the mini-program's person to the register, as in chat: a binding code from the station, or name
 * and ID number, with the same limit on failed tries. The session becomes theirs at once. The person is
 * not a member of staff, so the props carry only the context.
 */
export async function bind(props: Pick<CommandProps, 'ctx'> & { ctx: Ctx }, me: WorkerPrincipal, proof: { code: string } | { name: string; idNumber: string }) {
  const { ctx } = props;
  // The binding, the doors, the sessions and both audit entries are one unit of work.
  return command({ ctx }, async (tx, audit) => {
    const result = await bindContact({ ctx: { ...ctx, db: tx } }, { kind: 'mp_openid', value: me.openid }, proof);
    if (!result.ok) return result;
    await rememberDoors({ ...ctx, db: tx }, result.workerId, me.openid, me.unionid);
    // Every session of this openid now speaks for the person (a phone may have signed in twice).
    await tx.update(workerSessions).set({ workerId: result.workerId }).where(and(eq(workerSessions.openid, me.openid), isNull(workerSessions.revokedAt)));
    audit({ action: 'me.bind', entity: 'worker', entityId: result.workerId, details: { door: 'mp_openid' } });
    return result;
  });
}

export function workerRealm(ctx: Ctx): WorkerRealm {
  return {
    async authenticate(token) {
      if (!looksLikeWorkerToken(token)) return undefined;
      const [s] = await ctx.db
        .select()
        .from(workerSessions)
        .where(and(eq(workerSessions.tokenHash, tokenDigest(ctx.config.secrets.tokenSecret, token)), isNull(workerSessions.revokedAt), gt(workerSessions.expiresAt, ctx.clock.now())));
      if (!s) return undefined;
      if (s.workerId) {
        // A person who has left the programme (or was anonymised) is signed out.
        if ((await workerStatus(ctx.db, s.workerId)) !== 'active') return undefined;
      }
      return { sessionId: s.id, openid: s.openid, unionid: s.unionid, workerId: s.workerId };
    },
    async limit(ip, sessionId) {
      const minute = Math.floor(ctx.clock.now().getTime() / 60_000);
      const key = sessionId ? `me:rate:token:${sessionId}:${minute}` : `me:rate:ip:${ip}:${minute}`;
      const ceiling = sessionId ? PER_TOKEN_PER_MINUTE : PER_IP_PER_MINUTE;
      const n = await ctx.redis.kv.incr(key);
      if (n === 1) await ctx.redis.kv.expire(key, 90);
      if (n > ceiling) throw new RateLimited('too many requests', 60 - (Math.floor(ctx.clock.now().getTime() / 1000) % 60));
    },
  };
}
