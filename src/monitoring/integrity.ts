import { sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { warnings } from '../db/schema/monitoring';
import { notify } from '../notices';
import { shanghaiDate } from '../shared/time';
import { employmentPaymentsAs, employmentSpellsAs, registeredHouseholdsAs, registeredPeopleAs } from '../registry';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'noticePorts'>;

export const REVIEW_KINDS = ['pw_several_posts', 'pw_rotation', 'pw_no_longer_needed', 'pw_subsidy_overdue', 'wr_wage_overdue', 'wr_wage_late', 'wr_wage_short'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** How long after one relative leaves a post another taking it counts as handing it on. */
const HANDOVER_DAYS = 60;

interface Holder {
  recordId: string;
  workerId: string;
  name: string;
  employerName: string | null;
  startDate: string;
  endDate: string | null;
}

/**
 * The integrity review of public-welfare posts and work-relief wages (seed 000 national §2.4: 优亲厚友、
 * 轮流坐庄 and 拖欠工资补贴 are to be stopped; seed 000 §4: work-relief wages in full and on time). Each finding
 * goes on the review list of its region once, with the records that show it; staff look into it and
 * close it with their conclusion. Run daily; a finding already listed is not listed again.
 */
export async function integrityReview(ctx: Ctx): Promise<Record<ReviewKind, number>> {
  const today = shanghaiDate(ctx.clock.now());
  const root = `${ctx.config.regionRoot}%`;
  const counts = Object.fromEntries(REVIEW_KINDS.map((k) => [k, 0])) as Record<ReviewKind, number>;
  const perRegion = new Map<string, number>();
  const list = async (kind: ReviewKind, key: string, regionCode: string, details: Record<string, unknown>, refs: { workerId?: string; householdId?: string }) => {
    const made = await ctx.db
      .insert(warnings)
      .values({ kind, regionCode, dedupeKey: key, details, workerId: refs.workerId ?? null, householdId: refs.householdId ?? null, createdAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ id: warnings.id });
    if (!made.length) return;
    counts[kind]++;
    const county = regionCode.slice(0, 6);
    perRegion.set(county, (perRegion.get(county) ?? 0) + 1);
  };

  // Several public-welfare posts held in one household at once (原则上一户一岗).
  const several = rowsOf<{ household_id: string; region_code: string; holders: Holder[] }>(
    await ctx.db.execute(sql`
      select w.household_id, h.region_code,
        json_agg(json_build_object('recordId', e.id, 'workerId', w.id, 'name', w.name, 'employerName', e.employer_name, 'startDate', e.start_date::text, 'endDate', e.end_date::text) order by e.start_date, e.id) as holders
      from ${employmentSpellsAs('e')} join ${registeredPeopleAs('w')} on w.id = e.worker_id join ${registeredHouseholdsAs('h')} on h.id = w.household_id
      where e.kind = 'public_welfare' and e.start_date <= ${today}::date and (e.end_date is null or e.end_date >= ${today}::date)
        and w.region_code like ${root}
      group by w.household_id, h.region_code
      having count(*) > 1`),
  );
  for (const s of several) {
    await list('pw_several_posts', `pw-several:${s.holders.map((x) => x.recordId).join(',')}`, s.region_code, { holders: s.holders }, { householdId: s.household_id });
  }

  // A post handed from one member of a household to another (轮流坐庄): the same employer, the next
  // relative starting within HANDOVER_DAYS of the last one leaving. The evidence is the whole chain.
  const handovers = rowsOf<{ household_id: string; region_code: string; prev_id: string; next_id: string; next_worker: string; employer_name: string }>(
    await ctx.db.execute(sql`
      select w1.household_id, h.region_code, a.id as prev_id, b.id as next_id, w2.id as next_worker, a.employer_name
      from ${employmentSpellsAs('a')}
      join ${registeredPeopleAs('w1')} on w1.id = a.worker_id
      join ${registeredPeopleAs('w2')} on w2.household_id = w1.household_id and w2.id <> w1.id
      join ${employmentSpellsAs('b')} on b.worker_id = w2.id and b.kind = 'public_welfare' and b.employer_name = a.employer_name
      join ${registeredHouseholdsAs('h')} on h.id = w1.household_id
      where a.kind = 'public_welfare' and a.end_date is not null and a.employer_name is not null
        and b.start_date between a.end_date and a.end_date + ${HANDOVER_DAYS}::int
        and b.start_date > ${today}::date - 730 and w1.region_code like ${root}`),
  );
  for (const r of handovers) {
    const chain = rowsOf<Holder>(
      await ctx.db.execute(sql`
        select e.id as "recordId", w.id as "workerId", w.name, e.employer_name as "employerName", e.start_date::text as "startDate", e.end_date::text as "endDate"
        from ${employmentSpellsAs('e')} join ${registeredPeopleAs('w')} on w.id = e.worker_id
        where w.household_id = ${r.household_id} and e.kind = 'public_welfare' and e.employer_name = ${r.employer_name}
        order by e.start_date, e.id`),
    );
    await list('pw_rotation', `pw-rotation:${r.prev_id}:${r.next_id}`, r.region_code, { employerName: r.employer_name, chain, holders: new Set(chain.map((c) => c.workerId)).size }, { householdId: r.household_id, workerId: r.next_worker });
  }

  // A holder who no longer needs the post: gone from the programme, or the rest of the household earns
  // at least MONITOR_PW_HOUSEHOLD_INCOME_YUAN a month in other work (有序退岗).
  const needless = rowsOf<{ record_id: string; worker_id: string; name: string; region_code: string; household_id: string | null; status: string; left_on: string | null; others_fen: number | null; others: Array<{ name: string; employerName: string | null; monthlyIncomeFen: number | null }> | null }>(
    await ctx.db.execute(sql`
      select e.id as record_id, w.id as worker_id, w.name, w.region_code, w.household_id, w.status::text as status, w.left_on::text as left_on, o.total as others_fen, o.members as others
      from ${employmentSpellsAs('e')} join ${registeredPeopleAs('w')} on w.id = e.worker_id
      left join lateral (
        select sum(x.monthly_income_fen)::int as total,
          json_agg(json_build_object('name', m.name, 'employerName', x.employer_name, 'monthlyIncomeFen', x.monthly_income_fen)) as members
        from ${registeredPeopleAs('m')} join ${employmentSpellsAs('x')} on x.worker_id = m.id
        where w.household_id is not null and m.household_id = w.household_id and m.id <> w.id and m.status = 'active'
          and x.kind is distinct from 'public_welfare' and x.start_date <= ${today}::date and (x.end_date is null or x.end_date >= ${today}::date)
      ) o on true
      where e.kind = 'public_welfare' and e.start_date <= ${today}::date and (e.end_date is null or e.end_date >= ${today}::date)
        and w.region_code like ${root}
        and (w.status = 'left' or coalesce(o.total, 0) >= ${ctx.config.monitor.pwHouseholdIncomeFen})`),
  );
  for (const n of needless) {
    const reason = n.status === 'left' ? 'left_programme' : 'household_income';
    await list('pw_no_longer_needed', `pw-need:${n.record_id}:${reason}`, n.region_code, { reason, holder: n.name, leftOn: n.left_on, othersMonthlyIncomeFen: n.others_fen, others: n.others ?? [], thresholdFen: ctx.config.monitor.pwHouseholdIncomeFen }, { workerId: n.worker_id, householdId: n.household_id ?? undefined });
  }

  // Money past its date: subsidies and wages not paid in full by the day they were due; wages paid late or short.
  const payments = rowsOf<{ id: string; kind: 'subsidy' | 'wage'; worker_id: string; name: string; region_code: string; employer_name: string | null; period: string; due_on: string; amount_due_fen: number; paid_on: string | null; amount_paid_fen: number | null }>(
    await ctx.db.execute(sql`
      select p.id, p.kind, p.worker_id, w.name, w.region_code, e.employer_name, p.period, p.due_on::text as due_on, p.amount_due_fen, p.paid_on::text as paid_on, p.amount_paid_fen
      from ${employmentPaymentsAs('p')} join ${registeredPeopleAs('w')} on w.id = p.worker_id join ${employmentSpellsAs('e')} on e.id = p.record_id
      where w.region_code like ${root}
        and ((p.due_on < ${today}::date and (p.paid_on is null or p.amount_paid_fen < p.amount_due_fen))
          or (p.kind = 'wage' and p.paid_on is not null and (p.paid_on > p.due_on or p.amount_paid_fen < p.amount_due_fen)))`),
  );
  for (const p of payments) {
    const evidence = { name: p.name, employerName: p.employer_name, period: p.period, dueOn: p.due_on, amountDueFen: p.amount_due_fen, paidOn: p.paid_on, amountPaidFen: p.amount_paid_fen };
    const overdue = p.due_on < today && (p.paid_on === null || (p.amount_paid_fen ?? 0) < p.amount_due_fen);
    const days = Math.round((Date.parse(p.paid_on ?? today) - Date.parse(p.due_on)) / 86400_000);
    if (overdue && (p.paid_on === null || p.kind === 'subsidy')) {
      await list(p.kind === 'subsidy' ? 'pw_subsidy_overdue' : 'wr_wage_overdue', `pay-overdue:${p.id}`, p.region_code, { ...evidence, daysOverdue: days, owedFen: p.amount_due_fen - (p.amount_paid_fen ?? 0) }, { workerId: p.worker_id });
    }
    if (p.kind === 'wage' && p.paid_on !== null && p.paid_on > p.due_on) await list('wr_wage_late', `pay-late:${p.id}`, p.region_code, { ...evidence, daysLate: days }, { workerId: p.worker_id });
    if (p.kind === 'wage' && p.amount_paid_fen !== null && p.amount_paid_fen < p.amount_due_fen) await list('wr_wage_short', `pay-short:${p.id}`, p.region_code, { ...evidence, shortFen: p.amount_due_fen - p.amount_paid_fen }, { workerId: p.worker_id });
  }

  for (const [county, n] of perRegion) {
    await notify(ctx, ctx.clock.now(), { kind: 'review_items', regionCode: county, reach: 'region_and_above', params: { count: n, day: today }, dedupeKey: `review:${county}:${today}` });
  }
  return counts;
}
