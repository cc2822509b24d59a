import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { rowsOf, type Db } from '../db/client';
import { employmentRecords, publicWelfareTerms, workers } from '../db/schema/registry';
import { RegionCode } from '../regions';
import { Conflict, NotFound, PolicyViolation } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import type { RegistryProps } from './props';

/**
 * 乡村公益性岗位 holders: 按需设岗、以岗聘任、在岗领补、有序退岗, and "依法签订劳动合同或劳务协议，每次签订期限不超过
 * 1年" (seed 004 §12). Each agreement is a row of `public_welfare_terms`; a renewal adds the next one, an exit
 * (有序退岗) closes the post with its reason.
 */
export const RULE_TERM = 'seed 004 §12';

const isoDate = z.iso.date();

export const TermRenewal = z
  .object({ termEnd: isoDate.meta({ description: 'The last day of the new agreement: at most a year from the day after the current one ends (seed 004 §12)' }) })
  .strict()
  .meta({ id: 'TermRenewal' });

export const TermView = z.object({ startsOn: z.string(), endsOn: z.string(), createdAt: z.string() }).meta({ id: 'PublicWelfareTerm' });

export const TermsDueQuery = z
  .object({
    regionCode: RegionCode.optional(),
    within: z.coerce.number().int().min(0).max(366).default(30).meta({ description: 'Agreements ending within this many days (and those already past) are listed' }),
  })
  .strict();

export const TermsDueView = z
  .object({
    asOf: z.string(),
    items: z.array(
      z.object({
        workerId: z.string(),
        name: z.string(),
        regionCode: z.string(),
        recordId: z.string(),
        employerName: z.string().nullable(),
        startDate: z.string(),
        partTime: z.boolean(),
        termEnd: z.string().nullable().meta({ description: 'The current agreement’s last day; null when none is recorded' }),
        daysLeft: z.number().int().nullable().meta({ description: 'Negative once the agreement has ended while the post is still held' }),
        state: z.enum(['ending', 'lapsed', 'no_agreement']),
      }),
    ),
  })
  .meta({ id: 'PublicWelfareTermsDue' });

/** The last day an agreement starting on `startsOn` may run to: the day before the same day a year on. */
export function lastAllowedDay(startsOn: string): string {
  const d = new Date(`${startsOn}T00:00:00Z`);
  const y = d.getUTCFullYear() + 1;
  // 29 February a year on is 28 February's next day, so the year ends on the 28th.
  const next = new Date(Date.UTC(y, d.getUTCMonth(), d.getUTCDate()));
  if (next.getUTCMonth() !== d.getUTCMonth()) next.setUTCDate(0);
  return new Date(next.getTime() - 86400_000).toISOString().slice(0, 10);
}

/** The agreement of a post hired for `months` months from `startsOn` (the post's 协议期限), never past a year. */
export function termEndOf(startsOn: string, months: number): string {
  const d = new Date(`${startsOn}T00:00:00Z`);
  const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()));
  if (end.getUTCDate() !== d.getUTCDate()) end.setUTCDate(0);
  const last = new Date(end.getTime() - 86400_000).toISOString().slice(0, 10);
  const cap = lastAllowedDay(startsOn);
  return last < cap ? last : cap;
}

export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
}

/** Refuses an agreement that ends before it starts or runs a year or more (seed 004 §12). */
export function checkTerm(startsOn: string, endsOn: string, path: string): void {
  if (endsOn < startsOn) throw new PolicyViolation('agreement ends before it starts', RULE_TERM, [{ path, message: 'errors:detail.public_welfare.term_before_start' }]);
  if (endsOn > lastAllowedDay(startsOn)) throw new PolicyViolation('agreement longer than a year', RULE_TERM, [{ path, message: 'errors:detail.public_welfare.term_too_long' }]);
}

/** The latest agreement of each record. */
export async function currentTerms(db: Db, recordIds: string[]): Promise<Map<string, { startsOn: string; endsOn: string }>> {
  if (!recordIds.length) return new Map();
  const rows = await db
    .selectDistinctOn([publicWelfareTerms.recordId], { recordId: publicWelfareTerms.recordId, startsOn: publicWelfareTerms.startsOn, endsOn: publicWelfareTerms.endsOn })
    .from(publicWelfareTerms)
    .where(inArray(publicWelfareTerms.recordId, recordIds))
    .orderBy(publicWelfareTerms.recordId, desc(publicWelfareTerms.startsOn));
  return new Map(rows.map((r) => [r.recordId, { startsOn: r.startsOn, endsOn: r.endsOn }]));
}

