import { and, desc, eq, sql } from 'drizzle-orm';
import type ExcelJS from 'exceljs';
import { excel } from '../shared/libraries';
import type { TFunction } from 'i18next';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { monitoringReports } from '../db/schema/monitoring';
import { namesOf } from '../regions';
import { NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { APART_CATEGORIES, LIFTED_GROUP } from './categories';
import { addMonths, change, computeLevels, type RegionFigures } from './figures';
import { figuresOf } from './service';
import { notify } from '../notices';
import { employmentSpellsAs, registeredPeopleAs } from '../registry';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'noticePorts'>;

/** Regions one level down from the deployment's root (its counties, for a prefecture). */
function childLevel(root: string): number {
  return root.length < 6 ? root.length + 2 : 9;
}

async function names(ctx: Pick<AppContext, 'db'>, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  return namesOf(ctx.db, codes);
}

/** 农村低收入人口 of each region, reported apart from 脱贫人口 (never added into it). */
function lowIncome(rows: RegionFigures[]): Map<string, { registered: number; employed: number }> {
  const out = new Map<string, { registered: number; employed: number }>();
  for (const r of rows) {
    if (!(APART_CATEGORIES as readonly string[]).includes(r.category)) continue;
    const x = out.get(r.regionCode) ?? { registered: 0, employed: 0 };
    x.registered += r.figures.registered;
    x.employed += r.figures.employed;
    out.set(r.regionCode, x);
  }
  return out;
}

/** A new report is announced to the administrators of the deployment's region and of every region in it. */
export async function announce(ctx: Ctx, kind: 'daily' | 'weekly' | 'monthly', period: string, id: string): Promise<void> {
  await notify(ctx, ctx.clock.now(), { kind: `report_${kind}`, regionCode: ctx.config.regionRoot, reach: 'region_and_below', params: { period }, link: { entity: 'report', id }, dedupeKey: `report:${id}` });
}

/**
 * 日报告: yesterday's movements (people registered, hired, out of work) and this month's figures so far of
 * 脱贫人口 含监测对象 (seed 000 national §1), with 农村低收入人口 apart, for the deployment's region and each
 * region one level down. Written once per day.
 */
export async function dailyReport(ctx: Ctx, day?: string): Promise<string | null> {
  const root = ctx.config.regionRoot;
  const date = day ?? shanghaiDate(new Date(ctx.clock.now().getTime() - 86400_000));
  const month = date.slice(0, 7);
  const computed = await computeLevels(ctx.db, root, [root.length, childLevel(root)], month);
  const rows = computed.filter((r) => r.category === LIFTED_GROUP);
  const apart = lowIncome(computed);
  const [events] = rowsOf<{ registered: number; hired: number; lost: number }>(
    await ctx.db.execute(sql`
      select
        (select count(*)::int from ${registeredPeopleAs('w')} where region_code like ${`${root}%`} and (created_at at time zone 'Asia/Shanghai')::date = ${date}::date) as registered,
        (select count(*)::int from ${employmentSpellsAs('e')} join ${registeredPeopleAs('w')} on w.id = e.worker_id where w.region_code like ${`${root}%`} and e.start_date = ${date}::date) as hired,
        (select count(*)::int from ${employmentSpellsAs('e')} join ${registeredPeopleAs('w')} on w.id = e.worker_id where w.region_code like ${`${root}%`} and e.end_date = ${date}::date) as lost`),
  );
  const named = await names(ctx, rows.map((r) => r.regionCode));
  const [made] = await ctx.db
    .insert(monitoringReports)
    .values({ kind: 'daily', period: date, regionCode: root, payload: { rows: rows.map((r) => ({ regionCode: r.regionCode, name: named.get(r.regionCode) ?? null, ...r.figures, lowIncomeRegistered: apart.get(r.regionCode)?.registered ?? 0, lowIncomeEmployed: apart.get(r.regionCode)?.employed ?? 0 })), events: events ?? { registered: 0, hired: 0, lost: 0 } }, createdAt: ctx.clock.now() })
    .onConflictDoNothing()
    .returning({ id: monitoringReports.id });
  if (made) await announce(ctx, 'daily', date, made.id);
  return made?.id ?? null;
}

/**
 * 月通报: the closed month for the region one level down (counties, for a prefecture), ranked by the change
 * in the employment scale of 脱贫人口 含监测对象 (seed 000 national §1, §3.2) against the month before, with
 * income and 同比, and 农村低收入人口 in work apart. Written once, after the month closes.
 */
export async function monthlyBulletin(ctx: Ctx, month: string): Promise<string | null> {
  const root = ctx.config.regionRoot;
  const level = childLevel(root);
  const [now, prev, lastYear] = await Promise.all([figuresOf(ctx.db, root, level, month), figuresOf(ctx.db, root, level, addMonths(month, -1)), figuresOf(ctx.db, root, level, addMonths(month, -12))]);
  const all = (rows: typeof now.rows) => new Map(rows.filter((r) => r.category === LIFTED_GROUP).map((r) => [r.regionCode, r.figures]));
  const apart = lowIncome(now.rows);
  const [n, p, y] = [all(now.rows), all(prev.rows), all(lastYear.rows)];
  const named = await names(ctx, [...n.keys()]);
  const ranked = [...n.entries()]
    .map(([code, f]) => ({
      regionCode: code,
      name: named.get(code) ?? null,
      employed: f.employed,
      registered: f.registered,
      employedShare: f.registered ? Math.round((f.employed / f.registered) * 1000) / 10 : null,
      employedMom: change(f.employed, p.get(code)?.employed ?? null),
      employedYoy: change(f.employed, y.get(code)?.employed ?? null),
      incomeAvgFen: f.incomeAvgFen,
      incomeYoy: change(f.incomeAvgFen, y.get(code)?.incomeAvgFen ?? null),
      zeroEmploymentHouseholds: f.zeroEmploymentHouseholds,
      lowIncomeEmployed: apart.get(code)?.employed ?? 0,
    }))
    .sort((a, b) => (b.employedMom ?? -1e9) - (a.employedMom ?? -1e9) || (b.employedShare ?? 0) - (a.employedShare ?? 0) || a.regionCode.localeCompare(b.regionCode))
    .map((r, i) => ({ rank: i + 1, ...r }));
  const [made] = await ctx.db
    .insert(monitoringReports)
    .values({ kind: 'monthly', period: month, regionCode: root, payload: { rows: ranked }, createdAt: ctx.clock.now() })
    .onConflictDoNothing()
    .returning({ id: monitoringReports.id });
  if (made) await announce(ctx, 'monthly', month, made.id);
  return made?.id ?? null;
}

/** A report keeps to the reader's region: rows of other regions are left out. */
function scoped(actor: Actor, rows: Array<Record<string, unknown>>) {
  return rows.filter((r) => inScope(actor, String(r.regionCode)));
}

export async function listReports(ctx: Pick<AppContext, 'db'>, actor: Actor, q: { kind?: 'daily' | 'weekly' | 'monthly'; page: number; pageSize: number }) {
  const rows = await ctx.db
    .select({ id: monitoringReports.id, kind: monitoringReports.kind, period: monitoringReports.period, regionCode: monitoringReports.regionCode, createdAt: monitoringReports.createdAt })
    .from(monitoringReports)
    .where(q.kind ? eq(monitoringReports.kind, q.kind) : undefined)
    .orderBy(desc(monitoringReports.period), desc(monitoringReports.createdAt))
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize);
  return { items: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })), page: q.page, pageSize: q.pageSize };
}

