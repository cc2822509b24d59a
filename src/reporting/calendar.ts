import { and, eq, inArray, like } from 'drizzle-orm';
import { z } from 'zod';
import { inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { reportDeadlines, reportSubmissions } from '../db/schema/reporting';
import { notify } from '../notices';
import { findRegion, RegionCode, regionsAtLevels } from '../regions';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import type { ReportingProps } from './props';

type Deadline = typeof reportDeadlines.$inferSelect;
type Meta = { requestId?: string; ip?: string };

export const CalendarQuery = z.object({ regionCode: RegionCode.optional() }).strict();

export const DeadlinePatch = z
  .object({
    months: z.array(z.number().int().min(1).max(12)).min(1).max(12).refine((m) => new Set(m).size === m.length, 'each month once').optional(),
    day: z.number().int().min(1).max(28).optional(),
    remindDays: z.number().int().min(0).max(60).optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'DeadlinePatch' });

export const SubmissionInput = z
  .object({
    key: z.string().min(1).max(60),
    regionCode: RegionCode.optional().meta({ description: 'The region that reports (default: yours)' }),
    period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$/).optional().meta({ description: 'Default: the period now due (an overdue one first)' }),
  })
  .strict()
  .meta({ id: 'SubmissionInput' });

const STATES = ['overdue', 'due_soon', 'upcoming', 'submitted'] as const;
export const CalendarView = z
  .object({
    asOf: z.string(),
    deadlines: z.array(
      z.object({ key: z.string(), title: z.string(), form: z.string().nullable(), months: z.array(z.number()), day: z.number(), covers: z.string(), reporterLevel: z.number(), remindDays: z.number(), source: z.string(), active: z.boolean() }),
    ),
    items: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        form: z.string().nullable(),
        regionCode: z.string(),
        regionName: z.string(),
        period: z.string(),
        dueOn: z.string(),
        daysLeft: z.number().int().meta({ description: 'Negative once past' }),
        state: z.enum(STATES),
        submittedAt: z.string().nullable(),
      }),
    ),
    overdue: z.number().int(),
  })
  .meta({ id: 'ReportingCalendar' });

/**
 * The deadlines the seeds set, added when missing (a changed or switched-off one is left as it is). Seed 001
 * (Shandong) has the cities send 附件1 quarterly, 附件2 and the year's summary; seed 003 (Longyan, Fujian) has the
 * counties report monthly and the analysis sent half-yearly. A province whose own rules differ changes them.
 */
export const SEED_DEADLINES: Array<Omit<typeof reportDeadlines.$inferInsert, 'updatedBy' | 'updatedAt'>> = [
  { key: 'progress_quarterly', title: { 'zh-CN': '防止返贫就业攻坚行动推进情况表（附件1）', en: 'Progress of the action (form 1)' }, form: 'progress', months: [3, 6, 9, 12], day: 15, covers: 'quarter', reporterLevel: 2, source: 'seed 001 §3.4: 认真填写《防止返贫就业攻坚行动推进情况表》（见附件1），每季度末月15日前报送省人力资源社会保障厅' },
  { key: 'projects_yearly', title: { 'zh-CN': '脱贫人口就业帮扶项目清单（附件2）', en: 'Employment assistance projects (form 2)' }, form: 'projects', months: [10], day: 25, covers: 'year', reporterLevel: 2, source: 'seed 001 §3.4: 10月25日前，报送《脱贫人口就业帮扶项目清单》（见附件2）' },
  { key: 'summary_yearly', title: { 'zh-CN': '防止返贫就业攻坚行动阶段性总结', en: 'The action’s summary for the year' }, form: null, months: [12], day: 15, covers: 'year', reporterLevel: 2, source: 'seed 001 §3.4: 12月15日前，报送防止返贫就业攻坚行动阶段性总结' },
  { key: 'work_monthly', title: { 'zh-CN': '精准就业扶贫工作开展情况（月报）', en: 'Monthly report of the work' }, form: null, months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], day: 25, covers: 'month', reporterLevel: 3, source: 'seed 003 (Longyan) 五: 于每月25日前按要求定期报送工作开展情况' },
  { key: 'analysis_half_yearly', title: { 'zh-CN': '农村贫困家庭劳动力就业分析报告（半年）', en: 'Half-yearly analysis of employment' }, form: null, months: [1, 7], day: 15, covers: 'previous_half', reporterLevel: 2, source: 'seed 003 (Fujian) 四: 定期形成农村贫困家庭劳动力就业分析报告……于每半年后15日内报送省人社厅' },
];