async function heldPost(db: Db, actor: Actor, workerId: string, recordId: string) {
  const [row] = await db
    .select({ r: employmentRecords, regionCode: workers.regionCode })
    .from(employmentRecords)
    .innerJoin(workers, eq(workers.id, employmentRecords.workerId))
    .where(and(eq(employmentRecords.id, recordId), eq(employmentRecords.workerId, workerId)));
  if (!row || row.r.kind !== 'public_welfare') throw new NotFound('public-welfare post', recordId);
  assertInScope(actor, row.regionCode, 'worker', workerId);
  return row;
}

export async function termsOf(ctx: Pick<AppContext, 'db'>, actor: Actor, workerId: string, recordId: string) {
  await heldPost(ctx.db, actor, workerId, recordId);
  const rows = await ctx.db.select().from(publicWelfareTerms).where(eq(publicWelfareTerms.recordId, recordId)).orderBy(publicWelfareTerms.startsOn);
  return { items: rows.map((t) => ({ startsOn: t.startsOn, endsOn: t.endsOn, createdAt: t.createdAt.toISOString() })) };
}

/** 以岗聘任 again: the next agreement, from the day after the current one ends (or today, when none was recorded). */
export async function renewTerm({ ctx, actor, meta }: RegistryProps<Pick<AppContext, 'db' | 'clock'>>, workerId: string, recordId: string, input: z.infer<typeof TermRenewal>) {
  return command({ ctx, actor, meta }, async (db, audit) => {
    const { r, regionCode } = await heldPost(db, actor, workerId, recordId);
    if (r.endDate) throw new Conflict('post ended', [{ path: 'recordId', message: 'errors:detail.public_welfare.post_ended' }]);
    await db.execute(sql`select 1 from ${employmentRecords} where ${employmentRecords.id} = ${r.id} for update`);
    const current = (await currentTerms(db, [r.id])).get(r.id);
    const startsOn = current ? dayAfter(current.endsOn) : shanghaiDate(ctx.clock.now());
    checkTerm(startsOn, input.termEnd, 'body.termEnd');
    await db.insert(publicWelfareTerms).values({ recordId: r.id, workerId, startsOn, endsOn: input.termEnd, recordedBy: actor.accountId, createdAt: ctx.clock.now() });
    audit({ action: 'public_welfare.renew', entity: 'worker', entityId: workerId, regionCode, details: { recordId: r.id, startsOn, endsOn: input.termEnd } });
    return { startsOn, endsOn: input.termEnd };
  });
}

/**
 * The holders to see to: open public-welfare posts whose agreement ends within `within` days, has ended while
 * the post is still held (续签 or 有序退岗 is due), or was never recorded.
 */
export async function termsDue(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, q: z.infer<typeof TermsDueQuery>) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const today = shanghaiDate(ctx.clock.now());
  const rows = rowsOf<{ worker_id: string; name: string; region_code: string; record_id: string; employer_name: string | null; start_date: string; part_time: boolean; ends_on: string | null }>(
    await ctx.db.execute(sql`
      select w.id as worker_id, w.name, w.region_code, e.id as record_id, e.employer_name, e.start_date::text as start_date, e.part_time,
        (select t.ends_on::text from public_welfare_terms t where t.record_id = e.id order by t.starts_on desc limit 1) as ends_on
      from employment_records e join workers w on w.id = e.worker_id
      where e.kind = 'public_welfare' and e.end_date is null and w.status = 'active' and w.region_code like ${`${region}%`}
      order by w.region_code, w.name, e.id`),
  );
  const limit = new Date(Date.parse(`${today}T00:00:00Z`) + q.within * 86400_000).toISOString().slice(0, 10);
  const items = rows
    .filter((r) => r.ends_on === null || r.ends_on <= limit)
    .map((r) => {
      const daysLeft = r.ends_on === null ? null : Math.round((Date.parse(r.ends_on) - Date.parse(today)) / 86400_000);
      return {
        workerId: r.worker_id,
        name: r.name,
        regionCode: r.region_code,
        recordId: r.record_id,
        employerName: r.employer_name,
        startDate: r.start_date,
        partTime: r.part_time,
        termEnd: r.ends_on,
        daysLeft,
        state: r.ends_on === null ? ('no_agreement' as const) : r.ends_on < today ? ('lapsed' as const) : ('ending' as const),
      };
    })
    .sort((a, b) => (a.daysLeft ?? -100000) - (b.daysLeft ?? -100000));
  return { asOf: today, items };
}

/** The open public-welfare posts among `open`, so an exit can be asked for its reason. */
export function publicWelfareOpen(open: Array<typeof employmentRecords.$inferSelect>) {
  return open.filter((r) => r.kind === 'public_welfare' && r.endDate === null);
}

