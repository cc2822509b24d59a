import { eq } from 'drizzle-orm';
import { employmentRecords, publicWelfareTerms } from '../../src/db/schema';
import { dayAfter, lastAllowedDay, termEndOf } from '../../src/registry/public-welfare';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const daysFrom = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);

/**
 * 乡村公益性岗位 holders (seed 004 §12): 按需设岗、以岗聘任、在岗领补、有序退岗; "依法签订劳动合同或劳务协议，每次签订期限
 * 不超过1年"; part-time holders may also take gigs (seed 000 national §2.4: 允许从事非全日制乡村公益性岗位的人员兼职从事
 * 灵活就业). At today's date.
 */
describe('public-welfare post holders: agreements, renewal and orderly exit (seed 004 §12, seed 000 national §2.4)', () => {
  let h: Harness;
  let station: Staff;
  const today = shanghaiDate(new Date());
  const post = { employerName: '南沙村委会', kind: 'public_welfare', startDate: today, monthlyIncomeFen: 50000 };

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  const person = async (name: string) => (await station.post('/api/v1/workers', workerInput({ name, laborCapacity: 'weak' }))).body.id as string;

  it('works out a year: the day before the same day a year on', () => {
    expect(lastAllowedDay('2026-12-02')).toBe('2027-12-01');
    expect(lastAllowedDay('2028-02-29')).toBe('2029-02-27');
    expect(lastAllowedDay('2027-03-01')).toBe('2028-02-29');
    expect(termEndOf('2026-01-31', 1)).toBe('2026-02-27');
    expect(termEndOf('2026-12-02', 12)).toBe('2027-12-01');
    expect(termEndOf('2026-12-02', 24)).toBe('2027-12-01');
    expect(dayAfter('2026-12-31')).toBe('2027-01-01');
  });

  it('takes a post only with an agreement of at most a year, and marks a part-time one', async () => {
    const id = await person('护林员甲');
    const none = await station.post(`/api/v1/workers/${id}/employment`, post);
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({ code: 'policy_violation', details: [{ path: 'body.termEnd', message: '公益性岗位要填写协议（劳动合同或劳务协议）的截止日期，每次不超过1年' }] });
    const long = await station.post(`/api/v1/workers/${id}/employment`, { ...post, termEnd: dayAfter(lastAllowedDay(today)) });
    expect(long.status).toBe(422);
    expect(long.body.error.details).toEqual([{ path: 'body.termEnd', message: '每次签订协议期限不超过1年' }]);
    const ok = await station.post(`/api/v1/workers/${id}/employment`, { ...post, termEnd: lastAllowedDay(today), partTime: true });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'public_welfare', partTime: true, exitReason: null });
    const terms = await station.get(`/api/v1/workers/${id}/employment/${ok.body.id}/terms`);
    expect(terms.body.items).toEqual([expect.objectContaining({ startsOn: today, endsOn: lastAllowedDay(today) })]);
    // Another kind of job has no agreement term here.
    const other = await person('普通工');
    const regular = await station.post(`/api/v1/workers/${other}/employment`, { employerName: '某厂', kind: 'regular', startDate: today, termEnd: today });
    expect(regular.status).toBe(400);
    // The database holds the line too, whoever writes.
    const err = await h.ctx.db.insert(publicWelfareTerms).values({ recordId: ok.body.id, workerId: id, startsOn: daysFrom(today, 1000), endsOn: daysFrom(today, 1000 + 366) }).catch((e: { cause?: { constraint?: string } }) => e);
    expect((err as { cause?: { constraint?: string } }).cause?.constraint).toBe('public_welfare_terms_one_year');
  });

  it('renews from the day after the current agreement, a year at most each time', async () => {
    const id = await person('保洁员乙');
    const end = daysFrom(today, 20);
    const made = await station.post(`/api/v1/workers/${id}/employment`, { ...post, termEnd: end });
    const url = `/api/v1/workers/${id}/employment/${made.body.id}/terms`;
    const tooLong = await station.post(url, { termEnd: dayAfter(lastAllowedDay(dayAfter(end))) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.details).toEqual([{ path: 'body.termEnd', message: '每次签订协议期限不超过1年' }]);
    const renewed = await station.post(url, { termEnd: lastAllowedDay(dayAfter(end)) });
    expect(renewed.status).toBe(201);
    expect(renewed.body).toEqual({ startsOn: dayAfter(end), endsOn: lastAllowedDay(dayAfter(end)) });
    expect((await station.get(url)).body.items.map((t: { startsOn: string; endsOn: string }) => [t.startsOn, t.endsOn])).toEqual([
      [today, end],
      [dayAfter(end), lastAllowedDay(dayAfter(end))],
    ]);
  });

  it('lists the holders to see to: agreements ending soon, ended while the post is held, or never recorded', async () => {
    const soon = await person('将到期');
    await station.post(`/api/v1/workers/${soon}/employment`, { ...post, termEnd: daysFrom(today, 10) });
    const lapsedId = await person('已到期');
    const [lapsed] = await h.ctx.db.insert(employmentRecords).values({ workerId: lapsedId, employerName: '南沙村委会', kind: 'public_welfare', startDate: daysFrom(today, -200), source: 'station' }).returning();
    await h.ctx.db.insert(publicWelfareTerms).values({ recordId: lapsed!.id, workerId: lapsedId, startsOn: daysFrom(today, -200), endsOn: daysFrom(today, -1) });
    const bare = await person('无协议');
    await h.ctx.db.insert(employmentRecords).values({ workerId: bare, employerName: '南沙村委会', kind: 'public_welfare', startDate: daysFrom(today, -30), source: 'import' });

    const due = await station.get('/api/v1/public-welfare/terms-due?within=15');
    expect(due.status).toBe(200);
    expect(due.body.asOf).toBe(today);
    const mine = (due.body.items as Array<{ name: string; state: string; daysLeft: number | null; termEnd: string | null }>).map((i) => [i.name, i.state, i.daysLeft, i.termEnd]);
    expect(mine).toEqual([
      ['无协议', 'no_agreement', null, null],
      ['已到期', 'lapsed', -1, daysFrom(today, -1)],
      ['将到期', 'ending', 10, daysFrom(today, 10)],
    ]);
    // 保洁员乙 renewed for a year, 护林员甲 holds a year: not due within 15 days.
    const later = await station.get('/api/v1/public-welfare/terms-due?within=0');
    expect(later.body.items.map((i: { name: string }) => i.name)).toEqual(['无协议', '已到期']);
  });

  it('an exit (有序退岗) needs its reason, and an ended post cannot be renewed', async () => {
    const id = await person('退岗人');
    const made = await station.post(`/api/v1/workers/${id}/employment`, { ...post, termEnd: daysFrom(today, 5) });
    const bare = await station.post(`/api/v1/workers/${id}/employment/end`, { endDate: today });
    expect(bare.status).toBe(422);
    expect(bare.body.error.details).toEqual([{ path: 'body.exitReason', message: '公益性岗位人员退岗要写明原因（有序退岗）' }]);
    const left = await station.post(`/api/v1/workers/${id}/employment/end`, { endDate: today, exitReason: '已在县内企业稳定就业' });
    expect(left.status).toBe(200);
    expect(left.body.items[0]).toMatchObject({ endDate: today, exitReason: '已在县内企业稳定就业' });
    const [row] = await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.id, made.body.id));
    expect(row!.exitReason).toBe('已在县内企业稳定就业');
    const renew = await station.post(`/api/v1/workers/${id}/employment/${made.body.id}/terms`, { termEnd: daysFrom(today, 30) });
    expect(renew.status).toBe(409);
  });
});
