import { inArray } from 'drizzle-orm';
import type { Browser, Locator, Page } from 'playwright-core';
import { employmentRecords, regions, workers } from '../../src/db/schema';
import { addMonths } from '../../src/monitoring/figures';
import { currentMonth } from '../../src/monitoring/service';
import { appOf, signIn } from '../helpers/api';
import { makeAccount, PASSWORD, REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { chooseFound, openConsole, type ConsoleRig } from '../helpers/console';
import { createHarness, type Harness } from '../helpers/harness';

// A browser test walks many pages; on a busy two-core machine one test can take minutes. The limit only catches a hang.
jest.setTimeout(180_000);

/**
 * Figures by region in a real browser, at today's date: a prefecture administrator compares the counties month by
 * month (seed 000 national §3.2, seed 001 §3.2: 务工规模 and 务工收入 with 同比 and 环比), drills down to a county's
 * townships and a township's villages, opens a township's 13 months, and the address alone shows a colleague the
 * same; on a 390 px phone and by keyboard alone too. M is the month in progress, P the one before, Y a year before.
 *
 *   元阳县 › 南沙镇:  a1 lifted, in work from Y (3,000 yuan); a2 防止返贫致贫对象, in work from P (5,000); a3 lifted, never;
 *                    a4 农村低收入人口, in work from Y (2,000) — counted apart
 *   元阳县 › 新街镇:  nobody
 *   红河县 › 迤萨镇:  b1 lifted, in work in Y only; b2 lifted, in work from M; b3 监测对象, in work from Y
 *
 *   脱贫人口（含监测对象）in work   M   P   Y   环比     同比
 *     元阳县                      2   2   1   0%       +100%
 *     红河县                      2   1   2   +100%    0%
 *     南沙镇 (元阳县)              2   2   1   0%       +100%;   its 13 months: 1 × 11, then 2, 2
 */

describe('the console: figures by region', () => {
  let h: Harness;
  let rig: ConsoleRig;
  let base: string;
  let browser: Browser;
  let page: Page;
  const M = currentMonth(new Date());
  const P = addMonths(M, -1);
  const Y = addMonths(M, -12);
  const LONG_AGO = addMonths(M, -40);
  const first = (month: string) => `${month}-01`;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    await h.ctx.db.insert(regions).values({ code: '532528102', name: '新街镇', level: 4, parentCode: REGIONS.countyA.code }).onConflictDoNothing();
    await makeAccount(h.ctx.db, { username: 'honghe-admin', role: 'prefecture', regionCode: REGIONS.prefecture.code });
    const staff = await signIn(h, appOf(h), { role: 'prefecture', regionCode: REGIONS.prefecture.code });
    const p: Record<string, string> = {};
    const person = async (name: string, over: Record<string, unknown> = {}) => {
      p[name] = (await staff.post('/api/v1/workers', workerInput({ name, skills: [], ...over }))).body.id;
    };
    await person('a1');
    await person('a2', { category: 'at_risk', monitoringType: 'unstable' });
    await person('a3');
    await person('a4', { category: 'low_income' });
    await person('b1', { regionCode: REGIONS.villageB.code });
    await person('b2', { regionCode: REGIONS.villageB.code });
    await person('b3', { regionCode: REGIONS.villageB.code, category: 'monitored', monitoringType: 'marginal' });
    // Registered three years ago: before that, the register was empty.
    await h.ctx.db.update(workers).set({ createdAt: new Date(`${first(addMonths(M, -36))}T00:00:00Z`) }).where(inArray(workers.id, Object.values(p)));
    const job = (who: string, from: string, to: string | null, incomeYuan: number) => ({ workerId: p[who]!, startDate: from, endDate: to, placeRegionCode: REGIONS.countyA.code, monthlyIncomeFen: incomeYuan * 100, kind: 'regular' as const, source: 'station' as const });
    await h.ctx.db.insert(employmentRecords).values([
      job('a1', first(Y), null, 3000),
      job('a2', first(P), null, 5000),
      job('a4', first(Y), null, 2000),
      job('b1', first(Y), `${addMonths(Y, 1)}-10`, 3000),
      job('b2', first(M), null, 3000),
      job('b3', first(Y), null, 3000),
    ]);
    rig = await openConsole(h);
    ({ base, browser } = rig);
    page = await rig.page();
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await h?.close();
  });

  const shot = (p: Page, name: string) => rig.shot(p, name);
  /** A region's row of the comparison table. */
  const row = (p: Page, name: string) => p.getByTestId('regions').locator('.ant-table-row').filter({ has: p.locator('td:nth-child(2)', { hasText: new RegExp(`^${name}$`) }) });
  const cells = async (r: Locator) => (await r.locator('td').allTextContents()).map((s) => s.trim());
  /** Waits for a row to read as expected from cell `from` on (the previous answer stays on screen until the next one comes). */
  const reads = async (r: Locator, expected: string[], from = 0) => {
    const exactly = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    for (const [i, text] of expected.entries()) await r.locator(`td:nth-child(${from + i + 1})`, { hasText: exactly(text) }).waitFor();
    expect((await cells(r)).slice(from, from + expected.length)).toEqual(expected);
  };
  const signInAs = async (p: Page) => {
    await p.goto(`${base}/console`);
    await p.getByLabel('用户名').fill('honghe-admin');
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByTestId('region').getByText('辖区：红河哈尼族彝族自治州').waitFor();
  };
  const noSidewaysScroll = (p: Page) => p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  it('compares the counties of the prefecture with 环比 and 同比, and drills down to a township’s villages', async () => {
    await signInAs(page);
    await page.getByRole('menuitem', { name: '监测与报表' }).click();
    await page.getByRole('tab', { name: '分区对比' }).click();
    await row(page, '元阳县').waitFor();
    // rank, region, this month, month before, 环比, a year before, 同比
    expect((await cells(row(page, '元阳县'))).slice(0, 7)).toEqual(['1', '元阳县', '2', '2', '0%', '1', '+100%']);
    expect((await cells(row(page, '红河县'))).slice(0, 7)).toEqual(['2', '红河县', '2', '1', '+100%', '2', '0%']);
    await page.getByTestId('region-total').getByText('4', { exact: true }).waitFor();
    await page.getByText(`环比对比 ${P}，同比对比 ${Y}`).waitFor();
    expect(page.url()).toContain('tab=regions');
    await shot(page, 'regions-prefecture');

    await row(page, '元阳县').getByRole('link', { name: '查看元阳县的下级地区' }).click();
    await row(page, '南沙镇').waitFor();
    expect((await cells(row(page, '南沙镇'))).slice(0, 7)).toEqual(['1', '南沙镇', '2', '2', '0%', '1', '+100%']);
    // A township with nobody registered is shown, with zeros, not left out.
    expect((await cells(row(page, '新街镇'))).slice(0, 7)).toEqual(['2', '新街镇', '0', '0', '—', '0', '—']);
    expect(page.url()).toContain(`region=${REGIONS.countyA.code}`);
    await shot(page, 'regions-county');

    await row(page, '南沙镇').getByRole('link', { name: '查看南沙镇的下级地区' }).click();
    await row(page, '南沙村委会').waitFor();
    await page.locator('.ant-breadcrumb').getByText('南沙镇').waitFor();
    // The way back up, by the breadcrumb.
    await page.locator('.ant-breadcrumb').getByRole('link', { name: '元阳县' }).click();
    await row(page, '新街镇').waitFor();
  });

  it('opens a township’s 13 months, and the address alone shows the same to whoever opens it', async () => {
    await row(page, '南沙镇').getByRole('link', { name: '南沙镇近13个月走势' }).click();
    const trend = page.getByTestId('region-trend');
    await trend.getByRole('heading', { name: '南沙镇 · 务工规模（人） · 近13个月' }).waitFor();
    await trend.getByTestId('trend-chart').locator('svg').waitFor();
    const months = trend.locator('.ant-table-row');
    expect(await months.count()).toBe(13);
    expect(await cells(months.first())).toEqual([Y, '1', '3']);
    expect(await cells(months.nth(11))).toEqual([P, '2', '3']);
    expect(await cells(months.last())).toEqual([M, '2', '3']);
    await shot(page, 'regions-trend');

    // Average income instead: yuan, not fen, and the same figures in the table and the trend.
    await page.getByLabel('指标').click();
    await page.locator('.ant-select-item-option', { hasText: '月均务工收入' }).click();
    await reads(row(page, '南沙镇'), ['4,000 元', '4,000 元', '0%', '3,000 元', '+33.3%'], 2);
    await trend.getByRole('heading', { name: '南沙镇 · 月均务工收入 · 近13个月' }).waitFor();
    await reads(months.last(), [M, '4,000 元', '3', '2']);

    // The whole view is in the address: opened afresh, it comes back as it was.
    const link = page.url();
    expect(link).toContain('measure=incomeAvgFen');
    expect(link).toContain(`trend=${REGIONS.townA.code}`);
    const colleague = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    try {
      await signInAs(colleague);
      await colleague.goto(link);
      await colleague.getByTestId('region-trend').getByRole('heading', { name: '南沙镇 · 月均务工收入 · 近13个月' }).waitFor();
      expect((await cells(row(colleague, '南沙镇'))).slice(2, 3)).toEqual(['4,000 元']);
    } finally {
      await colleague.close();
    }
    await page.getByTestId('region-trend').getByRole('link', { name: '收起走势' }).click();
    await page.getByTestId('region-trend').waitFor({ state: 'detached' });
  });

  it('keeps 农村低收入人口 apart, and a month with nothing shows zeros and a hint, never a spinner', async () => {
    await page.getByTestId('regions').locator('.ant-segmented-item', { hasText: '农村低收入人口' }).click();
    await reads(row(page, '南沙镇'), ['1', '南沙镇', '2,000 元']);
    await page.goto(`${base}/console/monitoring?tab=regions&region=${REGIONS.countyA.code}&month=${LONG_AGO}`);
    await page.getByTestId('regions-empty').getByText('这个月还没有统计数字，各地区都是 0').waitFor();
    expect((await cells(row(page, '南沙镇'))).slice(1, 3)).toEqual(['南沙镇', '0']);
    expect(await page.locator('.ant-spin-spinning').count()).toBe(0);
    await shot(page, 'regions-empty');
  });

  it('works on a 390 px phone: nothing wider than the screen, drilling and the trend included', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    try {
      await signInAs(phone);
      await phone.goto(`${base}/console/monitoring?tab=regions`);
      await row(phone, '元阳县').waitFor();
      expect(await noSidewaysScroll(phone)).toBe(0);
      await row(phone, '元阳县').getByRole('link', { name: '查看元阳县的下级地区' }).click();
      await row(phone, '南沙镇').getByRole('link', { name: '南沙镇近13个月走势' }).click();
      await phone.getByTestId('region-trend').getByTestId('trend-chart').locator('svg').waitFor();
      await phone.waitForLoadState('networkidle');
      expect(await noSidewaysScroll(phone)).toBe(0);
      await shot(phone, 'regions-phone');
    } finally {
      await phone.close();
    }
  });

  it('is usable by keyboard alone: Tab to a county, Enter to drill, Tab to a township’s trend, Enter to open it', async () => {
    const context = await browser.newContext({ viewport: { width: 1093, height: 614 }, deviceScaleFactor: 1.25, locale: 'zh-CN' });
    const kb = await context.newPage();
    try {
      await kb.goto(`${base}/console`);
      await kb.getByLabel('用户名').waitFor();
      await kb.keyboard.type('honghe-admin');
      await kb.keyboard.press('Tab');
      await kb.keyboard.type(PASSWORD);
      await kb.keyboard.press('Enter');
      await kb.getByTestId('region').getByText('辖区：红河哈尼族彝族自治州').waitFor();
      await kb.goto(`${base}/console/monitoring?tab=regions`);
      await row(kb, '元阳县').waitFor();
      const label = () => kb.evaluate<string>("document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? ''");
      const tabTo = async (wanted: string) => {
        for (let i = 0; i < 80 && (await label()) !== wanted; i++) await kb.keyboard.press('Tab');
        expect(await label()).toBe(wanted);
      };
      await tabTo('查看元阳县的下级地区');
      await kb.keyboard.press('Enter');
      await row(kb, '新街镇').waitFor();
      await tabTo('南沙镇近13个月走势');
      await kb.keyboard.press('Enter');
      const heading = kb.getByTestId('region-trend').getByRole('heading', { name: '南沙镇 · 务工规模（人） · 近13个月' });
      await heading.waitFor();
      // The focus goes with the reader to what opened.
      await kb.waitForFunction("document.activeElement?.tagName === 'H4'");
      expect(await kb.evaluate<string>("document.activeElement?.textContent ?? ''")).toBe('南沙镇 · 务工规模（人） · 近13个月');
      await tabTo('收起走势');
      await kb.keyboard.press('Enter');
      await kb.getByTestId('region-trend').waitFor({ state: 'detached' });
      expect(await noSidewaysScroll(kb)).toBeLessThanOrEqual(1);
      await rig.shot(kb, 'regions-keyboard');
    } finally {
      await context.close();
    }
  });

  it('adds a person to a work-relief project and sees the county’s relocation-site share move (seed 004 §15)', async () => {
    // 南沙安置区 is a relocation site; 王本地 is already on the project, so the share is 0 of 1 against the county's 50 %.
    await h.ctx.db.insert(regions).values({ code: '532528101297', name: '南沙安置区', level: 5, parentCode: REGIONS.townA.code, relocationSite: true }).onConflictDoNothing();
    const staff = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyA.code });
    const project = (await staff.post('/api/v1/projects', { kind: 'work_relief', name: '南沙水渠以工代赈', regionCode: REGIONS.countyA.code, startedOn: `${M.slice(0, 4)}-01-01` })).body.id as string;
    const local = (await staff.post('/api/v1/workers', workerInput({ name: '王本地', skills: [] }))).body.id as string;
    expect((await staff.post(`/api/v1/projects/${project}/workers`, { workerId: local, startsOn: first(M), agreementSigned: true })).status).toBe(201);
    expect((await staff.put('/api/v1/monitoring/relocation-shares', { regionCode: REGIONS.countyA.code, sharePct: 50 })).status).toBe(200);
    expect((await staff.post('/api/v1/workers', workerInput({ name: '李搬迁', skills: [], regionCode: '532528101297' }))).status).toBe(201);

    const page = await rig.page();
    await signInAs(page);
    await page.goto(`${base}/console/monitoring?tab=projects&county=${REGIONS.countyA.code}`);
    await page.getByTestId('projects').getByRole('button', { name: '南沙水渠以工代赈' }).click();
    const panel = page.getByTestId('project-panel');
    await panel.getByTestId('project-share').getByText('未达比例').waitFor();
    await chooseFound(page, panel.locator('#project-person'), '李搬迁', '李搬迁');
    await panel.getByLabel('已签订劳动合同/协议').check();
    await panel.getByRole('button', { name: '登记务工' }).click();
    await panel.getByRole('cell', { name: '李搬迁', exact: true }).waitFor();
    await panel.getByTestId('project-share').getByText('搬迁群众 1/2 人，占 50%（县定比例 50%）').waitFor();
    expect(await panel.getByTestId('project-share').getByText('未达比例').count()).toBe(0);
    // The month's row of the share's history moved with it.
    await page.getByTestId('share-history').locator('.ant-table-row').first().getByText('50% (1/2)').first().waitFor();
    // The administrator raises the county's share on the page: the project falls short of it again, and the month's row says so.
    const history = page.getByTestId('share-history');
    await history.getByLabel('县定比例（%）').fill('60');
    await history.getByRole('button', { name: '保存比例' }).click();
    await history.getByText('已保存，项目已按新比例重新核对').waitFor();
    await history.locator('.ant-table-row').first().getByText('60%', { exact: true }).waitFor();
    await history.locator('.ant-table-row').first().getByText('未达比例').waitFor();
    await panel.getByTestId('project-share').getByText('搬迁群众 1/2 人，占 50%（县定比例 60%）').waitFor();
    await shot(page, 'projects');
    // On a 390 px phone nothing is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction('document.documentElement.clientWidth <= 390');
    await shot(page, 'projects-phone');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('asks again, after the wait the service names, when a read is refused for now (503 busy), and shows the figures', async () => {
    const p = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    let refused = 0;
    let served = 0;
    // The first answer for the figures by region is the service's "busy" answer; the next ones go through.
    await p.route('**/api/v1/monitoring/figures/children**', async (route) => {
      if (refused === 0) {
        refused++;
        await route.fulfill({ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify({ error: { code: 'unavailable', message: '服务正忙，请 1 秒后再试', details: [] } }) });
        return;
      }
      served++;
      await route.continue();
    });
    await signInAs(p);
    await p.goto(`${base}/console/monitoring?tab=regions`);
    await row(p, '元阳县').waitFor();
    expect({ refused, served: served >= 1 }).toEqual({ refused: 1, served: true });
    expect(await p.getByText('服务正忙').count()).toBe(0);
    await p.close();
  });

  it('speaks English when asked', async () => {
    await page.goto(`${base}/console/monitoring?tab=regions&region=${REGIONS.countyA.code}`);
    await row(page, '南沙镇').waitFor();
    await page.getByLabel('语言').click();
    await page.locator('.ant-select-item-option', { hasText: 'English' }).click();
    await page.getByRole('tab', { name: 'By region' }).waitFor();
    await page.getByRole('columnheader', { name: 'Year on year' }).waitFor();
    await row(page, '南沙镇').getByRole('link', { name: '13 months of 南沙镇' }).waitFor();
    await shot(page, 'regions-english');
  });
});
