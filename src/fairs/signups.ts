import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { rowsOf, type Db } from '../db/client';
import { fairSignups, jobFairs } from '../db/schema/fairs';
import { livesUnder, workerCards, workerPlaces } from '../registry';
import { emit } from '../events';
import { publishOutbox } from '../outbox';
import { stopFollowUps } from '../outreach';
import { createWorker, type WorkerCreate } from '../registry';
import { NotFound, ValidationFailed } from '../shared/errors';
import { canSee, refuse, visibleFair, type Ctx, type Meta } from './common';
import type { FairsProps } from './props';
import type { SignupCancelled, SignupList, SignupListQuery, SignupView, WalkInView } from './schemas';

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
  const place = (await workerPlaces(db, [workerId])).get(workerId);
  const w = place && { id: workerId, ...place };
  if (!w || !inScope(actor, w.regionCode) || w.status !== 'active') throw new ValidationFailed('unknown worker', [{ path: 'body.workerId', message: 'errors:detail.unknown_worker' }]);
  return w;
}

/** What a sign-up is answered with: the sign-up as the API declares it (JobFairSignupView). */
type SignupAnswer = SignupView;
type Waiting = { workerId: string; source: SignupSource; actor: Actor; actorId: string; meta: Meta; resolve: (a: SignupAnswer) => void; reject: (err: unknown) => void };
type Lane = { waiting: Waiting[]; running: boolean };

/** At most this many sign-ups to one fair are answered by one transaction. */
const MAX_BATCH = 200;
/** Per database and fair: the sign-ups waiting for the transaction now running to finish. */
const lanes = new WeakMap<Db, Map<string, Lane>>();

/**
 * Signs a person up: a place while there are places, otherwise the waiting list. Sign-ups to one fair
 * are answered together: those that arrive while a transaction for the fair is running wait for it and
 * then go in the next one, in the order they came. Each transaction takes the fair's row, gives places
 * while `taken < capacity`, puts the others on the waiting list, counts the places and commits, so the
 * row is held once (and one commit waited for) for many sign-ups, and however many sign up at once, in
 * however many processes, no more than the capacity get places and the waiting list keeps its order.
 * The reminders and the audit entries follow from the sign-ups' event, outside that transaction.
 */
export async function signUp(ctx: Ctx, actor: Actor, fairId: string, workerId: string, source: SignupSource, meta: Meta): Promise<SignupAnswer> {
  // Who may see the fair and sign this person up is checked with the others, in the transaction.
  let byFair = lanes.get(ctx.db);
  if (!byFair) lanes.set(ctx.db, (byFair = new Map<string, Lane>()));
  let lane = byFair.get(fairId);
  if (!lane) byFair.set(fairId, (lane = { waiting: [], running: false }));
  const answer = new Promise<SignupAnswer>((resolve, reject) => lane.waiting.push({ workerId, source, actor, actorId: actor.accountId, meta, resolve, reject }));
  if (!lane.running) void runLane(ctx, fairId, lane, byFair);
  return answer;
}

