import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, like, lte, or, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import { command, type Executor } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { fairSignups, fairVacancies, jobFairs, type FairAudience } from '../db/schema/fairs';
import { emit } from '../events';
import { translator } from '../i18n';
import { publishOutbox } from '../outbox';
import { applicationsAtFair, payText, postsWithEmployers, vacancyStates, waitingAtFair } from '../market';
import { lastFairToldTo, scheduleSteps, startFollowUp, stopFollowUps, type PlannedStep, startBroadcastIn, previewOf } from '../outreach';
import { stationRegion } from '../access';
import { homeRegionOf, householdRelocated, peopleMatching, withBothNames } from '../registry';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors';
import { beijingTime, shanghaiDate } from '../shared/time';
import { placeOf, planReminders, refuse, runnableFair, tellNow, visibleFair, type Ctx, type Fair } from './common';
import type { FairCreate, FairPatch } from './schemas';

// Sign-ups, cancellations and check-in live in ./signups (what follows a sign-up in ./handlers); reached from here as before.
export { cancelSignup, checkIn, listSignups, signUp, walkIn, type SignupSource } from './signups';
import { promotedEvents, promoteWaiting } from './signups';
import type { FairsProps } from './props';

/** Letters and digits that cannot be mistaken for one another when read aloud or typed. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newCode(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

function checkShape(f: { kind: string; address?: string | null; streamUrl?: string | null; startsAt: Date; endsAt: Date }) {
  if (f.endsAt <= f.startsAt) throw new ValidationFailed('window', [{ path: 'body.endsAt', message: 'errors:detail.end_before_start' }]);
  if (f.kind === 'on_site' && !f.address) throw new ValidationFailed('address', [{ path: 'body.address', message: 'errors:detail.fair.address_required' }]);
  if (f.kind !== 'on_site' && !f.streamUrl) throw new ValidationFailed('stream', [{ path: 'body.streamUrl', message: 'errors:detail.fair.stream_required' }]);
}

/** What a fair shows of each of its posts, from the market's posts joined to the fair's. */
function postFields(p: ReturnType<typeof postsWithEmployers>) {
  return { vacancyId: p.vacancyId, title: p.title, employerId: p.employerId, employer: p.employer, headcount: p.headcount, filled: p.filled, payMinFen: p.payMinFen, payMaxFen: p.payMaxFen, payUnit: p.payUnit, status: p.status };
}

/** Open posts in the actor's region, numbered after those the fair already has. */
async function attachVacancies(db: Db, actor: Actor, fairId: string, vacancyIds: string[]): Promise<void> {
  const ids = [...new Set(vacancyIds)];
  if (!ids.length) return;
  const found = await vacancyStates(db, ids);
  const usable = new Set(found.filter((v) => inScope(actor, v.regionCode) && v.status === 'open').map((v) => v.id));
  const bad = ids.findIndex((id) => !usable.has(id));
  if (bad >= 0) throw new ValidationFailed('vacancy', [{ path: `body.vacancyIds.${bad}`, message: 'errors:detail.fair.vacancy_not_open' }]);
  const have = await db.select({ vacancyId: fairVacancies.vacancyId, seq: fairVacancies.seq }).from(fairVacancies).where(eq(fairVacancies.fairId, fairId));
  const already = new Set(have.map((h) => h.vacancyId));
  let seq = have.reduce((m, h) => Math.max(m, h.seq), 0);
  const rows = ids.filter((id) => !already.has(id)).map((vacancyId) => ({ fairId, vacancyId, seq: ++seq }));
  if (rows.length) await db.insert(fairVacancies).values(rows);
}

