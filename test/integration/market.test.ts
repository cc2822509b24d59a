import { eq } from 'drizzle-orm';
import { employmentRecords, vacancies } from '../../src/db/schema';
import { expireVacancies } from '../../src/market/vacancies';
import { openOverdueWageCases } from '../../src/market/applications';
import { ManualClock } from '../../src/shared/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';
import { expectRefusedUnwritten } from '../helpers/refused';

describe('the digital odd-job market (数字零工市场, seed 002)', () => {
  let h: Harness;
  let station: Staff;
  const clock = new ManualClock('2026-06-20T02:00:00Z');

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  const worker = async (over: Record<string, unknown> = {}) => (await station.post('/api/v1/workers', workerInput({ homeLat: HOME.lat, homeLng: HOME.lng, ...over }))).body as { id: string; name: string };

  it('registers employers, checks the credit code, and opens posts only for verified ones', async () => {
    await expectRefusedUnwritten(h, () => station.post('/api/v1/employers', { name: '某公司', kind: 'enterprise', regionCode: REGIONS.countyA.code, creditCode: '91530000MA6KXXXX1X' }), 'validation_failed', { detail: { path: 'body.creditCode' } });
    const e = await station.post('/api/v1/employers', { name: '元阳扶贫车间', kind: 'workshop', workshopTier: '二星', regionCode: REGIONS.countyA.code, contactPhone: '13900001234' });
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({ verified: false, contactPhone: '139****1234' });
    await expectRefusedUnwritten(h, () => station.post('/api/v1/vacancies', gig(e.body.id)), 'conflict');
    const draft = await station.post('/api/v1/vacancies', gig(e.body.id, { publish: false }));
    expect(draft.body.status).toBe('draft');
    await station.post(`/api/v1/employers/${e.body.id}/verify`);
    const published = await station.patch(`/api/v1/vacancies/${draft.body.id}`, { status: 'open' });
    expect(published.body.status).toBe('open');
  });

  it('refuses a public-welfare post that restricts age or disability, citing the rule (seed 000 national §2.4)', async () => {
    const e = await verifiedEmployer(station, { name: '南沙村委会', kind: 'village_committee' });
    const post = { employerId: e.id, kind: 'public_welfare', title: '护林员', regionCode: REGIONS.villageA.code, payMinFen: 80000, payMaxFen: 80000, payUnit: 'month', headcount: 2, details: { contractMonths: 12 } };
    const aged = await expectRefusedUnwritten(h, () => station.post('/api/v1/vacancies', { ...post, requirements: '年龄 55 岁以下，身体健康' }), 'policy_violation');
    expect(aged.body.error).toMatchObject({ code: 'policy_violation', message: '不符合政策规定（seed 000 national §2.4）' });
    expect(aged.body.error.details[0].path).toBe('body.requirements');
    const long = await expectRefusedUnwritten(h, () => station.post('/api/v1/vacancies', { ...post, details: { contractMonths: 24 } }), 'policy_violation');
    expect(long.body.error.message).toContain('seed 004 §12');
    expect((await station.post('/api/v1/vacancies', { ...post, requirements: '能胜任巡山工作' })).status).toBe(201);
  });

  it('a gig needs its date and hours, and closes by itself at the end of its day', async () => {
    const e = await verifiedEmployer(station);
    const missing = await expectRefusedUnwritten(h, () => station.post('/api/v1/vacancies', gig(e.id, { details: {} })), 'validation_failed');
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toContain('body.details.date');
    const v = (await station.post('/api/v1/vacancies', gig(e.id, { details: { date: '2026-06-21', startTime: '08:00', endTime: '12:00' } }))).body;
    expect(v.expiresAt).toBe('2026-06-21T15:59:59.000Z');
    clock.set('2026-06-21T15:59:00Z');
    await expireVacancies(h.ctx);
    const [before] = await h.ctx.db.select().from(vacancies).where(eq(vacancies.id, v.id));
    clock.set('2026-06-21T16:00:00Z');
    const expired = await expireVacancies(h.ctx);
    const [after] = await h.ctx.db.select().from(vacancies).where(eq(vacancies.id, v.id));
    clock.set('2026-06-20T02:00:00Z');
    expect(before!.status).toBe('open');
    expect(expired).toBeGreaterThanOrEqual(1);
    expect(after!.status).toBe('expired');
  });

  it('finds posts by Chinese words in their title or description', async () => {
    const e = await verifiedEmployer(station, { name: '梯田旅游公司' });
    await station.post('/api/v1/vacancies', gig(e.id, { title: '景区讲解员', description: '梯田景区导游讲解', requiredSkills: [] }));
    const found = await station.get(`/api/v1/vacancies?q=${encodeURIComponent('我想找讲解的工作')}`);
    expect(found.body.items.map((v: { title: string }) => v.title)).toContain('景区讲解员');
    const none = await station.get(`/api/v1/vacancies?q=${encodeURIComponent('电焊')}`);
    expect(none.body.items.map((v: { title: string }) => v.title)).not.toContain('景区讲解员');
  });

  it('ranks gigs near home with reasons, and leaves out gigs beyond the circle and posts under the pay floor', async () => {
    await h.ctx.db.update(vacancies).set({ status: 'closed' });
    const e = await verifiedEmployer(station, { name: '集市管理处' });
    const near = (await station.post('/api/v1/vacancies', gig(e.id, { title: '集市保洁', ...north(2.1) }))).body;
    const farther = (await station.post('/api/v1/vacancies', gig(e.id, { title: '镇区保洁', ...north(4), requiredSkills: [] }))).body;
    const tooFar = (await station.post('/api/v1/vacancies', gig(e.id, { title: '远处零工', ...north(9) }))).body;
    const cheap = (await station.post('/api/v1/vacancies', gig(e.id, { title: '低薪零工', payMinFen: 3000, payMaxFen: 3000, ...north(1) }))).body;
    const w = await worker({ skills: ['保洁'], payFloorFen: 200000 });
    const res = await station.get(`/api/v1/workers/${w.id}/matches?kind=gig`);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((m: { id: string }) => m.id);
    expect(ids.slice(0, 2)).toEqual([near.id, farther.id]);
    expect(ids).not.toContain(tooFar.id);
    expect(ids).not.toContain(cheap.id);
    expect(res.body.items[0].summary).toBe('距离 2.1 公里 · 技能：保洁 · 日薪 180 元');
    const en = await station.get(`/api/v1/workers/${w.id}/matches?kind=gig`).set('Accept-Language', 'en');
    expect(en.body.items[0].summary).toBe('2.1 km away · Skills: 保洁 · 180 yuan per day');
    const wide = await station.get(`/api/v1/workers/${w.id}/matches?kind=gig&radiusKm=10`);
    expect(wide.body.items.map((m: { id: string }) => m.id)).toContain(tooFar.id);
  });

  it('puts weak and partial labour first for public-welfare posts (seed 004 §12)', async () => {
    await h.ctx.db.update(vacancies).set({ status: 'closed' });
    const e = await verifiedEmployer(station, { name: '南沙村委会二', kind: 'village_committee' });
    const post = (
      await station.post('/api/v1/vacancies', { employerId: e.id, kind: 'public_welfare', title: '村道保洁员', regionCode: REGIONS.villageA.code, ...north(1), payMinFen: 60000, payMaxFen: 60000, payUnit: 'month', headcount: 1, details: { contractMonths: 12 } })
    ).body;
    const strong = await worker({ name: '全劳力', laborCapacity: 'full', skills: [] });
    const weak = await worker({ name: '弱劳力', laborCapacity: 'weak', skills: [] });
    const partial = await worker({ name: '半劳力', laborCapacity: 'partial', skills: [] });
    const res = await station.get(`/api/v1/vacancies/${post.id}/candidates`);
    const order = res.body.items.map((c: { workerId: string }) => c.workerId);
    expect(order.indexOf(weak.id)).toBeLessThan(order.indexOf(strong.id));
    expect(order.indexOf(partial.id)).toBeLessThan(order.indexOf(strong.id));
    expect(res.body.items.find((c: { workerId: string }) => c.workerId === weak.id).reasons).toContain('弱劳动力、半劳动力优先');
  });

  it('a hire moves through the pipeline and becomes the employment record, typed once', async () => {
    const e = await verifiedEmployer(station, { name: '蒙自食品厂' });
    const v = (
      await station.post('/api/v1/vacancies', { employerId: e.id, kind: 'regular', title: '包装工', regionCode: REGIONS.countyA.code, payMinFen: 300000, payMaxFen: 400000, payUnit: 'month', headcount: 1 })
    ).body;
    const w = await worker();
    const a = (await station.post(`/api/v1/vacancies/${v.id}/applications`, { workerId: w.id })).body;
    expect(a.status).toBe('applied');
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/vacancies/${v.id}/applications`, { workerId: w.id }), 'conflict');
    await expectRefusedUnwritten(h, () => station.post(`/api/v1/applications/${a.id}/status`, { status: 'completed' }), 'conflict');
    expect((await station.post(`/api/v1/applications/${a.id}/status`, { status: 'interview' })).body.status).toBe('interview');
    const hired = await station.post(`/api/v1/applications/${a.id}/status`, { status: 'hired', startDate: '2026-06-15', monthlyIncomeFen: 350000 });
    expect(hired.status).toBe(200);
    expect(hired.body.history.map((x: { status: string }) => x.status)).toEqual(['applied', 'interview', 'hired']);
    const person = (await station.get(`/api/v1/workers/${w.id}`)).body;
    expect(person).toMatchObject({ employed: true, currentEmployment: { employerName: '蒙自食品厂', startDate: '2026-06-15', monthlyIncomeFen: 350000, source: 'market' } });
    expect((await station.get(`/api/v1/vacancies/${v.id}`)).body).toMatchObject({ filled: 1, status: 'filled' });
    const pipeline = await station.get(`/api/v1/vacancies/${v.id}/applications`);
    expect(pipeline.body.items).toHaveLength(1);
  });

  it('a gig is accepted, checked in, completed, and unpaid wages open a case for the station (seed 000 national §2.5)', async () => {
    const e = await verifiedEmployer(station, { name: '建筑队' });
    const v = (await station.post('/api/v1/vacancies', gig(e.id, { title: '搬砖零工', headcount: 2 }))).body;
    const [w1, w2] = [await worker(), await worker()];
    const a1 = (await station.post(`/api/v1/vacancies/${v.id}/applications`, { workerId: w1.id })).body;
    const a2 = (await station.post(`/api/v1/vacancies/${v.id}/applications`, { workerId: w2.id })).body;
    for (const s of ['accepted', 'checked_in', 'completed']) {
      expect((await station.post(`/api/v1/applications/${a1.id}/status`, { status: s })).status).toBe(200);
      expect((await station.post(`/api/v1/applications/${a2.id}/status`, { status: s })).status).toBe(200);
    }
    const unpaid = await station.post(`/api/v1/applications/${a1.id}/payment`, { paid: false, amountFen: 18000 });
    expect(unpaid.body.paid).toBe(false);
    let cases = (await station.get('/api/v1/wage-cases?status=open')).body.items;
    expect(cases).toMatchObject([{ applicationId: a1.id, workerId: w1.id, amountFen: 18000, reason: 'worker_report', status: 'open' }]);
    // The second worker never confirms; two days after completion the case opens by itself.
    clock.advance(3 * 86400_000);
    const first = await openOverdueWageCases(h.ctx);
    const second = await openOverdueWageCases(h.ctx);
    clock.set('2026-06-20T02:00:00Z');
    expect([first, second]).toEqual([1, 0]);
    cases = (await station.get('/api/v1/wage-cases?status=open')).body.items;
    expect(cases.map((c: { applicationId: string; reason: string }) => [c.applicationId, c.reason]).sort()).toEqual([[a1.id, 'worker_report'], [a2.id, 'overdue']].sort());
    expect(cases).toHaveLength(2);
    // The list names the person and the employer, for the staff who follow it up.
    expect(cases.map((c: { workerName: string }) => c.workerName).sort()).toEqual([w1.name, w2.name].sort());
    expect(cases.every((c: { employerName: string | null }) => typeof c.employerName === 'string' && c.employerName.length > 0)).toBe(true);
    const resolved = await station.post(`/api/v1/wage-cases/${cases[0].id}/resolve`, { note: '已协调用人单位补发' });
    expect(resolved.body.status).toBe('resolved');
  });

  it('never fills a gig beyond its headcount: 200 simultaneous accepts for 10 places', async () => {
    const e = await verifiedEmployer(station, { name: '采茶合作社' });
    const v = (await station.post('/api/v1/vacancies', gig(e.id, { title: '采茶零工', headcount: 10 }))).body;
    const people = await Promise.all(Array.from({ length: 200 }, () => worker({ skills: [] })));
    const appsMade = [];
    for (const p of people) appsMade.push((await station.post(`/api/v1/vacancies/${v.id}/applications`, { workerId: p.id })).body);
    const accept = (a: { id: string }) => station.post(`/api/v1/applications/${a.id}/status`, { status: 'accepted' });
    const results = await Promise.all(appsMade.map(accept));
    // On a busy machine a request can find every database connection busy for the pool's whole wait: it is
    // answered 503 with Retry-After and nothing done, and the caller asks again, as the console does.
    for (let i = 0; i < results.length; i++) {
      while (results[i]!.status === 503) {
        expect([results[i]!.body.error.code, results[i]!.headers['retry-after']]).toEqual(['unavailable', '5']);
        results[i] = await accept(appsMade[i]);
      }
    }
    // Counted by status, so that any other answer (and its error code) shows in the failure.
    const answers: Record<string, number> = {};
    for (const r of results) {
      const key = r.status === 200 || r.status === 409 ? String(r.status) : `${r.status} ${r.body?.error?.code ?? ''}`;
      answers[key] = (answers[key] ?? 0) + 1;
    }
    expect(answers).toEqual({ '200': 10, '409': 190 });
    expect((await station.get(`/api/v1/vacancies/${v.id}`)).body).toMatchObject({ filled: 10, headcount: 10, status: 'filled' });
    // A withdrawal frees a place for the next one.
    const accepted = appsMade.filter((_, i) => results[i]!.status === 200);
    await station.post(`/api/v1/applications/${accepted[0].id}/status`, { status: 'withdrawn' });
    expect((await station.get(`/api/v1/vacancies/${v.id}`)).body).toMatchObject({ filled: 9, status: 'open' });
    // 400 requests and 200 at once: on a busy machine this takes minutes; the limit only catches a hang.
  }, 180_000);

  it('someone holding a part-time public-welfare post may still take gigs (seed 000 national §2.4)', async () => {
    const w = await worker({ laborCapacity: 'partial' });
    await station.post(`/api/v1/workers/${w.id}/employment`, { employerName: '南沙村委会', startDate: '2026-05-01', monthlyIncomeFen: 60000 });
    const e = await verifiedEmployer(station, { name: '集市管理处二' });
    const v = (await station.post('/api/v1/vacancies', gig(e.id, { title: '周末集市保洁', headcount: 3 }))).body;
    const a = (await station.post(`/api/v1/vacancies/${v.id}/applications`, { workerId: w.id })).body;
    expect((await station.post(`/api/v1/applications/${a.id}/status`, { status: 'accepted' })).status).toBe(200);
    const jobs = await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, w.id));
    expect(jobs).toHaveLength(1);
  });

  it('training sessions: enrolment respects capacity under concurrency, cancelling frees a place', async () => {
    const s = (
      await station.post('/api/v1/trainings', { kind: 'order', title: '家政服务员培训', provider: '红河职业技术学院', regionCode: REGIONS.countyA.code, ...north(3), startDate: '2026-07-01', endDate: '2026-07-10', capacity: 5, skills: ['家政'], trainingSubsidyFen: 150000, livingAllowanceFen: 30000 })
    ).body;
    expect(s.enrolled).toBe(0);
    const people = await Promise.all(Array.from({ length: 30 }, () => worker()));
    const results = await Promise.all(people.map((p) => station.post(`/api/v1/trainings/${s.id}/enrolments`, { workerId: p.id })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect((await station.get(`/api/v1/trainings/${s.id}`)).body.enrolled).toBe(5);
    const enrolled = people.filter((_, i) => results[i]!.status === 201);
    await station.post(`/api/v1/trainings/${s.id}/enrolments/cancel`, { workerId: enrolled[0]!.id });
    expect((await station.get(`/api/v1/trainings/${s.id}`)).body.enrolled).toBe(4);
    // The same person enrolling again ten times at once takes one place, not ten.
    const again = await Promise.all(Array.from({ length: 10 }, () => station.post(`/api/v1/trainings/${s.id}/enrolments`, { workerId: enrolled[0]!.id })));
    expect(again.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    expect((await station.get(`/api/v1/trainings/${s.id}`)).body.enrolled).toBe(5);
    await station.post(`/api/v1/trainings/${s.id}/enrolments/cancel`, { workerId: enrolled[0]!.id });
    const m = await station.get(`/api/v1/workers/${people[29]!.id}/matches?kind=training`);
    expect(m.body.items[0]).toMatchObject({ type: 'training', id: s.id });
    expect(m.body.items[0].summary).toContain('培训补贴 1500 元');
  });
});