export async function getReport(ctx: Pick<AppContext, 'db'>, actor: Actor, id: string) {
  const [r] = await ctx.db.select().from(monitoringReports).where(and(eq(monitoringReports.id, id)));
  if (!r) throw new NotFound('report', id);
  return { id: r.id, kind: r.kind, period: r.period, regionCode: r.regionCode, createdAt: r.createdAt.toISOString(), events: r.payload.events ?? null, rows: scoped(actor, r.payload.rows) };
}

/** The report as a spreadsheet: one row per region, the columns named in the reader's language. */
export async function reportXlsx(t: TFunction, report: Awaited<ReturnType<typeof getReport>>, chartPng?: Buffer): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet(t(`market:report.${report.kind}`));
  ws.addRow([`${t(`market:report.${report.kind}`)} ${report.period}`]);
  if (report.events) ws.addRow(Object.entries(report.events).flatMap(([k, v]) => [t(`market:report.${k}`), v]));
  const keys = report.rows.length ? Object.keys(report.rows[0]!) : [];
  ws.addRow(keys.map((k) => t(`market:report.col.${k}`, { defaultValue: k })));
  const cell = (k: string, v: unknown) => (v === null || v === undefined ? '' : k === 'metric' ? t(`market:report.metric.${String(v as string)}`) : (v as string | number));
  for (const r of report.rows) ws.addRow(keys.map((k) => cell(k, r[k])));
  ws.getColumn(2).width = 16;
  if (chartPng) {
    const sheet = wb.addWorksheet(t('market:chart.sheet'));
    const image = wb.addImage({ buffer: chartPng as unknown as ExcelJS.Buffer, extension: 'png' });
    sheet.addImage(image, { tl: { col: 0, row: 0 }, ext: { width: 960, height: 480 } });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

