/**
 * The docs page in a real browser (Debian chromium through playwright-core): under the API's strict CSP, Swagger
 * UI must load the served document and list the operations, with no script blocked and no console error.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createTestApi, type TestApi } from '../support/api';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let api: TestApi;
let server: Server;
let browser: Browser;

beforeAll(async () => {
  api = await createTestApi();
  server = await new Promise<Server>((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await api?.close();
});

test('Swagger UI renders the contract: tags and operations, no CSP violation', async () => {
  const { port } = server.address() as AddressInfo;
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`http://127.0.0.1:${port}/api/v1/docs`);
  await page.waitForSelector('.opblock', { timeout: 20_000 });
  const title = await page.textContent('.info .title');
  expect(title).toContain('政务信息资源共享时限监督 API');
  const paths = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.textContent?.trim()));
  expect(paths).toEqual(
    expect.arrayContaining(['/api/v1/cases', '/api/v1/access-decisions', '/api/v1/me/keys']),
  );
  expect(paths.length).toBeGreaterThan(40);
  expect(problems).toEqual([]);
  await page.close();
});