export async function createFair({ ctx, actor, meta }: FairsProps<Ctx>, input: FairCreate) {
  if (!inScope(actor, input.audience.regionCode)) {
    throw new ValidationFailed('audience', [{ path: 'body.audience.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  }
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  checkShape({ ...input, startsAt, endsAt });
  if (endsAt <= ctx.clock.now()) throw new ValidationFailed('past', [{ path: 'body.endsAt', message: 'errors:detail.fair.in_past' }]);
  if (input.stationId) {
    const stationRegionCode = await stationRegion(ctx.db, input.stationId);
    if (!stationRegionCode || !inScope(actor, stationRegionCode)) throw new ValidationFailed('station', [{ path: 'body.stationId', message: 'errors:detail.fair.unknown_station' }]);
  }
  const now = ctx.clock.now();
  const create = () => command({ ctx, actor, meta }, async (db, audit) => {
    const [f] = await db
      .insert(jobFairs)
      .values({
        kind: input.kind,
        title: input.title,
        regionCode: actor.regionCode,
        stationId: input.stationId ?? actor.stationId ?? null,
        startsAt,
        endsAt,
        address: input.address ?? null,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        streamUrl: input.streamUrl ?? null,
        audience: input.audience,
        capacity: input.capacity ?? null,
        campaign: input.campaign ?? null,
        checkinCode: newCode(),
        createdBy: actor.accountId,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: jobFairs.id });
    await attachVacancies(db, actor, f!.id, input.vacancyIds);
    audit({ action: 'fair.create', entity: 'job_fair', entityId: f!.id, regionCode: actor.regionCode });
    return f!.id;
  });
  // Six characters from 31 letters and digits: a clash is rare, and the unique index turns one into another try.
  for (let attempt = 1; ; attempt++) {
    try {
      return await getFair(ctx, actor, await create());
    } catch (err) {
      const clash = (err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } });
      const c = clash.cause ?? clash;
      if (attempt >= 5 || c.code !== '23505' || c.constraint !== 'job_fairs_checkin_code_idx') throw err;
    }
  }
}

export async function updateFair({ ctx, actor, meta }: FairsProps<Ctx>, id: string, patch: FairPatch) {
  const f = await runnableFair(ctx.db, actor, id);
  if (f.status !== 'draft' && f.status !== 'announced') refuse('fair', 'not_editable');
  if (patch.audience && !inScope(actor, patch.audience.regionCode)) {
    throw new ValidationFailed('audience', [{ path: 'body.audience.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  }
  const startsAt = patch.startsAt ? new Date(patch.startsAt) : f.startsAt;
  const endsAt = patch.endsAt ? new Date(patch.endsAt) : f.endsAt;
  const merged = { ...f, ...patch, startsAt, endsAt };
  checkShape(merged);
  const steps: PlannedStep[] = [];
  const events: string[] = [];
  await command({ ctx, actor, meta }, async (db, audit) => {
    await db
      .update(jobFairs)
      .set({ ...patch, startsAt, endsAt, updatedAt: ctx.clock.now() })
      .where(eq(jobFairs.id, id));
    // More places (or none counted): the head of the waiting list gets them, with the fair's row held since the update.
    if (f.status === 'announced' && patch.capacity !== undefined) {
      const promoted = await promoteWaiting(db, id, ctx.clock.now());
      if (promoted.length) events.push(...(await emit(db, ctx.clock.now(), promotedEvents(id, promoted))));
    }
    // A new time or place: the reminders of those signed up are planned again with it.
    if (f.status === 'announced' && (startsAt.getTime() !== f.startsAt.getTime() || patch.address !== undefined || patch.streamUrl !== undefined)) {
      const signed = await db.select({ workerId: fairSignups.workerId, regionCode: homeRegionOf(fairSignups.workerId) }).from(fairSignups).where(and(eq(fairSignups.fairId, id), eq(fairSignups.status, 'signed_up')));
      const fresh = { ...f, ...merged };
      for (const s of signed) steps.push(...(await planReminders(db, ctx.clock.now(), fresh, s.workerId, s.regionCode, actor.accountId)));
    }
    audit({ action: 'fair.update', entity: 'job_fair', entityId: id, regionCode: f.regionCode, details: { fields: Object.keys(patch) } });
  });
  await scheduleSteps(ctx, steps);
  await publishOutbox(ctx, events).catch(() => undefined);
  return getFair(ctx, actor, id);
}

export async function addVacancies({ ctx, actor, meta }: FairsProps<Ctx>, id: string, vacancyIds: string[]) {
  const f = await runnableFair(ctx.db, actor, id);
  if (f.status === 'ended' || f.status === 'reported' || f.status === 'cancelled') refuse('fair', 'over');
  await command({ ctx, actor, meta }, async (db, audit) => {
    await db.execute(sql`select 1 from ${jobFairs} where ${jobFairs.id} = ${id} for update`);
    await attachVacancies(db, actor, id, vacancyIds);
    audit({ action: 'fair.vacancies', entity: 'job_fair', entityId: id, regionCode: f.regionCode, details: { added: vacancyIds.length } });
  });
  return getFair(ctx, actor, id);
}

/** The fair's details (place or link, window, posts with their numbers, places left), as staff and people see them. */
export async function getFair(ctx: Pick<AppContext, 'db' | 'config'>, actor: Actor, id: string) {
  const f = await visibleFair(ctx.db, actor, id);
  const p = postsWithEmployers(ctx.db);
  const posts = await ctx.db
    .select({ seq: fairVacancies.seq, v: postFields(p) })
    .from(fairVacancies)
    .innerJoin(p, eq(p.vacancyId, fairVacancies.vacancyId))
    .where(eq(fairVacancies.fairId, id))
    .orderBy(asc(fairVacancies.seq));
  const counts = await signupCounts(ctx.db, id);
  const t = translator('zh-CN');
  return {
    id: f.id,
    kind: f.kind,
    title: f.title,
    regionCode: f.regionCode,
    stationId: f.stationId,
    startsAt: f.startsAt.toISOString(),
    endsAt: f.endsAt.toISOString(),
    address: f.address,
    lat: f.lat,
    lng: f.lng,
    streamUrl: f.streamUrl,
    audience: f.audience,
    capacity: f.capacity,
    campaign: f.campaign,
    status: f.status,
    checkinCode: f.checkinCode,
    checkinUrl: checkinUrl(ctx.config, f),
    onScreenVacancyId: f.onScreenVacancyId,
    vacancies: posts.map((p) => ({
      seq: p.seq,
      vacancyId: p.v.vacancyId,
      title: p.v.title,
      employer: p.v.employer,
      employerId: p.v.employerId,
      headcount: p.v.headcount,
      pay: payText(t, p.v),
      status: p.v.status,
      onScreen: f.onScreenVacancyId === p.v.vacancyId,
    })),
    counts: { ...counts, placesLeft: f.capacity === null ? null : Math.max(0, f.capacity - counts.signedUp) },
    announcedAt: f.announcedAt?.toISOString() ?? null,
    liveAt: f.liveAt?.toISOString() ?? null,
    endedAt: f.endedAt?.toISOString() ?? null,
    createdAt: f.createdAt.toISOString(),
  };
}

async function signupCounts(db: Db, fairId: string) {
  const [c] = await db
    .select({
      signedUp: sql<number>`count(*) filter (where ${fairSignups.status} = 'signed_up')::int`,
      waiting: sql<number>`count(*) filter (where ${fairSignups.status} = 'waiting')::int`,
      cancelled: sql<number>`count(*) filter (where ${fairSignups.status} = 'cancelled')::int`,
      checkedIn: sql<number>`count(*) filter (where ${fairSignups.checkedInAt} is not null)::int`,
    })
    .from(fairSignups)
    .where(eq(fairSignups.fairId, fairId));
  return c ?? { signedUp: 0, waiting: 0, cancelled: 0, checkedIn: 0 };
}

export async function listFairs(ctx: Pick<AppContext, 'db' | 'config'>, actor: Actor, q: { regionCode?: string; status?: string; campaign?: string; from?: string; to?: string; page: number; pageSize: number }) {
  const region = q.regionCode ?? actor.regionCode;
  const visible = or(
    like(jobFairs.regionCode, `${actor.regionCode}%`),
    sql`(${jobFairs.audience} ->> 'regionCode') like ${`${actor.regionCode}%`}`,
    sql`${actor.regionCode} like (${jobFairs.audience} ->> 'regionCode') || '%'`,
  );
  const where = and(
    visible,
    q.regionCode ? or(like(jobFairs.regionCode, `${region}%`), sql`(${jobFairs.audience} ->> 'regionCode') like ${`${region}%`}`) : undefined,
    q.status ? eq(jobFairs.status, q.status as never) : undefined,
    q.campaign ? eq(jobFairs.campaign, q.campaign) : undefined,
    q.from ? sql`${jobFairs.startsAt} >= (${q.from}::date - interval '8 hours')` : undefined,
    q.to ? sql`${jobFairs.startsAt} < (${q.to}::date + interval '16 hours')` : undefined,
  );
  const rows = await ctx.db
    .select()
    .from(jobFairs)
    .where(where)
    .orderBy(desc(jobFairs.startsAt), asc(jobFairs.id))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(jobFairs).where(where);
  return {
    items: rows.map((f) => ({ id: f.id, kind: f.kind, title: f.title, status: f.status, startsAt: f.startsAt.toISOString(), endsAt: f.endsAt.toISOString(), campaign: f.campaign, regionCode: f.regionCode, capacity: f.capacity })),
    page: q.page,
    pageSize: q.pageSize,
    total: n?.n ?? 0,
  };
}

function message(key: string, vars: Record<string, string | number>, f?: Fair): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lng of ['zh-CN', 'en'] as const) {
    const t = translator(lng);
    out[lng] = t(key, { ...vars, ...(f ? { place: placeOf(t, f) } : {}) });
  }
  return out;
}

/** A broadcast about a fair: to its audience who take fair news, and to everyone signed up for it. */
/** The fair's broadcast, in the caller's unit of work; its outbox row is published once that commits. */
async function fairBroadcast(ctx: Ctx, db: Executor, f: Fair, msg: Record<string, string>, opts: { toGroups: boolean; createdBy: string | null }): Promise<{ id: string; outboxId: string }> {
  const audience: FairAudience & { fairId: string } = { ...f.audience, fairId: f.id };
  return startBroadcastIn({ ctx: { ...ctx, db } }, { regionCode: f.audience.regionCode, createdBy: opts.createdBy, topic: 'job_fair', audience, message: msg, sendAt: ctx.clock.now(), toGroups: opts.toGroups });
}

/** What announcing a fair sends and to whom, the same for its preview and for the announcement. */
function announcement(f: Fair) {
  return { topic: 'job_fair', audience: { ...f.audience, fairId: f.id }, message: message('outreach:fair.announce', { title: f.title, time: beijingTime(f.startsAt) }, f), toGroups: true };
}

/** Before announcing: who hears of it, on which channel, at what SMS cost, and the message as one of them reads it. */
export async function previewAnnouncement(ctx: Pick<AppContext, 'db' | 'config' | 'outreachPorts'>, actor: Actor, id: string, recipientId?: string) {
  const f = await runnableFair(ctx.db, actor, id);
  if (f.status !== 'draft') refuse('fair', 'not_draft');
  return previewOf(ctx, { ...announcement(f), recipientId });
}

/** draft → announced: the audience hears of it (and the station's WeChat groups), and sign-ups open. */
export async function announceFair({ ctx, actor, meta }: FairsProps<Ctx>, id: string) {
  const f = await runnableFair(ctx.db, actor, id);
  if (f.status !== 'draft') refuse('fair', 'not_draft');
  const now = ctx.clock.now();
  const broadcast = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [moved] = await tx.update(jobFairs).set({ status: 'announced', announcedAt: now, updatedAt: now }).where(and(eq(jobFairs.id, id), eq(jobFairs.status, 'draft'))).returning();
    if (!moved) refuse('fair', 'not_draft');
    const broadcast = await fairBroadcast(ctx, tx, moved, announcement(moved).message, { toGroups: true, createdBy: actor.accountId });
    audit({ action: 'fair.announce', entity: 'job_fair', entityId: id, regionCode: f.regionCode, details: { broadcastId: broadcast.id } });
    return broadcast;
  });
  await publishOutbox(ctx, [broadcast.outboxId]).catch(() => undefined);
  return { ...(await getFair(ctx, actor, id)), broadcastId: broadcast.id };
}

/** The fair a check-in code (from the QR code or typed after 签到) belongs to. */
export async function fairByCode(db: Db, code: string): Promise<Fair | undefined> {
  const clean = code.trim().toUpperCase();
  if (!/^[A-Z0-9]{6}$/.test(clean)) return undefined;
  const [f] = await db.select().from(jobFairs).where(eq(jobFairs.checkinCode, clean));
  return f;
}

export function checkinUrl(config: Pick<AppContext['config'], 'http'>, f: Pick<Fair, 'checkinCode'>): string {
  return `${config.http.publicUrl}/checkin/${f.checkinCode}`;
}

/** The QR code printed at the entrance: it opens the check-in page of the fair. */
export async function qrCode(ctx: Pick<AppContext, 'db' | 'config'>, actor: Actor, id: string, format: 'png' | 'svg'): Promise<Buffer | string> {
  const f = await visibleFair(ctx.db, actor, id);
  const url = checkinUrl(ctx.config, f);
  // Loaded on the first code printed, not with the service.
  const { default: QRCode } = await import('qrcode');
  return format === 'png' ? QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 }) : QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The desk's search: registered people of the staff member's region by name or the last four of the ID number. */
export async function findPeople(ctx: Pick<AppContext, 'db'>, actor: Actor, fairId: string, q: string) {
  await visibleFair(ctx.db, actor, fairId);
  const people = peopleMatching(ctx.db, actor.regionCode, q, 20);
  const rows = await ctx.db
    .select({ id: people.id, name: people.name, idNumber: people.idNumberMasked, regionCode: people.regionCode, status: fairSignups.status, checkedInAt: fairSignups.checkedInAt })
    .from(people)
    .leftJoin(fairSignups, and(eq(fairSignups.workerId, people.id), eq(fairSignups.fairId, fairId)))
    .orderBy(asc(people.name), asc(people.id));
  return { items: rows.map((r) => ({ workerId: r.id, name: r.name, idNumber: r.idNumber, regionCode: r.regionCode, signup: r.status ?? null, checkedIn: Boolean(r.checkedInAt) })) };
}

/** announced → live (by staff, or by the clock at the start). */
export async function goLive({ ctx, actor, meta }: FairsProps<Ctx, Actor | null>, id: string) {
  const f = actor ? await runnableFair(ctx.db, actor, id) : (await ctx.db.select().from(jobFairs).where(eq(jobFairs.id, id)))[0];
  if (!f) throw new NotFound('job fair', id);
  if (f.status !== 'announced') refuse('fair', 'not_announced');
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (tx, audit) => {
    await tx.update(jobFairs).set({ status: 'live', liveAt: now, updatedAt: now }).where(and(eq(jobFairs.id, id), eq(jobFairs.status, 'announced')));
    audit({ action: 'fair.live', entity: 'job_fair', entityId: id, regionCode: f.regionCode });
  });
  return actor ? getFair(ctx, actor, id) : undefined;
}

