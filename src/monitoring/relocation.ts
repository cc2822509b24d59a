import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { inScope, type Actor } from '../shared/actor';
import type { AppContext } from '../context';
import { rowsOf } from '../db/client';
import { RegionCode, relocationSitesSql, relocationSitesUnder } from '../regions';
import { NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { liftedSql } from './categories';
import { employmentSpellsAs, registeredHouseholdsAs, registeredPeopleAs } from '../registry';

export const RelocationSitesQuery = z
  .object({
    regionCode: RegionCode.optional(),
    date: z.iso.date().optional().meta({ description: 'The day counted (default: today, Beijing time)' }),
  })
  .strict();
export type RelocationSitesQuery = z.infer<typeof RelocationSitesQuery>;

const SiteFigures = {
  registered: z.number().int().meta({ description: '脱贫人口（含监测对象） living at the site' }),
  ableToWork: z.number().int().meta({ description: 'Of them, with labour capacity' }),
  employed: z.number().int().meta({ description: 'Of them, in work on the day (易地搬迁安置区脱贫人口就业人数)' }),
  employedInCounty: z.number().int().meta({ description: 'In work in the site’s own county (就近就业)' }),
  employedAway: z.number().int().meta({ description: 'In work outside the site’s county (外出务工)' }),
  employedPlaceUnknown: z.number().int(),
  publicWelfare: z.number().int().meta({ description: 'In a public-welfare post' }),
  workshop: z.number().int().meta({ description: 'In an assistance workshop' }),
  zeroEmploymentHouseholds: z.number().int().meta({ description: '零就业家庭 at the site: someone able to work, nobody in work (to be cleared, seed 002 §1)' }),
  employmentRatePct: z.number().nullable().meta({ description: 'employed / ableToWork in per cent, one decimal; null when nobody is able to work' }),
};

export const RelocationSiteView = z.object({ regionCode: z.string(), name: z.string(), ...SiteFigures }).meta({ id: 'RelocationSite' });
export const RelocationSitesView = z
  .object({
    asOf: z.string(),
    regionCode: z.string(),
    items: z.array(RelocationSiteView),
    total: z.object(SiteFigures).meta({ description: 'All the sites together' }),
  })
  .meta({ id: 'RelocationSites' });
type Figures = { [K in keyof typeof SiteFigures]: number | null };

/**
 * 易地搬迁安置区 employment site by site: for every region flagged as a relocation site (安置点) in the caller's
 * region, the 脱贫人口 含监测对象 living there (seed 000 national §1, seed 001 §1; 农村低收入人口 not mixed in) and
 * how many of them are in work on the day, near or away (seed 001 附件1: 易地搬迁安置区脱贫人口就业人数; seed 004
 * §15: relocation sites are priority areas), with the site's zero-employment households, which seed 002 §1 asks to
 * clear (搬迁群众零就业家庭动态清零). A site nested in another site counts in both rows, and once in the total.
 */
export async function relocationSites(ctx: Pick<AppContext, 'db' | 'clock'>, actor: Actor, q: RelocationSitesQuery) {
  const region = q.regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const asOf = q.date ?? shanghaiDate(ctx.clock.now());
  const lifted = liftedSql(sql`w.category`);
  const rows = rowsOf<Record<string, unknown>>(
    await ctx.db.execute(sql`
      with sites as (
        ${relocationSitesSql(region)}
      ),
      people as (
        select w.id, w.household_id, w.region_code, w.labor_capacity, j.kind, j.place_region_code, (j.worker_id is not null) as employed
        from ${registeredPeopleAs('w')}
        left join lateral (
          select e.worker_id, e.kind::text as kind, e.place_region_code from ${employmentSpellsAs('e')}
          where e.worker_id = w.id and e.start_date <= ${asOf}::date and (e.end_date is null or e.end_date >= ${asOf}::date)
          order by e.start_date desc limit 1
        ) j on true
        where w.status = 'active' and ${lifted} and w.region_code like ${`${region}%`}
          and (w.created_at at time zone 'Asia/Shanghai')::date <= ${asOf}::date
          and exists (select 1 from sites s where w.region_code like s.code || '%')
      ),
      at_site as (
        select s.code as site, p.* from sites s join people p on p.region_code like s.code || '%'
        union all
        select null as site, p.* from people p
      )
      select site,
        count(*)::int as registered,
        count(*) filter (where labor_capacity <> 'none')::int as able,
        count(*) filter (where employed)::int as employed,
        count(*) filter (where employed and place_region_code is not null and left(place_region_code, 6) = left(region_code, 6))::int as in_county,
        count(*) filter (where employed and place_region_code is not null and left(place_region_code, 6) <> left(region_code, 6))::int as away,
        count(*) filter (where employed and place_region_code is null)::int as place_unknown,
        count(*) filter (where kind = 'public_welfare')::int as public_welfare,
        count(*) filter (where kind = 'workshop')::int as workshop,
        (select count(*) from ${registeredHouseholdsAs('h')}
          where h.region_code like coalesce(a.site, ${region}) || '%'
            and (a.site is not null or exists (select 1 from sites s where h.region_code like s.code || '%'))
            and exists (select 1 from ${registeredPeopleAs('m')} where m.household_id = h.id and m.status = 'active' and m.labor_capacity <> 'none')
            and not exists (
              select 1 from ${employmentSpellsAs('e')} join ${registeredPeopleAs('m')} on m.id = e.worker_id
              where m.household_id = h.id and m.status = 'active' and e.start_date <= ${asOf}::date and (e.end_date is null or e.end_date >= ${asOf}::date)))::int as zero
      from at_site a
      group by site`),
  );
  const sites = await relocationSitesUnder(ctx.db, region);
  const figures = (r: Record<string, unknown> | undefined): Figures => {
    const n = (k: string) => Number(r?.[k] ?? 0);
    const able = n('able');
    return {
      registered: n('registered'),
      ableToWork: able,
      employed: n('employed'),
      employedInCounty: n('in_county'),
      employedAway: n('away'),
      employedPlaceUnknown: n('place_unknown'),
      publicWelfare: n('public_welfare'),
      workshop: n('workshop'),
      zeroEmploymentHouseholds: n('zero'),
      employmentRatePct: able ? Math.round((n('employed') / able) * 1000) / 10 : null,
    };
  };
  const bySite = new Map(rows.map((r) => [r.site === null ? null : String(r.site as string | number), r]));
  // A site with nobody registered yet still has its row (and its households without work, if any).
  const empty = async (code: string) =>
    rowsOf<{ zero: number }>(
      await ctx.db.execute(sql`
        select count(*)::int as zero from ${registeredHouseholdsAs('h')}
        where h.region_code like ${`${code}%`}
          and exists (select 1 from ${registeredPeopleAs('m')} where m.household_id = h.id and m.status = 'active' and m.labor_capacity <> 'none')
          and not exists (select 1 from ${employmentSpellsAs('e')} join ${registeredPeopleAs('m')} on m.id = e.worker_id
            where m.household_id = h.id and m.status = 'active' and e.start_date <= ${asOf}::date and (e.end_date is null or e.end_date >= ${asOf}::date))`),
    )[0]?.zero ?? 0;
  const items = [];
  for (const s of sites) {
    const r = bySite.get(s.code);
    items.push({ regionCode: s.code, name: s.name, ...(r ? figures(r) : { ...figures(undefined), zeroEmploymentHouseholds: await empty(s.code) }) });
  }
  const total = bySite.get(null) ? figures(bySite.get(null)) : { ...figures(undefined), zeroEmploymentHouseholds: items.reduce((a, i) => a + Number(i.zeroEmploymentHouseholds), 0) };
  return { asOf, regionCode: region, items, total };
}
