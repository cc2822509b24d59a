import { and, desc, eq, inArray, like, sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { rowsOf } from '../db/client';
import { openMonitoringTask } from '../chat';
import { warnings } from '../db/schema/monitoring';
import { nameOf, namesOf } from '../regions';
import { activeMembersOf, employmentSpellsAs, findWorker, householdOf, paidInFull, registeredHouseholdsAs, registeredPeopleAs, type Worker, workerNames } from '../registry';
import { translator } from '../i18n';
import { matchesFor } from '../market';
import { scheduleSteps, startFollowUp, type PlannedStep } from '../outreach';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors';
import { notify } from '../notices';
import { shanghaiDate } from '../shared/time';
import { LIFTED_GROUP } from './categories';
import { addMonths, change } from './figures';
import { figuresOf } from './service';
import type { MonitoringProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'queues'>;

/** How grave a fall is: `watch` below MONITOR_DECLINE_PERCENT, `warning` at or above it. */
export type DeclineGrade = 'watch' | 'warning';

/**
 * Any fall is reported (seed 000 national §3.2, seed 001 §3.2: 对务工规模和务工收入出现下降的，要及时通报风险情况);
 * the setting only grades it. Changes are in per cent (negative for a fall), null when not comparable.
 */
export function gradeOf(changes: Record<string, number | null>, declinePercent: number): { fell: string[]; grade: DeclineGrade } | null {
  const fell = Object.entries(changes).filter(([, v]) => v !== null && v < 0);
  if (!fell.length) return null;
  const worst = Math.min(...fell.map(([, v]) => v!));
  return { fell: fell.map(([k]) => k), grade: -worst >= declinePercent ? 'warning' : 'watch' };
}

/**
 * After a month is closed: every region (down to counties) whose employment scale or average income of
 * 脱贫人口 含监测对象 (seed 000 national §1; 农村低收入人口 not mixed in) fell at all against the month before
 * (环比) or the same month a year before (同比) gets a warning for its administrators, graded by the worst
 * fall against MONITOR_DECLINE_PERCENT; both grades are announced in the inbox, each under its own kind
 * (`region_decline` at or past the line, `region_decline_watch` below it).
 */
export async function regionWarnings(ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'noticePorts'> & Partial<Pick<AppContext, 'queues'>>, month: string): Promise<number> {
  const root = ctx.config.regionRoot;
  let made = 0;
  for (let digits = root.length; digits <= 6; digits += 2) {
    const [now, prev, lastYear] = await Promise.all([figuresOf(ctx.db, root, digits, month), figuresOf(ctx.db, root, digits, addMonths(month, -1)), figuresOf(ctx.db, root, digits, addMonths(month, -12))]);
    for (const r of now.rows.filter((x) => x.category === LIFTED_GROUP)) {
      const before = prev.rows.find((x) => x.regionCode === r.regionCode && x.category === LIFTED_GROUP)?.figures;
      const yearAgo = lastYear.rows.find((x) => x.regionCode === r.regionCode && x.category === LIFTED_GROUP)?.figures;
      const falls = {
        employedMom: change(r.figures.employed, before?.employed ?? null),
        employedYoy: change(r.figures.employed, yearAgo?.employed ?? null),
        incomeMom: change(r.figures.incomeAvgFen, before?.incomeAvgFen ?? null),
        incomeYoy: change(r.figures.incomeAvgFen, yearAgo?.incomeAvgFen ?? null),
      };
      const graded = gradeOf(falls, ctx.config.monitor.declinePercent);
      if (!graded) continue;
      const inserted = await ctx.db
        .insert(warnings)
        .values({ kind: 'region_decline', regionCode: r.regionCode, dedupeKey: `region:${r.regionCode}:${month}`, details: { month, category: LIFTED_GROUP, grade: graded.grade, ...falls, employed: r.figures.employed, incomeAvgFen: r.figures.incomeAvgFen, fell: graded.fell }, createdAt: ctx.clock.now() })
        .onConflictDoNothing()
        .returning({ id: warnings.id });
      made += inserted.length;
      // Every fall is on the region's list of warnings and in the inbox (及时通报): one past the line as a warning,
      // a smaller one as a fall to watch, so the grade is seen before anyone opens the list.
      if (inserted[0]) {
        const named = await nameOf(ctx.db, r.regionCode);
        const pct = (v: number | null) => (v === null ? '—' : v);
        const params = { month, region: named ?? r.regionCode, employedMom: pct(falls.employedMom), employedYoy: pct(falls.employedYoy), incomeMom: pct(falls.incomeMom), incomeYoy: pct(falls.incomeYoy) };
        const kind = graded.grade === 'warning' ? 'region_decline' : 'region_decline_watch';
        await notify(ctx, ctx.clock.now(), { kind, regionCode: r.regionCode, reach: 'region_and_above', params, link: { entity: 'warning', id: inserted[0].id }, dedupeKey: `${kind.replaceAll('_', '-')}:${r.regionCode}:${month}` }, ctx.queues);
      }
    }
  }
  return made;
}

/** Staff of the person's region take it up (一对一帮扶), and the person hears of today's best matches. */
async function actOn(ctx: Ctx, w: Worker, reason: string, steps: PlannedStep[]): Promise<void> {
  const now = ctx.clock.now();
  await openMonitoringTask(ctx.db, { workerId: w.id, regionCode: w.regionCode, reason, at: now });
  if (!w.consent) return;
  const t = translator(w.preferredLanguage === 'en' ? 'en' : 'zh-CN');
  const best = await matchesFor(ctx, w, { jobsOnly: false, limit: 3 }, t);
  if (!best.length) return;
  const list = best.map((m, i) => `${i + 1}. ${m.title}（${m.summary}）`).join('\n');
  const run = await startFollowUp(ctx.db, now, { sequence: 'best_matches', workerId: w.id, regionCode: w.regionCode, subject: reason, anchorDate: shanghaiDate(now), anchorAt: now, variables: { matches: list } });
  steps.push(...run.steps);
}

/**
 * The daily look at people (早发现): out of work MONITOR_JOBLESS_DAYS after a job ended, income down by more
 * than a third in a new job, and households where nobody able to work is in work. Each is warned once.
 */
export async function personWarnings(ctx: Ctx): Promise<{ lostJob: number; incomeDrop: number; zeroHouseholds: number }> {
  const today = shanghaiDate(ctx.clock.now());
  const cutoff = shanghaiDate(new Date(ctx.clock.now().getTime() - ctx.config.monitor.joblessDays * 86400_000));
  const steps: PlannedStep[] = [];
  const counts = { lostJob: 0, incomeDrop: 0, zeroHouseholds: 0 };
  const warn = async (kind: 'lost_job' | 'income_drop' | 'zero_employment_household', key: string, regionCode: string, details: Record<string, unknown>, refs: { workerId?: string; householdId?: string }) => {
    const made = await ctx.db
      .insert(warnings)
      .values({ kind, regionCode, dedupeKey: key, details, workerId: refs.workerId ?? null, householdId: refs.householdId ?? null, createdAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ id: warnings.id });
    return made.length > 0;
  };

  // Out of work N days after the last job ended, nothing since.
  const lost = rowsOf<{ worker_id: string; record_id: string; end_date: string }>(
    await ctx.db.execute(sql`
      select distinct on (e.worker_id) e.worker_id, e.id as record_id, e.end_date::text as end_date
      from ${employmentSpellsAs('e')} join ${registeredPeopleAs('w')} on w.id = e.worker_id
      where w.status = 'active' and not w.employed and e.end_date is not null and e.end_date <= ${cutoff}::date
        and w.region_code like ${`${ctx.config.regionRoot}%`}
        and not exists (select 1 from ${employmentSpellsAs('later')} where later.worker_id = e.worker_id and later.start_date > e.end_date)
      order by e.worker_id, e.end_date desc`),
  );
  for (const l of lost) {
    const w = await findWorker(ctx.db, l.worker_id);
    if (!w || !(await warn('lost_job', `lost:${l.record_id}`, w.regionCode, { endedOn: l.end_date, days: ctx.config.monitor.joblessDays }, { workerId: w.id }))) continue;
    counts.lostJob++;
    await actOn(ctx, w, 'lost_job', steps);
  }

  // A new job paying less than two thirds of the one before.
  const dropped = rowsOf<{ worker_id: string; record_id: string; now_fen: number; before_fen: number }>(
    await ctx.db.execute(sql`
      select cur.worker_id, cur.id as record_id, cur.monthly_income_fen as now_fen, prev.monthly_income_fen as before_fen
      from ${employmentSpellsAs('cur')}
      join ${registeredPeopleAs('w')} on w.id = cur.worker_id and w.status = 'active' and w.region_code like ${`${ctx.config.regionRoot}%`}
      join lateral (
        select p.monthly_income_fen from ${employmentSpellsAs('p')}
        where p.worker_id = cur.worker_id and p.start_date < cur.start_date and p.monthly_income_fen is not null
        order by p.start_date desc limit 1
      ) prev on true
      where cur.end_date is null and cur.monthly_income_fen is not null and cur.start_date > ${today}::date - 90
        and cur.monthly_income_fen * 3 < prev.monthly_income_fen * 2`),
  );
  for (const d of dropped) {
    const w = await findWorker(ctx.db, d.worker_id);
    if (!w || !(await warn('income_drop', `income:${d.record_id}`, w.regionCode, { nowFen: d.now_fen, beforeFen: d.before_fen }, { workerId: w.id }))) continue;
    counts.incomeDrop++;
    await actOn(ctx, w, 'income_drop', steps);
  }

  // 零就业家庭: someone able to work, nobody in work, and no warning open for the household.
  const zero = rowsOf<{ household_id: string; region_code: string }>(
    await ctx.db.execute(sql`
      select h.id as household_id, h.region_code from ${registeredHouseholdsAs('h')}
      where h.region_code like ${`${ctx.config.regionRoot}%`}
        and exists (select 1 from ${registeredPeopleAs('w')} where w.household_id = h.id and w.status = 'active' and w.labor_capacity <> 'none')
        and not exists (select 1 from ${registeredPeopleAs('w')} where w.household_id = h.id and w.status = 'active' and w.employed)
        and not exists (select 1 from warnings x where x.household_id = h.id and x.kind = 'zero_employment_household' and x.status <> 'closed')`),
  );
  for (const z of zero) {
    if (!(await warn('zero_employment_household', `zero:${z.household_id}:${today}`, z.region_code, {}, { householdId: z.household_id }))) continue;
    counts.zeroHouseholds++;
    const members = await activeMembersOf(ctx.db, z.household_id);
    for (const m of members.filter((x) => x.laborCapacity !== 'none')) await actOn(ctx, m, 'zero_employment_household', steps);
  }
  await scheduleSteps(ctx, steps);
  return counts;
}

/** A member of the household is in work: its zero-employment case closes by itself. */
export async function closeHouseholdCase(db: Db, workerId: string, at: Date): Promise<void> {
  const householdId = await householdOf(db, workerId);
  if (!householdId) return;
  await db
    .update(warnings)
    .set({ status: 'closed', closedAt: at })
    .where(and(eq(warnings.householdId, householdId), eq(warnings.kind, 'zero_employment_household'), inArray(warnings.status, ['open', 'acknowledged'])));
}

/** A month's pay recorded in full closes its overdue item of the integrity review (pw_subsidy_overdue, wr_wage_overdue). */
export async function closePaymentOverdue(db: Db, paymentId: string, at: Date): Promise<void> {
  if (!(await paidInFull(db, paymentId))) return;
  await db
    .update(warnings)
    .set({ status: 'closed', closedAt: at })
    .where(and(eq(warnings.dedupeKey, `pay-overdue:${paymentId}`), inArray(warnings.status, ['open', 'acknowledged'])));
}

export const WARNING_KINDS = ['region_decline', 'lost_job', 'income_drop', 'zero_employment_household', 'relocation_share_short'] as const;

/** The warnings list, or (with the review kinds) the integrity review list, of a region. */
export async function listWarnings(ctx: Pick<AppContext, 'db'>, actor: Actor, q: { regionCode?: string; status?: 'open' | 'acknowledged' | 'closed'; kind?: string; page: number; pageSize: number }, kinds: readonly string[] = WARNING_KINDS) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const where = and(
    like(warnings.regionCode, `${region}%`),
    q.status ? eq(warnings.status, q.status) : inArray(warnings.status, ['open', 'acknowledged']),
    inArray(warnings.kind, (q.kind ? [q.kind] : kinds) as never[]),
  );
  const rows = await ctx.db
    .select()
    .from(warnings)
    .where(where)
    .orderBy(desc(warnings.createdAt), desc(warnings.id))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(warnings).where(where);
  const [people, places] = await Promise.all([workerNames(ctx.db, rows.flatMap((w) => (w.workerId ? [w.workerId] : []))), namesOf(ctx.db, rows.map((w) => w.regionCode))]);
  return {
    items: rows.map((w) => ({ id: w.id, kind: w.kind, regionCode: w.regionCode, regionName: places.get(w.regionCode) ?? null, workerId: w.workerId, name: w.workerId ? (people.get(w.workerId) ?? null) : null, householdId: w.householdId, details: w.details, status: w.status, note: w.note, createdAt: w.createdAt.toISOString(), acknowledgedAt: w.acknowledgedAt?.toISOString() ?? null, closedAt: w.closedAt?.toISOString() ?? null })),
    page: q.page,
    pageSize: q.pageSize,
    total: n?.n ?? 0,
  };
}

/**
 * Staff take a warning up and it leaves the open list. A review item needs what they found (复核结论):
 * the list is evidence for the county, so nothing leaves it without a reason.
 */
export async function acknowledge({ ctx, actor, meta }: MonitoringProps<Pick<AppContext, 'db' | 'clock'>>, id: string, body: { note?: string | null }, kinds: readonly string[] = WARNING_KINDS) {
  const [w] = await ctx.db.select().from(warnings).where(eq(warnings.id, id));
  if (!w || !inScope(actor, w.regionCode) || !kinds.includes(w.kind)) throw new NotFound('warning', id);
  const review = !(WARNING_KINDS as readonly string[]).includes(w.kind);
  if (review && !body.note?.trim()) throw new ValidationFailed('conclusion needed', [{ path: 'body.note', message: 'errors:detail.monitoring.conclusion' }]);
  const done = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [done] = await tx
      .update(warnings)
      .set({ status: 'acknowledged', acknowledgedBy: actor.accountId, acknowledgedAt: ctx.clock.now(), note: body.note?.trim() || null })
      .where(and(eq(warnings.id, id), eq(warnings.status, 'open')))
      .returning();
    if (!done) throw new Conflict('not open', [{ path: 'warning', message: 'errors:detail.monitoring.not_open' }]);
    audit({ action: review ? 'review.conclude' : 'warning.acknowledge', entity: 'warning', entityId: id, regionCode: w.regionCode, ...(review ? { details: { kind: w.kind } } : {}) });
    return done;
  });
  return { id, status: done.status, note: done.note };
}