/**
 * 直播带岗: the post now on screen. Those signed up and those who take fair news hear of it in one
 * short message with its number; replying 报名 and the number applies, and the application counts for the fair.
 */
export async function putOnScreen({ ctx, actor, meta }: FairsProps<Ctx>, id: string, vacancyId: string) {
  const f = await runnableFair(ctx.db, actor, id);
  if (f.status !== 'live') refuse('fair', 'not_live');
  const p = postsWithEmployers(ctx.db);
  const [post] = await ctx.db
    .select({ seq: fairVacancies.seq, v: postFields(p) })
    .from(fairVacancies)
    .innerJoin(p, eq(p.vacancyId, fairVacancies.vacancyId))
    .where(and(eq(fairVacancies.fairId, id), eq(fairVacancies.vacancyId, vacancyId)));
  if (!post) throw new ValidationFailed('not in fair', [{ path: 'body.vacancyId', message: 'errors:detail.fair.vacancy_not_in_fair' }]);
  const now = ctx.clock.now();
  const msg: Record<string, string> = {};
  for (const lng of ['zh-CN', 'en'] as const) {
    const t = translator(lng);
    msg[lng] = t('outreach:fair.on_screen', { employer: post.v.employer, title: post.v.title, headcount: post.v.headcount - post.v.filled, pay: payText(t, post.v), n: post.seq });
  }
  const broadcast = await command({ ctx, actor, meta }, async (tx, audit) => {
    await tx.update(jobFairs).set({ onScreenVacancyId: vacancyId, updatedAt: now }).where(eq(jobFairs.id, id));
    await tx.update(fairVacancies).set({ onScreenAt: now }).where(and(eq(fairVacancies.fairId, id), eq(fairVacancies.vacancyId, vacancyId)));
    const broadcast = await fairBroadcast(ctx, tx, f, msg, { toGroups: false, createdBy: actor.accountId });
    audit({ action: 'fair.on_screen', entity: 'job_fair', entityId: id, regionCode: f.regionCode, details: { vacancyId, broadcastId: broadcast.id } });
    return broadcast;
  });
  await publishOutbox(ctx, [broadcast.outboxId]).catch(() => undefined);
  return { ...(await getFair(ctx, actor, id)), broadcastId: broadcast.id };
}

