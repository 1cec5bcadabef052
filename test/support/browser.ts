/**
 * A real browser for page tests: Debian chromium driven by playwright-core, against the real app listening on a
 * loopback port. Each page collects what a user would notice as broken: console errors, uncaught exceptions,
 * failed requests and CSP violations.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../prisma/seed';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots are test artifacts for people to look at, kept out of git (.data/ is ignored). */
export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', '.data', 'screenshots');

export interface BrowserHarness {
  base: string;
  browser: Browser;
  /** a fresh page with its own cookies; `problems` collects console errors, exceptions and failed requests */
  open(): Promise<{ page: Page; problems: string[] }>;
  /** a fresh page logged in through the login form as a demo account, then at `to` */
  logIn(
    username: (typeof DEMO_ACCOUNTS)[number]['username'],
    to: string,
  ): Promise<{ page: Page; problems: string[] }>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startBrowser(app: Express): Promise<BrowserHarness> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const harness: BrowserHarness = {
    base: `http://127.0.0.1:${port}`,
    browser,
    async open() {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      return { page, problems };
    },
    async logIn(username, to) {
      const { page, problems } = await harness.open();
      await page.goto(`${harness.base}${to}`);
      const password = DEMO_ACCOUNTS.find((a) => a.username === username)?.password ?? '';
      await page.getByLabel('登录名').fill(username);
      await page.getByLabel('密码').fill(password);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登录' }).click()]);
      return { page, problems };
    },
    async screenshot(page, name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
  return harness;
}
