import { announceEndings } from '../../src/policies/service';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const END = '2027-03-31';
const at = (isoDate: string) => `${isoDate}T04:00:00Z`; // noon in Asia/Shanghai
const daysBefore = (isoDate: string, n: number) => {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};

/**
 * Nothing disappears unannounced: a local policy with an end and no successor is announced to county and
 * prefecture administrators 60 days before it ends, once; after it ends the checklist drops it, the
 * expired list keeps it, and the person's history keeps what they were told (seed 000 national 三(三):
 * 政策清单 kept known to those it serves; seed 004 五: the transition period's end shows policies end).
 */
describe('a policy that ends', () => {
  let h: Harness;
  let county: Staff;
  let prefecture: Staff;
  const clock = new ManualClock(at(daysBefore(END, 61)));

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    await signInAgain();
  });
  afterAll(() => h.close());
  // Sessions expire as the clock moves by days.
  const signInAgain = async () => {
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    prefecture = await signIn(h, appOf(h), { role: 'prefecture', regionCode: REGIONS.prefecture.code });
  };

  const local = (key: string, extra: Record<string, unknown> = {}) => ({
    key, title: { 'zh-CN': `县A试点补贴${key.slice(-1)}` }, summary: { 'zh-CN': '县A试点' }, audience: 'worker', benefit: { 'zh-CN': '按县A规定' },
    rule: { fact: 'category', op: 'eq', value: 'lifted' }, apply: { steps: [{ 'zh-CN': '到乡镇就业服务站申请' }], where: { 'zh-CN': '乡镇就业服务站' } },
    regionCode: REGIONS.countyA.code, validFrom: '2026-01-01', validTo: END, source: { document: '县A人社〔2026〕1号', article: '二' }, ...extra,
  });
  const endingNotices = async (staff: Staff) =>
    ((await staff.get('/api/v1/notices')).body.items as Array<{ kind: string; params: { key: string } }>).filter((n) => n.kind === 'policy_ending').map((n) => n.params.key);

  it('is announced 60 days before its end, once, unless something continues it; then ends but stays in the record', async () => {
    expect((await county.post('/api/v1/policies', local('county_a_pilot_a'))).status).toBe(201);
    expect((await county.post('/api/v1/policies', local('county_a_pilot_b'))).status).toBe(201);
    // B is carried forward by C: it ends without a warning.
    expect((await county.post('/api/v1/policies', local('county_a_pilot_c', { validFrom: '2027-04-01', validTo: null, continues: 'county_a_pilot_b' }))).status).toBe(201);
    const id = (await county.post('/api/v1/workers', workerInput({ name: '试点对象', regionCode: REGIONS.villageA.code }))).body.id as string;
    await county.put(`/api/v1/workers/${id}/subscription`, { channel: 'log' });
    expect((await county.post('/api/v1/policies/county_a_pilot_a/notify', {})).body.told).toBe(1);

    await announceEndings(h.ctx);
    expect(await endingNotices(county)).toEqual([]);

    clock.set(at(daysBefore(END, 60)));
    expect(await announceEndings(h.ctx)).toBe(1);
    expect(await announceEndings(h.ctx)).toBe(0);
    await signInAgain();
    expect(await endingNotices(county)).toEqual(['county_a_pilot_a']);
    expect(await endingNotices(prefecture)).toEqual(['county_a_pilot_a']);
    const list = (await county.get('/api/v1/policies')).body.items as Array<{ key: string; endingSoon: boolean }>;
    expect(list.find((p) => p.key === 'county_a_pilot_a')!.endingSoon).toBe(true);
    expect(list.find((p) => p.key === 'county_a_pilot_b')!.endingSoon).toBe(false);

    clock.set(at('2027-04-01'));
    expect(await announceEndings(h.ctx)).toBe(0);
    await signInAgain();
    expect(await endingNotices(county)).toEqual(['county_a_pilot_a']);
    const checklist = (await county.get(`/api/v1/workers/${id}/policies`)).body;
    expect([...checklist.eligible, ...checklist.near].map((i: { key: string }) => i.key)).not.toContain('county_a_pilot_a');
    expect((await county.get('/api/v1/policies?state=expired')).body.items.map((p: { key: string }) => p.key)).toContain('county_a_pilot_a');
    const history = (await county.get(`/api/v1/workers/${id}/policy-notices`)).body.items;
    expect(history).toEqual([expect.objectContaining({ key: 'county_a_pilot_a', title: '县A试点补贴a', reason: 'staff', state: 'ended', validTo: END, toldAt: expect.any(String) })]);
  });
});