/**
 * The live fair a person was last told about (an on-screen post, in the last three hours), for a reply
 * of 报名 and a number. Undefined when there is none.
 */
export async function liveFairFor(db: Db, workerId: string, now: Date): Promise<{ fair: Fair; toldAt: Date } | undefined> {
  const since = new Date(now.getTime() - 3 * 3600_000);
  const row = await lastFairToldTo(db, workerId, since);
  if (!row) return undefined;
  const [fair] = await db.select().from(jobFairs).where(and(eq(jobFairs.id, row.fairId), eq(jobFairs.status, 'live')));
  return fair ? { fair, toldAt: row.at } : undefined;
}

/** Whether the fair carries the post, and whether it still runs (announced or live): the market asks it of an application made at a fair. */
export async function fairCarries(db: Db, fairId: string, vacancyId: string): Promise<{ running: boolean } | undefined> {
  const [row] = await db
    .select({ status: jobFairs.status })
    .from(fairVacancies)
    .innerJoin(jobFairs, eq(jobFairs.id, fairVacancies.fairId))
    .where(and(eq(fairVacancies.fairId, fairId), eq(fairVacancies.vacancyId, vacancyId)));
  return row ? { running: row.status === 'announced' || row.status === 'live' } : undefined;
}

/** The post with number `seq` at a fair (open or not). */
export async function fairPost(db: Db, fairId: string, seq: number) {
  const posts = postsWithEmployers(db);
  const [p] = await db.select({ vacancyId: fairVacancies.vacancyId, title: posts.title }).from(fairVacancies).innerJoin(posts, eq(posts.vacancyId, fairVacancies.vacancyId)).where(and(eq(fairVacancies.fairId, fairId), eq(fairVacancies.seq, seq)));
  return p;
}

