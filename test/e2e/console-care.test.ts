import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../../src/app';
import { consoleDir } from '../../src/http/console';
import { makeAccount, PASSWORD, REGIONS, seedRegions, validIdNumber } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { ManualClock } from '../../src/shared/clock';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../test-artifacts/console');

/**
 * The console as a new station meets it and as it guards against mistakes: an empty install reads as
 * empty (zeros and a hint, nothing spinning), a form shows the reasons of its latest answer only, and a
 * failed sign-in says what went wrong, in Chinese and in English.
 */
describe('the console on a new install', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!consoleDir()) execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: resolve(__dirname, '../..'), stdio: 'ignore' });
    mkdirSync(SHOTS, { recursive: true });
    h = await createHarness({ clock: new ManualClock('2026-06-01T04:00:00Z') });
    await seedRegions(h.ctx.db);
    await makeAccount(h.ctx.db, { username: 'new-station', regionCode: REGIONS.countyA.code });
    server = buildApp(h.ctx).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise((r) => server.close(r));
    await h?.close();
  });

  const shot = (name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
  const nav = async (label: string) => {
    await page.getByRole('menuitem', { name: label }).click();
    await page.getByRole('heading', { level: 3, name: label }).waitFor();
  };

  it('says plainly that a password was wrong, then shows zeros and a hint on an empty dashboard', async () => {
    await page.goto(`${base}/console`);
    await page.getByLabel('用户名').fill('new-station');
    await page.getByLabel('密码').fill('wrong password');
    await page.getByRole('button', { name: '登录' }).click();
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
    await form.getByRole('button', { name: '登记新人员' }).click();
    const phoneItem = form.locator('.ant-form-item').filter({ hasText: '手机号' });
    await phoneItem.locator('.ant-form-item-explain-error').waitFor();
    expect(sent).toHaveLength(2);
    expect(JSON.parse(sent[1]!).phone).toBe('12345');
    expect(await idItem.locator('.ant-form-item-explain-error').count()).toBe(0);
    await shot('care-form-latest-error');
  });
});
