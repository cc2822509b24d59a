import { Conversation } from '../../bots/conversation';
import { CATALOGUE } from '../../src/policies/catalogue';
import type { PolicyInput } from '../../src/policies/schemas';
import { systemClock } from '../../src/shared/clock';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

/**
 * At the real date, with no clock pinned: the transition period ended 2025-12-31 (seed 004 "政策执行
 * 期限截止2025年12月31日"), and what 人社部发〔2023〕44号 (seed 000 national 二(三), 二(五)) and
 * 红人社发〔2024〕2号 (seed 002 二(六), 二(八)) continue must still reach workers, employers and
 * labour agencies in the demo prefecture, each entry citing its source.
 */
describe('policies for today in the demo prefecture (Honghe 5325)', () => {
  let h: Harness;
  let county: Staff;
  const today = shanghaiDate(systemClock.now());
  const place: string = REGIONS.villageA.code;

  /** What the catalogue itself holds as in force today where the person lives, overrides applied. */
  const inForce = (audience: PolicyInput['audience']) => {
    const here = CATALOGUE.filter((p) => place.startsWith(p.regionCode ?? '') && (!p.validFrom || p.validFrom <= today) && (!p.validTo || p.validTo >= today));
    const replaced = new Set(here.map((p) => p.overrides).filter(Boolean));
    return here.filter((p) => p.audience === audience && !replaced.has(p.key));
  };
  const keys = (items: Array<{ key: string }>) => items.map((i) => i.key);
  /** Seed 000 national 二(六): only for students of lifted or monitored families with a Rain Dew file. */
  const RAIN_DEW = 'rain_dew_vocational_subsidy_2026';

  beforeAll(async () => {
    h = await createHarness({ clock: systemClock, env: { REGION_ROOT: REGIONS.prefecture.code } });
    await seedRegions(h.ctx.db);
    county = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  it('every audience has policies in force today, and none in force lacks its document, article and quote', () => {
    for (const audience of ['worker', 'employer', 'agency'] as const) expect(inForce(audience).length).toBeGreaterThan(0);
    for (const p of CATALOGUE.filter((x) => !x.validTo || x.validTo >= today)) {
      expect(p.source.document.length).toBeGreaterThan(4);
      expect(p.source.article).toMatch(/[一二三四五六七八九十]/);
      expect(p.source.quote?.length ?? 0).toBeGreaterThan(8);
    }
  });

  it('a lifted worker, an employer and a labour agency each see at least what is in force today', async () => {
    const listed = await county.get('/api/v1/policies');
    expect(listed.status).toBe(200);
    expect(keys(listed.body.items)).toEqual(expect.arrayContaining([...inForce('worker'), ...inForce('employer'), ...inForce('agency')].map((p) => p.key)));

    const w = await county.post('/api/v1/workers', workerInput({ name: '今天问政策的人', regionCode: place }));
    expect(w.status).toBe(201);
    const mine = (await county.get(`/api/v1/workers/${w.body.id}/policies`)).body;
    expect([...keys(mine.eligible), ...keys(mine.near)]).toEqual(expect.arrayContaining(keys(inForce('worker')).filter((k) => k !== RAIN_DEW)));

    const firm = await county.post('/api/v1/employers', { name: '元阳某企业', kind: 'enterprise', regionCode: REGIONS.countyA.code });
    expect(keys((await county.get(`/api/v1/employers/${firm.body.id}/policies`)).body.eligible)).toEqual(expect.arrayContaining(keys(inForce('employer'))));
    const agency = await county.post('/api/v1/employers', { name: '元阳某人力资源公司', kind: 'hr_agency', regionCode: REGIONS.countyA.code });
    expect(keys((await county.get(`/api/v1/employers/${agency.body.id}/policies`)).body.eligible)).toEqual(expect.arrayContaining(keys([...inForce('employer'), ...inForce('agency')])));
  });

  it('a student with a Rain Dew file sees the Rain Dew entry; a lifted person without one does not (seed 000 national 二(六))', async () => {
    expect(keys(inForce('worker'))).toContain(RAIN_DEW);
    const entry = CATALOGUE.find((p) => p.key === RAIN_DEW)!;
    expect(entry.source).toMatchObject({ seed: '000', article: '二(六)' });
    expect(entry.source.quote).toContain('继续实施雨露计划');
    expect(entry.benefit.amountFen).toBeNull();

    const student = await county.post('/api/v1/workers', workerInput({ name: '雨露计划学生', regionCode: place }));
    expect(student.status).toBe(201);
    const file = await county.post('/api/v1/rain-dew', { workerId: student.body.id, school: '红河职业技术学院', major: '电子商务', level: 'higher_vocational', enrolledOn: '2025-09-01', expectedGraduation: '2028-06-30' });
    expect(file.status).toBe(201);
    const theirs = (await county.get(`/api/v1/workers/${student.body.id}/policies`)).body;
    const item = theirs.eligible.find((i: { key: string }) => i.key === RAIN_DEW);
    expect(item).toBeDefined();
    expect(item.source).toBe('人社部发〔2023〕44号 二(六)');

    const other = await county.post('/api/v1/workers', workerInput({ name: '没有雨露档案的人', regionCode: place, category: 'lifted' }));
    expect(other.status).toBe(201);
    const mine = (await county.get(`/api/v1/workers/${other.body.id}/policies`)).body;
    expect([...keys(mine.eligible), ...keys(mine.near)]).not.toContain(RAIN_DEW);
  });

  it('the ended ones are listed apart, each with its successor or why it has none', async () => {
    const ended = (await county.get('/api/v1/policies?state=expired')).body.items as Array<{ key: string; state: string; successor: string | null; endNote: Record<string, string> | null }>;
    expect(ended.length).toBeGreaterThan(0);
    for (const p of ended) {
      expect(p.state).toBe('ended');
      expect(p.successor !== null || p.endNote !== null).toBe(true);
    }
  });

  it('the bot answers someone not yet bound with the catalogue, one line per benefit, ending with 回复 8 (seed 000 national 三(三))', async () => {
    const [reply] = await new Conversation(h.ctx).respond({ kind: 'text', text: '政策', senderId: 'wxid-not-bound-yet' });
    const lines = reply!.split('\n');
    expect(lines[lines.length - 1]).toBe('回复 8 找人帮您办');
    for (const p of inForce('worker')) expect(reply).toContain(p.title['zh-CN']);
    // Only what is in force: nothing of the ended transition-period list.
    expect(reply).not.toContain('跨省就业一次性交通补助');
  });
});