/**
 * live (or announced) → ended. Three days later, whoever applied at the fair and has heard nothing is
 * asked how it went (稳岗 starts with a hire, so those hired meanwhile are not asked).
 */
export async function endFair({ ctx, actor, meta }: FairsProps<Ctx, Actor | null>, id: string) {
  const f = actor ? await runnableFair(ctx.db, actor, id) : (await ctx.db.select().from(jobFairs).where(eq(jobFairs.id, id)))[0];
  if (!f) throw new NotFound('job fair', id);
  if (f.status !== 'live' && f.status !== 'announced') refuse('fair', 'not_running');
  const steps: PlannedStep[] = [];
  await command({ ctx, actor, meta }, async (db, audit) => {
    const now = ctx.clock.now();
    const [moved] = await db.update(jobFairs).set({ status: 'ended', endedAt: now, onScreenVacancyId: null, updatedAt: now }).where(and(eq(jobFairs.id, id), inArray(jobFairs.status, ['live', 'announced']))).returning();
    if (!moved) refuse('fair', 'not_running');
    const applied = await waitingAtFair(db, id);
    for (const a of applied) {
      const run = await startFollowUp(db, now, { sequence: 'fair_aftercare', workerId: a.workerId, regionCode: a.regionCode, subject: a.id, anchorDate: shanghaiDate(now), variables: { fair: f.title, employer: a.employer, title: a.title }, createdBy: actor?.accountId ?? null });
      steps.push(...run.steps);
    }
    audit({ action: 'fair.end', entity: 'job_fair', entityId: id, regionCode: f.regionCode, details: { followUps: applied.length } });
  });
  await scheduleSteps(ctx, steps);
  return actor ? getFair(ctx, actor, id) : undefined;
}

