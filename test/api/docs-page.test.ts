/**
 * The docs page in a real browser (Debian chromium through playwright-core): under the API's strict CSP, Swagger
 * UI must load the served document and list the operations, with no script blocked and no console error.
 */
import { createTestApi, type TestApi } from '../support/api';
import { startBrowser, type BrowserHarness } from '../support/browser';

let api: TestApi;
let browser: BrowserHarness;

beforeAll(async () => {
  api = await createTestApi();
  browser = await startBrowser(api.app);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

test('Swagger UI renders the contract: tags and operations, no CSP violation', async () => {
  const { page, problems } = await browser.open();
  await page.goto(`${browser.base}/api/v1/docs`);
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
