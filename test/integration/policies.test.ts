import { and, eq, isNotNull } from 'drizzle-orm';
import { Conversation } from '../../bots/conversation';
import { deliveries, identities, policies, policyNotices, regions } from '../../src/db/schema';
import { announcePolicyJob } from '../../src/policies/service';
import { translator } from '../../src/i18n';
import { logChannel, type OutgoingMessage } from '../../src/outreach/channels';
import { deliver } from '../../src/outreach/service';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { drainEvents } from '../helpers/events';

// Inside the 2021 guidance's period (it ends 2025-12-31), at noon in Asia/Shanghai.
const IN_2025 = '2025-06-02T04:00:00Z';

describe('policy checklists', () => {
  let h: Harness;
  let county: Staff;
  let countyB: Staff;
  const clock = new ManualClock(IN_2025);

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    // Somewhere in another province to have worked in (Fuzhou, Fujian).
    await h.ctx.db.insert(regions).values([
      { code: '35', name: '福建省', level: 1, parentCode: null },
      { code: '3501', name: '福州市', level: 2, parentCode: '35' },
      { code: '350102', name: '鼓楼区', level: 3, parentCode: '3501' },
    ]);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    countyB = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
  });
  afterEach(() => clock.set(IN_2025));
  afterAll(() => h.close());

  const person = async (over: Record<string, unknown> = {}, staff = county) => {
    const res = await staff.post('/api/v1/workers', workerInput({ regionCode: staff === county ? REGIONS.villageA.code : REGIONS.villageB.code, ...over }));
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    await staff.put(`/api/v1/workers/${res.body.id}/subscription`, { channel: 'log' });
    return res.body.id as string;
  };
  const sendNotice = async (workerId: string) => {
    const [d] = await h.ctx.db.select().from(deliveries).where(and(eq(deliveries.workerId, workerId), isNotNull(deliveries.noticeId)));
    if (!d) return undefined;
    const sink: OutgoingMessage[] = [];
    await deliver(h.ctx, d.id, new Map([['log', logChannel(h.ctx.logger, sink)]]));
    return sink[0]?.text;
  };

  it('lists the seeded policies that apply in the region, each citing its source, and leaves out other provinces', async () => {
    const res = await county.get('/api/v1/policies');
    expect(res.status).toBe(200);
    const keys = res.body.items.map((p: { key: string }) => p.key);
    expect(keys).toEqual(expect.arrayContaining(['cross_province_transport_subsidy', 'rural_public_welfare_post', 'training_living_allowance', 'employer_social_insurance_subsidy']));
    expect(keys).not.toContain('rural_public_welfare_post_fujian');
    expect(keys).not.toContain('youth_public_welfare_fallback_shandong');
    // 以工代训 ran only to the end of 2021 (seed 004 三(九)).
    expect(keys).not.toContain('work_for_training_subsidy');
    const transport = res.body.items.find((p: { key: string }) => p.key === 'cross_province_transport_subsidy');
    expect(transport.source).toMatchObject({ article: '二(四)', seed: '004' });
    const workers = await county.get('/api/v1/policies?audience=worker');
    expect(workers.body.items.every((p: { audience: string }) => p.audience === 'worker')).toBe(true);
  });

  it('a job in another province opens the transport subsidy: the checklist says why and how, and the person is told once', async () => {
    const away = await person({ name: '外出务工者' });
    const home = await person({ name: '本地务工者' });
    const before = await county.get(`/api/v1/workers/${away}/policies`);
    // One step away: working in another province (seed 004 二(四)).
    expect(before.body.near).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'cross_province_transport_subsidy', missing: ['正在省外务工'] })]));

    expect((await county.post(`/api/v1/workers/${away}/employment`, { employerName: '福州某电子厂', placeRegionCode: '350102', startDate: '2025-05-20' })).status).toBe(201);
    await drainEvents(h);
    expect((await county.post(`/api/v1/workers/${home}/employment`, { employerName: '县城超市', placeRegionCode: REGIONS.countyA.code, startDate: '2025-05-20' })).status).toBe(201);
    await drainEvents(h);

    const list = await county.get(`/api/v1/workers/${away}/policies`);
    const item = list.body.eligible.find((i: { key: string }) => i.key === 'cross_province_transport_subsidy');
    expect(item).toMatchObject({ title: '跨省就业一次性交通补助', reasons: ['身份：脱贫人口', '正在省外务工'], told: true });
    expect(item.steps.length).toBeGreaterThan(0);
    expect(item.source).toContain('二(四)');
    expect((await county.get(`/api/v1/workers/${home}/policies`)).body.eligible.map((i: { key: string }) => i.key)).not.toContain('cross_province_transport_subsidy');

    const text = await sendNotice(away);
    expect(text).toContain('您可能可以领取：跨省就业一次性交通补助');
    expect(await sendNotice(home)).toBeUndefined();
    // Another job in another province tells nothing twice.
    await county.post(`/api/v1/workers/${away}/employment`, { employerName: '厦门某工厂', placeRegionCode: '350102', startDate: '2025-06-01' });
    await drainEvents(h);
    expect(await h.ctx.db.select().from(policyNotices).where(eq(policyNotices.workerId, away))).toHaveLength(1);
  });

  it('an enrolment in training opens the living allowance (seed 004 四(十四))', async () => {
    const learner = await person({ name: '学电工' });
    const s = await county.post('/api/v1/trainings', { kind: 'upskilling', title: '电工培训', provider: '县职校', regionCode: REGIONS.countyA.code, startDate: '2025-07-01', endDate: '2025-07-10', capacity: 5 });
    expect((await county.post(`/api/v1/trainings/${s.body.id}/enrolments`, { workerId: learner })).status).toBe(201);
    const notices = await h.ctx.db.select().from(policyNotices).where(eq(policyNotices.workerId, learner));
    expect(notices.map((n) => [n.policyKey, n.reason])).toEqual([['training_living_allowance', 'training']]);
  });

  it('never shows a policy after it expires', async () => {
    const away = await person({ name: '二〇二六年的外出者' });
    await county.post(`/api/v1/workers/${away}/employment`, { employerName: '福州某电子厂', placeRegionCode: '350102', startDate: '2025-05-20' });
    await drainEvents(h);
    clock.set('2026-06-01T04:00:00Z');
    const fresh = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const keys = (await fresh.get('/api/v1/policies')).body.items.map((p: { key: string }) => p.key);
    expect(keys).not.toContain('cross_province_transport_subsidy');
    expect(keys).toContain('rural_public_welfare_post');
    expect((await fresh.get(`/api/v1/workers/${away}/policies`)).body.eligible.map((i: { key: string }) => i.key)).not.toContain('cross_province_transport_subsidy');
    expect((await fresh.get('/api/v1/policies?includeExpired=true')).body.items.map((p: { key: string }) => p.key)).toContain('cross_province_transport_subsidy');
  });

  it('a county policy overrides the national one in its county only, and an edit keeps the old version', async () => {
    const body = {
      key: 'county_a_public_welfare',
      title: { 'zh-CN': '县A乡村公益性岗位' },
      summary: { 'zh-CN': '县A的公益性岗位优先弱劳力、半劳力' },
      audience: 'worker',
      benefit: { 'zh-CN': '岗位补贴', amountFen: 80000, unit: 'month' },
      rule: { all: [{ fact: 'category', op: 'in', value: ['lifted', 'monitored'] }, { fact: 'laborCapacity', op: 'in', value: ['weak', 'partial'] }] },
      apply: { steps: [{ 'zh-CN': '到村委会报名' }], where: { 'zh-CN': '村委会' } },
      regionCode: REGIONS.countyA.code,
      overrides: 'rural_public_welfare_post',
      source: { document: '县A人社〔2025〕3号', article: '二' },
    };
    const bad = await county.post('/api/v1/policies', { ...body, rule: { all: [{ fact: 'income', op: 'gte', value: 1 }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.rule.all.0.fact');
    expect((await county.post('/api/v1/policies', body)).status).toBe(201);

    const weakA = await person({ name: '县A弱劳力', laborCapacity: 'weak' });
    const weakB = await person({ name: '县B弱劳力', laborCapacity: 'weak' }, countyB);
    const a = (await county.get(`/api/v1/workers/${weakA}/policies`)).body.eligible.map((i: { key: string }) => i.key);
    expect(a).toContain('county_a_public_welfare');
    expect(a).not.toContain('rural_public_welfare_post');
    const b = (await countyB.get(`/api/v1/workers/${weakB}/policies`)).body.eligible.map((i: { key: string }) => i.key);
    expect(b).toContain('rural_public_welfare_post');
    expect(b).not.toContain('county_a_public_welfare');

    const edited = await county.put('/api/v1/policies/county_a_public_welfare', { ...body, benefit: { 'zh-CN': '岗位补贴每月900元', amountFen: 90000, unit: 'month' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, benefit: { amountFen: 90000 } });
    expect(edited.body.versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[1, false], [2, true]]);
    // Stations do not edit policies; nobody edits a national one through the API.
    const station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    expect((await station.put('/api/v1/policies/county_a_public_welfare', body)).status).toBe(403);
    expect((await county.post('/api/v1/policies', { ...body, key: 'national_try', regionCode: '' })).status).toBe(403);
  });

  it('lists who in the region is eligible and not yet told, and tells them once', async () => {
    const a = await person({ name: '待告知甲', laborCapacity: 'partial' });
    const b = await person({ name: '待告知乙', laborCapacity: 'weak' });
    const list = await county.get('/api/v1/policies/county_a_public_welfare/eligible?pageSize=200');
    const ids = list.body.items.map((i: { workerId: string }) => i.workerId);
    expect(ids).toEqual(expect.arrayContaining([a, b]));
    const told = await county.post('/api/v1/policies/county_a_public_welfare/notify', {});
    expect(told.body.told).toBe(list.body.total);
    expect((await county.post('/api/v1/policies/county_a_public_welfare/notify', {})).body.told).toBe(0);
    expect((await county.get('/api/v1/policies/county_a_public_welfare/eligible')).body.total).toBe(0);
    expect(await sendNotice(a)).toContain('县A乡村公益性岗位');
  });

  it('tells an employer what hiring lifted workers brings, and answers 政策 in the bot from the person’s own checklist', async () => {
    const e = await county.post('/api/v1/employers', { name: '县A茶叶公司', kind: 'enterprise', regionCode: REGIONS.countyA.code });
    const res = await county.get(`/api/v1/employers/${e.body.id}/policies`);
    const forEmployer = res.body.eligible.map((i: { key: string }) => i.key);
    expect(forEmployer).toEqual(expect.arrayContaining(['employer_social_insurance_subsidy', 'unemployment_insurance_job_retention_refund']));
    expect(forEmployer).not.toContain('organised_labour_export_service_subsidy');
    // A labour cooperative organising departures also sees the service subsidy (seed 004 二(四)).
    const coop = await county.post('/api/v1/employers', { name: '县A劳务合作社', kind: 'labour_cooperative', regionCode: REGIONS.countyA.code });
    expect((await county.get(`/api/v1/employers/${coop.body.id}/policies`)).body.eligible.map((i: { key: string }) => i.key)).toContain('organised_labour_export_service_subsidy');

    const id = await person({ name: '问政策的人', laborCapacity: 'weak' });
    await h.ctx.db.insert(identities).values({ workerId: id, kind: 'wechat_contact', value: 'wxid-policy' });
    const [reply] = await new Conversation(h.ctx).respond({ kind: 'text', text: '政策', senderId: 'wxid-policy' });
    expect(reply).toContain('按您登记的信息，可以申请：');
    expect(reply).toContain('县A乡村公益性岗位');
    expect(reply).toContain('再做一步就能申请：');
    expect(reply).toContain('跨省就业一次性交通补助（还需要：正在省外务工）');
  });

  it('tells the people a new policy covers, through a job, once each', async () => {
    const weak = await person({ name: '新政策对象', laborCapacity: 'weak' });
    const created = await county.post('/api/v1/policies', {
      key: 'county_a_weak_labour_bonus', title: { 'zh-CN': '县A弱劳力务工奖补' }, summary: { 'zh-CN': '弱劳力务工有奖补' }, audience: 'worker', benefit: { 'zh-CN': '每月100元', amountFen: 10000, unit: 'month' },
      rule: { fact: 'laborCapacity', op: 'eq', value: 'weak' }, apply: { steps: [{ 'zh-CN': '到村委会登记' }], where: { 'zh-CN': '村委会' } },
      regionCode: REGIONS.countyA.code, source: { document: '县A人社〔2025〕9号', article: '三' },
    });
    expect(created.status).toBe(201);
    const [row] = await h.ctx.db.select().from(policies).where(eq(policies.key, 'county_a_weak_labour_bonus'));
    expect(await h.ctx.queues.queue('outreach').getJob(`policy-${row!.id}`)).toBeDefined();
    const expected = (await county.get('/api/v1/policies/county_a_weak_labour_bonus/eligible?pageSize=200')).body.total;
    expect(expected).toBeGreaterThan(0);
    expect(await announcePolicyJob(h.ctx, row!.id, translator('zh-CN'))).toBe(expected);
    expect(await announcePolicyJob(h.ctx, row!.id, translator('zh-CN'))).toBe(0);
    expect(await sendNotice(weak)).toContain('县A弱劳力务工奖补');
  });
});
