import type { Browser, Locator, Page } from 'playwright-core';
import { startWorkers, type Workers } from '../../jobs/workers';
import { appOf, signIn } from '../helpers/api';
import { makeAccount, PASSWORD, REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { chooseFound, chooseLevels, moveTo, openConsole, transitionOf, type ConsoleRig } from '../helpers/console';
import { createHarness, type Harness } from '../helpers/harness';
import { ManualClock } from '../../src/shared/clock';
import { north } from '../helpers/market';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { requestHelp } from '../../src/chat/service';

// A browser test walks many pages; on a busy two-core machine one test can take minutes. The limit only catches a hang.
jest.setTimeout(180_000);

/**
 * The station console in a real browser (Debian's Chromium through playwright-core): a station clerk signs
 * in, imports a file with one bad row and sees its reason, posts a gig, sends a message to the people living
 * near it and watches the counts move, and cannot see another county's people. With CONSOLE_SHOTS=1 a screenshot of
 * each page is kept in test-artifacts/console.
 */

describe('the station console', () => {
  let h: Harness;
  let rig: ConsoleRig;
  let base: string;
  let browser: Browser;
  let page: Page;
  let running: Workers;
  const b: Record<string, string> = {};
  let staff: Awaited<ReturnType<typeof signIn>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // The console is built once (vite, a few seconds) when this checkout has not built it yet.
    // Noon in Beijing: outside quiet hours whenever the suite runs.
    h = await createHarness({ clock: new ManualClock('2026-06-01T04:00:00Z') });
    await seedRegions(h.ctx.db);
    await makeAccount(h.ctx.db, { username: 'nansha-station', regionCode: REGIONS.countyA.code });
    staff = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    for (const [name, at] of [['近邻一', north(0.5)], ['近邻二', north(1)], ['近邻三', north(2)], ['远处人', north(30)]] as const) {
      const w = await staff.post('/api/v1/workers', workerInput({ name, homeLat: at.lat, homeLng: at.lng }));
      await staff.put(`/api/v1/workers/${w.body.id}/subscription`, { channel: 'log', digestAt: null });
      ids[name] = w.body.id;
    }
    // A household where nobody works (零就业家庭), and a person who asked in chat for a member of staff.
    await staff.post('/api/v1/households', { regionCode: REGIONS.villageA.code, memberIds: [ids['远处人']] });
    await requestHelp({ ctx: h.ctx }, { workerId: ids['远处人']!, regionCode: REGIONS.villageA.code, contact: 'wxid-far', context: [{ at: '2026-06-01T03:50:00Z', text: '转人工' }] });
    const e = await staff.post('/api/v1/employers', { name: '南沙镇集市管理处', kind: 'enterprise', regionCode: REGIONS.countyA.code, ...north(1) });
    await staff.post(`/api/v1/employers/${e.body.id}/verify`);
    const countyB = await signIn(h, appOf(h), { role: 'county', regionCode: REGIONS.countyB.code });
    b.worker = (await countyB.post('/api/v1/workers', workerInput({ name: '县B的人', regionCode: REGIONS.villageB.code }))).body.id;
    running = startWorkers(h.ctx, { only: ['outreach', 'deliveries', 'deliveries-bulk', 'imports'] });
    rig = await openConsole(h);
    ({ base, browser } = rig);
    page = await rig.page();
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await running?.close();
    await h?.close();
  });

  const shot = (name: string) => rig.shot(page, name);
  /** Types a day or a time into a picker as a person would, and leaves it, which takes the typed value. */
  const pick = async (field: Locator, text: string) => {
    await field.fill(text);
    await field.press('Tab');
  };
  /** Opens a page from the menu and waits for its heading, so nothing is typed into the page before. */
  const nav = async (label: string) => {
    await page.getByRole('menuitem', { name: label }).click();
    await page.getByRole('heading', { level: 3, name: label }).waitFor();
  };

  it('signs a station clerk in and shows the region', async () => {
    await page.goto(`${base}/console`);
    await page.getByLabel('用户名').fill('nansha-station');
    await page.getByLabel('密码').fill('wrong password');
    // With the system's "reduce motion" setting on (as this page has it), the console's motion is off: a button
    // has no transition (drawers and menus take their durations from the same setting).
    expect(await transitionOf(page.getByRole('button', { name: '登录' }))).toMatch(/^0s(, 0s)*$/);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('用户名或密码不正确，请重新输入').first().waitFor();
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('region').getByText('辖区：元阳县').waitFor();
    await page.getByText('务工规模（人）').waitFor();
    await shot('dashboard');
  });

  it('imports a file with one bad row, and shows that row’s reason', async () => {
    await nav('批量导入');
    const file = csv([
      FORM_HEADER,
      ['1', '杨秀芬', '女', validIdNumber({ sex: 'female' }), '哈尼族', '群众', '初中', '健康', '普通劳动力', '13912345601', '否', '', '', '', '县内', '技能培训'],
      ['2', '错号码', '男', '532528198503070000', '汉族', '群众', '小学', '健康', '普通劳动力', '13912345602', '否', '', '', '', '县内', ''],
    ]);
    await page.locator('input[type=file]').setInputFiles({ name: '信息表.csv', mimeType: 'text/csv', buffer: file });
    await page.getByRole('button', { name: '检查文件' }).click();
    const counts = page.getByTestId('import-counts');
    await counts.getByText('有问题').waitFor();
    const bad = page.getByRole('row').filter({ hasText: '证件号码' });
    await bad.first().waitFor();
    expect(await bad.first().textContent()).toMatch(/^3/);
    await shot('import-check');
    await page.getByRole('button', { name: '正式导入' }).click();
    await page.getByText('导入完成').waitFor({ timeout: 30_000 });
    await shot('import-done');
  });

  it('posts a gig, and sends a message to the people living near it, whose counts move', async () => {
    await nav('岗位与零工');
    // A new employer: a wrong credit code is refused beside its field; once right, the station verifies it.
    await page.getByLabel('单位名称').fill('南沙镇搬家服务部');
    await page.getByLabel('统一社会信用代码').fill('91530000MA6K00000X');
    await page.getByRole('button', { name: '登记' }).click();
    const creditReason = page.locator('.ant-form-item').filter({ hasText: '统一社会信用代码' }).locator('.ant-form-item-explain-error');
    await creditReason.waitFor();
    // Emptied (the code is optional), the field's reason goes at once, before the form is sent again.
    await page.getByLabel('统一社会信用代码').fill('');
    await creditReason.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '登记' }).click();
    const firm = page.getByRole('row').filter({ hasText: '南沙镇搬家服务部' });
    await firm.getByRole('button', { name: '核验' }).click();
    await firm.getByText('已核验').waitFor();
    await page.getByLabel('用工单位').click();
    await page.locator('.ant-select-item-option', { hasText: '南沙镇集市管理处' }).click();
    await page.getByLabel('名称', { exact: true }).fill('南沙集市搬运');
    await pick(page.getByLabel('日期'), '2099-06-01');
    await page.getByLabel('日薪（元）').fill('150');
    await page.getByRole('button', { name: '发布' }).click();
    await page.getByText('已发布“南沙集市搬运”').waitFor();
    await page.getByRole('cell', { name: '南沙集市搬运' }).waitFor();
    // The list says when the gig is and what it pays.
    const gig = page.getByRole('row').filter({ hasText: '南沙集市搬运' });
    await gig.getByText(/^2099-06-01/).waitFor();
    await gig.getByText('150 元/天').waitFor();
    await shot('vacancies');

    await nav('群发消息');
    await page.getByLabel('只发给住在这个零工附近的人').click();
    await page.locator('.ant-select-item-option', { hasText: '南沙集市搬运' }).click();
    // Three live within 5 km of the gig; the fourth, 30 km away, is left out.
    await page.getByTestId('audience-count').getByText('3', { exact: true }).waitFor();
    // Only those under monitoring (监测对象): none of the three, so nothing could be sent; then everyone again.
    await page.getByLabel('人员类别').click();
    await page.locator('.ant-select-item-option', { hasText: '监测对象' }).click();
    await page.getByTestId('audience-count').getByText('0', { exact: true }).waitFor();
    await page.locator('.ant-select-item-option', { hasText: '监测对象' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('audience-count').getByText('3', { exact: true }).waitFor();
    await page.getByLabel('内容').fill('明天集市需要搬运工三名，日薪150元，回复“零工”报名');
    await page.getByRole('button', { name: '发送' }).click();
    // Nothing goes out before the message is seen as a recipient reads it, and confirmed.
    const confirm = page.getByRole('dialog', { name: '发送前确认' });
    await confirm.getByTestId('view-chat-message').getByText('明天集市需要搬运工三名，日薪150元，回复“零工”报名').waitFor();
    await confirm.getByTestId('channel-log').getByText('测试记录 3 人').waitFor();
    await confirm.getByRole('button', { name: '确认发送给 3 人' }).click();
    await confirm.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: '明天集市需要搬运工三名' });
    await row.waitFor();
    // The counts move as the queue sends: all three of this message delivered (the row's own 已送达 cell).
    await row.locator('[data-testid^="sent-"]').getByText('3', { exact: true }).waitFor({ timeout: 30_000 });
    await shot('broadcasts');
  });

  it('shows a gig’s applicants as a pipeline and the people to call, with reasons, and applies for one', async () => {
    await nav('岗位与零工');
    await page.getByRole('button', { name: '南沙集市搬运' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('建议联系的人（按合适程度排序）').waitFor();
    const first = drawer.locator('.ant-list-item').filter({ hasText: '近邻一' });
    await first.waitFor();
    expect(await first.textContent()).toMatch(/km|公里/);
    await first.getByRole('button', { name: '代为报名' }).click();
    await drawer.locator('.ant-card').filter({ hasText: '已报名' }).getByText('近邻一').waitFor();
    await shot('pipeline');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('runs a job fair: create, announce, put a post on screen, check people in at the desk, and see the outcome', async () => {
    await nav('招聘会');
    await page.getByLabel('名称').fill('南沙镇春风行动招聘会');
    // Today (the clock stands at noon in Beijing), so the desk is open.
    await pick(page.getByLabel('开始'), '2026-06-01 12:30');
    await pick(page.getByLabel('结束'), '2026-06-01 16:00');
    await page.getByLabel('地点').fill('南沙镇政府广场');
    await page.getByLabel('参会岗位').click();
    await page.locator('.ant-select-item-option', { hasText: '南沙集市搬运' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '保存为草稿' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('1. 南沙集市搬运').waitFor();
    await drawer.getByRole('button', { name: '发布通知' }).click();
    const announcement = page.getByRole('dialog', { name: '发送前确认' });
    await announcement.getByTestId('view-chat-message').getByText(/南沙镇春风行动招聘会/).waitFor();
    await shot('fair-announce-preview');
    await announcement.getByRole('button', { name: /^确认发送给 \d+ 人$/ }).click();
    await announcement.waitFor({ state: 'detached' });
    await drawer.getByText('已发布').first().waitFor();
    await drawer.getByRole('button', { name: '开始' }).click();
    await drawer.getByRole('button', { name: '上屏展示' }).click();
    await drawer.getByRole('button', { name: '正在展示' }).waitFor();
    await drawer.getByPlaceholder('姓名或身份证后四位').fill('近邻二');
    await drawer.getByPlaceholder('姓名或身份证后四位').press('Enter');
    await drawer.locator('.ant-list-item').filter({ hasText: '近邻二' }).getByRole('button', { name: '签到' }).click();
    await drawer.locator('.ant-list-item').filter({ hasText: '近邻二' }).getByRole('button', { name: '已签到' }).waitFor();
    // Someone who just came and is not in the register: a forged ID number is refused beside its field, a real one registers and checks in.
    await drawer.getByRole('button', { name: '现场登记新人员' }).click();
    await drawer.getByLabel('姓名', { exact: true }).fill('王新来');
    // Where they live, by name, level by level.
    await chooseLevels(page, drawer.getByLabel('所在地（村或社区）'), ['南沙镇', '南沙村委会']);
    await drawer.locator('.ant-cascader', { hasText: '南沙村委会' }).waitFor();
    await drawer.getByLabel('身份证号', { exact: true }).fill('532528198503070000');
    await drawer.getByRole('button', { name: '登记并签到' }).click();
    await drawer.locator('.ant-form-item').filter({ hasText: '身份证号' }).locator('.ant-form-item-explain-error').waitFor();
    await drawer.getByLabel('身份证号', { exact: true }).fill(validIdNumber({ birth: '1990-02-03' }));
    await drawer.locator('.ant-form-item').filter({ hasText: '身份证号' }).locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
    await drawer.getByRole('button', { name: '登记并签到' }).click();
    await drawer.getByText('王新来 已登记并签到').waitFor();
    const registered = (await staff.get('/api/v1/workers?q=王新来')).body.items;
    expect(registered.map((w: { regionCode: string }) => w.regionCode)).toEqual([REGIONS.villageA.code]);
    await drawer.locator('.ant-statistic').filter({ hasText: '已签到' }).getByText('2', { exact: true }).waitFor();
    await shot('fair-live');
    await drawer.getByRole('button', { name: '结束' }).click();
    await drawer.getByText('成效').waitFor();
    await drawer.locator('.ant-statistic').filter({ hasText: '到场' }).getByText('2', { exact: true }).waitFor();
    await shot('fair-outcome');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('announces a training and enrols someone, corrects and closes a post, and tells the people a policy is for', async () => {
    await nav('培训');
    await page.getByLabel('培训名称').fill('电商直播培训');
    await page.getByLabel('培训机构').fill('元阳县职业高级中学');
    await pick(page.getByLabel('开班日期'), '2026-07-01');
    await pick(page.getByLabel('结业日期'), '2026-07-05');
    await page.getByRole('button', { name: '发布', exact: true }).click();
    await page.getByText('已发布“电商直播培训”').waitFor();
    await page.getByRole('button', { name: '电商直播培训' }).click();
    const drawer = page.getByRole('dialog');
    await chooseFound(page, drawer.getByRole('combobox'), '近邻一', '近邻一');
    await drawer.getByRole('button', { name: '报名', exact: true }).click();
    await drawer.getByText('已报名', { exact: true }).waitFor();
    await drawer.getByText('1 / 30').waitFor();
    await shot('trainings');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await nav('岗位与零工');
    await page.getByRole('button', { name: '南沙集市搬运' }).click();
    const post = page.getByRole('dialog');
    await post.getByText('修改岗位').waitFor();
    await post.getByLabel('人数').fill('8');
    await post.getByRole('button', { name: '保存修改' }).click();
    await post.getByText('已保存').waitFor();
    await post.getByText(/已录用 \d+ \/ 8/).waitFor();
    await post.getByRole('button', { name: '停止招聘' }).click();
    await post.getByText('已关闭').first().waitFor();
    await page.keyboard.press('Escape');
    await post.waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: '南沙集市搬运' }).getByText('已关闭').waitFor();

    // A policy for workers that people of the county qualify for: the count on screen is the API's, and telling them empties it.
    const policies = (await staff.get('/api/v1/policies?audience=worker')).body.items as Array<{ key: string; title: Record<string, string> }>;
    let chosen: { key: string; title: string; total: number } | null = null;
    for (const p of policies) {
      const total = (await staff.get(`/api/v1/policies/${p.key}/eligible`)).body.total as number;
      if (total > 0) {
        chosen = { key: p.key, title: p.title['zh-CN']!, total };
        break;
      }
    }
    expect(chosen).not.toBeNull();
    await nav('政策');
    await page.getByRole('button', { name: chosen!.title }).click();
    const policy = page.getByRole('dialog');
    await policy.getByTestId('eligible-count').getByText(String(chosen!.total), { exact: true }).waitFor();
    await shot('policy');
    await policy.getByRole('button', { name: '通知尚未告知的人' }).click();
    await policy.getByText(`已安排通知 ${chosen!.total} 人`).waitFor();
    await policy.getByTestId('eligible-count').getByText('0', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await policy.waitFor({ state: 'hidden' });

    // The policies that ended at today's date are listed apart, each with what carries it forward or why nothing does.
    const ended = (await staff.get('/api/v1/policies?state=expired')).body.items as Array<{ title: Record<string, string>; successor: string | null; endNote: Record<string, string> | null }>;
    expect(ended.length).toBeGreaterThan(0);
    await page.getByRole('combobox', { name: '状态' }).click();
    await page.locator('.ant-select-item-option', { hasText: '已失效政策' }).click();
    await page.getByRole('button', { name: ended[0]!.title['zh-CN']! }).waitFor();
    await page.getByText(ended[0]!.successor ? `由 ${ended[0]!.successor} 接续` : (ended[0]!.endNote?.['zh-CN'] ?? '已失效，无接续政策')).first().waitFor();
  });

  it('opens a Rain Dew graduate’s file, records a contact, and keeps the plan, an overdue action standing out', async () => {
    await nav('雨露计划');
    await chooseFound(page, page.getByLabel('学生（须已登记）'), '近邻三', '近邻三');
    await page.getByLabel('学校', { exact: true }).fill('红河职业技术学院');
    await page.getByLabel('专业', { exact: true }).fill('电子商务');
    await pick(page.getByLabel('预计毕业'), '2026-01-15');
    await page.getByRole('button', { name: '建立雨露计划档案' }).click();
    await page.getByRole('heading', { level: 3, name: '近邻三 的雨露计划档案' }).waitFor();
    await page.getByLabel('了解到的现状').click();
    await page.locator('.ant-select-item-option', { hasText: '求职中' }).click();
    await page.getByLabel('联系情况').fill('电话联系，想在县城做电商客服');
    await page.getByRole('button', { name: '保存联系记录' }).click();
    await page.getByText('联系记录已保存').waitFor();
    await page.getByText('电话：电话联系，想在县城做电商客服').waitFor();
    await page.getByText(/^状态：.* → 求职中$/).waitFor();
    await page.getByPlaceholder(/帮扶目标/).fill('毕业半年内在县内稳定就业');
    await page.getByRole('button', { name: '保存目标' }).click();
    await page.getByText('已保存').first().waitFor();
    // Due a week ago (the clock stands at 1 June): it shows as overdue.
    await page.getByLabel('内容').fill('推荐县城电商客服岗位');
    await pick(page.getByLabel('完成期限'), '2026-05-25');
    await page.getByRole('button', { name: '添加措施' }).click();
    await page.getByText('2026-05-25 已逾期').waitFor();
    await shot('rain-dew-file');
    await page.getByRole('row').filter({ hasText: '推荐县城电商客服岗位' }).getByRole('button', { name: '完成' }).click();
    await page.getByPlaceholder('结果如何（必填）').fill('已推荐两家，约了下周面试');
    await page.getByRole('button', { name: '确定' }).click();
    await page.getByText('已完成：已推荐两家，约了下周面试').waitFor();
    expect(await page.getByText('2026-05-25 已逾期').count()).toBe(0);
  });

  it('shows what waits on the station, lists the zero-employment households, and closes a request for help', async () => {
    await page.getByRole('menuitem', { name: '首页' }).click();
    await page.getByRole('heading', { level: 3, name: '本月情况' }).waitFor();
    await page.getByRole('link', { name: '零就业家庭' }).click();
    await page.getByRole('heading', { level: 3, name: '家庭户' }).waitFor();
    // Role queries see the open tab only (the other tab's table stays in the page, hidden).
    const household = page.getByRole('tabpanel').getByRole('row').filter({ hasText: '远处人' });
    await household.waitFor();
    await shot('households-zero');
    // A new household of two, then one of them moved out of it again.
    await page.getByRole('tab', { name: '全部家庭' }).click();
    const members = page.getByLabel('家庭成员', { exact: true });
    for (const name of ['近邻一', '近邻二']) await chooseFound(page, members, name, name);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '建立', exact: true }).click();
    await page.getByText('已建立家庭').waitFor();
    const pair = page.getByRole('tabpanel').getByRole('row').filter({ hasText: /近邻一、近邻二|近邻二、近邻一/ });
    await pair.getByRole('button', { name: /展开|Expand/ }).click();
    await page.getByLabel('把近邻二移出家庭').click();
    await page.getByRole('tabpanel').getByRole('row').filter({ hasText: '近邻一' }).filter({ hasNotText: '近邻二' }).first().waitFor();
    await shot('households');
    await page.getByRole('tab', { name: '零就业家庭' }).click();
    // The new household is counted at once, nobody in work since it was registered today.
    await page.getByRole('tabpanel').getByRole('row').filter({ hasText: '近邻一' }).filter({ hasText: '2026-06-01' }).waitFor();
    await household.getByRole('link', { name: '查看成员' }).click();
    await page.getByText('同一家庭的成员').waitFor();
    await page.getByRole('link', { name: '远处人' }).waitFor();
    expect(await page.getByRole('link', { name: '近邻一' }).count()).toBe(0);

    await page.getByRole('menuitem', { name: '首页' }).click();
    await page.getByRole('link', { name: '求助待处理' }).click();
    await page.getByRole('heading', { level: 3, name: '待办跟进' }).waitFor();
    const ask = page.locator('.ant-list-item').filter({ hasText: '远处人' });
    await ask.getByText('「转人工」').waitFor();
    await shot('follow-ups');
    await ask.getByRole('button', { name: '已处理' }).click();
    await page.getByPlaceholder('做了什么、结果如何（会被记录）').fill('已电话回复，下周来站里登记求职');
    await page.getByRole('button', { name: '确定' }).click();
    await page.getByText('没有待处理的求助').waitFor();
  });

  it('corrects a person’s record with the reason beside a wrong field, and exports the form', async () => {
    await nav('人员登记');
    await page.getByRole('link', { name: '近邻一' }).click();
    await page.getByLabel('新手机号（不改则留空）').fill('12345');
    await page.getByRole('button', { name: '保存' }).click();
    const phoneItem = page.locator('.ant-form-item').filter({ hasText: '新手机号' });
    await phoneItem.locator('.ant-form-item-explain-error').waitFor();
    expect(await phoneItem.locator('.ant-form-item-explain-error').textContent()).toBe('联系电话格式不正确（手机 11 位，或区号-座机号）');
    await page.getByLabel('新手机号（不改则留空）').fill('');
    await page.getByLabel('最低月薪（元）').fill('3000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存').waitFor();
    // Saved: the reason from the refused try is gone from beside the field.
    await phoneItem.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
    // A job found: recorded on the person's page, which then reads as in work.
    await page.getByLabel('工作单位').fill('元阳县梯田旅游公司');
    await pick(page.getByLabel('开始日期'), '2026-05-20');
    await page.getByLabel('月收入（元）').fill('3200');
    await page.getByRole('button', { name: '登记新工作' }).click();
    await page.getByText('已登记新工作').waitFor();
    await page.getByRole('cell', { name: '2026-05-20 — 至今' }).waitFor();
    await page.locator('.ant-descriptions-item-content', { hasText: '元阳县梯田旅游公司（2026-05-20）' }).waitFor();
    // The six digits the person sends to the WeChat bot to bind their account.
    await page.getByRole('button', { name: '生成微信绑定码' }).click();
    expect(await page.getByTestId('binding-code').textContent()).toMatch(/^\d{6}$/);
    await shot('worker-edit');
    await nav('人员登记');
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出信息表' }).click()]);
    expect(file.suggestedFilename()).toBe('农村贫困劳动力就业信息表.xlsx');
  });

  it('cannot see another county’s people', async () => {
    await nav('人员登记');
    await page.getByPlaceholder('姓名、身份证号或手机号').fill('县B的人');
    await page.getByPlaceholder('姓名、身份证号或手机号').press('Enter');
    await page.getByText('没有找到符合条件的人').waitFor();
    await page.goto(`${base}/console/workers/${b.worker}`);
    await page.getByText('找不到该记录').first().waitFor();
    expect(await page.content()).not.toContain('县B的人');
    await shot('workers-other-county');
    // The same pages on a phone (390 px): nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/console/workers`);
    await page.getByText('近邻一').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(392);
    await shot('workers-phone');
  });

  it('is usable by keyboard alone at 125% zoom on a station laptop, with nothing wider than the screen', async () => {
    // A 1366×768 screen at 125% zoom lays pages out in 1093×614 CSS pixels.
    const context = await browser.newContext({ viewport: { width: 1093, height: 614 }, deviceScaleFactor: 1.25, locale: 'zh-CN' });
    const kb = await context.newPage();
    try {
      await kb.goto(`${base}/console`);
      // The user name field has the focus when the page opens.
      await kb.getByLabel('用户名').waitFor();
      await kb.keyboard.type('nansha-station');
      await kb.keyboard.press('Tab');
      await kb.keyboard.type(PASSWORD);
      await kb.keyboard.press('Enter');
      await kb.getByTestId('region').getByText('辖区：元阳县').waitFor();
      const focused = (selector: string) => kb.evaluate<boolean>(`Boolean(document.activeElement?.closest(${JSON.stringify(selector)}))`);
      const active = () => kb.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
      /** Presses a key until the focused item reads `label`; the menu moves its focus a moment after each key. */
      const walkTo = async (label: string, key: 'ArrowDown' | 'ArrowUp') => {
        for (let i = 0; i < 20 && (await active()) !== label; i++) {
          const before = await active();
          await kb.keyboard.press(key);
          await kb.waitForFunction(`(document.activeElement?.textContent?.trim() ?? '') !== ${JSON.stringify(before)}`, undefined, { timeout: 2000 }).catch(() => undefined);
        }
      };
      const menu = ['首页', '待办跟进', '人员登记', '家庭户', '批量导入', '岗位与零工', '培训', '群发消息', '招聘会', '雨露计划', '政策', '监测与报表'];
      for (const label of menu) {
        // Tab into the menu, walk it with the arrow keys, open the page with Enter.
        for (let i = 0; i < 40 && !(await focused('[role=menu]')); i++) await kb.keyboard.press('Tab');
        await walkTo(label, 'ArrowDown');
        expect(await active()).toBe(label);
        await kb.keyboard.press('Enter');
        await kb.getByRole('heading', { level: 3, name: label === '首页' ? '本月情况' : label }).waitFor();
        await kb.waitForLoadState('networkidle');
        // Readable at this zoom: the page never scrolls sideways (wide tables scroll inside themselves).
        expect(await kb.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(1);
      }
      await rig.shot(kb, 'zoom-125-monitoring', false);
      // From the menu to a person's page without the mouse: Tab to the search, type, Enter, Tab to the name, Enter.
      for (let i = 0; i < 40 && !(await focused('[role=menu]')); i++) await kb.keyboard.press('Tab');
      await walkTo('人员登记', 'ArrowUp');
      await kb.keyboard.press('Enter');
      await kb.getByRole('heading', { level: 3, name: '人员登记' }).waitFor();
      for (let i = 0; i < 40 && !(await focused('input[placeholder="姓名、身份证号或手机号"]')); i++) await kb.keyboard.press('Tab');
      await kb.keyboard.type('近邻二');
      await kb.keyboard.press('Enter');
      await kb.getByRole('link', { name: '近邻二' }).waitFor();
      for (let i = 0; i < 40 && (await active()) !== '近邻二'; i++) await kb.keyboard.press('Tab');
      await kb.keyboard.press('Enter');
      await kb.getByRole('heading', { level: 3, name: '近邻二' }).waitFor();
      await rig.shot(kb, 'zoom-125-worker');
      // And every page on a phone (390 px wide): nothing wider than the screen.
      await kb.setViewportSize({ width: 390, height: 844 });
      const paths: Record<string, string> = { '': '本月情况', 'follow-ups': '待办跟进', workers: '人员登记', households: '家庭户', import: '批量导入', vacancies: '岗位与零工', trainings: '培训', broadcasts: '群发消息', fairs: '招聘会', 'rain-dew': '雨露计划', policies: '政策', monitoring: '监测与报表' };
      for (const [path, heading] of Object.entries(paths)) {
        // Moved within the page, as its own links do (the console is loaded once, not twelve times).
        await moveTo(kb, path);
        await kb.getByRole('heading', { level: 3, name: heading }).waitFor();
        expect([path, await kb.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')]).toEqual([path, 0]);
      }
      await rig.shot(kb, 'phone-monitoring');
    } finally {
      await context.close();
    }
  });

  it('shows the warnings, reviews and reports, the Rain Dew worklist, and speaks English when asked', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${base}/console/monitoring`);
    await page.getByRole('tab', { name: '复核事项' }).click();
    await page.getByRole('tab', { name: '报表' }).click();
    await page.getByRole('button', { name: '下载附件1 推进情况表' }).waitFor();
    await shot('monitoring');
    await nav('雨露计划');
    await page.getByText('在档人数').waitFor();
    await shot('rain-dew');
    await page.getByLabel('语言').click();
    await page.locator('.ant-select-item-option', { hasText: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Register' }).waitFor();
    await page.getByTestId('region').getByText('Region: 元阳县').waitFor();
    await shot('english');
  });
});