/** A fair called off before it ends: everyone signed up or waiting is told, and no reminder goes out. */
export async function cancelFair({ ctx, actor, meta }: FairsProps<Ctx>, id: string) {
  const f = await runnableFair(ctx.db, actor, id);
  if (f.status !== 'draft' && f.status !== 'announced') refuse('fair', 'not_cancellable');
  const steps: PlannedStep[] = [];
  await command({ ctx, actor, meta }, async (db, audit) => {
    const now = ctx.clock.now();
    const [moved] = await db.update(jobFairs).set({ status: 'cancelled', updatedAt: now }).where(and(eq(jobFairs.id, id), inArray(jobFairs.status, ['draft', 'announced']))).returning();
    if (!moved) refuse('fair', 'not_cancellable');
    const people = await db
      .select({ workerId: fairSignups.workerId, regionCode: homeRegionOf(fairSignups.workerId) })
      .from(fairSignups)
      .where(and(eq(fairSignups.fairId, id), inArray(fairSignups.status, ['signed_up', 'waiting'])));
    for (const p of people) {
      await stopFollowUps(db, now, { workerId: p.workerId, sequence: 'fair_reminder', subject: id }, 'fair_cancelled');
      steps.push(...(await tellNow(db, now, 'fair_cancelled', moved, p.workerId, p.regionCode, actor.accountId)));
    }
    audit({ action: 'fair.cancel', entity: 'job_fair', entityId: id, regionCode: f.regionCode, details: { told: people.length } });
  });
  await scheduleSteps(ctx, steps);
  return getFair(ctx, actor, id);
}