/** Adds the seeds' deadlines that are missing; cheap enough to run before each use. */
export async function ensureDeadlines(db: Db): Promise<void> {
  const have = new Set((await db.select({ key: reportDeadlines.key }).from(reportDeadlines)).map((r) => r.key));
  const missing = SEED_DEADLINES.filter((d) => !have.has(d.key));
  if (missing.length) await db.insert(reportDeadlines).values(missing).onConflictDoNothing();
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The dates a deadline falls on in a year, in order. */
function datesIn(d: Pick<Deadline, 'months' | 'day'>, year: number): string[] {
  return [...d.months].sort((a, b) => a - b).map((m) => `${year}-${pad(m)}-${pad(d.day)}`);
}

/** The period a report due on `dueOn` covers. */
export function periodOf(covers: string, dueOn: string): string {
  const y = Number(dueOn.slice(0, 4));
  const m = Number(dueOn.slice(5, 7));
  if (covers === 'month') return dueOn.slice(0, 7);
  if (covers === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  if (covers === 'previous_half') return m <= 6 ? `${y - 1}-H2` : `${y}-H1`;
  return String(y);
}

/** The last due date on or before today and the first after it. */
export function around(d: Pick<Deadline, 'months' | 'day'>, today: string): { prev: string | null; next: string } {
  const y = Number(today.slice(0, 4));
  const all = [y - 1, y, y + 1].flatMap((year) => datesIn(d, year));
  const prev = all.filter((x) => x <= today).pop() ?? null;
  return { prev, next: all.find((x) => x > today)! };
}

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86400_000);

interface Occurrence {
  deadline: Deadline;
  regionCode: string;
  regionName: string;
  period: string;
  dueOn: string;
  daysLeft: number;
  state: (typeof STATES)[number];
  submittedAt: Date | null;
}

/** For each active deadline and each region under `root` that reports it: the occurrence to see to now. */
async function occurrences(db: Db, root: string, today: string): Promise<Occurrence[]> {
  await ensureDeadlines(db);
  const deadlines = await db.select().from(reportDeadlines).where(eq(reportDeadlines.active, true));
  if (!deadlines.length) return [];
  const levels = [...new Set(deadlines.map((d) => d.reporterLevel))];
  const reporters = await regionsAtLevels(db, root, levels);
  const done = await db
    .select()
    .from(reportSubmissions)
    .where(and(like(reportSubmissions.regionCode, `${root}%`), inArray(reportSubmissions.deadlineKey, deadlines.map((d) => d.key))));
  const sent = new Map(done.map((s) => [`${s.deadlineKey}|${s.regionCode}|${s.period}`, s.submittedAt]));
  const out: Occurrence[] = [];
  for (const d of deadlines) {
    const { prev, next } = around(d, today);
    for (const r of reporters.filter((x) => x.level === d.reporterLevel)) {
      const at = (dueOn: string) => sent.get(`${d.key}|${r.code}|${periodOf(d.covers, dueOn)}`) ?? null;
      const base = { deadline: d, regionCode: r.code, regionName: r.name };
      // The last one missed comes first: it stays overdue until it is sent (or its form downloaded).
      if (prev && periodOf(d.covers, prev) !== periodOf(d.covers, next) && !at(prev)) {
        out.push({ ...base, period: periodOf(d.covers, prev), dueOn: prev, daysLeft: days(today, prev), state: 'overdue', submittedAt: null });
        continue;
      }
      const submittedAt = at(next);
      const daysLeft = days(today, next);
      out.push({ ...base, period: periodOf(d.covers, next), dueOn: next, daysLeft, state: submittedAt ? 'submitted' : daysLeft <= d.remindDays ? 'due_soon' : 'upcoming', submittedAt });
    }
  }
  const rank = { overdue: 0, due_soon: 1, upcoming: 2, submitted: 3 } as const;
  return out.sort((a, b) => rank[a.state] - rank[b.state] || a.dueOn.localeCompare(b.dueOn) || a.regionCode.localeCompare(b.regionCode));
}

const titleOf = (d: Deadline, lang: string) => (lang === 'en' ? (d.title.en ?? d.title['zh-CN']) : d.title['zh-CN']);

/** The calendar of a region: every deadline with its settings, and for each region that reports, what is due. */
export async function calendar(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, q: z.infer<typeof CalendarQuery>, lang: string) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const today = shanghaiDate(ctx.clock.now());
  await ensureDeadlines(ctx.db);
  const all = await ctx.db.select().from(reportDeadlines).orderBy(reportDeadlines.key);
  const items = (await occurrences(ctx.db, region, today)).map((o) => ({
    key: o.deadline.key,
    title: titleOf(o.deadline, lang),
    form: o.deadline.form,
    regionCode: o.regionCode,
    regionName: o.regionName,
    period: o.period,
    dueOn: o.dueOn,
    daysLeft: o.daysLeft,
    state: o.state,
    submittedAt: o.submittedAt?.toISOString() ?? null,
  }));
  return {
    asOf: today,
    deadlines: all.map((d) => ({ key: d.key, title: titleOf(d, lang), form: d.form, months: d.months, day: d.day, covers: d.covers, reporterLevel: d.reporterLevel, remindDays: d.remindDays, source: d.source, active: d.active })),
    items,
    overdue: items.filter((i) => i.state === 'overdue').length,
  };
}

