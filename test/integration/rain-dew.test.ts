import { and, eq, inArray } from 'drizzle-orm';
import { Conversation } from '../../bots/conversation';
import request from 'supertest';
import { followUps, followUpSteps, identities, rainDewFiles, workers } from '../../src/db/schema';
import { startWorkers } from '../../jobs/workers';
import { fireStep } from '../../src/outreach/follow-ups';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { north, verifiedEmployer } from '../helpers/market';
import { csv } from '../helpers/sheets';
import { until } from '../helpers/wait';
import { createHarness, type Harness } from '../helpers/harness';
import { drainEvents } from '../helpers/events';

const NOON = '2026-07-10T04:00:00Z';

/** 一人一档 for Rain Dew Plan students (seeds 000 §3, 001 §2.5, 002 §2.7). */
describe('Rain Dew files', () => {
  let h: Harness;
  let station: Staff;
  const clock = new ManualClock(NOON);

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  const student = async (name: string, over: Record<string, unknown> = {}) => {
    const w = (await station.post('/api/v1/workers', workerInput({ name, birthDate: undefined }))).body;
    const res = await station.post('/api/v1/rain-dew', { workerId: w.id, school: '红河职业技术学院', major: '电子商务', level: 'higher_vocational', enrolledOn: '2023-09-01', expectedGraduation: '2026-06-30', caseWorkerId: station.id, ...over });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return w.id as string;
  };

  it('keeps one file per person: school, subsidies, every contact and change of status, the register’s jobs, on one page', async () => {
    // Left school early (expected at the end of the year), found work by July.
    const id = await student('雨露学生甲', { expectedGraduation: '2026-12-30' });
    expect((await station.post('/api/v1/rain-dew', { workerId: id, school: 'x', major: 'y', level: 'other', enrolledOn: '2023-09-01', expectedGraduation: '2026-12-30' })).status).toBe(409);
    await station.post(`/api/v1/rain-dew/${id}/subsidies`, { term: '2025年秋季学期', amountFen: 150000, paidOn: '2025-10-20' });
    await station.patch(`/api/v1/rain-dew/${id}`, { status: 'graduated' });
    await station.post(`/api/v1/rain-dew/${id}/contacts`, { channel: 'phone', outcome: '在昆明找电商客服岗位', status: 'seeking' });
    await station.post(`/api/v1/workers/${id}/employment`, { employerName: '昆明某电商公司', placeRegionCode: REGIONS.countyA.code, startDate: '2026-07-01', monthlyIncomeFen: 380000 });
    await drainEvents(h);
    const done = await station.post(`/api/v1/rain-dew/${id}/contacts`, { channel: 'visit', outcome: '已入职，月薪3800元', status: 'employed' });
    expect(done.status).toBe(200);
    const file = (await station.get(`/api/v1/rain-dew/${id}`)).body;
    expect(file.person.idNumber).toMatch(/\*{8}/);
    expect(file.file).toMatchObject({ school: '红河职业技术学院', status: 'employed', graduatedOn: '2026-07-10' });
    expect(file.timeline.map((e: { kind: string; toStatus: string | null; channel: string | null }) => [e.kind, e.toStatus ?? e.channel])).toEqual([
      ['status', 'studying'],
      ['status', 'graduated'],
      ['contact', 'phone'],
      ['status', 'seeking'],
      // The job recorded in the register moves the file by itself; the visit only confirms it.
      ['status', 'employed'],
      ['contact', 'visit'],
    ]);
    expect(file.subsidies).toEqual([{ term: '2025年秋季学期', amountFen: 150000, paidOn: '2025-10-20' }]);
    expect(file.employment).toEqual([expect.objectContaining({ employerName: '昆明某电商公司', monthlyIncomeFen: 380000 })]);
    // The page names the staff on the file and the sessions the person enrolled in, not their internal ids.
    expect(file.staff[station.id]).toBe('测试工作人员');
    expect(file.timeline.filter((e: { kind: string }) => e.kind === 'contact').every((e: { by: string }) => file.staff[e.by] === '测试工作人员')).toBe(true);
    const s = (await station.post('/api/v1/trainings', { kind: 'upskilling', title: '电商运营培训', provider: '县职校', regionCode: REGIONS.countyA.code, startDate: '2026-08-01', endDate: '2026-08-05', capacity: 10 })).body;
    expect((await station.post(`/api/v1/trainings/${s.id}/enrolments`, { workerId: id })).status).toBe(201);
    const again = (await station.get(`/api/v1/rain-dew/${id}`)).body;
    expect(again.trainings).toEqual([{ title: '电商运营培训', startDate: '2026-08-01', status: 'enrolled' }]);
  });

  it('lists graduates without work first, longest first, then those not contacted for longest, with the region’s totals', async () => {
    const early = await student('早毕业未就业', { expectedGraduation: '2026-01-15' });
    await station.patch(`/api/v1/rain-dew/${early}`, { status: 'seeking' });
    const late = await student('晚毕业未就业');
    await station.patch(`/api/v1/rain-dew/${late}`, { status: 'graduated' });
    await student('还在上学', { expectedGraduation: '2027-06-30' });
    const list = (await station.get('/api/v1/rain-dew?pageSize=50')).body;
    const names = list.items.map((i: { name: string }) => i.name);
    expect(names.indexOf('早毕业未就业')).toBeLessThan(names.indexOf('还在上学'));
    expect(names.indexOf('晚毕业未就业')).toBeLessThan(names.indexOf('还在上学'));
    expect(names[names.length - 1]).toBe('雨露学生甲');
    expect(list.totals).toMatchObject({ files: 4, employed: 1, graduated: 3, contactedThisMonth: 1, overdue: 0, employedShare: 0.333 });
    const seeking = (await station.get('/api/v1/rain-dew?status=seeking')).body.items.map((i: { name: string }) => i.name);
    expect(seeking).toEqual(['早毕业未就业']);
  });

  it('refuses a case worker from elsewhere and impossible dates, in plain words', async () => {
    const other = await signIn(h, appOf(h), { regionCode: REGIONS.countyB.code });
    const w = (await station.post('/api/v1/workers', workerInput({ name: '日期不对' }))).body;
    const bad = await station.post('/api/v1/rain-dew', { workerId: w.id, school: 's', major: 'm', level: 'other', enrolledOn: '2026-09-01', expectedGraduation: '2025-06-30' });
    expect(bad.status).toBe(400);
    const stranger = await station.post('/api/v1/rain-dew', { workerId: w.id, school: 's', major: 'm', level: 'other', enrolledOn: '2023-09-01', expectedGraduation: '2026-06-30', caseWorkerId: other.id });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.details[0]).toMatchObject({ path: 'body.caseWorkerId' });
  });

  it('keeps a plan (一生一策) with actions, shows overdue ones in the worklist, and suggests a public-welfare post only after six months', async () => {
    const id = await student('有计划的人', { expectedGraduation: '2026-12-30' });
    await station.patch(`/api/v1/rain-dew/${id}`, { status: 'graduated' });
    expect((await station.put(`/api/v1/rain-dew/${id}/plan`, { goal: '在省内找到电商相关工作' })).status).toBe(200);
    const added = await station.post(`/api/v1/rain-dew/${id}/actions`, { kind: 'guidance', description: '职业指导一次', dueOn: '2026-07-05' });
    expect(added.body.plan).toMatchObject({ goal: '在省内找到电商相关工作', actions: [expect.objectContaining({ kind: 'guidance', status: 'open', overdue: true })] });
    await station.post(`/api/v1/rain-dew/${id}/actions`, { kind: 'referral', description: '推荐县城电商岗位', dueOn: '2026-08-01' });
    const overdue = (await station.get('/api/v1/rain-dew?overdue=true')).body.items;
    expect(overdue.map((i: { name: string; overdueActions: number }) => [i.name, i.overdueActions])).toEqual([['有计划的人', 1]]);
    expect((await station.get('/api/v1/rain-dew')).body.totals.overdue).toBe(1);
    const actionId = added.body.plan.actions[0].id;
    expect((await station.post(`/api/v1/rain-dew/actions/${actionId}/close`, { status: 'done', outcome: '已做职业指导' })).status).toBe(200);
    expect((await station.post(`/api/v1/rain-dew/actions/${actionId}/close`, { status: 'done', outcome: '再关一次' })).status).toBe(409);
    expect((await station.get('/api/v1/rain-dew?overdue=true')).body.items).toEqual([]);

    // Graduated today (10 July): no public-welfare suggestion yet; six months on, one is suggested.
    const now = (await station.get(`/api/v1/rain-dew/${id}/suggestions`)).body;
    expect(now).toMatchObject({ consent: true, publicWelfare: null });
    clock.set('2027-01-11T04:00:00Z');
    const later = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const after = (await later.get(`/api/v1/rain-dew/${id}/suggestions`)).body;
    expect(after.publicWelfare.reason).toContain('6个月');
    expect((await later.get(`/api/v1/rain-dew/${id}`)).body.file.status).toBe('graduated');
    clock.set(NOON);
  });

  it('opens and corrects files from a graduate list through the registry’s import: dry run, row-level reasons, upsert by ID number', async () => {
    const running = startWorkers(h.ctx, { only: ['imports'] });
    try {
      const ids = { zhang: validIdNumber({ birth: '2006-03-01' }), li: validIdNumber({ birth: '2005-05-05' }), wang: validIdNumber({ birth: '2005-08-08' }), bad1: validIdNumber({ birth: '2006-01-01' }), bad2: validIdNumber({ birth: '2006-02-02' }), known: validIdNumber({ birth: '2005-11-11' }) };
      const known = (await station.post('/api/v1/workers', workerInput({ name: '已登记学生', idNumber: ids.known, birthDate: undefined }))).body.id as string;
      const header = ['姓名', '证件号码', '就读学校', '所学专业', '学校层次', '入学年份', '毕业时间', '是否已就业', '就业单位名称', '就业时间', '行政区划代码'];
      const list = (zhangGraduates: string) =>
        csv([
          header,
          ['张同学', ids.zhang, '红河州职业技术学院', '护理', '高职', '2024', zhangGraduates, '否', '', '', REGIONS.villageA.code],
          ['李同学', ids.li, '元阳县职业高级中学', '数控技术应用', '中职', '2023', '2026年6月', '否', '', '', REGIONS.villageA.code],
          ['王同学', ids.wang, '云南技师学院', '汽车维修', '技工院校', '2023', '2026-06', '是', '蒙自某汽修厂', '2026-06-15', REGIONS.villageA.code],
          ['错层次', ids.bad1, '某大学', '会计', '本科', '2022', '2026-06', '', '', '', REGIONS.villageA.code],
          ['缺毕业', ids.bad2, '某职校', '会计', '中职', '2024', '', '', '', '', REGIONS.villageA.code],
          ['已登记学生', ids.known, '元阳县职业高级中学', '电子商务', '职高', '2024', '2027-06', '', '', '', REGIONS.villageA.code],
        ]);
      const upload = (file: Buffer, query = '') => request(appOf(h)).post(`/api/v1/imports${query}`).set('Authorization', `Bearer ${station.token}`).attach('file', file, '雨露计划毕业生.csv');
      const finished = async (id: string) => until(async () => (await station.get(`/api/v1/imports/${id}`)).body, (b) => b.status === 'done');

      const dry = await upload(list('2027-06'), '?dryRun=true');
      expect(dry.status).toBe(200);
      expect(dry.body.counts).toEqual({ created: 3, updated: 1, unchanged: 0, rejected: 2 });
      expect(dry.body.rows).toEqual([
        { row: 5, column: '学校层次', reason: '学校层次应为：中职（中专、职高）、高职（大专）、技工院校、其他之一' },
        { row: 6, column: '毕业时间', reason: '必填' },
      ]);
      expect(await h.ctx.db.select().from(rainDewFiles).where(eq(rainDewFiles.workerId, known))).toEqual([]);

      const run = await upload(list('2027-06'));
      expect(run.status).toBe(202);
      expect((await finished(run.body.id)).counts).toEqual({ created: 3, updated: 1, unchanged: 0, rejected: 2 });
      const files = await h.ctx.db.select({ name: workers.name, f: rainDewFiles }).from(rainDewFiles).innerJoin(workers, eq(workers.id, rainDewFiles.workerId)).where(inArray(workers.name, ['张同学', '李同学', '王同学', '已登记学生']));
      const byName = Object.fromEntries(files.map((r) => [r.name, r.f]));
      // 10 July 2026: still at school, graduated in June without work, graduated into a job.
      expect(byName['张同学']).toMatchObject({ status: 'studying', level: 'higher_vocational', enrolledOn: '2024-09-01', expectedGraduation: '2027-06-01', graduatedOn: null });
      expect(byName['李同学']).toMatchObject({ status: 'graduated', level: 'secondary_vocational', major: '数控技术应用', graduatedOn: '2026-06-01' });
      expect(byName['王同学']).toMatchObject({ status: 'employed', level: 'technician' });
      expect(byName['已登记学生']).toMatchObject({ status: 'studying', school: '元阳县职业高级中学', major: '电子商务' });
      // Each is followed by chat; the student's first question waits in the queue for its day.
      const zhang = byName['张同学']!.workerId;
      const plan = (await station.get(`/api/v1/workers/${zhang}/follow-ups`)).body.items.find((f: { sequence: string; status: string }) => f.sequence === 'rain_dew' && f.status === 'active');
      expect(plan.steps.map((x: { step: string; dueAt: string }) => [x.step, x.dueAt])).toEqual([
        ['before_90', '2027-03-03T02:00:00.000Z'],
        ['graduation', '2027-06-01T02:00:00.000Z'],
        ['month_1', '2027-07-01T02:00:00.000Z'],
        ['month_3', '2027-09-01T02:00:00.000Z'],
        ['month_6', '2027-12-01T02:00:00.000Z'],
        ['month_12', '2028-06-01T02:00:00.000Z'],
      ]);
      const [firstStep] = await h.ctx.db.select({ id: followUpSteps.id }).from(followUpSteps).innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId)).where(and(eq(followUps.workerId, zhang), eq(followUps.status, 'active'), eq(followUpSteps.step, 'before_90')));
      expect(await (await h.ctx.queues.queue('outreach').getJob(firstStep!.id))?.getState()).toBe('delayed');

      // The same list again changes nothing; a corrected graduation date re-plans the follow-up.
      const again = await upload(list('2027-06'));
      expect((await finished(again.body.id)).counts).toEqual({ created: 0, updated: 0, unchanged: 4, rejected: 2 });
      const corrected = await upload(list('2027年7月'));
      expect((await finished(corrected.body.id)).counts).toEqual({ created: 0, updated: 1, unchanged: 3, rejected: 2 });
      const replanned = (await station.get(`/api/v1/workers/${zhang}/follow-ups`)).body.items.find((f: { sequence: string; status: string }) => f.sequence === 'rain_dew' && f.status === 'active');
      expect(replanned.anchorDate).toBe('2027-07-01');
      expect((await station.get(`/api/v1/rain-dew/${zhang}`)).body.file.expectedGraduation).toBe('2027-07-01');
    } finally {
      await running.close();
    }
  });

  it('puts graduates without work first among the candidates for a post that fits their major, and suggests such posts to their case worker', async () => {
    const employer = await verifiedEmployer(station, { name: '元阳县人民医院' });
    const post = (
      await station.post('/api/v1/vacancies', { employerId: employer.id, kind: 'regular', title: '住院部护工', description: '照护住院老人', regionCode: REGIONS.townA.code, ...north(3), payMinFen: 300000, payMaxFen: 360000, payUnit: 'month', requiredSkills: ['养老护理'], headcount: 3 })
    ).body;
    const nurse = await student('护理毕业生', { major: '护理', expectedGraduation: '2026-06-30' });
    const machinist = await student('数控毕业生', { major: '数控技术应用', expectedGraduation: '2026-06-30' });
    await h.ctx.db.update(workers).set({ skills: [], homeLat: north(4).lat, homeLng: north(4).lng }).where(inArray(workers.id, [nurse, machinist]));
    const carer = (await station.post('/api/v1/workers', workerInput({ name: '有护理技能', skills: ['养老护理'], homeLat: north(3).lat, homeLng: north(3).lng }))).body.id as string;

    const res = await station.get(`/api/v1/vacancies/${post.id}/candidates`);
    expect(res.status).toBe(200);
    const order = res.body.items.map((c: { workerId: string }) => c.workerId);
    expect(order[0]).toBe(nurse);
    expect(res.body.items[0].reasons[0]).toBe('雨露计划毕业生，专业对口（护理）');
    expect(order).toContain(carer);
    // A graduate of another trade is not put first for it.
    expect(res.body.items.filter((c: { reasons: string[] }) => c.reasons[0]?.startsWith('雨露计划')).map((c: { workerId: string }) => c.workerId)).toEqual([nurse]);
    const en = await station.get(`/api/v1/vacancies/${post.id}/candidates`).set('Accept-Language', 'en');
    expect(en.body.items[0].reasons[0]).toBe('Rain Dew graduate, trained for this (护理)');

    const suggested = (await station.get(`/api/v1/rain-dew/${nurse}/suggestions`)).body;
    expect(suggested.vacancies[0]).toMatchObject({ id: post.id, reasons: expect.arrayContaining(['雨露计划毕业生，专业对口（护理）']) });
    const other = (await station.get(`/api/v1/rain-dew/${machinist}/suggestions`)).body;
    expect(other.vacancies.flatMap((v: { reasons: string[] }) => v.reasons)).not.toContain('雨露计划毕业生，专业对口（数控技术应用）');
  });

  describe('followed by chat until steady work', () => {
    const stepOf = async (workerId: string, step: string) => {
      const [row] = await h.ctx.db
        .select({ id: followUpSteps.id })
        .from(followUpSteps)
        .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
        .where(and(eq(followUps.workerId, workerId), eq(followUps.sequence, 'rain_dew'), eq(followUps.status, 'active'), eq(followUpSteps.step, step)));
      return row!.id;
    };
    afterEach(() => clock.set(NOON));

    it('a reply of 1 records the job in two short questions (small talk between is not an answer); 2 brings today’s best matches', async () => {
      const working = await student('回复一号');
      const looking = await student('回复二号');
      await h.ctx.db.insert(identities).values([
        { workerId: working, kind: 'wechat_contact', value: 'wxid-rd-1' },
        { workerId: looking, kind: 'wechat_contact', value: 'wxid-rd-2' },
      ]);
      // One month after graduation (2026-06-30), 10:00 Beijing time.
      clock.set('2026-07-30T02:00:00Z');
      expect(await fireStep(h.ctx, await stepOf(working, 'month_1'))).toBe('fired');
      expect(await fireStep(h.ctx, await stepOf(looking, 'month_1'))).toBe('fired');
      const c = new Conversation(h.ctx);
      const say = async (who: string, text: string) => (await c.respond({ kind: 'text', text, senderId: who })).join('\n');
      expect(await say('wxid-rd-1', '1')).toContain('在哪个单位工作');
      // Small talk meanwhile is answered as such and the question asked again, never taken as the employer.
      expect(await say('wxid-rd-1', '好的')).toBe('好的。要找活回复“找活”，要找人回复“8”。\n太好了！在哪个单位工作？请回复单位名称。');
      expect(await say('wxid-rd-1', '红河某酒店')).toContain('每月大概挣多少钱');
      expect(await say('wxid-rd-1', '3200元')).toContain('祝工作顺利');
      expect(await say('wxid-rd-2', '２')).toContain('我们会帮您留意');
      clock.set(NOON);
      const file = (await station.get(`/api/v1/rain-dew/${working}`)).body;
      expect(file.file.status).toBe('employed');
      expect(file.employment).toEqual([expect.objectContaining({ employerName: '红河某酒店', monthlyIncomeFen: 320000 })]);
      expect((await station.get(`/api/v1/rain-dew/${looking}`)).body.file.status).toBe('seeking');
      // Once answered, "1" is the menu's 找工作 again.
      clock.set('2026-07-30T03:00:00Z');
      expect(await say('wxid-rd-2', '1')).not.toContain('在哪个单位工作');
    });

    it('two questions without an answer become a task for the case worker instead of more messages', async () => {
      const silent = await student('不回复');
      clock.set('2026-07-30T02:00:00Z');
      expect(await fireStep(h.ctx, await stepOf(silent, 'month_1'))).toBe('fired');
      clock.set('2026-09-30T02:00:00Z');
      expect(await fireStep(h.ctx, await stepOf(silent, 'month_3'))).toBe('fired');
      clock.set('2026-12-30T02:00:00Z');
      expect(await fireStep(h.ctx, await stepOf(silent, 'month_6'))).toBe('stopped:no_reply');
      // Chat opens the task when it hears of the unanswered questions.
      expect(await drainEvents(h)).toContain('follow_up.unanswered:chat.task');
      clock.set(NOON);
      const tasks = (await station.get('/api/v1/help-requests?status=open')).body.items.filter((r: { workerId: string }) => r.workerId === silent);
      expect(tasks).toHaveLength(1);
      expect(tasks[0].door).toBe('follow_up');
    });

    it('stops when the graduate has held the same job for six months', async () => {
      const steady = await student('稳定就业');
      await station.post(`/api/v1/workers/${steady}/employment`, { employerName: '县城工厂', placeRegionCode: REGIONS.countyA.code, startDate: '2026-07-01' });
      await drainEvents(h);
      // At six months (end of December) the job is not yet six months old: the question goes out.
      clock.set('2026-12-30T02:00:00Z');
      expect(await fireStep(h.ctx, await stepOf(steady, 'month_6'))).toBe('fired');
      clock.set('2027-06-30T02:00:00Z');
      expect(await fireStep(h.ctx, await stepOf(steady, 'month_12'))).toBe('stopped:steady_work');
    });
  });
});