/**
 * What came of a fair, per fair and per employer: signed up, checked in, applications, interviews and
 * hires. Hires are read from the market's applications, never typed twice.
 */
export async function outcome(ctx: Pick<AppContext, 'db'>, actor: Actor, id: string) {
  const f = await visibleFair(ctx.db, actor, id);
  const counts = await signupCounts(ctx.db, id);
  const posts = postsWithEmployers(ctx.db);
  const applied = applicationsAtFair(ctx.db, id);
  const perEmployer = await ctx.db
    .select({
      employerId: posts.employerId,
      employer: posts.employer,
      vacancies: sql<number>`count(distinct ${fairVacancies.vacancyId})::int`,
      applications: sql<number>`count(${applied.id})::int`,
      interviews: sql<number>`count(${applied.id}) filter (where ${applied.interviewed})::int`,
      hires: sql<number>`count(${applied.id}) filter (where ${applied.hired})::int`,
    })
    .from(fairVacancies)
    .innerJoin(posts, eq(posts.vacancyId, fairVacancies.vacancyId))
    .leftJoin(applied, eq(applied.vacancyId, fairVacancies.vacancyId))
    .where(eq(fairVacancies.fairId, id))
    .groupBy(posts.employerId, posts.employer)
    .orderBy(asc(posts.employer));
  const sum = (k: 'applications' | 'interviews' | 'hires') => perEmployer.reduce((n, e) => n + e[k], 0);
  return {
    fair: { id: f.id, title: f.title, kind: f.kind, campaign: f.campaign, status: f.status, startsAt: f.startsAt.toISOString(), endsAt: f.endsAt.toISOString() },
    totals: { signedUp: counts.signedUp, waiting: counts.waiting, cancelled: counts.cancelled, checkedIn: counts.checkedIn, employers: perEmployer.length, applications: sum('applications'), interviews: sum('interviews'), hires: sum('hires') },
    employers: perEmployer,
    report: f.report,
  };
}

