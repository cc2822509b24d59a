import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { buildApp } from '../../src/app';
import { consoleDir } from '../../src/http/console';
import type { Harness } from './harness';

const ROOT = resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the browser tests leave their screenshots, to be looked at after a run (with CONSOLE_SHOTS=1). */
export const SHOTS = resolve(ROOT, 'test-artifacts/console');
/**
 * Screenshots are taken when asked for (CONSOLE_SHOTS=1): each costs the browser about half a CPU-second,
 * some fifty a run, on a suite that is short of CPU.
 */
const TAKE_SHOTS = process.env.CONSOLE_SHOTS === '1';

export interface ConsoleRig {
  /** The service's address, the console being at `${base}/console`. */
  base: string;
  browser: Browser;
  /**
   * A page as station staff open it: a 1366×768 screen, in Chinese unless told otherwise, and the system's
   * "reduce motion" setting on unless `motion` is asked for: drawers and menus then appear at once, with less
   * for the browser to draw and no half-open menu to click.
   */
  page(opts?: { width?: number; height?: number; locale?: string; motion?: boolean }): Promise<Page>;
  /** A screenshot of the whole page (or of the screen only), under test-artifacts/console/NAME.png, with CONSOLE_SHOTS=1. */
  shot(p: Page, name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * The console served by the harness's own app on a free port, and Debian's Chromium to drive it. The
 * console is built first if it has not been (`npm run build:web`). Close it before the harness.
 */
export async function openConsole(h: Harness): Promise<ConsoleRig> {
  if (!consoleDir()) execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
  mkdirSync(SHOTS, { recursive: true });
  const server: Server = buildApp(h.ctx).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    base,
    browser,
    page: (opts = {}) => browser.newPage({ viewport: { width: opts.width ?? 1366, height: opts.height ?? 768 }, locale: opts.locale ?? 'zh-CN', reducedMotion: opts.motion ? 'no-preference' : 'reduce' }),
    shot: async (p, name, fullPage = true) => {
      if (TAKE_SHOTS) await p.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage });
    },
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** How long an element's transitions last, as the browser computes them (`0s` for each when nothing moves). */
export function transitionOf(element: Locator): Promise<string> {
  // The tests are compiled without the DOM's types: the page's own getComputedStyle, named through globalThis.
  return element.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { transitionDuration: string } }).getComputedStyle(el).transitionDuration);
}

/**
 * Moves to `/console/PATH` within the page, as the console's own links do (the console stays loaded), and
 * resolves once the new page's heading shows and no request of the page has been under way for 300 ms
 * (Playwright's `networkidle` is reached only once per load, so it says nothing after a move like this).
 */
export async function moveTo(p: Page, path: string): Promise<void> {
  const pending = new Set<unknown>();
  let quietSince = Date.now();
  const start = (r: unknown) => void pending.add(r);
  const end = (r: unknown) => {
    pending.delete(r);
    if (pending.size === 0) quietSince = Date.now();
  };
  p.on('request', start);
  p.on('requestfinished', end);
  p.on('requestfailed', end);
  try {
    const to = `/console/${path}`.replace(/\/$/, '');
    const [before, here] = await p.evaluate<[string, string]>("[document.querySelector('h3')?.textContent ?? '', location.pathname.replace(/\\/$/, '')]");
    if (here === to) return;
    await p.evaluate(`history.pushState(null, '', ${JSON.stringify(to)}); dispatchEvent(new PopStateEvent('popstate'))`);
    // The page changed: its heading is another (every page of the console has its own). Asked in a loop:
    // the console's content security policy refuses waitForFunction's evaluated text.
    const heading = () => p.evaluate<string>("document.querySelector('h3')?.textContent ?? ''");
    for (const until = Date.now() + 30_000; (await heading()) === before; await p.waitForTimeout(50)) {
      if (Date.now() > until) throw new Error(`${to}: the page did not change from «${before}» in 30 s`);
    }
    quietSince = pending.size === 0 ? Date.now() : quietSince;
    for (;;) {
      if (pending.size === 0 && Date.now() - quietSince >= 300) return;
      await p.waitForTimeout(50);
    }
  } finally {
    p.off('request', start);
    p.off('requestfinished', end);
    p.off('requestfailed', end);
  }
}

/**
 * Chooses a place in a level-by-level region picker (a cascader) as a person does: opens it, clicks each
 * level's name and waits for the next level to show, and ends when the field shows the last name. On a busy
 * machine the menu may still be sliding open when it is clicked, and a click can miss: a level that did not
 * open is clicked again, and a menu that closed is opened again. A village (the lowest level) closes the menu
 * by itself; Escape is pressed only while the menu is still open, so it never reaches a drawer or a dialog
 * around the field.
 */
export async function chooseLevels(p: Page, field: Locator, names: string[]): Promise<void> {
  const picker = field.locator('xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-cascader ")][1]');
  const menu = p.locator('.ant-cascader-dropdown').filter({ visible: true });
  const item = (name: string) => menu.locator('.ant-cascader-menu-item', { hasText: name });
  const until = Date.now() + 120_000;
  for (let level = 0; level < names.length; ) {
    if (Date.now() > until) throw new Error(`the region picker did not take ${names.join(' / ')} in 120 s`);
    if ((await menu.count()) === 0) await field.click();
    const clicked = await item(names[level]!).click({ timeout: 5_000 }).then(() => true, () => false);
    if (!clicked) continue;
    const next = level + 1 < names.length ? item(names[level + 1]!) : picker.getByText(names[level]!);
    if (await next.first().waitFor({ timeout: 5_000 }).then(() => true, () => false)) level++;
  }
  if (!(await menu.first().waitFor({ state: 'hidden', timeout: 5_000 }).then(() => true, () => false))) await p.keyboard.press('Escape');
  await menu.first().waitFor({ state: 'hidden' });
}

/**
 * Types words into a search field (an antd Select that asks the service as one types: a village by part of its
 * name, a person by name) and chooses the answer that reads `option`, then waits until the field shows it (for
 * a field of several, among its choices). On a busy machine the answers can be drawn again between the press
 * and the release of a click, which then chooses nothing: the words are typed and the answer clicked again
 * until the field shows the choice. A choice the field already shows is not clicked again (in a field of
 * several that would take it back).
 */
export async function chooseFound(p: Page, field: Locator, words: string, option: string): Promise<void> {
  const select = field.locator('xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]');
  const answer = p.locator('.ant-select-dropdown').filter({ visible: true }).locator('.ant-select-item-option', { hasText: option });
  const shown = select.getByText(option).first();
  const until = Date.now() + 120_000;
  for (;;) {
    if (await shown.isVisible()) return;
    if (Date.now() > until) throw new Error(`«${option}» was not chosen for «${words}» in 120 s`);
    await field.fill(words);
    if (await answer.click({ timeout: 10_000 }).then(() => true, () => false)) await shown.waitFor({ timeout: 10_000 }).catch(() => undefined);
  }
}
