import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { appOf, signIn } from '../helpers/api';
import { makeAccount, PASSWORD, REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { eq } from 'drizzle-orm';
import { accounts, deliveries, subscriptions, workers } from '../../src/db/schema';
import { logChannel } from '../../src/outreach/channels';
import { deliver, fanOut } from '../../src/outreach/service';
import { chooseFound, chooseLevels, moveTo, openConsole, transitionOf, type ConsoleRig } from '../helpers/console';
import { createHarness, type Harness } from '../helpers/harness';
import { ManualClock } from '../../src/shared/clock';

// A browser test walks many pages; on a busy two-core machine one test can take minutes. The limit only catches a hang.
jest.setTimeout(180_000);

/**
 * The console as a new station meets it and as it guards against mistakes: an empty install reads as
 * empty (zeros and a hint, nothing spinning), a form shows the reasons of its latest answer only, and a
 * failed sign-in says what went wrong, in Chinese and in English.
 */

describe('the console on a new install', () => {
  let h: Harness;
  let rig: ConsoleRig;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Text messages set up, so the cost of a broadcast's texts is estimated before sending.
    h = await createHarness({
      clock: new ManualClock('2026-06-01T04:00:00Z'),
      env: { SMS_PROVIDER: 'tencent', SMS_SECRET_ID: 'AKIDtest0001', SMS_SECRET_KEY: 'secret-key-0001', SMS_SDK_APP_ID: '1400000000', SMS_SIGN_NAME: '元阳就业', SMS_TEMPLATE_ID: '123456', SMS_CONTACT: '0873-5621234', SMS_TEMPLATE_TEXT: '{1}，详询{2}', SMS_PRICE_FEN: '5' },
    });
    await seedRegions(h.ctx.db);
    const clerk = await makeAccount(h.ctx.db, { username: 'new-station', regionCode: REGIONS.countyA.code });
    await h.ctx.db.update(accounts).set({ displayName: '杨站长' }).where(eq(accounts.id, clerk.id));
    const admin = await makeAccount(h.ctx.db, { username: 'county-admin', role: 'county', regionCode: REGIONS.countyA.code });
    await h.ctx.db.update(accounts).set({ displayName: '李主任' }).where(eq(accounts.id, admin.id));
    rig = await openConsole(h);
    ({ base, browser } = rig);
    // This file sees the console as most people do, its drawers and menus moving; the other browser tests ask
    // for less motion.
    page = await rig.page({ motion: true });
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await h?.close();
  });

  const shot = (name: string) => rig.shot(page, name);
  const nav = async (label: string) => {
    await page.getByRole('menuitem', { name: label }).click();
    await page.getByRole('heading', { level: 3, name: label }).waitFor();
  };

  it('says plainly that a password was wrong, then shows zeros and a hint on an empty dashboard', async () => {
    await page.goto(`${base}/console`);
    await page.getByLabel('用户名').fill('new-station');
    await page.getByLabel('密码').fill('wrong password');
    const signIn = page.getByRole('button', { name: '登录' });
    // Without the system's "reduce motion" setting, a button eases into its hover colour.
    expect(await transitionOf(signIn)).not.toMatch(/^0s(, 0s)*$/);
    await signIn.click();
    await page.getByText('用户名或密码不正确，请重新输入').waitFor();
    expect(await page.getByText('请先登录').count()).toBe(0);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('no-figures').getByText('本月还没有统计数字').waitFor();
    expect(await page.locator('.ant-spin-spinning').count()).toBe(0);
    const registered = page.locator('.ant-statistic').filter({ hasText: '登记人数' });
    expect(await registered.locator('.ant-statistic-content-value').textContent()).toBe('0');
    await shot('care-empty-dashboard');
  });

  it('shows each field’s reason from the latest answer only', async () => {
    await nav('人员登记');
    await page.getByText('没有找到符合条件的人').waitFor();
    await page.getByRole('button', { name: '登记新人员' }).click();
    const form = page.locator('form#register');
    await form.getByLabel('姓名', { exact: true }).fill('李新');
    await form.getByLabel('身份证号', { exact: true }).fill('532528198503070000');
    await chooseLevels(page, form.getByLabel('所在地（村或社区）'), ['南沙镇', '南沙村委会']);
    await form.locator('.ant-cascader').getByText('南沙村委会').waitFor();
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/workers') sent.push(r.postData() ?? '');
    });
    await form.getByRole('button', { name: '登记新人员' }).click();
    const idItem = form.locator('.ant-form-item').filter({ hasText: '身份证号' });
    await idItem.locator('.ant-form-item-explain-error').waitFor();
    // The number corrected, a phone number mistyped: the form is sent again and the phone's reason shows beside it.
    await form.getByLabel('身份证号', { exact: true }).fill(validIdNumber({ birth: '1988-04-05' }));
    await form.getByLabel('手机号', { exact: true }).fill('12345');
    // The number's reason goes as soon as it is changed, and the form closes up under it: the button is pressed
    // once it has stopped moving (on a busy machine the press and the release could land on different places).
    await idItem.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
    await form.getByRole('button', { name: '登记新人员' }).click();
    const phoneItem = form.locator('.ant-form-item').filter({ hasText: '手机号' });
    await phoneItem.locator('.ant-form-item-explain-error').waitFor();
    expect(sent).toHaveLength(2);
    expect(JSON.parse(sent[1]!).phone).toBe('12345');
    expect(await idItem.locator('.ant-form-item-explain-error').count()).toBe(0);
    await shot('care-form-latest-error');
  });

  it('shows a broadcast as each person will read it, names a variable someone lacks, and sends only when confirmed', async () => {
    const staff = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    // One reached by text message, one whose record (an old one) names only the township: no village to name.
    for (const [name, channel] of [['阿者', 'sms'], ['白玛', 'log']] as const) {
      const w = await staff.post('/api/v1/workers', workerInput({ name }));
      if (w.status !== 201) throw new Error(JSON.stringify(w.body));
      await h.ctx.db.insert(subscriptions).values({ workerId: w.body.id, channel, updatedAt: new Date('2026-06-01T04:00:00Z') });
      if (name === '白玛') await h.ctx.db.update(workers).set({ regionCode: REGIONS.townA.code }).where(eq(workers.id, w.body.id));
    }
    await nav('群发消息');
    // The form's registration above was refused (a bad phone number): two people.
    await page.getByTestId('audience-count').getByText('2', { exact: true }).waitFor();
    await page.getByLabel('内容').fill('{{name}}您好：{{village}}明天上午有招聘会');
    const missing = page.getByTestId('missing-variables');
    await missing.getByText('{{village}}：1 人没有这一项，请填写默认值').waitFor();
    expect(await page.getByRole('button', { name: '发送' }).isDisabled()).toBe(true);
    await page.getByLabel('{{village}} 的默认值').fill('本村');
    await missing.waitFor({ state: 'detached' });
    // The time picker speaks Chinese and counts hours to 23.
    await page.getByLabel('定时发送（不填则立即发送）').click();
    const panel = page.locator('.ant-picker-dropdown:visible');
    await panel.getByText('此刻').waitFor();
    await panel.locator('.ant-picker-time-panel-column').first().getByText('23', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '发送' }).click();
    const confirm = page.getByRole('dialog', { name: '发送前确认' });
    await confirm.getByTestId('channel-sms').getByText('短信 1 人').waitFor();
    await confirm.getByTestId('sms-estimate').getByText('1 条（1 人，每人 1 条计费），约 0.05 元').waitFor();
    await confirm.getByTestId('view-chat-message').waitFor();
    // Each chosen person reads their own name, their village or, where it is missing, the default.
    const choose = (name: string) => chooseFound(page, confirm.getByRole('combobox'), name, name);
    await choose('阿者');
    await confirm.getByTestId('view-chat-message').getByText('阿者您好：南沙村委会明天上午有招聘会').waitFor();
    await confirm.getByTestId('view-sms-message').getByText('【元阳就业】阿者您好：南沙村委会明天上午有招聘会，详询0873-5621234').waitFor();
    await choose('白玛');
    await confirm.getByTestId('view-chat-message').getByText('白玛您好：本村明天上午有招聘会').waitFor();
    await shot('care-broadcast-preview');
    expect((await staff.get('/api/v1/broadcasts')).body.total).toBe(0);
    await confirm.getByRole('button', { name: '确认发送给 2 人' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: '{{name}}您好' }).waitFor();
    const sent = (await staff.get('/api/v1/broadcasts')).body.items;
    expect(sent).toHaveLength(1);
  });

  it('explains who a broadcast did not reach and why, with the call list to export', async () => {
    const staff = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const [b] = (await staff.get('/api/v1/broadcasts')).body.items as Array<{ id: string }>;
    // Sent through the log channel only: the one reached by text message finds no SMS channel in this process.
    await fanOut(h.ctx, b!.id);
    const rows = await h.ctx.db.select().from(deliveries).where(eq(deliveries.broadcastId, b!.id));
    const channels = new Map([['log', logChannel(h.ctx.logger)]]);
    for (const d of rows) await deliver(h.ctx, d.id, channels);
    const row = page.getByRole('row').filter({ hasText: '{{name}}您好' });
    await row.locator(`[data-testid="sent-${b!.id}"]`).getByText('1', { exact: true }).waitFor();
    await row.getByRole('button', { name: '原因' }).click();
    const drawer = page.getByRole('dialog', { name: '未送达的人和原因' });
    await drawer.getByText('共 2 人，已送达 1 人，其余 1 人的情况如下：').waitFor();
    await drawer.getByTestId('reasons').getByText('该发送渠道未开通').waitFor();
    const call = drawer.getByRole('row').filter({ hasText: '阿者' });
    await call.getByText('南沙村委会').waitFor();
    await call.getByText('该发送渠道未开通').waitFor();
    await shot('care-not-reached');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(xlsx.suggestedFilename()).toBe('电话联系名单-2026-06-01.xlsx');
    const [json] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: '导出 JSON' }).click()]);
    const list = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { items: Array<{ name: string; label: string }> };
    expect(list.items.map((i) => i.name)).toEqual(['阿者']);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('speaks English without Chinese punctuation or Chinese sample text in the fields', async () => {
    await page.getByLabel('语言').click();
    await page.locator('.ant-select-item-option', { hasText: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Register' }).waitFor();
    const pages = ['', 'follow-ups', 'workers', 'households', 'import', 'vacancies', 'trainings', 'fairs', 'rain-dew', 'policies', 'monitoring'];
    for (const path of pages) {
      // Moved within the page, as its own links do (the console is loaded once, not eleven times).
      await moveTo(page, path);
      // Names and places are the register's own (Chinese); the console's words and marks around them are not.
      const found = await page.evaluate<{ placeholders: string[]; marks: string }>(`(() => {
        const cjk = /[\\u3400-\\u9fff]/;
        const placeholders = [...document.querySelectorAll('[placeholder]')].map((e) => e.getAttribute('placeholder') ?? '').filter((p) => cjk.test(p));
        const marks = (document.body.innerText.match(/[：；、（）「」，。]/g) ?? []).join('');
        return { placeholders, marks };
      })()`);
      expect([path, found]).toEqual([path, { placeholders: [], marks: '' }]);
    }
    await page.goto(`${base}/console/fairs`);
    await page.getByRole('button', { name: /^(Save as draft)$/ }).waitFor();
    await shot('care-english-fairs');
    await page.getByLabel('Language').click();
    await page.locator('.ant-select-item-option', { hasText: '中文' }).click();
    await page.getByRole('menuitem', { name: '人员登记' }).waitFor();
    // An empty list says so, and what to do.
    await nav('招聘会');
    await page.getByText('还没有招聘会，在上面新建第一场').waitFor();
  });

  it('shows the county administrator who did what to whom, by name, filtered by person, action and days', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const admin = await context.newPage();
    try {
      await admin.goto(`${base}/console`);
      await admin.getByLabel('用户名').fill('county-admin');
      await admin.getByLabel('密码').fill(PASSWORD);
      await admin.getByRole('button', { name: '登录' }).click();
      await admin.getByRole('menuitem', { name: '操作日志' }).click();
      await admin.getByRole('heading', { level: 3, name: '操作日志' }).waitFor();
      await admin.getByLabel('操作人').click();
      await admin.locator('.ant-select-item-option', { hasText: '杨站长' }).click();
      // The clerk's broadcast: their name and role, the action in words, the message it was about.
      const sent = admin.getByRole('row').filter({ hasText: '新建群发消息' });
      await sent.getByText('杨站长').waitFor();
      await sent.getByText('工作站', { exact: true }).waitFor();
      await sent.getByText(/^群发消息：\{\{name\}\}您好/).waitFor();
      // The rows before the filter answered may still be on screen: wait for the others to go.
      await admin.getByRole('row').filter({ hasText: '李主任' }).first().waitFor({ state: 'detached' });
      expect(await admin.getByRole('row').filter({ hasText: '李主任' }).count()).toBe(0);
      await admin.getByLabel('操作', { exact: true }).click();
      await admin.keyboard.type('未送达名单');
      await admin.locator('.ant-select-item-option', { hasText: '查看群发的未送达名单' }).click();
      await admin.getByRole('row').filter({ hasText: '查看群发的未送达名单' }).first().waitFor();
      await admin.getByRole('row').filter({ hasText: '新建群发消息' }).first().waitFor({ state: 'detached' });
      expect(await admin.getByRole('row').filter({ hasText: '新建群发消息' }).count()).toBe(0);
      await rig.shot(admin, 'care-audit');
      // Days long before anything happened: nothing.
      await admin.getByPlaceholder('开始日期').fill('2020-01-01');
      await admin.getByPlaceholder('开始日期').press('Enter');
      await admin.getByPlaceholder('结束日期').fill('2020-01-02');
      await admin.getByPlaceholder('结束日期').press('Enter');
      await admin.getByText('没有符合条件的记录').waitFor();
      // On a phone the log and its filters fit the screen (the table scrolls inside itself).
      await admin.setViewportSize({ width: 390, height: 844 });
      await admin.goto(`${base}/console/audit`);
      await admin.getByRole('heading', { level: 3, name: '操作日志' }).waitFor();
      await admin.waitForLoadState('networkidle');
      expect(await admin.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('lets a member of staff set their own mobile for urgent notices on 我的账号: a landline refused beside the field, the number then shown masked, a WeChat code, who in the region can be reached', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const admin = await context.newPage();
    try {
      await admin.goto(`${base}/console`);
      await admin.getByLabel('用户名').fill('county-admin');
      await admin.getByLabel('密码').fill(PASSWORD);
      await admin.getByRole('button', { name: '登录' }).click();
      await admin.getByRole('button', { name: '账号菜单' }).click();
      await admin.getByRole('menuitem', { name: '我的账号' }).click();
      await admin.getByRole('heading', { level: 3, name: '我的账号' }).waitFor();
      await admin.getByTestId('push-state').getByText('您还没有绑定微信或设置手机号').waitFor();
      await admin.getByLabel('手机号', { exact: true }).fill('0873-5621234');
      await admin.getByRole('button', { name: '保存手机号' }).click();
      await admin.locator('.ant-form-item-explain-error').getByText('请填写 11 位中国大陆手机号（短信只能发到手机，不能发到座机）').waitFor();
      await admin.getByLabel('手机号', { exact: true }).fill('139 1234 5678');
      // The landline's reason goes once the number is changed; the button is pressed after the form has closed up.
      await admin.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
      await admin.getByRole('button', { name: '保存手机号' }).click();
      // Should the number not show, what the page said instead is told with the failure.
      await admin
        .getByTestId('phone-masked')
        .getByText('当前手机号：139****5678')
        .waitFor()
        .catch(async (e: Error) => {
          throw new Error(`${e.message}\nthe page said: ${await admin.getByTestId('my-account-message').innerText().catch(() => '(nothing)')}`);
        });
      expect(await admin.getByTestId('my-account-message').innerText()).toBe('手机号已保存。');
      expect(await admin.locator('.ant-form-item-explain-error').count()).toBe(0);
      await admin.getByTestId('push-state').getByText('紧急通知会推送给您。').waitFor();
      const [row] = await h.ctx.db.select().from(accounts).where(eq(accounts.username, 'county-admin'));
      expect(h.ctx.pii.decrypt(row!.contactPhoneEnc!)).toBe('13912345678');
      // The WeChat binding: a code to send to the bot, and what to do with it.
      await admin.getByRole('button', { name: '获取绑定码' }).click();
      expect(await admin.getByTestId('wechat-code').innerText()).toMatch(/^\d{8}/);
      // Who in the county can be reached: the administrator now, the clerk not yet.
      await admin.getByRole('row').filter({ hasText: '李主任' }).getByText('能收到').waitFor();
      await admin.getByRole('row').filter({ hasText: '杨站长' }).getByText('只在控制台').waitFor();
      await rig.shot(admin, 'care-my-account');
    } finally {
      await context.close();
    }
  });
});