/** Province administrators (and system) set when a report is due, for the whole deployment. */
export async function updateDeadline({ ctx, actor, meta }: ReportingProps<Pick<AppContext, 'db' | 'clock'>>, key: string, patch: z.infer<typeof DeadlinePatch>) {
  if (actor.role !== 'province' && actor.role !== 'system') throw new Forbidden('province administrators set the calendar');
  await ensureDeadlines(ctx.db);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .update(reportDeadlines)
      .set({ ...patch, updatedBy: actor.accountId, updatedAt: ctx.clock.now() })
      .where(eq(reportDeadlines.key, key))
      .returning();
    if (!row) throw new NotFound('deadline', key);
    audit({ action: 'reporting.deadline', entity: 'report_deadline', entityId: key, regionCode: actor.regionCode, details: patch });
    return row;
  });
  return { key: row.key, months: row.months, day: row.day, remindDays: row.remindDays, active: row.active };
}

/**
 * A report sent: marked by its region's administrators, or its form downloaded by them. Without a period, the
 * one now due (an overdue one first).
 */
export async function markSubmitted({ ctx, actor, meta }: ReportingProps<Pick<AppContext, 'db' | 'clock'>>, input: z.infer<typeof SubmissionInput>, via: 'download' | 'marked') {
  const region = input.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  await ensureDeadlines(ctx.db);
  const [d] = await ctx.db.select().from(reportDeadlines).where(eq(reportDeadlines.key, input.key));
  if (!d) throw new NotFound('deadline', input.key);
  const r = await findRegion(ctx.db, region);
  if (!r || r.level !== d.reporterLevel) throw new ValidationFailed('not a reporting region', [{ path: 'body.regionCode', message: 'errors:detail.reporting.not_reporter' }]);
  const today = shanghaiDate(ctx.clock.now());
  let period = input.period;
  if (!period) {
    const open = (await occurrences(ctx.db, region, today)).find((o) => o.deadline.key === d.key && o.regionCode === region);
    period = open?.period ?? periodOf(d.covers, around(d, today).next);
  }
  const made = await command({ ctx, actor, meta }, async (tx, audit) => {
    const made = await tx.insert(reportSubmissions).values({ deadlineKey: d.key, regionCode: region, period, via, submittedBy: actor.accountId, submittedAt: ctx.clock.now() }).onConflictDoNothing().returning();
    if (made.length) audit({ action: 'reporting.submitted', entity: 'report_deadline', entityId: d.key, regionCode: region, details: { period, via } });
    return made;
  });
  return { key: d.key, regionCode: region, period, via: made[0]?.via ?? via, new: made.length > 0 };
}

/** A form downloaded by administrators of a region that reports it counts as sent. Errors never stop the download. */
export async function downloadedForm(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, form: 'progress' | 'projects', meta: Meta): Promise<void> {
  await ensureDeadlines(ctx.db);
  const ds = await ctx.db.select().from(reportDeadlines).where(and(eq(reportDeadlines.form, form), eq(reportDeadlines.active, true)));
  const r = await findRegion(ctx.db, actor.regionCode);
  for (const d of ds) if (r?.level === d.reporterLevel) await markSubmitted({ ctx, actor, meta }, { key: d.key }, 'download');
}

/**
 * The daily look at the calendar: the administrators of each reporting region (and those above them) are told
 * `remindDays` before a report is due, and once when it is overdue; each notice once.
 */
export async function remindDeadlines(ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'noticePorts'> & Partial<Pick<AppContext, 'queues'>>): Promise<{ due: number; overdue: number }> {
  const today = shanghaiDate(ctx.clock.now());
  const counts = { due: 0, overdue: 0 };
  for (const o of await occurrences(ctx.db, ctx.config.regionRoot, today)) {
    if (o.state !== 'due_soon' && o.state !== 'overdue') continue;
    const kind = o.state === 'overdue' ? 'report_overdue' : 'report_due';
    const made = await notify(ctx, ctx.clock.now(), {
      kind,
      regionCode: o.regionCode,
      reach: 'region_and_above',
      params: { title: o.deadline.title['zh-CN'], region: o.regionName, period: o.period, dueOn: o.dueOn, days: Math.abs(o.daysLeft) },
      dedupeKey: `${kind}:${o.deadline.key}:${o.regionCode}:${o.period}`,
    }, ctx.queues);
    if (made) counts[o.state === 'overdue' ? 'overdue' : 'due']++;
  }
  return counts;
}