async function runLane(ctx: Ctx, fairId: string, lane: Lane, byFair: Map<string, Lane>): Promise<void> {
  lane.running = true;
  try {
    while (lane.waiting.length) {
      const batch = lane.waiting.splice(0, MAX_BATCH);
      try {
        const { answers, events } = await signUpTogether(ctx, fairId, batch);
        batch.forEach((w, i) => {
          const a = answers[i]!;
          if (a instanceof Error) w.reject(a);
          else w.resolve(a);
        });
        // Published right away in the background; the relay publishes whatever this misses.
        if (events.length) void publishOutbox(ctx, events).catch(() => undefined);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  } finally {
    lane.running = false;
    if (!lane.waiting.length) byFair.delete(fairId);
  }
}

function refusal(path: string, key: string): Error {
  try {
    refuse(path, key);
  } catch (err) {
    return err as Error;
  }
}

/** One transaction for sign-ups to one fair, in the order they came: an answer (or a refusal) for each. */
async function signUpTogether(ctx: Ctx, fairId: string, batch: Waiting[]): Promise<{ answers: Array<SignupAnswer | Error>; events: string[] }> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const events: string[] = [];
  const people = new Map([...(await workerPlaces(ctx.db, batch.map((b) => b.workerId)))].map(([id, w]) => [id, { id, ...w }]));
  const answers = await ctx.db.transaction(async (tx) => {
    const [f] = await tx.select().from(jobFairs).where(eq(jobFairs.id, fairId)).for('update');
    // The refusals of each request, in the order a single sign-up meets them.
    const refused = batch.map((b) => {
      if (!f || !canSee(b.actor, f)) return new NotFound('job fair', fairId);
      const w = people.get(b.workerId);
      if (!w || !inScope(b.actor, w.regionCode) || w.status !== 'active') return new ValidationFailed('unknown worker', [{ path: 'body.workerId', message: 'errors:detail.unknown_worker' }]);
      if ((f.status !== 'announced' && f.status !== 'live') || f.endsAt <= now) return refusal('fair', 'not_open');
      return null;
    });
    if (!f || refused.every(Boolean)) return refused as Error[];
    // With the row held, nobody else changes this fair's sign-ups: who already has a place or a turn, and how long the list is.
    const [state] = rowsOf<{ waiting: number; active: string[] | null }>(
      await tx.execute(sql`select
        (select count(*)::int from ${fairSignups} where fair_id = ${fairId} and status = 'waiting') waiting,
        (select array_agg(worker_id::text) from ${fairSignups} where fair_id = ${fairId} and status <> 'cancelled' and worker_id::text in (select jsonb_array_elements_text(${JSON.stringify(batch.map((b) => b.workerId))}::jsonb))) active`),
    );
    const taken = new Set(state?.active ?? []);
    let free = f.capacity === null ? Infinity : Math.max(0, f.capacity - f.taken);
    let waiting = state?.waiting ?? 0;
    const plan: Array<{ w: string; s: 'signed_up' | 'waiting'; src: string; n: number; position: number | null } | Error> = batch.map((b, n) => {
      const no = refused[n];
      if (no) return no;
      if (taken.has(b.workerId)) return refusal('body.workerId', 'already_signed_up');
      taken.add(b.workerId);
      if (free > 0) {
        free--;
        return { w: b.workerId, s: 'signed_up', src: b.source, n, position: null };
      }
      return { w: b.workerId, s: 'waiting', src: b.source, n, position: ++waiting };
    });
    const rows = plan.filter((p): p is Exclude<(typeof plan)[number], Error> => !(p instanceof Error));
    if (!rows.length) return plan.filter((p): p is Error => p instanceof Error);
    // One insert in the order they came, so their numbers in the queue follow that order; someone signing up again joins the end.
    const made = rowsOf<RawSignup>(
      await tx.execute(sql`
        insert into ${fairSignups} (fair_id, worker_id, status, source, created_at, updated_at)
        select ${fairId}, i.w, i.s::fair_signup_status, i.src, ${at}::timestamptz, ${at}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows.map(({ w, s, src, n }) => ({ w, s, src, n })))}::jsonb) as i(w uuid, s text, src text, n int)
        order by i.n
        on conflict (fair_id, worker_id) do update
          set status = excluded.status, source = excluded.source, queue = nextval(pg_get_serial_sequence('fair_signups', 'queue')), created_at = excluded.created_at, updated_at = excluded.updated_at
          where ${fairSignups}.status = 'cancelled'
        returning id, fair_id, worker_id, status, source, queue, checked_in_at, created_at`),
    );
    // Every row was checked above with the fair's row held; one missing means that check no longer holds.
    if (made.length !== rows.length) throw new Error(`fair ${fairId}: ${rows.length} sign-ups planned, ${made.length} written`);
    const placed = rows.filter((r) => r.s === 'signed_up').length;
    if (placed) await tx.update(jobFairs).set({ taken: sql`${jobFairs.taken} + ${placed}` }).where(eq(jobFairs.id, fairId));
    const byWorker = new Map(made.map((m) => [m.worker_id, fromRaw(m)]));
    events.push(
      ...(await emit(tx, now, [
        {
          type: 'fair.signed_up',
          data: {
            fairId,
            regionCode: f.regionCode,
            signups: rows.map((r) => ({ signupId: byWorker.get(r.w)!.id, workerId: r.w, status: r.s, source: r.src, actorId: batch[r.n]!.actorId, ...metaOf(batch[r.n]!.meta) })),
          },
        },
      ])),
    );
    return plan.map((p) => (p instanceof Error ? p : answerOf(byWorker.get(p.w)!, p.position)));
  });
  return { answers, events };
}

function metaOf(meta: Meta): { requestId?: string; ip?: string } {
  return { ...(meta.requestId ? { requestId: meta.requestId.slice(0, 200) } : {}), ...(meta.ip ? { ip: meta.ip.slice(0, 100) } : {}) };
}

type Row = Pick<Signup, 'id' | 'fairId' | 'workerId' | 'status' | 'source' | 'queue' | 'checkedInAt' | 'createdAt'>;

function answerOf(s: Row, position: number | null): SignupAnswer {
  return { id: s.id, fairId: s.fairId, workerId: s.workerId, status: s.status, position, source: s.source, checkedInAt: s.checkedInAt?.toISOString() ?? null, createdAt: s.createdAt.toISOString() };
}

/** A sign-up as answered: on the waiting list, the person's place in it now (1 is next). */
export async function presentSignup(db: Db, s: Row): Promise<SignupAnswer> {
  let position: number | null = null;
  if (s.status === 'waiting') {
    const [p] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(fairSignups)
      .where(and(eq(fairSignups.fairId, s.fairId), eq(fairSignups.status, 'waiting'), lte(fairSignups.queue, s.queue)));
    position = p?.n ?? null;
  }
  return answerOf(s, position);
}

/**
 * Cancels a sign-up; a place it frees goes to the first on the waiting list, who is told. The fair's row
 * is taken first (as a sign-up takes it), so a freed place is handed on exactly once: each cancellation
 * sees the waiting list as the one before it left it.
 */
export async function cancelSignup(ctx: Ctx, actor: Actor, fairId: string, workerId: string, meta: Meta): Promise<SignupCancelled> {
  const f = await visibleFair(ctx.db, actor, fairId);
  const w = (await workerPlaces(ctx.db, [workerId])).get(workerId);
  if (!w || !inScope(actor, w.regionCode)) throw new NotFound('sign-up', workerId);
  const events: string[] = [];
  const promoted = await ctx.db.transaction(async (tx) => {
    const [locked] = await tx.select({ status: jobFairs.status }).from(jobFairs).where(eq(jobFairs.id, fairId)).for('update');
    const now = ctx.clock.now();
    const [s] = await tx.select().from(fairSignups).where(and(eq(fairSignups.fairId, fairId), eq(fairSignups.workerId, workerId))).for('update');
    if (!s || s.status === 'cancelled') throw new NotFound('sign-up', workerId);
    if (s.checkedInAt) refuse('body.workerId', 'already_checked_in');
    await tx.update(fairSignups).set({ status: 'cancelled', updatedAt: now }).where(eq(fairSignups.id, s.id));
    await stopFollowUps(tx, now, { workerId, sequence: 'fair_reminder', subject: fairId }, 'cancelled');
    let promoted: string[] = [];
    if (s.status === 'signed_up') {
      await tx.update(jobFairs).set({ taken: sql`${jobFairs.taken} - 1` }).where(eq(jobFairs.id, fairId));
      // The freed place goes to the head of the waiting list (unless the capacity was lowered below the places taken).
      if (locked && (locked.status === 'announced' || locked.status === 'live')) promoted = await promoteWaiting(tx, fairId, now);
    }
    const next = promoted[0] ?? null;
    events.push(
      ...(await emit(tx, now, [
        { type: 'fair.signup_cancelled', data: { fairId, workerId, regionCode: f.regionCode, promotedWorkerId: next, actorId: actor.accountId, ...metaOf(meta) } },
        ...promotedEvents(fairId, promoted),
      ])),
    );
    return next;
  });
  await publishOutbox(ctx, events).catch(() => undefined);
  return { cancelled: true, promotedWorkerId: promoted };
}

/**
 * With the fair's row held by the caller: the free places (capacity − taken; all, with no capacity) go to
 * the head of the waiting list in queue order, and are counted. Returns who got them, first first.
 */
export async function promoteWaiting(tx: Db, fairId: string, now: Date): Promise<string[]> {
  const [f] = await tx.select({ capacity: jobFairs.capacity, taken: jobFairs.taken }).from(jobFairs).where(eq(jobFairs.id, fairId));
  const free = !f ? 0 : f.capacity === null ? null : Math.max(0, f.capacity - f.taken);
  if (free === 0) return [];
  const heads = rowsOf<{ worker_id: string; queue: string | number }>(
    await tx.execute(sql`
      update ${fairSignups} set status = 'signed_up', updated_at = ${now.toISOString()}::timestamptz
      where id in (select id from ${fairSignups} where fair_id = ${fairId} and status = 'waiting' order by queue ${free === null ? sql`` : sql`limit ${free}`} for update)
      returning worker_id, queue`),
  );
  if (heads.length) await tx.update(jobFairs).set({ taken: sql`${jobFairs.taken} + ${heads.length}` }).where(eq(jobFairs.id, fairId));
  return heads.sort((a, b) => Number(a.queue) - Number(b.queue)).map((h) => h.worker_id);
}

/** The events that tell each person promoted, and plan their reminders. */
export function promotedEvents(fairId: string, workerIds: string[]) {
  return workerIds.map((workerId) => ({ type: 'fair.promoted' as const, data: { fairId, workerId } }));
}

export async function listSignups(ctx: Pick<AppContext, 'db'>, actor: Actor, fairId: string, q: SignupListQuery): Promise<SignupList> {
  await visibleFair(ctx.db, actor, fairId);
  // Staff see the people of their own region only.
  const where = and(eq(fairSignups.fairId, fairId), livesUnder(fairSignups.workerId, actor.regionCode), q.status ? eq(fairSignups.status, q.status) : undefined);
  const rows = await ctx.db
    .select({ s: fairSignups })
    .from(fairSignups)
    .where(where)
    .orderBy(asc(fairSignups.queue))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(fairSignups).where(where);
  const cards = await workerCards(ctx.db, rows.map((r) => r.s.workerId));
  return {
    items: rows.map((r) => ({ workerId: r.s.workerId, name: cards.get(r.s.workerId)!.name, idNumber: cards.get(r.s.workerId)!.idNumberMasked, phone: cards.get(r.s.workerId)!.phoneMasked, status: r.s.status, source: r.s.source, checkedInAt: r.s.checkedInAt?.toISOString() ?? null, createdAt: r.s.createdAt.toISOString() })),
    page: q.page,
    pageSize: q.pageSize,
    total: n?.n ?? 0,
  };
}

/**
 * Checks a person in at the fair: one signed up, or someone who just came while places are left
 * (they are signed up on the spot, and take a place). Someone on the waiting list is sent to the desk. Twice is once.
 */
export async function checkIn({ ctx, actor, meta }: FairsProps<Ctx>, fairId: string, workerId: string, how: 'desk' | 'qr'): Promise<SignupAnswer> {
  const f = await visibleFair(ctx.db, actor, fairId);
  await activeWorker(ctx.db, actor, workerId);
  const row = await command({ ctx, actor, meta }, async (db, audit) => {
    const [locked] = await db.select().from(jobFairs).where(eq(jobFairs.id, fairId)).for('update');
    const now = ctx.clock.now();
    if (!locked || (locked.status !== 'announced' && locked.status !== 'live')) refuse('fair', 'not_open');
    audit({ action: 'fair.checkin', entity: 'job_fair', entityId: fairId, regionCode: f.regionCode, details: { workerId, how } });
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
  return presentSignup(ctx.db, row);
}

/** Registers someone who came without being registered (the register's rules), then checks them in. */
export async function walkIn(ctx: Ctx & Pick<AppContext, 'pii'>, actor: Actor, fairId: string, input: WorkerCreate, meta: Meta): Promise<WalkInView> {
  const f = await visibleFair(ctx.db, actor, fairId);
  if (f.status !== 'announced' && f.status !== 'live') refuse('fair', 'not_open');
  // No one is registered only to be turned away: a full fair says so first.
  if (f.capacity !== null && f.taken >= f.capacity) refuse('fair', 'full');
  const w = await createWorker({ ctx, actor, meta }, input);
  const signup = await checkIn({ ctx, actor, meta }, fairId, w.id, 'desk');
  return { worker: w, signup };
}
