import { and, asc, eq, like, lte, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../access/actor';
import { recordAudit } from '../audit/service';
import type { AppContext } from '../context';
import { rowsOf, type Db } from '../db/client';
import { fairSignups, jobFairs, workers } from '../db/schema';
import { emit } from '../events';
import { publishOutbox } from '../outbox';
import { stopFollowUps } from '../outreach/follow-ups';
import { createWorker } from '../registry/service';
import type { WorkerCreate } from '../registry/schemas';
import { NotFound, ValidationFailed } from '../shared/errors';
import { refuse, visibleFair, type Ctx, type Meta } from './common';

/** Check-in may start this long before the fair opens (people queue early). */
const CHECKIN_EARLY_MS = 2 * 3600_000;

export type SignupSource = 'station' | 'chat' | 'mini_program' | 'walk_in';
type Signup = typeof fairSignups.$inferSelect;

/** A sign-up row as the raw statements return it (snake case; dates and big numbers as the driver gives them). */
type RawSignup = { id: string; fair_id: string; worker_id: string; status: Signup['status']; source: string; queue: string | number; checked_in_at: Date | string | null; created_at: Date | string };

function fromRaw(r: RawSignup): Pick<Signup, 'id' | 'fairId' | 'workerId' | 'status' | 'source' | 'queue' | 'checkedInAt' | 'createdAt'> {
  return { id: r.id, fairId: r.fair_id, workerId: r.worker_id, status: r.status, source: r.source, queue: Number(r.queue), checkedInAt: r.checked_in_at === null ? null : new Date(r.checked_in_at), createdAt: new Date(r.created_at) };
}

async function activeWorker(db: Db, actor: Actor, workerId: string) {
  const [w] = await db.select({ id: workers.id, regionCode: workers.regionCode, status: workers.status }).from(workers).where(eq(workers.id, workerId));
  if (!w || !inScope(actor, w.regionCode) || w.status !== 'active') throw new ValidationFailed('unknown worker', [{ path: 'body.workerId', message: 'errors:detail.unknown_worker' }]);
  return w;
}

/**
 * Signs a person up: a place while there are places, otherwise the waiting list. One statement takes the
 * fair's row, counts the place (`taken = taken + 1` only while `taken < capacity`) and writes the sign-up
 * with its number in the queue, so however many sign up at once, no more than the capacity get places and
 * the waiting list is in the order the row was taken. The row is held from that statement to the commit
 * right after it; the reminders and the audit entry follow from the sign-up's event, outside it.
 */
export async function signUp(ctx: Ctx, actor: Actor, fairId: string, workerId: string, source: SignupSource, meta: Meta) {
  const f = await visibleFair(ctx.db, actor, fairId);
  await activeWorker(ctx.db, actor, workerId);
  const now = ctx.clock.now();
  const at = now.toISOString();
  const events: string[] = [];
  const row = await ctx.db.transaction(async (tx) => {
    const [made] = rowsOf<RawSignup>(
      await tx.execute(sql`
        with fair as (
          select id, (capacity is null or taken < capacity) as free from ${jobFairs}
          where id = ${fairId} and status in ('announced', 'live') and ends_at > ${at}::timestamptz
          for update
        ), place as (
          update ${jobFairs} j set taken = j.taken + 1 from fair where j.id = fair.id and fair.free returning j.id
        )
        insert into ${fairSignups} (fair_id, worker_id, status, source, created_at, updated_at)
        select fair.id, ${workerId}, (case when fair.free then 'signed_up' else 'waiting' end)::fair_signup_status, ${source}, ${at}::timestamptz, ${at}::timestamptz from fair
        on conflict (fair_id, worker_id) do update
          -- Someone signing up again joins the end of the queue.
          set status = excluded.status, source = excluded.source, queue = nextval(pg_get_serial_sequence('fair_signups', 'queue')), created_at = excluded.created_at, updated_at = excluded.updated_at
          where ${fairSignups}.status = 'cancelled'
        returning id, fair_id, worker_id, status, source, queue, checked_in_at, created_at`),
    );
    if (!made) {
      // Nothing written: the fair is not open, or the person already has a place or a turn (a place counted above is undone with the rest).
      const [existing] = await tx.select({ status: fairSignups.status }).from(fairSignups).where(and(eq(fairSignups.fairId, fairId), eq(fairSignups.workerId, workerId)));
      if (existing && existing.status !== 'cancelled') refuse('body.workerId', 'already_signed_up');
      refuse('fair', 'not_open');
    }
    const s = fromRaw(made);
    events.push(
      ...(await emit(tx, now, [
        { type: 'fair.signed_up', data: { signupId: s.id, fairId, workerId, regionCode: f.regionCode, status: s.status === 'signed_up' ? 'signed_up' : 'waiting', source, actorId: actor.accountId, ...metaOf(meta) } },
      ])),
    );
    return s;
  });
  await publishOutbox(ctx, events).catch(() => undefined);
  return presentSignup(ctx.db, row);
}

function metaOf(meta: Meta): { requestId?: string; ip?: string } {
  return { ...(meta.requestId ? { requestId: meta.requestId.slice(0, 200) } : {}), ...(meta.ip ? { ip: meta.ip.slice(0, 100) } : {}) };
}

/** A sign-up as answered: on the waiting list, the person's place in it now (1 is next). */
export async function presentSignup(db: Db, s: Pick<Signup, 'id' | 'fairId' | 'workerId' | 'status' | 'source' | 'queue' | 'checkedInAt' | 'createdAt'>) {
  let position: number | null = null;
  if (s.status === 'waiting') {
    const [p] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(fairSignups)
      .where(and(eq(fairSignups.fairId, s.fairId), eq(fairSignups.status, 'waiting'), lte(fairSignups.queue, s.queue)));
    position = p?.n ?? null;
  }
  return { id: s.id, fairId: s.fairId, workerId: s.workerId, status: s.status, position, source: s.source, checkedInAt: s.checkedInAt?.toISOString() ?? null, createdAt: s.createdAt.toISOString() };
}

/**
 * Cancels a sign-up; a place it frees goes to the first on the waiting list, who is told. The fair's row
 * is taken first (as a sign-up takes it), so a freed place is handed on exactly once: each cancellation
 * sees the waiting list as the one before it left it.
 */
export async function cancelSignup(ctx: Ctx, actor: Actor, fairId: string, workerId: string, meta: Meta) {
  const f = await visibleFair(ctx.db, actor, fairId);
  const [w] = await ctx.db.select({ regionCode: workers.regionCode }).from(workers).where(eq(workers.id, workerId));
  if (!w || !inScope(actor, w.regionCode)) throw new NotFound('sign-up', workerId);
  const events: string[] = [];
  const promoted = await ctx.db.transaction(async (tx) => {
    const [locked] = await tx.select({ capacity: jobFairs.capacity, status: jobFairs.status }).from(jobFairs).where(eq(jobFairs.id, fairId)).for('update');
    const now = ctx.clock.now();
    const [s] = await tx.select().from(fairSignups).where(and(eq(fairSignups.fairId, fairId), eq(fairSignups.workerId, workerId))).for('update');
    if (!s || s.status === 'cancelled') throw new NotFound('sign-up', workerId);
    if (s.checkedInAt) refuse('body.workerId', 'already_checked_in');
    await tx.update(fairSignups).set({ status: 'cancelled', updatedAt: now }).where(eq(fairSignups.id, s.id));
    await stopFollowUps(tx, now, { workerId, sequence: 'fair_reminder', subject: fairId }, 'cancelled');
    let next: string | null = null;
    if (s.status === 'signed_up') {
      const open = locked && locked.capacity !== null && (locked.status === 'announced' || locked.status === 'live');
      if (open) {
        const [head] = rowsOf<{ worker_id: string }>(
          await tx.execute(sql`
            update ${fairSignups} set status = 'signed_up', updated_at = ${now.toISOString()}::timestamptz
            where id = (select id from ${fairSignups} where fair_id = ${fairId} and status = 'waiting' order by queue limit 1 for update)
            returning worker_id`),
        );
        next = head?.worker_id ?? null;
      }
      // The place goes back to the count when nobody was waiting for it.
      if (!next) await tx.update(jobFairs).set({ taken: sql`${jobFairs.taken} - 1` }).where(eq(jobFairs.id, fairId));
    }
    events.push(
      ...(await emit(tx, now, [
        { type: 'fair.signup_cancelled', data: { fairId, workerId, regionCode: f.regionCode, promotedWorkerId: next, actorId: actor.accountId, ...metaOf(meta) } },
        ...(next ? [{ type: 'fair.promoted' as const, data: { fairId, workerId: next } }] : []),
      ])),
    );
    return next;
  });
  await publishOutbox(ctx, events).catch(() => undefined);
  return { cancelled: true, promotedWorkerId: promoted };
}

export async function listSignups(ctx: Pick<AppContext, 'db'>, actor: Actor, fairId: string, q: { status?: string; page: number; pageSize: number }) {
  await visibleFair(ctx.db, actor, fairId);
  // Staff see the people of their own region only.
  const where = and(eq(fairSignups.fairId, fairId), like(workers.regionCode, `${actor.regionCode}%`), q.status ? eq(fairSignups.status, q.status as never) : undefined);
  const rows = await ctx.db
    .select({ s: fairSignups, name: workers.name, idNumber: workers.idNumberMasked, phone: workers.phoneMasked })
    .from(fairSignups)
    .innerJoin(workers, eq(workers.id, fairSignups.workerId))
    .where(where)
    .orderBy(asc(fairSignups.queue))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(fairSignups).innerJoin(workers, eq(workers.id, fairSignups.workerId)).where(where);
  return {
    items: rows.map((r) => ({ workerId: r.s.workerId, name: r.name, idNumber: r.idNumber, phone: r.phone, status: r.s.status, source: r.s.source, checkedInAt: r.s.checkedInAt?.toISOString() ?? null, createdAt: r.s.createdAt.toISOString() })),
    page: q.page,
    pageSize: q.pageSize,
    total: n?.n ?? 0,
  };
}

/**
 * Checks a person in at the fair: one signed up, or someone who just came while places are left
 * (they are signed up on the spot, and take a place). Someone on the waiting list is sent to the desk. Twice is once.
 */
export async function checkIn(ctx: Ctx, actor: Actor, fairId: string, workerId: string, how: 'desk' | 'qr', meta: Meta) {
  const f = await visibleFair(ctx.db, actor, fairId);
  await activeWorker(ctx.db, actor, workerId);
  const row = await ctx.db.transaction(async (tx) => {
    const db = tx;
    const [locked] = await db.select().from(jobFairs).where(eq(jobFairs.id, fairId)).for('update');
    const now = ctx.clock.now();
    if (!locked || (locked.status !== 'announced' && locked.status !== 'live')) refuse('fair', 'not_open');
    if (now.getTime() < locked.startsAt.getTime() - CHECKIN_EARLY_MS || now > locked.endsAt) refuse('fair', 'checkin_closed');
    const [s] = await db.select().from(fairSignups).where(and(eq(fairSignups.fairId, fairId), eq(fairSignups.workerId, workerId)));
    if (s?.checkedInAt) return s;
    if (s?.status === 'waiting') refuse('body.workerId', 'waiting_list');
    if (!s || s.status === 'cancelled') {
      if (locked.capacity !== null && locked.taken >= locked.capacity) refuse('fair', 'full');
      await db.update(jobFairs).set({ taken: sql`${jobFairs.taken} + 1` }).where(eq(jobFairs.id, fairId));
      const values = { status: 'signed_up' as const, source: how === 'qr' ? 'chat' : 'walk_in', checkedInAt: now, checkedInBy: actor.accountId, updatedAt: now };
      const [made] = s
        ? await db.update(fairSignups).set(values).where(eq(fairSignups.id, s.id)).returning()
        : await db.insert(fairSignups).values({ fairId, workerId, createdAt: now, ...values }).returning();
      return made!;
    }
    const [done] = await db.update(fairSignups).set({ checkedInAt: now, checkedInBy: actor.accountId, updatedAt: now }).where(eq(fairSignups.id, s.id)).returning();
    // Once there, the reminders have nothing more to say.
    await stopFollowUps(db, now, { workerId, sequence: 'fair_reminder', subject: fairId }, 'checked_in');
    return done!;
  });
  await recordAudit(ctx.db, { actorId: actor.accountId, action: 'fair.checkin', entity: 'job_fair', entityId: fairId, regionCode: f.regionCode, details: { workerId, how }, ...meta });
  return presentSignup(ctx.db, row);
}

/** Registers someone who came without being registered (the register's rules), then checks them in. */
export async function walkIn(ctx: Ctx & Pick<AppContext, 'pii'>, actor: Actor, fairId: string, input: WorkerCreate, meta: Meta) {
  const f = await visibleFair(ctx.db, actor, fairId);
  if (f.status !== 'announced' && f.status !== 'live') refuse('fair', 'not_open');
  // No one is registered only to be turned away: a full fair says so first.
  if (f.capacity !== null && f.taken >= f.capacity) refuse('fair', 'full');
  const w = await createWorker(ctx, actor, input, meta);
  const signup = await checkIn(ctx, actor, fairId, w.id, 'desk', meta);
  return { worker: w, signup };
}
