import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { RegionCode } from '../regions';
import { NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { liftedSql } from './categories';
import { employmentSpellsAs, registeredPeopleAs } from '../registry';
import { employerNamesAs } from '../market';

export const WorkshopCheckQuery = z
  .object({
    regionCode: RegionCode.optional(),
    date: z.iso.date().optional().meta({ description: 'The day compared (default: today, Beijing time)' }),
    differentOnly: z.enum(['true', 'false']).transform((v) => v === 'true').optional().meta({ description: 'true: only the workshops whose declaration and register differ' }),
  })
  .strict();
export type WorkshopCheckQuery = z.infer<typeof WorkshopCheckQuery>;

export const WorkshopCheckView = z
  .object({
    asOf: z.string(),
    regionCode: z.string(),
    items: z.array(
      z
        .object({
          projectId: z.string(),
          name: z.string(),
          employerName: z.string().nullable(),
          regionCode: z.string(),
          declaredTotal: z.number().int().meta({ description: '带动就业人数 as the workshop declared it' }),
          declaredLifted: z.number().int().meta({ description: '其中脱贫人口, as declared' }),
          registerTotal: z.number().int().meta({ description: 'People the register has in work there on the day' }),
          registerLifted: z.number().int().meta({ description: 'Of them, 脱贫人口 含监测对象' }),
          differenceTotal: z.number().int().meta({ description: 'declaredTotal − registerTotal' }),
          differenceLifted: z.number().int().meta({ description: 'declaredLifted − registerLifted' }),
          differs: z.boolean(),
        })
        .meta({ id: 'WorkshopCheck' }),
    ),
    differing: z.number().int().meta({ description: 'How many of the workshops differ' }),
  })
  .meta({ id: 'WorkshopChecks' });

/**
 * 就业帮扶车间: what each workshop declares it employs (带动就业人数, 其中脱贫人口 — the head-counts 附件1 and 附件2 of
 * seed 001 carry, and on which workshops are rated and subsidised) beside what the register holds on the day:
 * people whose current job is with the workshop (its name, or its employer's, as hires record it) in the
 * workshop's county, and of them 脱贫人口 含监测对象 (seed 000 national §1). A difference is shown, never
 * corrected: either side may be the one to fix.
 */
export async function workshopCheck(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, q: WorkshopCheckQuery) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const asOf = q.date ?? shanghaiDate(ctx.clock.now());
  const lifted = liftedSql(sql`w.category`);
  const rows = rowsOf<{ id: string; name: string; employer_name: string | null; region_code: string; jobs_total: number; jobs_lifted: number; reg_total: number; reg_lifted: number }>(
    await ctx.db.execute(sql`
      select p.id, p.name, e.name as employer_name, p.region_code, p.jobs_total, p.jobs_lifted,
        count(distinct w.id)::int as reg_total,
        count(distinct w.id) filter (where ${lifted})::int as reg_lifted
      from assistance_projects p
      left join ${employerNamesAs('e')} on e.id = p.employer_id
      left join ${employmentSpellsAs('r')}
        on r.start_date <= ${asOf}::date and (r.end_date is null or r.end_date >= ${asOf}::date)
        and trim(r.employer_name) in (trim(p.name), trim(coalesce(e.name, p.name)))
      left join ${registeredPeopleAs('w')}
        on w.id = r.worker_id and w.status = 'active'
        and (left(r.place_region_code, 6) = left(p.region_code, 6) or left(w.region_code, 6) = left(p.region_code, 6))
      where p.kind = 'workshop' and p.region_code like ${`${region}%`}
        and p.started_on <= ${asOf}::date and (p.ended_on is null or p.ended_on >= ${asOf}::date)
      group by p.id, p.name, e.name, p.region_code, p.jobs_total, p.jobs_lifted
      order by p.region_code, p.name, p.id`),
  );
  const all = rows.map((r) => {
    const differenceTotal = r.jobs_total - r.reg_total;
    const differenceLifted = r.jobs_lifted - r.reg_lifted;
    return {
      projectId: r.id,
      name: r.name,
      employerName: r.employer_name,
      regionCode: r.region_code,
      declaredTotal: r.jobs_total,
      declaredLifted: r.jobs_lifted,
      registerTotal: r.reg_total,
      registerLifted: r.reg_lifted,
      differenceTotal,
      differenceLifted,
      differs: differenceTotal !== 0 || differenceLifted !== 0,
    };
  });
  return { asOf, regionCode: region, items: q.differentOnly ? all.filter((i) => i.differs) : all, differing: all.filter((i) => i.differs).length };
}