/** ended → reported: the outcome as it stands is kept with the fair; later hires still show in the live outcome. */
export async function reportFair({ ctx, actor, meta }: FairsProps<Ctx>, id: string) {
  const f = await runnableFair(ctx.db, actor, id);
  if (f.status !== 'ended') refuse('fair', 'not_ended');
  const o = await outcome(ctx, actor, id);
  const now = ctx.clock.now();
  await command({ ctx, actor, meta }, async (tx, audit) => {
    const [moved] = await tx
      .update(jobFairs)
      .set({ status: 'reported', report: { reportedAt: now.toISOString(), totals: o.totals, employers: o.employers }, updatedAt: now })
      .where(and(eq(jobFairs.id, id), eq(jobFairs.status, 'ended')))
      .returning({ id: jobFairs.id });
    if (!moved) refuse('fair', 'not_ended');
    audit({ action: 'fair.report', entity: 'job_fair', entityId: id, regionCode: f.regionCode });
  });
  return outcome(ctx, actor, id);
}

/** The fairs' clock (every few minutes): announced fairs go live at their start and end at their end. */
export async function fairsClock(ctx: Ctx): Promise<{ live: number; ended: number }> {
  const now = ctx.clock.now();
  const starting = await ctx.db.select({ id: jobFairs.id }).from(jobFairs).where(and(eq(jobFairs.status, 'announced'), lte(jobFairs.startsAt, now), gt(jobFairs.endsAt, now)));
  for (const { id } of starting) await goLive({ ctx, actor: null, meta: {} }, id).catch(ignoreRace);
  const ending = await ctx.db.select({ id: jobFairs.id }).from(jobFairs).where(and(inArray(jobFairs.status, ['announced', 'live']), lte(jobFairs.endsAt, now)));
  for (const { id } of ending) await endFair({ ctx, actor: null, meta: {} }, id).catch(ignoreRace);
  return { live: starting.length, ended: ending.length };
}

/** Staff moved the fair on by hand between the clock's read and its write: nothing to do. */
function ignoreRace(err: unknown): void {
  if (!(err instanceof Conflict)) throw err;
}

/** The fairs a person may sign up for now: announced or live, not over, for their region (and category, and relocated household). */
export async function fairsForWorker(db: Db, w: { regionCode: string; category: string; householdId: string | null }, now: Date, limit = 5) {
  const relocated = w.householdId ? await householdRelocated(db, w.householdId) : false;
  const rows = await db
    .select()
    .from(jobFairs)
    .where(and(inArray(jobFairs.status, ['announced', 'live']), gt(jobFairs.endsAt, now), sql`${w.regionCode} like (${jobFairs.audience} ->> 'regionCode') || '%'`))
    .orderBy(asc(jobFairs.startsAt), asc(jobFairs.id))
    .limit(50);
  return rows
    .filter((f) => (!f.audience.categories?.length || withBothNames(f.audience.categories).includes(w.category)) && (!f.audience.relocatedOnly || relocated))
    .slice(0, limit);
}

/** A person's own sign-ups to fairs not yet over. */
export async function signupsOf(db: Db, workerId: string, now: Date) {
  return db
    .select({ fair: jobFairs, status: fairSignups.status, checkedInAt: fairSignups.checkedInAt })
    .from(fairSignups)
    .innerJoin(jobFairs, eq(jobFairs.id, fairSignups.fairId))
    .where(and(eq(fairSignups.workerId, workerId), inArray(fairSignups.status, ['signed_up', 'waiting']), gt(jobFairs.endsAt, now), inArray(jobFairs.status, ['announced', 'live'])))
    .orderBy(asc(jobFairs.startsAt));
}

