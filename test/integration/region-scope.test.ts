import { buildApi } from '../../src/app';
import { openApiDocument } from '../../src/http/openapi';
import { createHarness, type Harness } from '../helpers/harness';
import { drainEvents } from '../helpers/events';
import request from 'supertest';
import { makeStation, REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { appOf, signIn, type Staff } from '../helpers/api';
import { requestHelp } from '../../src/chat/service';
import { employmentRecords, warnings } from '../../src/db/schema';
import { notify } from '../../src/notices/service';
import { dailyReport } from '../../src/monitoring/reports';

type Case = (who: Staff) => Promise<{ status: number; text: string }>;

/**
 * The region-scope matrix: for every route of the API, staff of county A (a station clerk and the
 * county administrator) try to read, list or change what belongs to county B. Nothing of B may
 * come back, and nothing of B may change.
 */
describe('a station in county A cannot reach anything in county B', () => {
  let h: Harness;
  let stationA: Staff;
  let countyA: Staff;
  let countyB: Staff;
  const b: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    const app = appOf(h);
    stationA = await signIn(h, app, { regionCode: REGIONS.countyA.code });
    countyA = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyA.code, canRevealPii: true });
    countyB = await signIn(h, app, { role: 'county', regionCode: REGIONS.countyB.code, canRevealPii: true });
    const w = await countyB.post('/api/v1/workers', workerInput({ name: '县B的人', regionCode: REGIONS.villageB.code }));
    b.worker = w.body.id;
    b.workerName = w.body.name;
    b.household = (await countyB.post('/api/v1/households', { regionCode: REGIONS.villageB.code, memberIds: [b.worker] })).body.id;
    b.station = (await makeStation(h.ctx.db, REGIONS.countyB.code)).id;
    b.account = (
      await countyB.post('/api/v1/accounts', { username: 'station-b', password: 'long enough password', displayName: 'B站', role: 'station', regionCode: REGIONS.countyB.code })
    ).body.id;
    await countyB.post(`/api/v1/workers/${b.worker}/employment`, { employerName: '县B企业', startDate: '2026-01-01' });
    await drainEvents(h);
    const upload = await request(app)
      .post(`/api/v1/imports?regionCode=${REGIONS.villageB.code}`)
      .set('Authorization', `Bearer ${countyB.token}`)
      .attach('file', csv([FORM_HEADER, ['1', '县B导入', '男', validIdNumber({ region: '532529' }), '', '', '', '', '', '', '否', '', '', '', '', '']]), 'b.csv');
    b.import = upload.body.id;
    const employer = await countyB.post('/api/v1/employers', { name: '县B企业', kind: 'enterprise', regionCode: REGIONS.countyB.code });
    b.employer = employer.body.id;
    await countyB.post(`/api/v1/employers/${b.employer}/verify`);
    const vacancy = await countyB.post('/api/v1/vacancies', {
      employerId: b.employer, kind: 'gig', title: '县B零工', regionCode: REGIONS.countyB.code, payMinFen: 15000, payMaxFen: 15000, payUnit: 'day', headcount: 3,
      details: { date: '2099-01-01', startTime: '08:00', endTime: '12:00' },
    });
    b.vacancy = vacancy.body.id;
    const application = await countyB.post(`/api/v1/vacancies/${b.vacancy}/applications`, { workerId: b.worker });
    b.application = application.body.id;
    for (const status of ['accepted', 'checked_in', 'completed']) await countyB.post(`/api/v1/applications/${b.application}/status`, { status });
    await countyB.post(`/api/v1/applications/${b.application}/payment`, { paid: false });
    b.wageCase = (await countyB.get('/api/v1/wage-cases')).body.items[0].id;
    b.broadcast = (await countyB.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyB.code }, message: { 'zh-CN': '县B通知' }, sendAt: '2099-01-01T00:00:00Z' })).body.id;
    b.training = (
      await countyB.post('/api/v1/trainings', { kind: 'upskilling', title: '县B培训', provider: '县B职校', regionCode: REGIONS.countyB.code, startDate: '2099-01-01', endDate: '2099-01-05', capacity: 10 })
    ).body.id;
    b.helpRequest = (await requestHelp({ ctx: h.ctx }, { workerId: b.worker!, regionCode: REGIONS.villageB.code, contact: 'wxid-county-b', context: [{ at: '2026-01-01T00:00:00Z', text: '县B求助' }] })).id;
    b.exportRequest = (await countyB.post('/api/v1/exports/requests', { purpose: '县B年度核对' })).body.id;
    const rd = await countyB.post('/api/v1/rain-dew', { workerId: b.worker, school: '县B职校', major: '护理', level: 'secondary_vocational', enrolledOn: '2024-09-01', expectedGraduation: '2027-06-30' });
    if (rd.status !== 201) throw new Error(JSON.stringify(rd.body));
    b.action = (await countyB.post(`/api/v1/rain-dew/${b.worker}/actions`, { kind: 'guidance', description: '县B职业指导', dueOn: '2026-12-31' })).body.plan.actions[0].id;
    b.chatGroup = (await countyB.post('/api/v1/chat-groups', { name: '县B村民群', regionCode: REGIONS.villageB.code })).body.id;
    const policy = await countyB.post('/api/v1/policies', {
      key: 'county_b_bonus', title: { 'zh-CN': '县B务工奖励' }, summary: { 'zh-CN': '县B的奖励' }, audience: 'worker', benefit: { 'zh-CN': '500元', amountFen: 50000, unit: 'once' },
      rule: { fact: 'category', op: 'eq', value: 'lifted' }, apply: { steps: [{ 'zh-CN': '到县B就业服务站申请' }], where: { 'zh-CN': '县B就业服务站' } },
      regionCode: REGIONS.countyB.code, source: { document: '县B人社〔2026〕1号', article: '一' },
    });
    if (policy.status !== 201) throw new Error(JSON.stringify(policy.body));
    b.followUp = (await countyB.post(`/api/v1/workers/${b.worker}/follow-ups`, { sequence: 'job_search' })).body.id;
    const open = await countyB.post('/api/v1/vacancies', { employerId: b.employer, kind: 'regular', title: '县B普工', regionCode: REGIONS.countyB.code, payMinFen: 300000, payMaxFen: 400000, payUnit: 'month', headcount: 5 });
    b.fairVacancy = open.body.id;
    const fair = await countyB.post('/api/v1/fairs', {
      kind: 'on_site', title: '县B春风行动招聘会', startsAt: '2099-03-01T01:00:00Z', endsAt: '2099-03-01T05:00:00Z', address: '县B广场', audience: { regionCode: REGIONS.countyB.code }, capacity: 10, vacancyIds: [b.fairVacancy],
    });
    if (fair.status !== 201) throw new Error(JSON.stringify(fair.body));
    b.fair = fair.body.id;
    b.fairCode = fair.body.checkinCode;
    await countyB.post(`/api/v1/fairs/${b.fair}/announce`);
    await countyB.post(`/api/v1/fairs/${b.fair}/signups`, { workerId: b.worker });
    // The fair's reminders follow from the sign-up's event.
    await drainEvents(h);
    const [warning] = await h.ctx.db.insert(warnings).values({ kind: 'lost_job', regionCode: REGIONS.villageB.code, workerId: b.worker, dedupeKey: 'lost:county-b', details: {} }).returning();
    b.warning = warning!.id;
    b.report = (await dailyReport(h.ctx))!;
    const [relief] = await h.ctx.db.insert(employmentRecords).values({ workerId: b.worker!, kind: 'work_relief', employerName: '县B以工代赈', startDate: '2025-06-01', endDate: '2025-12-31', source: 'station' }).returning();
    b.paymentRecord = relief!.id;
    const paid = await countyB.put(`/api/v1/workers/${b.worker}/employment/${b.paymentRecord}/payments/2025-07`, { dueOn: '2025-08-10', amountDueFen: 300000 });
    if (paid.status !== 200) throw new Error(JSON.stringify(paid.body));
    b.payment = paid.body.id;
    const [review] = await h.ctx.db.insert(warnings).values({ kind: 'wr_wage_overdue', regionCode: REGIONS.villageB.code, workerId: b.worker, dedupeKey: 'pay-overdue:county-b', details: {} }).returning();
    b.review = review!.id;
    b.notice = (await notify(h.ctx, new Date(), { kind: 'review_items', regionCode: REGIONS.countyB.code, reach: 'region_and_above', params: { count: 1, day: '县B复核' }, dedupeKey: 'review:county-b' }))!;
    b.project = (await countyB.post('/api/v1/projects', { kind: 'workshop', name: '县B帮扶车间', regionCode: REGIONS.countyB.code, startedOn: '2026-01-01' })).body.id;
    b.relief = (await countyB.post('/api/v1/projects', { kind: 'work_relief', name: '县B以工代赈', regionCode: REGIONS.countyB.code, startedOn: '2026-01-01' })).body.id;
    b.link = (await countyB.post(`/api/v1/projects/${b.relief}/workers`, { workerId: b.worker, startsOn: '2026-01-01', agreementSigned: false })).body.id;
    // A share of 0 %: nobody falls short of it, so county B's warnings stay as they are.
    await countyB.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyB.code, sharePct: 0 });
    b.sendingAccount = (await countyB.post('/api/v1/sending-accounts', { name: '县B发送号', regionCode: REGIONS.countyB.code, puppet: 'wechaty-puppet-mock', dailyCeiling: 300 })).body.id;
    await countyB.put('/api/v1/monitoring/targets', { year: 2026, items: [{ regionCode: REGIONS.countyB.code, metric: 'employed', value: 77 }] });
  });
  afterAll(() => h.close());

  const none = (res: { status: number; text: string }) => {
    expect(res.text).not.toContain(b.worker);
    expect(res.text).not.toContain(b.workerName);
    expect(res.text).not.toContain(b.household);
    expect(res.text).not.toContain(b.account);
    expect(res.text).not.toContain(b.station);
    for (const k of ['import', 'employer', 'vacancy', 'application', 'wageCase', 'training', 'broadcast', 'followUp', 'helpRequest', 'chatGroup', 'action', 'fair', 'fairCode', 'warning', 'paymentRecord', 'payment', 'review', 'notice', 'project', 'relief', 'link', 'sendingAccount']) expect(res.text).not.toContain(b[k]);
    expect(res.text).not.toContain('县B复核');
    expect(res.text).not.toContain('县B帮扶车间');
  };
  const notFound = (res: { status: number; text: string }) => {
    expect([403, 404]).toContain(res.status);
    none(res);
  };
  const refusedOrEmpty = (res: { status: number; text: string }) => {
    expect([200, 403, 404]).toContain(res.status);
    none(res);
  };

  const cases: Record<string, { run: Case; check: (res: { status: number; text: string }) => void }> = {
    'get /api/v1/workers': { run: (s) => s.get('/api/v1/workers?pageSize=200'), check: refusedOrEmpty },
    'post /api/v1/workers': { run: (s) => s.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageB.code })), check: notFound },
    'get /api/v1/workers/{id}': { run: (s) => s.get(`/api/v1/workers/${b.worker}?reveal=true&purpose=checking`), check: notFound },
    'patch /api/v1/workers/{id}': { run: (s) => s.patch(`/api/v1/workers/${b.worker}`, { version: 2, skills: ['x'] }), check: notFound },
    'get /api/v1/workers/{id}/employment': { run: (s) => s.get(`/api/v1/workers/${b.worker}/employment`), check: notFound },
    'post /api/v1/workers/{id}/employment': { run: (s) => s.post(`/api/v1/workers/${b.worker}/employment`, { employerName: 'x', startDate: '2026-02-01' }), check: notFound },
    'post /api/v1/workers/{id}/employment/end': { run: (s) => s.post(`/api/v1/workers/${b.worker}/employment/end`, { endDate: '2026-02-01' }), check: notFound },
    'get /api/v1/workers/{id}/trainings': { run: (s) => s.get(`/api/v1/workers/${b.worker}/trainings`), check: notFound },
    'post /api/v1/workers/{id}/trainings': { run: (s) => s.post(`/api/v1/workers/${b.worker}/trainings`, { title: 'x', startDate: '2026-02-01' }), check: notFound },
    'get /api/v1/households': { run: (s) => s.get(`/api/v1/households?regionCode=${REGIONS.countyB.code}`), check: refusedOrEmpty },
    'post /api/v1/households': { run: (s) => s.post('/api/v1/households', { regionCode: REGIONS.villageA.code, memberIds: [b.worker] }), check: (r) => expect([400, 403, 404]).toContain(r.status) },
    'get /api/v1/households/zero-employment/summary': { run: (s) => s.get(`/api/v1/households/zero-employment/summary?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/households/{id}': { run: (s) => s.get(`/api/v1/households/${b.household}`), check: notFound },
    'patch /api/v1/households/{id}': { run: (s) => s.patch(`/api/v1/households/${b.household}`, { relocated: true }), check: notFound },
    'get /api/v1/regions': { run: (s) => s.get(`/api/v1/regions?parent=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/regions/{code}': { run: (s) => s.get(`/api/v1/regions/${REGIONS.townB.code}`), check: notFound },
    'get /api/v1/regions/search': {
      run: (s) => s.get(`/api/v1/regions/search?q=${encodeURIComponent(REGIONS.villageB.name)}`),
      check: (r) => {
        refusedOrEmpty(r);
        expect(r.text).not.toContain(REGIONS.villageB.code);
      },
    },
    'get /api/v1/regions/{code}/centre': { run: (s) => s.get(`/api/v1/regions/${REGIONS.villageB.code}/centre`), check: notFound },
    // The map's settings name no region: the same for everyone.
    'get /api/v1/map': {
      run: (s) => s.get('/api/v1/map'),
      check: (r) => {
        expect(r.status).toBe(200);
        none(r);
      },
    },
    'patch /api/v1/regions/{code}': { run: (s) => s.patch(`/api/v1/regions/${REGIONS.countyB.code}`, { relocationSite: true }), check: notFound },
    'get /api/v1/accounts': { run: (s) => s.get(`/api/v1/accounts?regionCode=${REGIONS.countyB.code}`), check: refusedOrEmpty },
    'post /api/v1/accounts': { run: (s) => s.post('/api/v1/accounts', { username: 'intruder', password: 'long enough password', displayName: 'x', role: 'station', regionCode: REGIONS.countyB.code }), check: notFound },
    'patch /api/v1/accounts/{id}': { run: (s) => s.patch(`/api/v1/accounts/${b.account}`, { disabled: true }), check: notFound },
    'get /api/v1/stations': { run: (s) => s.get('/api/v1/stations'), check: refusedOrEmpty },
    'post /api/v1/stations': { run: (s) => s.post('/api/v1/stations', { name: '冒名站', regionCode: REGIONS.countyB.code }), check: notFound },
    'put /api/v1/stations/{id}/place': {
      run: (s) => s.put(`/api/v1/stations/${b.station}/place`, { villageCode: REGIONS.villageB.code, lat: 23.3, lng: 102.8 }),
      check: notFound,
    },
    'post /api/v1/imports': {
      run: (s) => s.post(`/api/v1/imports?dryRun=true&regionCode=${REGIONS.countyB.code}`).attach('file', csv([FORM_HEADER]), 'x.csv'),
      check: notFound,
    },
    'get /api/v1/imports/{id}': { run: (s) => s.get(`/api/v1/imports/${b.import}`), check: notFound },
    'get /api/v1/imports/{id}/report': { run: (s) => s.get(`/api/v1/imports/${b.import}/report`), check: notFound },
    'get /api/v1/exports/workers': { run: (s) => s.get(`/api/v1/exports/workers?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'post /api/v1/employers': { run: (s) => s.post('/api/v1/employers', { name: '冒名企业', kind: 'enterprise', regionCode: REGIONS.countyB.code }), check: notFound },
    'get /api/v1/employers': { run: (s) => s.get(`/api/v1/employers?regionCode=${REGIONS.countyB.code}`), check: refusedOrEmpty },
    'get /api/v1/employers/{id}': { run: (s) => s.get(`/api/v1/employers/${b.employer}`), check: notFound },
    'post /api/v1/employers/{id}/verify': { run: (s) => s.post(`/api/v1/employers/${b.employer}/verify`), check: notFound },
    'post /api/v1/vacancies': { run: (s) => s.post('/api/v1/vacancies', { employerId: b.employer, kind: 'regular', title: '冒名岗位', regionCode: REGIONS.countyA.code, payMinFen: 1, payMaxFen: 1, payUnit: 'month', headcount: 1 }), check: (r) => expect([400, 403, 404]).toContain(r.status) },
    'get /api/v1/vacancies': { run: (s) => s.get(`/api/v1/vacancies?regionCode=${REGIONS.countyB.code}`), check: refusedOrEmpty },
    'get /api/v1/vacancies/{id}': { run: (s) => s.get(`/api/v1/vacancies/${b.vacancy}`), check: notFound },
    'patch /api/v1/vacancies/{id}': { run: (s) => s.patch(`/api/v1/vacancies/${b.vacancy}`, { status: 'closed' }), check: notFound },
    'get /api/v1/vacancies/{id}/candidates': { run: (s) => s.get(`/api/v1/vacancies/${b.vacancy}/candidates`), check: notFound },
    'post /api/v1/vacancies/{id}/applications': { run: (s) => s.post(`/api/v1/vacancies/${b.vacancy}/applications`, { workerId: b.worker }), check: notFound },
    'get /api/v1/vacancies/{id}/applications': { run: (s) => s.get(`/api/v1/vacancies/${b.vacancy}/applications`), check: notFound },
    'get /api/v1/applications/{id}': { run: (s) => s.get(`/api/v1/applications/${b.application}`), check: notFound },
    'post /api/v1/applications/{id}/status': { run: (s) => s.post(`/api/v1/applications/${b.application}/status`, { status: 'withdrawn' }), check: notFound },
    'post /api/v1/applications/{id}/payment': { run: (s) => s.post(`/api/v1/applications/${b.application}/payment`, { paid: true }), check: notFound },
    'get /api/v1/wage-cases': { run: (s) => s.get('/api/v1/wage-cases'), check: refusedOrEmpty },
    'post /api/v1/wage-cases/{id}/resolve': { run: (s) => s.post(`/api/v1/wage-cases/${b.wageCase}/resolve`, { note: '越权关闭' }), check: notFound },
    'post /api/v1/trainings': { run: (s) => s.post('/api/v1/trainings', { kind: 'upskilling', title: '冒名培训', provider: 'x职校', regionCode: REGIONS.countyB.code, startDate: '2099-01-01', endDate: '2099-01-02', capacity: 1 }), check: notFound },
    'get /api/v1/trainings': { run: (s) => s.get(`/api/v1/trainings?regionCode=${REGIONS.countyB.code}`), check: refusedOrEmpty },
    'get /api/v1/trainings/{id}': { run: (s) => s.get(`/api/v1/trainings/${b.training}`), check: notFound },
    'post /api/v1/trainings/{id}/enrolments': { run: (s) => s.post(`/api/v1/trainings/${b.training}/enrolments`, { workerId: b.worker }), check: notFound },
    'post /api/v1/trainings/{id}/enrolments/cancel': { run: (s) => s.post(`/api/v1/trainings/${b.training}/enrolments/cancel`, { workerId: b.worker }), check: notFound },
    'get /api/v1/workers/{id}/matches': { run: (s) => s.get(`/api/v1/workers/${b.worker}/matches`), check: notFound },
    'get /api/v1/workers/{id}/subscription': { run: (s) => s.get(`/api/v1/workers/${b.worker}/subscription`), check: notFound },
    'put /api/v1/workers/{id}/subscription': { run: (s) => s.put(`/api/v1/workers/${b.worker}/subscription`, { unsubscribedAll: true }), check: notFound },
    'post /api/v1/broadcasts': { run: (s) => s.post('/api/v1/broadcasts', { audience: { regionCode: REGIONS.countyB.code }, message: { 'zh-CN': '越权群发' } }), check: notFound },
    'post /api/v1/broadcasts/preview': { run: (s) => s.post('/api/v1/broadcasts/preview', { audience: { regionCode: REGIONS.countyB.code } }), check: notFound },
    'get /api/v1/broadcasts': { run: (s) => s.get('/api/v1/broadcasts'), check: refusedOrEmpty },
    'get /api/v1/broadcasts/{id}': { run: (s) => s.get(`/api/v1/broadcasts/${b.broadcast}`), check: notFound },
    'get /api/v1/broadcasts/{id}/not-reached': { run: (s) => s.get(`/api/v1/broadcasts/${b.broadcast}/not-reached`), check: notFound },
    'post /api/v1/broadcasts/{id}/cancel': { run: (s) => s.post(`/api/v1/broadcasts/${b.broadcast}/cancel`), check: notFound },
    'get /api/v1/follow-up-sequences': { run: (s) => s.get('/api/v1/follow-up-sequences'), check: none },
    'get /api/v1/workers/{id}/follow-ups': { run: (s) => s.get(`/api/v1/workers/${b.worker}/follow-ups`), check: notFound },
    'post /api/v1/workers/{id}/follow-ups': { run: (s) => s.post(`/api/v1/workers/${b.worker}/follow-ups`, { sequence: 'job_search' }), check: notFound },
    'post /api/v1/follow-ups/{id}/stop': { run: (s) => s.post(`/api/v1/follow-ups/${b.followUp}/stop`), check: notFound },
    'post /api/v1/workers/{id}/binding-code': { run: (s) => s.post(`/api/v1/workers/${b.worker}/binding-code`), check: notFound },
    'get /api/v1/help-requests': { run: (s) => s.get('/api/v1/help-requests'), check: (r) => { refusedOrEmpty(r); expect(r.text).not.toContain('县B求助'); } },
    'post /api/v1/help-requests/{id}/close': { run: (s) => s.post(`/api/v1/help-requests/${b.helpRequest}/close`, { note: '越权关闭' }), check: notFound },
    'post /api/v1/chat-groups': { run: (s) => s.post('/api/v1/chat-groups', { name: '冒名群', regionCode: REGIONS.villageB.code }), check: notFound },
    'get /api/v1/chat-groups': { run: (s) => s.get('/api/v1/chat-groups'), check: (r) => { refusedOrEmpty(r); expect(r.text).not.toContain('县B村民群'); } },
    'post /api/v1/chat-groups/{id}/remove': { run: (s) => s.post(`/api/v1/chat-groups/${b.chatGroup}/remove`), check: notFound },
    // Policies are published documents: anyone may read one; only their own region's administrators change them.
    'get /api/v1/policies': { run: (s) => s.get(`/api/v1/policies?regionCode=${REGIONS.countyB.code}`), check: (r) => { notFound(r); expect(r.text).not.toContain('county_b_bonus'); } },
    'get /api/v1/policies/{key}': { run: (s) => s.get('/api/v1/policies/county_b_bonus'), check: none },
    'post /api/v1/policies': {
      run: (s) => s.post('/api/v1/policies', { key: 'intruder_policy', title: { 'zh-CN': '冒名政策' }, summary: { 'zh-CN': 'x' }, audience: 'worker', benefit: { 'zh-CN': 'x' }, rule: { all: [] }, apply: { steps: [{ 'zh-CN': 'x' }], where: { 'zh-CN': 'x' } }, regionCode: REGIONS.countyB.code, source: { document: 'x号', article: '一' } }),
      check: (r) => expect([403, 404]).toContain(r.status),
    },
    'put /api/v1/policies/{key}': {
      run: (s) => s.put('/api/v1/policies/county_b_bonus', { key: 'county_b_bonus', title: { 'zh-CN': '改掉' }, summary: { 'zh-CN': 'x' }, audience: 'worker', benefit: { 'zh-CN': 'x' }, rule: { all: [] }, apply: { steps: [{ 'zh-CN': 'x' }], where: { 'zh-CN': 'x' } }, regionCode: REGIONS.countyA.code, source: { document: 'x号', article: '一' } }),
      check: (r) => expect([403, 404]).toContain(r.status),
    },
    'get /api/v1/policies/{key}/eligible': { run: (s) => s.get(`/api/v1/policies/county_b_bonus/eligible?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'post /api/v1/policies/{key}/notify': { run: (s) => s.post('/api/v1/policies/county_b_bonus/notify', { regionCode: REGIONS.countyB.code }), check: notFound },
    'get /api/v1/workers/{id}/policies': { run: (s) => s.get(`/api/v1/workers/${b.worker}/policies`), check: notFound },
    'get /api/v1/workers/{id}/policy-notices': { run: (s) => s.get(`/api/v1/workers/${b.worker}/policy-notices`), check: notFound },
    'get /api/v1/employers/{id}/policies': { run: (s) => s.get(`/api/v1/employers/${b.employer}/policies`), check: notFound },
    'post /api/v1/exports/requests': { run: (s) => s.post('/api/v1/exports/requests', { regionCode: REGIONS.countyB.code, purpose: '越权导出' }), check: notFound },
    'get /api/v1/exports/requests': { run: (s) => s.get('/api/v1/exports/requests'), check: (r) => { refusedOrEmpty(r); expect(r.text).not.toContain(b.exportRequest); } },
    'post /api/v1/exports/requests/{id}/approve': { run: (s) => s.post(`/api/v1/exports/requests/${b.exportRequest}/approve`), check: notFound },
    'post /api/v1/exports/requests/{id}/reject': { run: (s) => s.post(`/api/v1/exports/requests/${b.exportRequest}/reject`), check: notFound },
    'post /api/v1/workers/{id}/leave': { run: (s) => s.post(`/api/v1/workers/${b.worker}/leave`, { reason: '越权登记' }), check: notFound },
    'get /api/v1/workers/{id}/personal-data': { run: (s) => s.get(`/api/v1/workers/${b.worker}/personal-data?purpose=${encodeURIComponent('越权查询')}`), check: notFound },
    'post /api/v1/rain-dew': { run: (s) => s.post('/api/v1/rain-dew', { workerId: b.worker, school: 'x', major: 'y', level: 'other', enrolledOn: '2023-09-01', expectedGraduation: '2026-06-30' }), check: notFound },
    'get /api/v1/rain-dew': { run: (s) => s.get(`/api/v1/rain-dew?regionCode=${REGIONS.countyB.code}`), check: (r) => { refusedOrEmpty(r); expect(r.text).not.toContain('县B职校'); } },
    'get /api/v1/rain-dew/{workerId}': { run: (s) => s.get(`/api/v1/rain-dew/${b.worker}`), check: notFound },
    'patch /api/v1/rain-dew/{workerId}': { run: (s) => s.patch(`/api/v1/rain-dew/${b.worker}`, { status: 'employed' }), check: notFound },
    'post /api/v1/rain-dew/{workerId}/contacts': { run: (s) => s.post(`/api/v1/rain-dew/${b.worker}/contacts`, { channel: 'phone', outcome: '越权' }), check: notFound },
    'post /api/v1/rain-dew/{workerId}/subsidies': { run: (s) => s.post(`/api/v1/rain-dew/${b.worker}/subsidies`, { term: 'x', amountFen: 1, paidOn: '2026-01-01' }), check: notFound },
    'put /api/v1/rain-dew/{workerId}/plan': { run: (s) => s.put(`/api/v1/rain-dew/${b.worker}/plan`, { goal: '越权计划' }), check: notFound },
    'post /api/v1/rain-dew/{workerId}/actions': { run: (s) => s.post(`/api/v1/rain-dew/${b.worker}/actions`, { kind: 'other', description: '越权措施', dueOn: '2026-01-01' }), check: notFound },
    'post /api/v1/rain-dew/actions/{id}/close': { run: (s) => s.post(`/api/v1/rain-dew/actions/${b.action}/close`, { status: 'dropped', outcome: '越权关闭' }), check: notFound },
    'get /api/v1/rain-dew/{workerId}/suggestions': { run: (s) => s.get(`/api/v1/rain-dew/${b.worker}/suggestions`), check: notFound },
    'post /api/v1/fairs': { run: (s) => s.post('/api/v1/fairs', { kind: 'on_site', title: '越权招聘会', startsAt: '2099-03-01T01:00:00Z', endsAt: '2099-03-01T05:00:00Z', address: 'x', audience: { regionCode: REGIONS.countyB.code } }), check: (r) => { none(r); expect([400, 403, 404]).toContain(r.status); } },
    'get /api/v1/fairs': { run: (s) => s.get(`/api/v1/fairs?regionCode=${REGIONS.countyB.code}`), check: (r) => { refusedOrEmpty(r); expect(r.text).not.toContain('县B春风行动'); } },
    'get /api/v1/fairs/{id}': { run: (s) => s.get(`/api/v1/fairs/${b.fair}`), check: notFound },
    'patch /api/v1/fairs/{id}': { run: (s) => s.patch(`/api/v1/fairs/${b.fair}`, { title: '越权改名' }), check: notFound },
    'post /api/v1/fairs/{id}/vacancies': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/vacancies`, { vacancyIds: [b.vacancy] }), check: notFound },
    'post /api/v1/fairs/{id}/announce/preview': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/announce/preview`, {}), check: notFound },
    'post /api/v1/fairs/{id}/announce': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/announce`), check: notFound },
    'post /api/v1/fairs/{id}/live': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/live`), check: notFound },
    'post /api/v1/fairs/{id}/on-screen': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/on-screen`, { vacancyId: b.fairVacancy }), check: notFound },
    'post /api/v1/fairs/{id}/end': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/end`), check: notFound },
    'post /api/v1/fairs/{id}/report': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/report`), check: notFound },
    'post /api/v1/fairs/{id}/cancel': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/cancel`), check: notFound },
    'post /api/v1/fairs/{id}/signups': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/signups`, { workerId: b.worker }), check: notFound },
    'get /api/v1/fairs/{id}/signups': { run: (s) => s.get(`/api/v1/fairs/${b.fair}/signups`), check: notFound },
    'delete /api/v1/fairs/{id}/signups/{workerId}': { run: (s) => s.delete(`/api/v1/fairs/${b.fair}/signups/${b.worker}`), check: notFound },
    'get /api/v1/fairs/{id}/people': { run: (s) => s.get(`/api/v1/fairs/${b.fair}/people?q=${encodeURIComponent('县B')}`), check: notFound },
    'post /api/v1/fairs/{id}/checkins': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/checkins`, { workerId: b.worker }), check: notFound },
    'post /api/v1/fairs/{id}/walk-ins': { run: (s) => s.post(`/api/v1/fairs/${b.fair}/walk-ins`, workerInput({ regionCode: REGIONS.villageB.code })), check: notFound },
    'get /api/v1/fairs/{id}/qr.png': { run: (s) => s.get(`/api/v1/fairs/${b.fair}/qr.png`), check: notFound },
    'get /api/v1/fairs/{id}/qr.svg': { run: (s) => s.get(`/api/v1/fairs/${b.fair}/qr.svg`), check: notFound },
    'get /api/v1/fairs/{id}/outcome': { run: (s) => s.get(`/api/v1/fairs/${b.fair}/outcome`), check: notFound },
    // The mini-program's routes belong to workers' own tokens: a staff token opens none of them.
    ...Object.fromEntries(
      (
        [
          ['get', '/api/v1/me'], ['patch', '/api/v1/me'], ['post', '/api/v1/me/logout'], ['post', '/api/v1/me/bind'], ['post', '/api/v1/me/phone'],
          ['get', '/api/v1/me/nearby'], ['get', '/api/v1/me/search'], ['get', '/api/v1/me/matches'], ['get', '/api/v1/me/vacancies/{id}'], ['post', '/api/v1/me/vacancies/{id}/apply'],
          ['get', '/api/v1/me/applications'], ['post', '/api/v1/me/applications/{id}/withdraw'], ['post', '/api/v1/me/applications/{id}/check-in'],
          ['post', '/api/v1/me/applications/{id}/complete'], ['post', '/api/v1/me/applications/{id}/paid'], ['post', '/api/v1/me/trainings/{id}/enrol'],
          ['delete', '/api/v1/me/trainings/{id}/enrol'], ['get', '/api/v1/me/fairs'], ['post', '/api/v1/me/fairs/{id}/signup'], ['delete', '/api/v1/me/fairs/{id}/signup'],
          ['post', '/api/v1/me/fairs/checkin'], ['get', '/api/v1/me/policies'], ['get', '/api/v1/me/subscription'], ['put', '/api/v1/me/subscription'],
          ['get', '/api/v1/me/subscribe-consents'], ['post', '/api/v1/me/subscribe-consents'], ['get', '/api/v1/me/consent'], ['post', '/api/v1/me/consent'],
        ] as const
      ).map(([method, path]) => {
        const concrete = path.replace('{id}', '00000000-0000-0000-0000-000000000000');
        const run: Case = (s) => (method === 'get' ? s.get(concrete) : method === 'delete' ? s.delete(concrete) : method === 'put' ? s.put(concrete, {}) : method === 'patch' ? s.patch(concrete, {}) : s.post(concrete, {}));
        return [`${method} ${path}`, { run, check: (r: { status: number; text: string }) => { none(r); expect(r.status).toBe(401); } }];
      }),
    ),
    'get /api/v1/workers/{id}/employment/{recordId}/payments': { run: (s) => s.get(`/api/v1/workers/${b.worker}/employment/${b.paymentRecord}/payments`), check: notFound },
    'put /api/v1/workers/{id}/employment/{recordId}/payments/{period}': { run: (s) => s.put(`/api/v1/workers/${b.worker}/employment/${b.paymentRecord}/payments/2025-07`, { dueOn: '2025-08-10', amountDueFen: 1, paidOn: '2025-08-10', amountPaidFen: 1 }), check: notFound },
    'get /api/v1/monitoring/reviews': { run: (s) => s.get(`/api/v1/monitoring/reviews?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'post /api/v1/monitoring/reviews/{id}/conclude': { run: (s) => s.post(`/api/v1/monitoring/reviews/${b.review}/conclude`, { note: '越权复核' }), check: notFound },
    'get /api/v1/monitoring/trend/chart': { run: (s) => s.get(`/api/v1/monitoring/trend/chart?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/monitoring/targets': { run: (s) => s.get(`/api/v1/monitoring/targets?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'put /api/v1/monitoring/targets': { run: (s) => s.put('/api/v1/monitoring/targets', { year: 2026, items: [{ regionCode: REGIONS.countyB.code, metric: 'employed', value: 1 }] }), check: notFound },
    'get /api/v1/projects': { run: (s) => s.get(`/api/v1/projects?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'post /api/v1/projects': { run: (s) => s.post('/api/v1/projects', { kind: 'workshop', name: '越权项目', regionCode: REGIONS.countyB.code, startedOn: '2026-01-01' }), check: notFound },
    'get /api/v1/projects/{id}': { run: (s) => s.get(`/api/v1/projects/${b.project}`), check: notFound },
    'patch /api/v1/projects/{id}': { run: (s) => s.patch(`/api/v1/projects/${b.project}`, { name: '越权改名' }), check: notFound },
    'get /api/v1/projects/{id}/figures': { run: (s) => s.get(`/api/v1/projects/${b.relief}/figures`), check: notFound },
    'get /api/v1/projects/{id}/workers': { run: (s) => s.get(`/api/v1/projects/${b.relief}/workers`), check: notFound },
    'post /api/v1/projects/{id}/workers': { run: (s) => s.post(`/api/v1/projects/${b.relief}/workers`, { workerId: b.worker, startsOn: '2026-02-01', agreementSigned: true }), check: notFound },
    'patch /api/v1/projects/{id}/workers/{linkId}': { run: (s) => s.patch(`/api/v1/projects/${b.relief}/workers/${b.link}`, { agreementSigned: true }), check: notFound },
    'get /api/v1/monitoring/relocation-shares': { run: (s) => s.get(`/api/v1/monitoring/relocation-shares?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/monitoring/relocation-shares/history': { run: (s) => s.get(`/api/v1/monitoring/relocation-shares/history?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'put /api/v1/monitoring/relocation-shares': { run: (s) => s.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyB.code, sharePct: 90 }), check: notFound },
    'get /api/v1/monitoring/forms/progress': { run: (s) => s.get(`/api/v1/monitoring/forms/progress?year=2026&regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/monitoring/forms/projects': { run: (s) => s.get(`/api/v1/monitoring/forms/projects?year=2026&regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/sending-accounts': { run: (s) => s.get('/api/v1/sending-accounts'), check: (r) => { refusedOrEmpty(r); expect(r.text).not.toContain('县B发送号'); } },
    'post /api/v1/sending-accounts': { run: (s) => s.post('/api/v1/sending-accounts', { name: '越权发送号', regionCode: REGIONS.countyB.code, puppet: 'wechaty-puppet-mock' }), check: notFound },
    'patch /api/v1/sending-accounts/{id}': { run: (s) => s.patch(`/api/v1/sending-accounts/${b.sendingAccount}`, { dailyCeiling: 1 }), check: notFound },
    // The SMS provider's reply callback answers only with the configured token (none here).
    'post /api/v1/sms/inbound': { run: (s) => s.post('/api/v1/sms/inbound?token=guessed-token-000000', { mobile: '13800138000', text: 'T' }), check: notFound },
    'post /api/v1/sms/status': { run: (s) => s.post('/api/v1/sms/status?token=guessed-token-000000', [{ mobile: '13800138000', report_status: 'FAIL', sid: 'x' }]), check: notFound },
    'get /api/v1/notices': { run: (s) => s.get('/api/v1/notices'), check: refusedOrEmpty },
    'post /api/v1/notices/{id}/read': { run: (s) => s.post(`/api/v1/notices/${b.notice}/read`), check: notFound },
    'post /api/v1/notices/read-all': { run: (s) => s.post('/api/v1/notices/read-all'), check: none },
    'get /api/v1/monitoring/figures': { run: (s) => s.get(`/api/v1/monitoring/figures?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/monitoring/figures/children': { run: (s) => s.get(`/api/v1/monitoring/figures/children?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/monitoring/warnings': { run: (s) => s.get(`/api/v1/monitoring/warnings?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'post /api/v1/monitoring/warnings/{id}/acknowledge': { run: (s) => s.post(`/api/v1/monitoring/warnings/${b.warning}/acknowledge`), check: notFound },
    'get /api/v1/monitoring/zero-employment': { run: (s) => s.get(`/api/v1/monitoring/zero-employment?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/monitoring/relocation-sites': { run: (s) => s.get(`/api/v1/monitoring/relocation-sites?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/monitoring/workshops': { run: (s) => s.get(`/api/v1/monitoring/workshops?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/reporting/calendar': { run: (s) => s.get(`/api/v1/reporting/calendar?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'post /api/v1/reporting/submissions': { run: (s) => s.post('/api/v1/reporting/submissions', { key: 'work_monthly', regionCode: REGIONS.countyB.code }), check: notFound },
    'patch /api/v1/reporting/deadlines/{key}': { run: (s) => s.patch('/api/v1/reporting/deadlines/work_monthly', { active: false }), check: notFound },
    'get /api/v1/public-welfare/terms-due': { run: (s) => s.get(`/api/v1/public-welfare/terms-due?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'get /api/v1/workers/{id}/employment/{recordId}/terms': { run: (s) => s.get(`/api/v1/workers/${b.worker}/employment/${b.paymentRecord}/terms`), check: notFound },
    'post /api/v1/workers/{id}/employment/{recordId}/terms': { run: (s) => s.post(`/api/v1/workers/${b.worker}/employment/${b.paymentRecord}/terms`, { termEnd: '2026-12-31' }), check: notFound },
    'get /api/v1/monitoring/reports': { run: (s) => s.get('/api/v1/monitoring/reports'), check: refusedOrEmpty },
    'get /api/v1/monitoring/reports/{id}': {
      run: (s) => s.get(`/api/v1/monitoring/reports/${b.report}`),
      check: (r) => {
        none(r);
        expect(r.status).toBe(200);
        expect(r.text).not.toContain(REGIONS.countyB.name);
        expect(r.text).not.toContain(REGIONS.countyB.code);
      },
    },
    'get /api/v1/monitoring/trend': { run: (s) => s.get(`/api/v1/monitoring/trend?regionCode=${REGIONS.countyB.code}`), check: notFound },
    'post /api/v1/me/login': { run: (s) => s.post('/api/v1/me/login', { code: 'x' }), check: (r) => { none(r); expect([400, 503]).toContain(r.status); } },
    'get /api/v1/workers/{id}/consent': { run: (s) => s.get(`/api/v1/workers/${b.worker}/consent`), check: notFound },
    'post /api/v1/workers/{id}/consent': { run: (s) => s.post(`/api/v1/workers/${b.worker}/consent`, { granted: false }), check: notFound },
    'get /api/v1/audit': { run: (s) => s.get('/api/v1/audit?pageSize=200'), check: refusedOrEmpty },
    // Routes that hold no regional data: the caller's own session.
    'post /api/v1/auth/login': { run: async () => ({ status: 200, text: '' }), check: () => undefined },
    'post /api/v1/auth/logout': { run: async () => ({ status: 204, text: '' }), check: () => undefined },
    'get /api/v1/auth/me': { run: (s) => s.get('/api/v1/auth/me'), check: none },
    'patch /api/v1/auth/me/contact': { run: (s) => s.patch('/api/v1/auth/me/contact', { pushOptOut: true }), check: (r) => { none(r); expect(r.status).toBe(200); } },
    'post /api/v1/auth/me/wechat/code': { run: (s) => s.post('/api/v1/auth/me/wechat/code'), check: (r) => { none(r); expect(r.status).toBe(201); } },
    'delete /api/v1/auth/me/wechat': { run: (s) => s.delete('/api/v1/auth/me/wechat'), check: (r) => { none(r); expect(r.status).toBe(200); } },
    'post /api/v1/auth/totp/setup': { run: (s) => s.post('/api/v1/auth/totp/setup'), check: none },
    'post /api/v1/auth/totp/enable': { run: (s) => s.post('/api/v1/auth/totp/enable', { code: '000000' }), check: (r) => { none(r); expect([400, 409]).toContain(r.status); } },
  };

  it('covers every route of the API', () => {
    const doc = openApiDocument(buildApi(h.ctx)) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    expect(routes.filter((r) => !(r in cases)).sort()).toEqual([]);
  });

  for (const who of ['station clerk', 'county administrator'] as const) {
    it.each(Object.keys(cases))(`${who}: %s`, async (route) => {
      const c = cases[route]!;
      const res = await c.run(who === 'station clerk' ? stationA : countyA);
      c.check(res);
    });
  }

  it("county B's records are unchanged after all of that", async () => {
    const w = await countyB.get(`/api/v1/workers/${b.worker}`);
    // Its version moved with the setup's own link to county B's work-relief project, which records that work.
    expect(w.body).toMatchObject({ name: '县B的人', skills: ['保洁'], employed: true, version: 3 });
    expect((await countyB.get(`/api/v1/workers/${b.worker}/employment`)).body.items).toHaveLength(3); // the job, the work-relief record made above, and the project link's
    expect((await countyB.get(`/api/v1/households/${b.household}`)).body.relocated).toBe(false);
    const accts = await countyB.get('/api/v1/accounts');
    expect(accts.body.items.find((a: { id: string }) => a.id === b.account).disabled).toBe(false);
    const region = await countyB.get(`/api/v1/regions/${REGIONS.countyB.code}`);
    expect(region.body.relocationSite).toBe(false);
    expect((await countyB.get(`/api/v1/vacancies/${b.vacancy}`)).body).toMatchObject({ status: 'open', filled: 1 });
    expect((await countyB.get(`/api/v1/applications/${b.application}`)).body).toMatchObject({ status: 'completed', paid: false });
    expect((await countyB.get('/api/v1/wage-cases')).body.items[0].status).toBe('open');
    expect((await countyB.get(`/api/v1/monitoring/reports/${b.report}`)).text).toContain(REGIONS.countyB.name);
    expect((await countyB.get('/api/v1/monitoring/warnings')).body.items).toEqual([expect.objectContaining({ id: b.warning, status: 'open' })]);
    expect((await countyB.get(`/api/v1/workers/${b.worker}/employment/${b.paymentRecord}/payments`)).body.items).toEqual([expect.objectContaining({ id: b.payment, amountDueFen: 300000, paidOn: null })]);
    expect((await countyB.get('/api/v1/monitoring/reviews')).body.items).toEqual([expect.objectContaining({ id: b.review, status: 'open' })]);
    expect((await countyB.get(`/api/v1/projects/${b.project}`)).body.name).toBe('县B帮扶车间');
    expect((await countyB.get(`/api/v1/projects/${b.relief}/workers`)).body.items).toEqual([expect.objectContaining({ id: b.link, agreementSigned: false, endsOn: null })]);
    expect((await countyB.get('/api/v1/monitoring/relocation-shares')).body.items).toEqual([expect.objectContaining({ regionCode: REGIONS.countyB.code, sharePct: 0 })]);
    expect((await countyB.get('/api/v1/sending-accounts')).body.items).toEqual([expect.objectContaining({ id: b.sendingAccount, dailyCeiling: 300, status: 'offline' })]);
    expect((await countyB.get('/api/v1/monitoring/targets?year=2026')).body.items).toEqual([expect.objectContaining({ metric: 'employed', target: 77 })]);
    expect((await countyB.get('/api/v1/notices')).body.items).toContainEqual(expect.objectContaining({ id: b.notice, readAt: null }));
    expect((await countyB.get(`/api/v1/fairs/${b.fair}`)).body).toMatchObject({ title: '县B春风行动招聘会', status: 'announced', counts: { signedUp: 1, checkedIn: 0 } });
    expect((await countyB.get(`/api/v1/employers/${b.employer}`)).body.name).toBe('县B企业');
    expect((await countyB.get(`/api/v1/broadcasts/${b.broadcast}`)).body.status).toBe('scheduled');
    expect((await countyB.get(`/api/v1/workers/${b.worker}/subscription`)).body.unsubscribedAll).toBe(false);
    expect((await countyB.get(`/api/v1/workers/${b.worker}`)).body.status).toBe('active');
    expect((await countyB.get(`/api/v1/workers/${b.worker}/consent`)).body).toMatchObject({ granted: true, history: [expect.objectContaining({ granted: true, channel: 'station_form' })] });
    expect((await countyB.get('/api/v1/help-requests')).body.items.find((r: { id: string }) => r.id === b.helpRequest)).toMatchObject({ status: 'open', note: null });
    expect((await countyB.get('/api/v1/policies/county_b_bonus')).body).toMatchObject({ version: 1, title: { 'zh-CN': '县B务工奖励' } });
    expect((await countyB.get('/api/v1/policies/county_b_bonus/eligible?notTold=false')).body.total).toBe(1);
    expect((await countyB.get('/api/v1/exports/requests')).body.items[0]).toMatchObject({ id: b.exportRequest, status: 'pending' });
    expect((await countyB.get(`/api/v1/rain-dew/${b.worker}`)).body.file).toMatchObject({ status: 'studying', school: '县B职校' });
    expect((await countyB.get(`/api/v1/rain-dew/${b.worker}`)).body.timeline).toHaveLength(1);
    expect((await countyB.get(`/api/v1/rain-dew/${b.worker}`)).body.plan.actions).toEqual([expect.objectContaining({ id: b.action, status: 'open' })]);
    expect((await countyB.get('/api/v1/chat-groups')).body.items.map((g: { id: string }) => g.id)).toEqual([b.chatGroup]);
    const followUps = (await countyB.get(`/api/v1/workers/${b.worker}/follow-ups`)).body.items;
    // The retention follow-up from the job recorded above (long past, so completed), the Rain Dew one, the fair's reminders, and the one B started.
    expect(followUps.map((f: { sequence: string; status: string }) => `${f.sequence}:${f.status}`).sort()).toEqual(['fair_reminder:active', 'job_retention:completed', 'job_search:active', 'rain_dew:active']);
    expect(followUps.find((f: { id: string }) => f.id === b.followUp)).toMatchObject({ sequence: 'job_search', status: 'active' });
  });
});
