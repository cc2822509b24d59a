import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { Conversation } from '../../bots/conversation';
import { eq } from 'drizzle-orm';
import { regions, stations } from '../../src/db/schema';
import { appOf, signIn } from '../helpers/api';
import { makeAccount, PASSWORD, REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { chooseFound, openConsole, type ConsoleRig } from '../helpers/console';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, north } from '../helpers/market';

/** A second village of 南沙镇, so the register can be narrowed to one. */
const POTOU = { code: '532528101202', name: '坡头村委会', level: 5, parentCode: REGIONS.townA.code };

// A browser test walks many pages; on a busy two-core machine one test can take minutes. The limit only catches a hang.
jest.setTimeout(180_000);

/**
 * Places in the console (Chromium): a clerk finds the village by name, clicks the gig's point on the map and
 * sees the 15-minute circle, posts it, and finds the place in the gig list and in the chat's gig text; the
 * register narrowed to one village through the address keeps it on reload, and a hidden column stays hidden;
 * on a 390 px phone the place is picked by keyboard alone.
 */

describe('the console: places on the map, lists that remember', () => {
  let h: Harness;
  let rig: ConsoleRig;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
    await h.ctx.db.insert(regions).values(POTOU).onConflictDoNothing();
    await makeAccount(h.ctx.db, { username: 'places-station', regionCode: REGIONS.countyA.code });
    const staff = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    // Homes recorded in 南沙村委会 tell where its centre is; one person lives in 坡头.
    for (const [name, km] of [['南沙甲', 0.5], ['南沙乙', 1], ['南沙丙', 1.5]] as const) {
      await staff.post('/api/v1/workers', workerInput({ name, regionCode: REGIONS.villageA.code, homeLat: north(km).lat, homeLng: north(km).lng }));
    }
    await staff.post('/api/v1/workers', workerInput({ name: '坡头丁', regionCode: POTOU.code }));
    const e = await staff.post('/api/v1/employers', { name: '南沙晒场合作社', kind: 'labour_cooperative', regionCode: REGIONS.countyA.code });
    await staff.post(`/api/v1/employers/${e.body.id}/verify`);
    rig = await openConsole(h);
    ({ base, browser } = rig);
    page = await rig.page();
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await h?.close();
  });

  const shot = (p: Page, name: string) => rig.shot(p, name);
  const signInOn = async (p: Page) => {
    await p.goto(`${base}/console`);
    await p.getByLabel('用户名').fill('places-station');
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByTestId('region').getByText('辖区：元阳县').waitFor();
  };
  const pickDay = async (field: Locator, text: string) => {
    await field.fill(text);
    await field.press('Tab');
  };

  it('places a gig on the map by a click, shows the circle, and names the place in the list and in the chat', async () => {
    await signInOn(page);
    await page.getByRole('menuitem', { name: '岗位与零工' }).click();
    await page.getByRole('heading', { level: 3, name: '岗位与零工' }).waitFor();
    await page.getByTestId('breadcrumbs').getByText('首页').waitFor();
    // No station has a place yet: the county's map of stations says so in Chinese.
    await page.getByTestId('stations-map-card').getByText(/辖区内还没有服务站设置位置/).waitFor();
    await page.getByLabel('用工单位').click();
    await page.locator('.ant-select-item-option', { hasText: '南沙晒场合作社' }).click();
    await page.getByLabel('名称', { exact: true }).fill('晒场翻谷');
    await pickDay(page.getByLabel('日期'), '2099-06-01');
    await page.getByLabel('日薪（元）').fill('160');
    // The village first, found by part of its name.
    await chooseFound(page, page.getByLabel('按名称查找村（社区）'), '南沙', '南沙村委会 · 南沙镇 · 元阳县');
    await page.getByLabel('详细地点').fill('村委会旁晒场');
    const map = page.getByTestId('place-map');
    await page.getByText(/南沙村委会中心（据 3 个已登记位置推算）/).waitFor();
    await map.and(page.locator('[data-ready="yes"]')).waitFor();
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width / 2 + 20, y: box.height / 2 - 20 } });
    await map.and(page.locator('[data-circle-km="5"]')).waitFor();
    await page.getByTestId('place-map-legend').getByText('蓝色圆圈：方圆 5 公里').waitFor();
    const lat = Number(await page.getByRole('spinbutton', { name: '纬度' }).inputValue());
    const lng = Number(await page.getByRole('spinbutton', { name: '经度' }).inputValue());
    expect(Math.abs(lat - north(1).lat)).toBeLessThan(0.05);
    expect(Math.abs(lng - north(1).lng)).toBeLessThan(0.05);
    expect(await map.getAttribute('data-point')).toBe(`${lat},${lng}`);
    await shot(page, 'places-gig-map');
    await page.getByRole('button', { name: '发布' }).click();
    await page.getByText('已发布“晒场翻谷”').waitFor();
    const row = page.getByRole('row').filter({ hasText: '晒场翻谷' });
    await row.getByTestId('vacancy-place').getByText('南沙村委会 村委会旁晒场').waitFor();
    for (const cell of ['2099-06-01', '08:00–17:00', '160']) await row.getByText(cell, { exact: false }).first().waitFor();
    await shot(page, 'places-gig-list');
    // The list's CSV: the current filter, with the place, as Excel in China opens it (UTF-8 with a BOM).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV（当前筛选）' }).click()]);
    const csvText = readFileSync((await download.path())!, 'utf8');
    expect(csvText.startsWith('\uFEFF名称,类型,状态,日期,时间,工资,地点,村（社区）代码,人数')).toBe(true);
    expect(csvText).toContain(`晒场翻谷,零工,招聘中,2099-06-01,08:00–17:00,`);
    // The village by its name, its code in a column of its own for tools that file by code.
    expect(csvText).toContain(`南沙村委会 村委会旁晒场,${REGIONS.villageA.code},`);

    const chat = new Conversation(h.ctx);
    const say = async (text: string) => (await chat.respond({ kind: 'text', text, senderId: 'wxid-places-e2e' })).join('\n');
    expect(await say('零工')).toContain('晒场翻谷');
    const detail = await say('1');
    expect(detail).toContain('地点：南沙村委会 村委会旁晒场');
    expect(detail).not.toContain('见工作站通知');
  });

  it("corrects a posted gig's village and address from the list, and the list and its CSV name the new village", async () => {
    // A second gig, filed under the township with a point near 南沙, stays open beside the corrected one.
    const staff = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const employers = await staff.get('/api/v1/employers');
    const employerId = employers.body.items.find((e: { name: string }) => e.name === '南沙晒场合作社').id;
    expect((await staff.post('/api/v1/vacancies', gig(employerId, { title: '镇上送肥', regionCode: REGIONS.townA.code, details: { date: '2099-06-02', startTime: '08:00', endTime: '12:00' } }))).status).toBe(201);
    await page.goto(`${base}/console/vacancies`);
    const row = page.getByRole('row').filter({ hasText: '晒场翻谷' });
    await row.getByTestId('vacancy-place').getByText('南沙村委会 村委会旁晒场').waitFor();
    await row.getByRole('button', { name: '改地点' }).click();
    const dialog = page.getByRole('dialog', { name: '修改地点：晒场翻谷' });
    // The form starts from the post's place: its village and address.
    expect(await dialog.getByLabel('详细地点').inputValue()).toBe('村委会旁晒场');
    await chooseFound(page, dialog.getByLabel('按名称查找村（社区）'), '坡头', '坡头村委会 · 南沙镇 · 元阳县');
    await dialog.getByLabel('详细地点').fill('坡头晒场');
    // The point was 南沙's: cleared, so 坡头 keeps no recorded place and 南沙 only its homes (the tests below count on both).
    await dialog.getByRole('button', { name: '清除位置' }).click();
    await shot(page, 'places-gig-correct');
    await dialog.getByRole('button', { name: '保存修改' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByTestId('vacancy-place').getByText('坡头村委会 坡头晒场').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV（当前筛选）' }).click()]);
    const csvText = readFileSync((await download.path())!, 'utf8');
    expect(csvText).toContain(`坡头村委会 坡头晒场,${POTOU.code},`);
    expect(csvText).not.toContain('村委会旁晒场');
  });

  it('keeps the register narrowed to a village through the address, and a hidden column hidden, after a reload', async () => {
    await page.goto(`${base}/console/workers?region=${POTOU.code}`);
    await page.getByRole('heading', { level: 3, name: '人员登记' }).waitFor();
    await page.getByRole('link', { name: '坡头丁' }).waitFor();
    expect(await page.getByRole('link', { name: '南沙甲' }).count()).toBe(0);
    await page.reload();
    await page.getByRole('link', { name: '坡头丁' }).waitFor();
    expect(await page.getByRole('link', { name: '南沙乙' }).count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('region')).toBe(POTOU.code);
    await page.locator('#workers-region').locator('xpath=ancestor::*[contains(@class,"ant-cascader")][1]').getByText('坡头村委会').waitFor();
    await page.getByTestId('breadcrumbs').getByText('人员登记').waitFor();

    await page.getByRole('button', { name: '列设置' }).click();
    await page.getByTestId('columns-workers').getByRole('checkbox', { name: '身份证号' }).uncheck();
    await page.getByRole('columnheader', { name: '身份证号' }).waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('link', { name: '坡头丁' }).waitFor();
    await page.getByRole('columnheader', { name: '手机号' }).waitFor();
    expect(await page.getByRole('columnheader', { name: '身份证号' }).count()).toBe(0);
    await shot(page, 'places-register-village');
  });

  it('on a 390 px phone, picks the place by keyboard alone: village by name, address, coordinates; and a home by the village’s name', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    try {
      await signInOn(phone);
      await phone.goto(`${base}/console/vacancies`);
      await phone.getByRole('heading', { level: 3, name: '岗位与零工' }).waitFor();
      await phone.getByLabel('按名称查找村（社区）').focus();
      await phone.keyboard.type('坡头');
      await phone.locator('.ant-select-item-option', { hasText: '坡头村委会 · 南沙镇 · 元阳县' }).waitFor();
      await phone.keyboard.press('Enter');
      await phone.getByTestId('place-fields').locator('.ant-select').first().getByText('坡头村委会 · 南沙镇 · 元阳县').waitFor();
      // Tab reaches the address (past the button that clears the village, when it shows).
      const focused = () => phone.evaluate<string>("document.activeElement?.id ?? ''");
      for (let i = 0; i < 3 && (await focused()) !== 'post_address'; i++) await phone.keyboard.press('Tab');
      expect(await focused()).toBe('post_address');
      await phone.keyboard.type('坡头小学操场');
      await phone.keyboard.press('Tab');
      await phone.keyboard.type('23.25');
      await phone.keyboard.press('Tab');
      await phone.keyboard.type('102.83');
      await phone.keyboard.press('Tab');
      // The village has no recorded place yet, so there is no centre to use; the typed point is on the map.
      await phone.getByText('这个村还没有登记过位置').waitFor();
      const map = phone.getByTestId('place-map');
      await map.and(phone.locator('[data-point="23.25,102.83"][data-circle-km="5"]')).waitFor();
      expect(await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
      await map.scrollIntoViewIfNeeded();
      await shot(phone, 'places-phone-keyboard');

      // A person's home too is found by the village's name first; the level-by-level picker follows it.
      await phone.goto(`${base}/console/workers`);
      await phone.getByRole('button', { name: '登记新人员' }).click();
      const register = phone.locator('form').filter({ has: phone.getByLabel('身份证号') });
      await register.getByLabel('按名称查找村（社区）').focus();
      await phone.keyboard.type('南沙');
      await phone.locator('.ant-select-item-option', { hasText: '南沙村委会 · 南沙镇 · 元阳县' }).waitFor();
      await phone.keyboard.press('Enter');
      await register.locator('.ant-cascader').getByText('南沙村委会').waitFor();
      expect(await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  it("places the station on the map with the place picker, and draws its 15-minute circle beside the open gigs", async () => {
    const [station] = await h.ctx.db.insert(stations).values({ name: '南沙镇就业服务站', regionCode: REGIONS.townA.code }).returning();
    // A village's service point, already placed 8 km north: the county's map shows it beside the township's once that is placed.
    await h.ctx.db.insert(stations).values({ name: '坡头村就业服务点', regionCode: POTOU.code, villageCode: POTOU.code, address: '村委会', ...north(8) });
    await page.goto(`${base}/console/vacancies`);
    await page.getByRole('heading', { level: 3, name: '岗位与零工' }).waitFor();
    const card = page.getByTestId('station-place');
    await card.getByText(/还没有设置服务站的位置/).waitFor();
    await card.getByRole('button', { name: '设置服务站位置' }).click();
    await chooseFound(page, card.getByLabel('按名称查找村（社区）'), '南沙', '南沙村委会 · 南沙镇 · 元阳县');
    await card.getByLabel('详细地点').fill('村委会一楼');
    // The point by a click on the picker's map, beside the village's centre.
    const picker = card.getByTestId('place-map');
    await card.getByText(/南沙村委会中心（据 \d+ 个已登记位置推算）/).waitFor();
    await picker.and(page.locator('[data-ready="yes"]')).waitFor();
    const box = (await picker.boundingBox())!;
    await picker.click({ position: { x: box.width / 2 - 15, y: box.height / 2 + 10 } });
    await picker.and(page.locator('[data-circle-km="5"]')).waitFor();
    await card.getByRole('button', { name: '保存位置' }).click();
    await card.getByText('已保存南沙镇就业服务站的位置').waitFor();
    await card.getByTestId('station-place-text').getByText('南沙村委会 村委会一楼').waitFor();
    // The circle drawn around the station, with the open gigs of its county as dots on the map.
    const map = card.getByTestId('station-map');
    await map.and(page.locator('[data-ready="yes"][data-circle-km="5"]')).waitFor();
    // The open gigs come with their own answer: drawn once it is in.
    await map.and(page.locator(':not([data-gig-points="0"])')).waitFor();
    expect(Number(await map.getAttribute('data-gig-points'))).toBeGreaterThanOrEqual(1);
    await map.getByTestId('station-marker').getByText('南沙镇就业服务站').waitFor();
    await card.getByTestId('station-map-legend').getByText(/南沙镇就业服务站方圆 5 公里/).waitFor();
    const [saved] = await h.ctx.db.select().from(stations).where(eq(stations.id, station!.id));
    expect(saved).toMatchObject({ villageCode: REGIONS.villageA.code, address: '村委会一楼' });
    expect(await map.getAttribute('data-station-point')).toBe(`${saved!.lat},${saved!.lng}`);
    // The county's map of stations: the one placed before at once, then both circles when the township's is saved.
    const overview = page.getByTestId('stations-map-card');
    const all = overview.getByTestId('station-map');
    await all.and(page.locator('[data-ready="yes"][data-stations="2"][data-circle-km="5"]')).waitFor();
    for (const name of ['南沙镇就业服务站', '坡头村就业服务点']) await all.getByTestId('station-marker').getByText(name).waitFor();
    await overview.getByTestId('station-map-legend').getByText(/2 个服务站各自方圆 5 公里/).waitFor();
    expect(await overview.getByTestId('stations-unplaced').count()).toBe(0);
    await all.scrollIntoViewIfNeeded();
    await shot(page, 'places-station-circle');
  });

  it("records a job on a person's page, and the card's list shows it at once", async () => {
    const staff = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const found = await staff.get(`/api/v1/workers?regionCode=${POTOU.code}`);
    const person = found.body.items.find((w: { name: string }) => w.name === '坡头丁');
    await page.goto(`${base}/console/workers/${person.id}`);
    const card = page.locator('.ant-card').filter({ hasText: '务工情况' });
    await card.getByText('还没有务工记录').waitFor();
    await card.getByLabel('工作单位').fill('坡头茶叶合作社');
    await pickDay(card.getByLabel('开始日期'), '2026-11-02');
    await card.getByRole('button', { name: '登记新工作' }).click();
    await card.getByText('已登记新工作').waitFor();
    await card.getByRole('row').filter({ hasText: '坡头茶叶合作社' }).getByText('2026-11-02 — 至今').waitFor();
  });
});