/** 零就业家庭 now, per region, each with how long it has been so (since the last job of a member ended, or since registration). */
export async function zeroEmploymentList(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, q: { regionCode?: string }) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const today = shanghaiDate(ctx.clock.now());
  const rows = rowsOf<{ id: string; region_code: string; since: string; members: number; able: number; names: string[]; warning_id: string | null }>(
    await ctx.db.execute(sql`
      select h.id, h.region_code,
        coalesce((select max(e.end_date) from ${employmentSpellsAs('e')} join ${registeredPeopleAs('m')} on m.id = e.worker_id where m.household_id = h.id), (h.created_at at time zone 'Asia/Shanghai')::date)::text as since,
        (select count(*) from ${registeredPeopleAs('m')} where m.household_id = h.id and m.status = 'active')::int as members,
        (select count(*) from ${registeredPeopleAs('m')} where m.household_id = h.id and m.status = 'active' and m.labor_capacity <> 'none')::int as able,
        (select coalesce(array_agg(m.name order by m.birth_date, m.id), '{}') from ${registeredPeopleAs('m')} where m.household_id = h.id and m.status = 'active') as names,
        (select x.id from warnings x where x.household_id = h.id and x.kind = 'zero_employment_household' and x.status <> 'closed' limit 1) as warning_id
      from ${registeredHouseholdsAs('h')}
      where h.region_code like ${`${region}%`}
        and exists (select 1 from ${registeredPeopleAs('m')} where m.household_id = h.id and m.status = 'active' and m.labor_capacity <> 'none')
        and not exists (select 1 from ${registeredPeopleAs('m')} where m.household_id = h.id and m.status = 'active' and m.employed)
      order by since asc, h.id
      limit 500`),
  );
  return {
    items: rows.map((r) => ({ householdId: r.id, regionCode: r.region_code, since: r.since, days: Math.max(0, Math.round((Date.parse(today) - Date.parse(r.since)) / 86400_000)), members: r.members, ableToWork: r.able, names: r.names, warningId: r.warning_id })),
  };
}

