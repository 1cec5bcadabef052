/**
 * 第三十二条 in a real browser: 人社厅's person opens 报送, fills in the narrative and submits; the page shows the
 * frozen version with its figures. No console error, no failed request, no CSP violation; screenshots in
 * .data/screenshots for people to look at.
 */
import { createCalendarProvider } from '../../core/calendar/provider';
import { openReportingRound } from '../../core/reports/rounds';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { startBrowser, type BrowserHarness } from '../support/browser';
import { eventually } from '../support/worker';
import { writeFirstHalf2026 } from './fixtures';

let api: TestApi;
let browser: BrowserHarness;

beforeAll(async () => {
  api = await createTestApi({ worker: true });
  const { db } = api.tdb;
  await seedDemoAccounts(db);
  await writeFirstHalf2026(db);
  const deps = {
    db,
    temporal: api.temporal,
    calendars: createCalendarProvider(db),
    taskQueue: api.taskQueue,
  };
  const round = await openReportingRound(deps, { kind: 'half_year', firedAt: '2026-07-01T00:00:00+08:00' });
  await openReportingRound(deps, { kind: 'year', firedAt: '2027-01-01T00:00:00+08:00' });
  const rst = round.cases.find((c) => c.departmentId === 'NMG-RST')!.caseId;
  await eventually(() => db.caseEvent.findFirst({ where: { caseId: rst, type: 'received' } }), 60_000);
  browser = await startBrowser(api.app);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

test('第三十二条 报送 in a browser: the department submits its report on the page', async () => {
  const { page, problems } = await browser.open();
  const rst = DEMO_ACCOUNTS.find((a) => a.username === 'rst')!;
  await page.goto(`${browser.base}/dashboard/reports`);
  await page.getByLabel('登录名').fill(rst.username);
  await page.getByLabel('密码').fill(rst.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登录' }).click()]);
  await page.goto(`${browser.base}/dashboard/reports`);
  await page.getByRole('link', { name: '报送', exact: true }).waitFor();
  await browser.screenshot(page, 'p7-reports-list');
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('link', { name: '内蒙古自治区人力资源和社会保障厅' }).click(),
  ]);
  await page
    .getByLabel('共享落实情况和使用效果')
    .fill('上半年按时答复共享申请 3 件中的 2 件。\n下半年继续完善目录。');
  await browser.screenshot(page, 'p7-report-draft');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '报送' }).click()]);
  await page.getByText('报送数据 (第1版, 已冻结)').waitFor();
  await browser.screenshot(page, 'p7-report-submitted');
  expect(problems).toEqual([]);
}, 60_000);
