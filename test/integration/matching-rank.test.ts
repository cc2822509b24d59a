import { and, eq, gt, like, ne, notLike, or, sql } from 'drizzle-orm';
import { applications, employers, vacancies } from '../../src/db/schema';
import { matchesFor, scoreVacancy, type MatchOptions, type MatchPerson } from '../../src/market';
import { translator } from '../../src/i18n';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { appOf, signIn } from '../helpers/api';
import { HOME } from '../helpers/market';

/**
 * A person's matches are ranked by the database, which hands back the best few for the scoring in code to order
 * again. Whatever the posts, that must give exactly what scoring every gathered post in code gives: here hundreds of
 * posts of every kind, pay unit, skill and place, some without a point, some closed or out of date, some applied
 * to, for people with and without a home, skills, a pay floor, weak labour or the wish to go out of the county.
 */
describe('matching: the database ranks as scoring does', () => {
  let h: Harness;
  const t = translator('zh-CN');
  // A fixed sequence, so a failure can be run again as it was.
  let seed = 20261204;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const SKILLS = ['厨师', '电工', '焊工', '护林', '采茶', '保洁', '驾驶'];
  const people: MatchPerson[] = [];

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    const now = h.ctx.clock.now();
    const [e] = await h.ctx.db.insert(employers).values({ name: '排序测试企业', kind: 'enterprise', regionCode: REGIONS.countyA.code, verifiedAt: now }).returning();
    const places = [REGIONS.villageA.code, REGIONS.townA.code, REGIONS.countyA.code, REGIONS.villageB.code, REGIONS.countyB.code];
    const rows = Array.from({ length: 320 }, (_, i) => {
      const pointed = rand() < 0.8;
      const payUnit = pickOf(['hour', 'day', 'month', 'piece'] as const);
      // Monthly pay in whole 500 yuan lands some scores on an exact half of a thousandth: rounded as the code rounds, or not.
      const min = payUnit === 'month' ? 50000 * (1 + Math.floor(rand() * 20)) : 5000 + Math.floor(rand() * 40) * 1000;
      return {
        employerId: e!.id,
        kind: pickOf(['gig', 'regular', 'seasonal', 'public_welfare', 'workshop'] as const),
        title: `岗位${i}`,
        regionCode: pickOf(places),
        lat: pointed ? HOME.lat + (rand() - 0.5) * 0.8 : null,
        lng: pointed ? HOME.lng + (rand() - 0.5) * 0.8 : null,
        payMinFen: min,
        payMaxFen: payUnit === 'month' ? min : min + Math.floor(rand() * 30) * 1000,
        payUnit,
        requiredSkills: rand() < 0.3 ? [] : Array.from(new Set([pickOf(SKILLS), ...(rand() < 0.3 ? [pickOf(SKILLS)] : [])])),
        headcount: 5,
        status: rand() < 0.9 ? ('open' as const) : ('closed' as const),
        expiresAt: new Date(now.getTime() + (rand() < 0.95 ? 1 : -1) * 86400_000 * (1 + Math.floor(rand() * 20))),
      };
    });
    await h.ctx.db.insert(vacancies).values(rows);
    const station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const open = await h.ctx.db.select({ id: vacancies.id }).from(vacancies).where(eq(vacancies.status, 'open'));
    for (let i = 0; i < 6; i++) {
      const home = i % 3 !== 2;
      const body = (await station.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageA.code, ...(home ? { homeLat: HOME.lat + (rand() - 0.5) * 0.2, homeLng: HOME.lng + (rand() - 0.5) * 0.2 } : {}) }))).body as { id: string };
      // Some applied already: those posts are never offered again.
      if (i % 2 === 0) await h.ctx.db.insert(applications).values(open.slice(i * 10, i * 10 + 8).map((v) => ({ vacancyId: v.id, workerId: body.id, source: 'station' as const })));
      people.push({
        id: body.id,
        homeLat: home ? HOME.lat + (rand() - 0.5) * 0.2 : null,
        homeLng: home ? HOME.lng + (rand() - 0.5) * 0.2 : null,
        skills: i === 1 ? [] : [pickOf(SKILLS), pickOf(SKILLS)],
        laborCapacity: pickOf(['full', 'weak', 'partial'] as const),
        payFloorFen: i % 3 === 1 ? 300_000 : null,
        intention: i % 2 === 1 ? 'out_of_county' : 'in_county',
        regionCode: REGIONS.villageA.code,
        employed: false,
      });
    }
    // Someone not in the register, as a chat visitor is matched: no id, no home, no skills.
    people.push({ id: null, homeLat: null, homeLng: null, skills: [], laborCapacity: 'full', payFloorFen: null, intention: 'in_county', regionCode: REGIONS.countyA.code, employed: false });
  });
  afterAll(() => h.close());

  /** Every post the angles reach (no angle here comes near its limit), each scored in code: the ranking as it was before the database did it. */
  async function everyPostScored(w: MatchPerson, opts: MatchOptions) {
    const radius = opts.radiusKm ?? h.ctx.config.market.radiusKm;
    const county = w.regionCode.slice(0, 6);
    const base = [eq(vacancies.status, 'open'), gt(vacancies.expiresAt, h.ctx.clock.now())];
    if (opts.kind && opts.kind !== 'training') base.push(eq(vacancies.kind, opts.kind));
    if (opts.jobsOnly) base.push(ne(vacancies.kind, 'gig'));
    if (opts.regionPrefix) base.push(like(vacancies.regionCode, `${opts.regionPrefix}%`));
    if (opts.regionOutside) base.push(notLike(vacancies.regionCode, `${opts.regionOutside}%`));
    if (opts.mentions?.length) base.push(or(...opts.mentions.map((m) => like(vacancies.title, `%${m}%`)))!);
    const hasHome = w.homeLat != null && w.homeLng != null;
    const km = opts.kind === 'gig' ? radius : Math.max(radius, 30);
    const dLat = km / 111;
    const dLng = km / (111 * Math.cos((w.homeLat ?? 0) * (Math.PI / 180)));
    const reach = [
      ...(opts.kind === 'gig' && hasHome ? [] : [like(vacancies.regionCode, `${county}%`)]),
      ...(hasHome ? [sql`(${vacancies.lat} between ${w.homeLat! - dLat} and ${w.homeLat! + dLat} and ${vacancies.lng} between ${w.homeLng! - dLng} and ${w.homeLng! + dLng})`] : []),
      ...(w.intention === 'out_of_county' && opts.kind !== 'gig' ? [ne(vacancies.kind, 'gig')] : []),
    ];
    const rows = await h.ctx.db.select().from(vacancies).where(and(...base, or(...reach)));
    const applied = new Set(w.id ? (await h.ctx.db.select({ id: applications.vacancyId }).from(applications).where(eq(applications.workerId, w.id))).map((r) => r.id) : []);
    return rows
      .filter((v) => !applied.has(v.id))
      .flatMap((v) => {
        const s = scoreVacancy(w, v, radius);
        return s ? [{ id: v.id, score: s.score, distanceKm: s.distanceKm }] : [];
      })
      .sort((a, b) => b.score - a.score || (a.distanceKm ?? 1e9) - (b.distanceKm ?? 1e9) || a.id.localeCompare(b.id))
      .slice(0, opts.limit)
      .map((r) => ({ id: r.id, score: r.score }));
  }

  const searches: MatchOptions[] = [
    { jobsOnly: true, limit: 5 },
    { jobsOnly: true, limit: 30 },
    { kind: 'gig', limit: 20 },
    { kind: 'public_welfare', limit: 10 },
    { kind: 'seasonal', limit: 10 },
    { jobsOnly: true, limit: 10, regionPrefix: REGIONS.townA.code },
    { jobsOnly: true, limit: 10, regionOutside: REGIONS.countyA.code },
    { jobsOnly: true, limit: 10, radiusKm: 3 },
  ];

  it('gives the posts, and in the order, that scoring every gathered post gives', async () => {
    let compared = 0;
    for (const w of people) {
      for (const opts of searches) {
        const want = await everyPostScored(w, opts);
        const got = (await matchesFor(h.ctx, w, opts, t)).filter((r) => r.type === 'vacancy').map((r) => ({ id: r.id, score: r.score }));
        expect({ person: people.indexOf(w), opts, got }).toEqual({ person: people.indexOf(w), opts, got: want });
        // The database's own ranking, without posts to spare: a term it counted otherwise would show here.
        const exact = (await matchesFor(h.ctx, w, { ...opts, shortlistMargin: 0 }, t)).filter((r) => r.type === 'vacancy').map((r) => ({ id: r.id, score: r.score }));
        expect({ person: people.indexOf(w), opts, exact }).toEqual({ person: people.indexOf(w), opts, exact: want });
        compared += want.length;
      }
    }
    // The comparison covered real lists, not empty ones.
    expect(compared).toBeGreaterThan(people.length * searches.length * 3);
  });

  it('rounds a score lying on an exact half as the code does (half up, not to the even number)', async () => {
    const now = h.ctx.clock.now();
    const [e] = await h.ctx.db.insert(employers).values({ name: '半数测试企业', kind: 'enterprise', regionCode: REGIONS.countyB.code, verifiedAt: now }).returning();
    const post = { employerId: e!.id, kind: 'regular' as const, regionCode: REGIONS.villageB.code, headcount: 1, status: 'open' as const, expiresAt: new Date(now.getTime() + 86400_000) };
    // 1 (in the county) + 4,500 yuan a month / 8,000 = 1.5625: Math.round gives 1.563, float8's round() 1.562.
    // 1 + 25.58 yuan an hour × 176 / 8,000 = 1.56276: 1.563 either way. A tie in the code, broken by the id.
    await h.ctx.db.insert(vacancies).values([
      { ...post, id: '00000000-0000-4000-8000-000000000001', title: '半数测试甲', payMinFen: 450000, payMaxFen: 450000, payUnit: 'month' as const },
      { ...post, id: '00000000-0000-4000-8000-000000000002', title: '半数测试乙', payMinFen: 2558, payMaxFen: 2558, payUnit: 'hour' as const },
    ]);
    const visitor: MatchPerson = { id: null, homeLat: null, homeLng: null, skills: [], laborCapacity: 'full', payFloorFen: null, intention: 'in_county', regionCode: REGIONS.countyB.code, employed: false };
    const opts: MatchOptions = { jobsOnly: true, limit: 1, shortlistMargin: 0, mentions: ['半数测试'] };
    expect(await everyPostScored(visitor, { ...opts, limit: 2 })).toEqual([
      { id: '00000000-0000-4000-8000-000000000001', score: 1.563 },
      { id: '00000000-0000-4000-8000-000000000002', score: 1.563 },
    ]);
    expect((await matchesFor(h.ctx, visitor, opts, t)).map((r) => r.title)).toEqual(['半数测试甲']);
  });
});
