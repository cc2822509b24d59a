import { and, eq, gt, gte, like, ne, notLike, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import { assertInScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { applications, trainingSessions, vacancies, type TrainingSession, type Vacancy } from '../db/schema/market';
import { relocationSitesUnder } from '../regions';
import { rowsOf, type Db } from '../db/client';
import { findWorker, fromRelocationSite, matchablePeople, type MatchableColumns, type MatchablePerson, type Worker } from '../registry';
import { governmentInvested } from './project-kinds';
import { projectOf } from './projects';
import { Conflict, NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { publicWelfarePriority } from './policy';
import { scopedVacancy } from './vacancies';
import { payText } from './pay';
export { payText } from './pay';
import { majorFits } from './majors';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>;

export function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Rows whose point lies in a box around a point that contains the circle of `km` (edges included): cheap to
 * filter by the GiST index on point(lng, lat) before the exact distance. The columns are a row's longitude and latitude.
 */
function inBox(lngCol: SQL | AnyColumn, latCol: SQL | AnyColumn, lat: number, lng: number, km: number): SQL {
  const dLat = km / 111;
  const dLng = km / (111 * Math.max(0.1, Math.cos((lat * Math.PI) / 180)));
  return sql`(${latCol} is not null and point(${lngCol}, ${latCol}) <@ box(point(${lng - dLng}::float8, ${lat - dLat}::float8), point(${lng + dLng}::float8, ${lat + dLat}::float8)))`;
}

/** Pay per month, to compare posts paid by the hour, the day or the month (8-hour days, 22 days). */
export function monthlyPay(fen: number, unit: Vacancy['payUnit']): number | null {
  return unit === 'hour' ? fen * 8 * 22 : unit === 'day' ? fen * 22 : unit === 'month' ? fen : null;
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

/** What scoring reads about a post. */
export type ScoredPost = Pick<Vacancy, 'kind' | 'lat' | 'lng' | 'regionCode' | 'requiredSkills' | 'payMinFen' | 'payMaxFen' | 'payUnit'>;

/**
 * The columns a person's matches read about each post gathered: what scoring needs, and the id, title and kind shown.
 * A search gathers a thousand posts or more to show four, so the rest (description, details, dates) stays unread.
 */
const matchColumns = {
  id: vacancies.id,
  title: vacancies.title,
  kind: vacancies.kind,
  regionCode: vacancies.regionCode,
  lat: vacancies.lat,
  lng: vacancies.lng,
  requiredSkills: vacancies.requiredSkills,
  payMinFen: vacancies.payMinFen,
  payMaxFen: vacancies.payMaxFen,
  payUnit: vacancies.payUnit,
};

/**
 * Scores a post for a person; undefined when it does not fit at all (too far for a gig, pays under their floor).
 * `shortlist` ranks in SQL by the same terms: a change here is made there too (`matching-rank` compares them).
 */
export function scoreVacancy(
  w: Pick<Worker, 'homeLat' | 'homeLng' | 'skills' | 'laborCapacity' | 'payFloorFen' | 'intention' | 'regionCode' | 'employed'>,
  v: ScoredPost,
  radiusKm: number,
  /** Without a translator only the score is computed (reasons are written for the few shown). */
  tr?: TFunction,
): Scored | undefined {
  const reasons: string[] = [];
  // Without a translator no reason is written: the score alone ranks hundreds of posts, and the reasons of the few shown follow.
  let score = 0;
  let d: number | null = null;
  if (w.homeLat != null && w.homeLng != null && v.lat != null && v.lng != null) {
    d = distanceKm(w.homeLat, w.homeLng, v.lat, v.lng);
    if (v.kind === 'gig' && d > radiusKm) return undefined;
    score += 2 / (1 + d / radiusKm);
    if (tr) reasons.push(tr('market:reason.distance', { km: d < 10 ? d.toFixed(1) : Math.round(d) }));
  } else if (v.regionCode.startsWith(w.regionCode.slice(0, 6))) {
    score += 1;
    if (tr) reasons.push(tr('market:reason.in_county'));
  } else if (v.kind === 'gig') {
    return undefined;
  }
  const skills = overlap(w.skills, v.requiredSkills);
  if (skills.length) {
    score += 3 * skills.length;
    if (tr) reasons.push(tr('market:reason.skills', { skills: skills.join('、') }));
  } else if (v.requiredSkills.length) {
    score -= 1;
  }
  const monthly = monthlyPay(v.payMaxFen, v.payUnit);
  if (w.payFloorFen != null && monthly != null && monthly < w.payFloorFen) return undefined;
  if (monthly != null) score += Math.min(monthly / 800_000, 1);
  if (tr) reasons.push(payText(tr, v));
  if (v.kind === 'public_welfare') {
    if (publicWelfarePriority(w.laborCapacity)) {
      // Weak and partial labour come first for public-welfare posts (seed 004 §12).
      score += 3;
      if (tr) reasons.push(tr('market:reason.public_welfare_priority'));
    } else score -= 1;
  }
  if (v.kind === 'seasonal' && w.intention === 'out_of_county') {
    score += 1;
    if (tr) reasons.push(tr('market:reason.organised_departure'));
  }
  return { score: Math.round(score * 1000) / 1000, reasons, distanceKm: d === null ? null : Math.round(d * 10) / 10 };
}

export function scoreTraining(w: Pick<Worker, 'homeLat' | 'homeLng' | 'skills' | 'regionCode'>, s: TrainingSession, radiusKm: number, t: TFunction): Scored {
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
  /** Posts other than gigs only (no gigs, no trainings): "find a job". */
  jobsOnly?: boolean;
  radiusKm?: number;
  /** Only posts in regions under this code (a town's, a county's). */
  regionPrefix?: string;
  /** Only posts outside regions under this code (another county, another province). */
  regionOutside?: string;
  /** Only posts whose title or description mentions one of these words (包吃住, 宿舍 …). */
  mentions?: string[];
  limit: number;
  /** How many more posts than `limit` the database's ranking hands over to be scored again here (default 20; 0 in a test of that ranking). */
  shortlistMargin?: number;
}

/**
 * How many more posts than asked for the database's ranking hands over: its sines and cosines may differ from the
 * process's in the last bit, so a post on the edge of a rounding could rank otherwise there.
 */
const SHORTLIST_MARGIN = 20;

type ShortlistRow = ScoredPost & { id: string; title: string };

/**
 * The posts the angles gather (each by its index, up to its limit, each post once, none the person applied to),
 * ranked by the database with the score `scoreVacancy` gives, and the best `limit` of them. A search in chat
 * gathers a thousand posts or more to show four: ranked where they lie, a few rows travel instead of all of them.
 * The expression below must follow `scoreVacancy` term by term; a test compares the two on many posts.
 */
async function shortlist(db: Db, w: MatchPerson, base: SQL[], angles: Array<{ where: SQL; limit: number }>, radiusKm: number, limit: number): Promise<ShortlistRow[]> {
  if (!angles.length) return [];
  const county = `${w.regionCode.slice(0, 6)}%`;
  const radius = sql`${radiusKm}::float8`;
  const hasHome = w.homeLat != null && w.homeLng != null;
  const gathered = sql.join(
    angles.map(
      (a) =>
        sql`(select ${sql.join(Object.values(matchColumns), sql`, `)} from ${vacancies} where ${and(...base, a.where)} limit ${a.limit})`,
    ),
    sql` union `,
  );
  // distanceKm: the haversine distance from home, where both points are known.
  const distance = hasHome
    ? sql`case when g.lat is not null and g.lng is not null then 2 * 6371 * asin(least(1, sqrt(power(sin(radians(g.lat - ${w.homeLat}::float8) / 2), 2) + cos(radians(${w.homeLat}::float8)) * cos(radians(g.lat)) * power(sin(radians(g.lng - ${w.homeLng}::float8) / 2), 2)))) end`
    : sql`null::float8`;
  // monthlyPay: 8-hour days, 22 days a month.
  const monthly = sql`case g.pay_unit when 'hour' then g.pay_max_fen::float8 * 176 when 'day' then g.pay_max_fen::float8 * 22 when 'month' then g.pay_max_fen::float8 end`;
  const skills = w.skills.length ? sql`(select count(*) from unnest(g.required_skills) x where x = any(${sql.param(w.skills)}::text[]))::int` : sql`0`;
  const applied = w.id ? sql`and not exists (select 1 from ${applications} a where a.vacancy_id = g.id and a.worker_id = ${w.id}::uuid)` : sql``;
  const score = sql`(case when d is not null then 2 / (1 + d / ${radius}) when region_code like ${county} then 1 else 0 end)
    + (case when skills > 0 then 3 * skills when cardinality(required_skills) > 0 then -1 else 0 end)
    + (case when monthly is null then 0 else least(monthly / 800000, 1) end)
    + (case when kind = 'public_welfare' then ${publicWelfarePriority(w.laborCapacity) ? 3 : -1} else 0 end)
    + (case when kind = 'seasonal' then ${w.intention === 'out_of_county' ? 1 : 0} else 0 end)`;
  const floor = w.payFloorFen != null ? sql`and (monthly is null or monthly >= ${w.payFloorFen}::float8)` : sql``;
  return rowsOf<ShortlistRow>(
    await db.execute(sql`
      select id, title, kind, region_code as "regionCode", lat, lng, required_skills as "requiredSkills", pay_min_fen as "payMinFen", pay_max_fen as "payMaxFen", pay_unit as "payUnit"
      from (
        -- offset 0: each row's distance, pay and skills are worked out once, not again in each place they are used.
        select s.*, ${score} as score from (select g.*, ${distance} as d, ${monthly} as monthly, ${skills} as skills from (${gathered}) g where true ${applied} offset 0) s
        where not (kind = 'gig' and d is not null and d > ${radius} + 1e-9) and (d is not null or region_code like ${county} or kind <> 'gig') ${floor} offset 0
      ) r
      -- Rounded as Math.round rounds (half up): float8's round() takes a half to the even number.
      order by floor(score * 1000 + 0.5) desc, floor(d * 10 + 0.5) asc nulls last, id
      limit ${limit}`),
  );
}

/** Best posts, gigs and trainings for one person, each with its reasons in the reader's language. */
export async function matchesForWorker(ctx: Ctx, actor: Actor, workerId: string, opts: MatchOptions, t: TFunction) {
  const w = await findWorker(ctx.db, workerId);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  if (!w.consent) throw new Conflict('no consent', [{ path: 'worker', message: 'errors:detail.consent.needed' }]);
  return matchesFor(ctx, w, opts, t);
}

/** What matching reads about a person; a visitor not in the register has no id and nothing personal. */
export type MatchPerson = Pick<Worker, 'homeLat' | 'homeLng' | 'skills' | 'laborCapacity' | 'payFloorFen' | 'intention' | 'regionCode' | 'employed'> & { id: string | null };

/**
 * The open posts of a region as anyone may see them (a chat visitor not yet bound): matched as for a
 * person of that region with no home, skills or wishes known, so nothing personal is read or needed.
 */
export function publicMatches(ctx: Ctx, regionCode: string, opts: MatchOptions, t: TFunction) {
  const visitor: MatchPerson = { id: null, homeLat: null, homeLng: null, skills: [], laborCapacity: 'full', payFloorFen: null, intention: 'in_county', regionCode, employed: false };
  return matchesFor(ctx, visitor, opts, t);
}

/**
 * Open posts are public notices: a person may be matched to posts in any region (促外出 and labour
 * cooperation between regions depend on it). The caller's region limits whose matches may be asked
 * for (matchesForWorker), not which posts may be suggested; nothing personal of another region is read.
 */
export async function matchesFor(ctx: Ctx, w: MatchPerson, opts: MatchOptions, t: TFunction) {
  const radius = opts.radiusKm ?? ctx.config.market.radiusKm;
  const now = ctx.clock.now();
  const county = w.regionCode.slice(0, 6);
  const results: Array<{ type: 'vacancy' | 'training'; id: string; title: string; kind: string; explain?: () => string[] } & Scored> = [];

  if (opts.kind !== 'training') {
    // Written out (not a parameter) so the planner knows the open posts' indexes apply.
    const base: SQL[] = [sql`${vacancies.status} = 'open'`, gt(vacancies.expiresAt, now)];
    if (opts.kind) base.push(eq(vacancies.kind, opts.kind));
    if (opts.jobsOnly) base.push(ne(vacancies.kind, 'gig'));
    if (opts.regionPrefix) base.push(like(vacancies.regionCode, `${opts.regionPrefix}%`));
    if (opts.regionOutside) base.push(notLike(vacancies.regionCode, `${opts.regionOutside}%`));
    if (opts.mentions?.length) base.push(or(...opts.mentions.flatMap((w) => [like(vacancies.title, `%${w}%`), like(sql`coalesce(${vacancies.description}, '')`, `%${w}%`)]))!);
    // Gathered by index from each angle that can fit: near home, in the home county, and elsewhere for those who will go.
    const hasHome = w.homeLat != null && w.homeLng != null;
    const angles: Array<{ where: SQL; limit: number }> = [];
    // A gig must lie inside the circle when home is known, so the circle alone is searched then.
    if (!(opts.kind === 'gig' && hasHome)) angles.push({ where: like(vacancies.regionCode, `${county}%`), limit: 1000 });
    if (hasHome) angles.push({ where: inBox(vacancies.lng, vacancies.lat, w.homeLat!, w.homeLng!, opts.kind === 'gig' ? radius : Math.max(radius, 30)), limit: 1000 });
    if (w.intention === 'out_of_county' && opts.kind !== 'gig') angles.push({ where: ne(vacancies.kind, 'gig'), limit: 300 });
    // The database ranks what the angles gather and hands back the best few; they are scored again here, the
    // ranking that counts and the reasons shown.
    for (const v of await shortlist(ctx.db, w, base, angles, radius, opts.limit + (opts.shortlistMargin ?? SHORTLIST_MARGIN))) {
      const s = scoreVacancy(w, v, radius);
      if (s) results.push({ type: 'vacancy', id: v.id, title: v.title, kind: v.kind, ...s, explain: () => scoreVacancy(w, v, radius, t)!.reasons });
    }
  }
  if ((!opts.kind && !opts.jobsOnly) || opts.kind === 'training') {
    const rows = await ctx.db
      .select()
      .from(trainingSessions)
      .where(and(eq(trainingSessions.status, 'open'), gte(trainingSessions.endDate, shanghaiDate(now)), sql`${trainingSessions.enrolled} < ${trainingSessions.capacity}`, like(trainingSessions.regionCode, `${w.regionCode.slice(0, 4)}%`)))
      .limit(300);
    for (const s of rows) results.push({ type: 'training', id: s.id, title: s.title, kind: s.kind, ...scoreTraining(w, s, radius, t) });
  }
  results.sort((a, b) => b.score - a.score || (a.distanceKm ?? 1e9) - (b.distanceKm ?? 1e9) || a.id.localeCompare(b.id));
  return results.slice(0, opts.limit).map(({ explain, ...r }) => {
    const reasons = explain ? explain() : r.reasons;
    return { ...r, reasons, summary: reasons.join(' · ') };
  });
}

type CandidateRow = MatchablePerson;

/**
 * Rain Dew graduates under a county still looking for work (their file graduated or seeking), among the matchable
 * people under `scope`, each with their major: rain-dew keeps the files and hands this in (app.ts), one statement.
 */
export type GraduateSource = (db: Db, q: { county: string; scope: string; limit: number }) => Promise<Array<CandidateRow & { major: string }>>;

/**
 * For a post of a government-invested project (its details name the project): the test of "from a relocation site"
 * in the reader's region (a relocated household, or a home under a region flagged 易地搬迁安置区), or null for any
 * other post. Seed 004 §15: 政府投资建设项目、以工代赈项目、基层社会管理和公共服务项目要安排一定比例的岗位用于吸纳搬迁群众就业;
 * seed 000 national §2.7: 优先组织搬迁脱贫人口在安置区政府投资建设项目、基层管理服务项目就业.
 */
async function relocationTest(ctx: Ctx, v: Vacancy, scope: string): Promise<SQL | null> {
  const projectId = typeof v.details.projectId === 'string' ? v.details.projectId : null;
  if (!projectId) return null;
  const p = await projectOf(ctx.db, projectId);
  if (!p || !governmentInvested(p.kind)) return null;
  const sites = await relocationSitesUnder(ctx.db, scope.slice(0, 6));
  return fromRelocationSite(scope, sites.map((s) => s.code));
}

/**
 * People station staff should call for a post: unemployed first, skills, distance, and the post's
 * own priorities. Candidates are gathered by index from a few angles (those with the skills, those
 * nearby, those without work, and for public-welfare posts weak and partial labour), then scored.
 * For a post of a government-invested project, people from relocation sites come first of all (rule 7).
 */
export async function candidatesForVacancy(ctx: Ctx, actor: Actor, vacancyId: string, opts: { limit: number; radiusKm?: number }, t: TFunction, graduatesOf: GraduateSource) {
  const { vacancy: v } = await scopedVacancy(ctx.db, actor, vacancyId);
  const radius = opts.radiusKm ?? ctx.config.market.radiusKm;
  const county = v.regionCode.slice(0, 6);
  // Only the register's matchable people (consented to matching, PIPL Art. 29, able to work) under the caller's region are put forward.
  const inCounty = (w: MatchableColumns) => like(w.regionCode, `${county}%`);
  const near = (w: MatchableColumns) => (v.lat != null && v.lng != null ? inBox(w.homeLng, w.homeLat, v.lat, v.lng, radius) : undefined);
  const hasPoint = v.lat != null && v.lng != null;
  const area = (w: MatchableColumns) => (v.kind === 'gig' && hasPoint ? near(w) : inCounty(w));
  const pick = (extra: (w: MatchableColumns) => SQL | undefined, limit: number): Promise<CandidateRow[]> => matchablePeople(ctx.db, actor.regionCode, (w) => [area(w), extra(w)], limit);
  // A few hundred from each angle are enough for the best 50, and keep this quick on a million people (bench:match).
  const angles: Array<Promise<CandidateRow[]>> = [];
  if (v.requiredSkills.length) angles.push(pick((w) => sql`${w.skills} && ${sql.param(v.requiredSkills)}::text[]`, 600));
  angles.push(pick((w) => eq(w.employed, false), 500));
  if (hasPoint && v.kind !== 'gig') angles.push(pick(near, 500));
  if (v.kind === 'public_welfare') angles.push(pick((w) => sql`${w.laborCapacity} in ('weak', 'partial')`, 500));
  // The angles already run: one failing while this is awaited is answered by the Promise.all below, not left unhandled.
  for (const a of angles) a.catch(() => undefined);
  const relocation = await relocationTest(ctx, v, actor.regionCode);
  const relocationAngle: Promise<CandidateRow[]> = relocation ? pick(() => relocation, 500) : Promise.resolve([]);
  // Rain Dew graduates still without work whose major fits the post come first (seed 001 §2.5).
  const graduates = graduatesOf(ctx.db, { county, scope: actor.regionCode, limit: 500 }).then((rows) => rows.filter((r) => majorFits(r.major, v)));
  const [appliedRows, fitting, gathered, relocatedRows] = await Promise.all([ctx.db.select({ id: applications.workerId }).from(applications).where(eq(applications.vacancyId, v.id)), graduates, Promise.all(angles), relocationAngle]);
  const relocated = new Set(relocatedRows.map((r) => r.id));
  gathered.unshift(relocatedRows);
  const applied = new Set(appliedRows.map((r) => r.id));
  const majors = new Map(fitting.map((g) => [g.id, g.major]));
  const seen = new Set<string>();
  const scored = [];
  for (const rows of [fitting, ...gathered]) {
    for (const w of rows) {
      if (seen.has(w.id) || applied.has(w.id)) continue;
      seen.add(w.id);
      const s = scoreVacancy(w, v, radius);
      if (!s) continue;
      const score = s.score + (w.employed ? 0 : 2);
      scored.push({ w, workerId: w.id, name: w.name, relocation: relocated.has(w.id), graduate: majors.has(w.id), score: Math.round(score * 1000) / 1000, distanceKm: s.distanceKm });
    }
  }
  scored.sort((a, b) => Number(b.relocation) - Number(a.relocation) || Number(b.graduate) - Number(a.graduate) || b.score - a.score || (a.distanceKm ?? 1e9) - (b.distanceKm ?? 1e9) || a.workerId.localeCompare(b.workerId));
  return scored.slice(0, opts.limit).map(({ w, graduate, ...c }) => {
    const reasons = [
      ...(c.relocation ? [t('market:reason.relocation_priority')] : []),
      ...(graduate ? [t('market:reason.rain_dew_major', { major: majors.get(w.id) })] : []),
      ...(w.employed ? [] : [t('market:reason.unemployed')]),
      ...scoreVacancy(w, v, radius, t)!.reasons,
    ];
    return { ...c, reasons, summary: reasons.join(' · ') };
  });
}
