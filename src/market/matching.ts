import { and, desc, eq, gt, gte, like, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import { assertInScope, type Actor } from '../access/actor';
import type { AppContext } from '../context';
import { applications, trainingSessions, vacancies, workers, type TrainingSession, type Vacancy, type Worker } from '../db/schema';
import { NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { publicWelfarePriority } from './policy';
import { scopedVacancy } from './vacancies';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>;

export function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A box around a point that contains the circle of `km`; cheap to filter by index before the exact distance. */
function box(lat: number, lng: number, km: number): SQL[] {
  const dLat = km / 111;
  const dLng = km / (111 * Math.max(0.1, Math.cos((lat * Math.PI) / 180)));
  return [sql`between ${lat - dLat} and ${lat + dLat}`, sql`between ${lng - dLng} and ${lng + dLng}`];
}

/** Pay per month, to compare posts paid by the hour, the day or the month (8-hour days, 22 days). */
export function monthlyPay(fen: number, unit: Vacancy['payUnit']): number | null {
  return unit === 'hour' ? fen * 8 * 22 : unit === 'day' ? fen * 22 : unit === 'month' ? fen : null;
}

export function payText(t: TFunction, v: Pick<Vacancy, 'payMinFen' | 'payMaxFen' | 'payUnit'>): string {
  const yuan = (f: number) => (f % 100 === 0 ? String(f / 100) : (f / 100).toFixed(2));
  const amount = v.payMinFen === v.payMaxFen ? yuan(v.payMinFen) : `${yuan(v.payMinFen)}–${yuan(v.payMaxFen)}`;
  return t(`market:pay.${v.payUnit}`, { amount });
}

interface Scored {
  score: number;
  reasons: string[];
  distanceKm: number | null;
}

function overlap(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(a);
  return b.filter((x) => set.has(x));
}

/** Scores a post for a person; undefined when it does not fit at all (too far for a gig, pays under their floor). */
export function scoreVacancy(w: Pick<Worker, 'homeLat' | 'homeLng' | 'skills' | 'laborCapacity' | 'payFloorFen' | 'intention' | 'regionCode' | 'employed'>, v: Vacancy, radiusKm: number, t: TFunction): Scored | undefined {
  const reasons: string[] = [];
  let score = 0;
  let d: number | null = null;
  if (w.homeLat != null && w.homeLng != null && v.lat != null && v.lng != null) {
    d = distanceKm(w.homeLat, w.homeLng, v.lat, v.lng);
    if (v.kind === 'gig' && d > radiusKm) return undefined;
    score += 2 / (1 + d / radiusKm);
    reasons.push(t('market:reason.distance', { km: d < 10 ? d.toFixed(1) : Math.round(d) }));
  } else if (v.regionCode.startsWith(w.regionCode.slice(0, 6))) {
    score += 1;
    reasons.push(t('market:reason.in_county'));
  } else if (v.kind === 'gig') {
    return undefined;
  }
  const skills = overlap(w.skills, v.requiredSkills);
  if (skills.length) {
    score += 3 * skills.length;
    reasons.push(t('market:reason.skills', { skills: skills.join('、') }));
  } else if (v.requiredSkills.length) {
    score -= 1;
  }
  const monthly = monthlyPay(v.payMaxFen, v.payUnit);
  if (w.payFloorFen != null && monthly != null && monthly < w.payFloorFen) return undefined;
  if (monthly != null) score += Math.min(monthly / 800_000, 1);
  reasons.push(payText(t, v));
  if (v.kind === 'public_welfare') {
    if (publicWelfarePriority(w.laborCapacity)) {
      // Weak and partial labour come first for public-welfare posts (seed 004 §12).
      score += 3;
      reasons.push(t('market:reason.public_welfare_priority'));
    } else score -= 1;
  }
  if (v.kind === 'seasonal' && w.intention === 'out_of_county') {
    score += 1;
    reasons.push(t('market:reason.organised_departure'));
  }
  return { score: Math.round(score * 1000) / 1000, reasons, distanceKm: d === null ? null : Math.round(d * 10) / 10 };
}

function scoreTraining(w: Pick<Worker, 'homeLat' | 'homeLng' | 'skills' | 'regionCode'>, s: TrainingSession, radiusKm: number, t: TFunction): Scored {
  const reasons: string[] = [];
  let score = 0.5;
  let d: number | null = null;
  if (w.homeLat != null && w.homeLng != null && s.lat != null && s.lng != null) {
    d = distanceKm(w.homeLat, w.homeLng, s.lat, s.lng);
    score += 2 / (1 + d / radiusKm);
    reasons.push(t('market:reason.distance', { km: d < 10 ? d.toFixed(1) : Math.round(d) }));
  }
  const skills = s.skills.filter((x) => !w.skills.includes(x));
  if (skills.length) reasons.push(t('market:reason.learn', { skills: skills.join('、') }));
  if (s.trainingSubsidyFen > 0) reasons.push(t('market:reason.training_subsidy', { amount: s.trainingSubsidyFen / 100 }));
  if (s.livingAllowanceFen > 0) {
    score += 0.5;
    reasons.push(t('market:reason.living_allowance', { amount: s.livingAllowanceFen / 100 }));
  }
  if (s.kind === 'order' && s.vacancyIds.length) {
    score += 1;
    reasons.push(t('market:reason.order_training'));
  }
  return { score: Math.round(score * 1000) / 1000, reasons, distanceKm: d === null ? null : Math.round(d * 10) / 10 };
}

export interface MatchOptions {
  kind?: Vacancy['kind'] | 'training';
  radiusKm?: number;
  limit: number;
}

/** Best posts, gigs and trainings for one person, each with its reasons in the reader's language. */
export async function matchesForWorker(ctx: Ctx, actor: Actor, workerId: string, opts: MatchOptions, t: TFunction) {
  const [w] = await ctx.db.select().from(workers).where(eq(workers.id, workerId)).limit(1);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  return matchesFor(ctx, w, opts, t);
}

export async function matchesFor(ctx: Ctx, w: Worker, opts: MatchOptions, t: TFunction) {
  const radius = opts.radiusKm ?? ctx.config.market.radiusKm;
  const now = ctx.clock.now();
  const county = w.regionCode.slice(0, 6);
  const results: Array<{ type: 'vacancy' | 'training'; id: string; title: string; kind: string } & Scored> = [];

  if (opts.kind !== 'training') {
    const applied = ctx.db.select({ id: applications.vacancyId }).from(applications).where(eq(applications.workerId, w.id));
    const where: SQL[] = [eq(vacancies.status, 'open'), gt(vacancies.expiresAt, now), notInArray(vacancies.id, applied)];
    if (opts.kind) where.push(eq(vacancies.kind, opts.kind));
    const near =
      w.homeLat != null && w.homeLng != null
        ? (() => {
            const [latB, lngB] = box(w.homeLat, w.homeLng, Math.max(radius, 30));
            return sql`(${vacancies.lat} ${latB} and ${vacancies.lng} ${lngB})`;
          })()
        : undefined;
    const place = or(like(vacancies.regionCode, `${county}%`), near, w.intention === 'out_of_county' ? ne(vacancies.kind, 'gig') : undefined);
    const rows = await ctx.db
      .select()
      .from(vacancies)
      .where(and(...where, place))
      .orderBy(desc(vacancies.createdAt))
      .limit(1000);
    for (const v of rows) {
      const s = scoreVacancy(w, v, radius, t);
      if (s) results.push({ type: 'vacancy', id: v.id, title: v.title, kind: v.kind, ...s });
    }
  }
  if (!opts.kind || opts.kind === 'training') {
    const rows = await ctx.db
      .select()
      .from(trainingSessions)
      .where(and(eq(trainingSessions.status, 'open'), gte(trainingSessions.endDate, shanghaiDate(now)), sql`${trainingSessions.enrolled} < ${trainingSessions.capacity}`, like(trainingSessions.regionCode, `${w.regionCode.slice(0, 4)}%`)))
      .limit(300);
    for (const s of rows) results.push({ type: 'training', id: s.id, title: s.title, kind: s.kind, ...scoreTraining(w, s, radius, t) });
  }
  results.sort((a, b) => b.score - a.score || (a.distanceKm ?? 1e9) - (b.distanceKm ?? 1e9) || a.id.localeCompare(b.id));
  return results.slice(0, opts.limit).map((r) => ({ ...r, summary: r.reasons.join(' · ') }));
}

/** People station staff should call for a post: unemployed first, skills, distance, and the post's own priorities. */
export async function candidatesForVacancy(ctx: Ctx, actor: Actor, vacancyId: string, opts: { limit: number; radiusKm?: number }, t: TFunction) {
  const { vacancy: v } = await scopedVacancy(ctx.db, actor, vacancyId);
  const radius = opts.radiusKm ?? ctx.config.market.radiusKm;
  const county = v.regionCode.slice(0, 6);
  const applied = ctx.db.select({ id: applications.workerId }).from(applications).where(eq(applications.vacancyId, v.id));
  const near =
    v.lat != null && v.lng != null
      ? (() => {
          const [latB, lngB] = box(v.lat, v.lng, radius);
          return sql`(${workers.homeLat} ${latB} and ${workers.homeLng} ${lngB})`;
        })()
      : undefined;
  const rows = await ctx.db
    .select()
    .from(workers)
    .where(
      and(
        eq(workers.status, 'active'),
        ne(workers.laborCapacity, 'none'),
        like(workers.regionCode, `${actor.regionCode}%`),
        v.kind === 'gig' && near ? near : or(like(workers.regionCode, `${county}%`), near),
        notInArray(workers.id, applied),
        v.requiredSkills.length && v.kind !== 'public_welfare' ? sql`(${workers.skills} && ${sql.param(v.requiredSkills)}::text[] or not ${workers.employed})` : undefined,
      ),
    )
    .orderBy(workers.employed, desc(workers.lastActivityAt))
    .limit(3000);
  const scored = [];
  for (const w of rows) {
    const s = scoreVacancy(w, v, radius, t);
    if (!s) continue;
    let score = s.score;
    const reasons = [...s.reasons];
    if (!w.employed) {
      score += 2;
      reasons.unshift(t('market:reason.unemployed'));
    }
    scored.push({ workerId: w.id, name: w.name, score: Math.round(score * 1000) / 1000, distanceKm: s.distanceKm, reasons });
  }
  scored.sort((a, b) => b.score - a.score || (a.distanceKm ?? 1e9) - (b.distanceKm ?? 1e9) || a.workerId.localeCompare(b.workerId));
  return scored.slice(0, opts.limit).map((c) => ({ ...c, summary: c.reasons.join(' · ') }));
}

