import { sql } from 'drizzle-orm';
import { employmentRecords, workers } from '../../src/db/schema';
import { addMonths, monthBounds } from '../../src/monitoring/figures';
import { regionWarnings } from '../../src/monitoring/warnings';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

type Notice = { kind: string; regionCode: string; text: string; link: { entity: string; id: string } | null };

/**
 * Seed 000 national §3.2 and seed 001 §3.2: 对务工规模和务工收入出现下降的，要及时通报风险情况 — any fall is told,
 * and told in the inbox, whatever its size; MONITOR_DECLINE_PERCENT (5) only names it a warning or one to watch.
 * At today's date: the month just closed against the one before.
 *
 * County B: one lifted person, in work both months; the job changes at the turn of the month from 3,000 to
 * 2,900 yuan: income −3.3 % on the month, below the line, a fall to watch. County A: nobody, so no fall.
 */
describe('a fall to watch reaches the inbox (seed 000 national §3.2, seed 001 §3.2)', () => {
  let h: Harness;
  let prefecture: Staff;
  let countyB: Staff;
  let countyA: Staff;
  const closed = addMonths(shanghaiDate(new Date()).slice(0, 7), -1);
  const before = addMonths(closed, -1);

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    prefecture = await signIn(h, appOf(h), { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    countyB = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
    countyA = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const made = await countyB.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageB.code }));
    expect(made.status).toBe(201);
    // Registered long before both months.
    await h.ctx.db.update(workers).set({ createdAt: new Date(`${addMonths(before, -3)}-01T00:00:00Z`) }).where(sql`${workers.id} = ${made.body.id}`);
    const job = (startDate: string, endDate: string | null, monthlyIncomeFen: number) => ({ workerId: made.body.id, startDate, endDate, monthlyIncomeFen, placeRegionCode: REGIONS.countyB.code, kind: 'regular' as const, source: 'station' as const });
    await h.ctx.db.insert(employmentRecords).values([job(`${addMonths(before, -2)}-01`, monthBounds(before).last, 300000), job(`${closed}-01`, null, 290000)]);
  });
  afterAll(() => h.close());

  it('tells the county and the regions above it, as a fall to watch, and the list keeps its grade', async () => {
    expect(await regionWarnings(h.ctx, closed)).toBe(2);
    const list = (await prefecture.get('/api/v1/monitoring/warnings?kind=region_decline')).body.items as Array<{ id: string; regionCode: string; details: Record<string, unknown> }>;
    const county = list.find((w) => w.regionCode === REGIONS.countyB.code)!;
    expect(county.details).toMatchObject({ month: closed, grade: 'watch', employedMom: 0, incomeMom: -3.3, fell: ['incomeMom'] });

    const inbox = async (staff: Staff) => (await staff.get('/api/v1/notices')).body.items as Notice[];
    const watch = (await inbox(prefecture)).filter((n) => n.kind === 'region_decline_watch');
    expect(watch.map((n) => n.regionCode).sort()).toEqual([REGIONS.prefecture.code, REGIONS.countyB.code]);
    const told = watch.find((n) => n.regionCode === REGIONS.countyB.code)!;
    expect(told.link).toEqual({ entity: 'warning', id: county.id });
    expect(told.text).toBe(`红河县 ${closed} 务工规模或收入有所下降，尚未超过预警线，请关注（规模环比 0%，同比 —%；收入环比 -3.3%，同比 —%）`);
    expect((await inbox(countyB)).map((n) => n.kind)).toContain('region_decline_watch');
    // Nothing fell in county A, and a county is not told of its neighbour's fall.
    expect((await inbox(countyA)).filter((n) => n.kind.startsWith('region_decline'))).toEqual([]);
    expect((await inbox(prefecture)).filter((n) => n.kind === 'region_decline')).toEqual([]);

    // Closing the same month again tells nobody twice.
    expect(await regionWarnings(h.ctx, closed)).toBe(0);
    expect((await inbox(prefecture)).filter((n) => n.kind === 'region_decline_watch')).toHaveLength(2);
  });
});
