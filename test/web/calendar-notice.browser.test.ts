/**
 * 按通知加载节假日安排 as an administrator meets it, in real headless Chromium: paste a notice with a
 * mistake (refused, naming the sentence), paste it right, read the side-by-side preview, confirm. The 2027
 * text is MADE UP for the test. Screenshots go to .data/screenshots/calendar-notice-*.png (not committed).
 */
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../prisma/seed';
import { TEST_NOTICE_2027 } from '../calendar-api/notice-text';
import { fixture2027, insertOpenCase } from '../calendar-api/helpers';
import { loadCalendarYear } from '../../core/calendar/store';
import { createTestApi, type TestApi } from '../support/api';
import { startBrowser, type BrowserHarness } from '../support/browser';

let api: TestApi;
let browser: BrowserHarness;

beforeAll(async () => {
  api = await createTestApi();
  await seedDemoAccounts(api.tdb.db);
  await insertOpenCase(api.tdb.db, {
    id: 'ZG-2027-000001',
    receivedAt: '2027-02-01T10:00:00+08:00',
    workingDays: 5,
    deadlineDate: '2027-02-12',
    dueAt: '2027-02-13T00:00:00+08:00',
  });
  browser = await startBrowser(api.app);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const logIn = (username: (typeof DEMO_ACCOUNTS)[number]['username'], to: string) =>
  browser.logIn(username, to);

test('paste, preview side by side, confirm', async () => {
  const { page, problems } = await logIn('admin', '/dashboard/admin/calendar');
  // what next year stands on, before anything is pasted
  expect(await page.getByRole('note').innerText()).toMatch(/^\d{4} 年现状: /);
  await page.getByLabel('年份').fill('2027');
  await page.getByLabel(/^通知全文/).fill(TEST_NOTICE_2027.replace('2月20日（周六）', '2月23日（周二）'));
  await page.getByLabel(/^文号/).fill('测试发明电〔2026〕99号');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '预览' }).click()]);
  const alert = await page.getByRole('alert').innerText();
  expect(alert).toContain('调休上班日2027年2月23日是周二');
  expect(alert).toContain('“1月31日（周日）、2月23日（周二）上班”');
  await browser.screenshot(page, 'calendar-notice-refused');

  // the text is kept in the form; correct it and preview again
  await page.getByLabel(/^通知全文/).fill(TEST_NOTICE_2027);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '预览' }).click()]);
  const compare = page.locator('table.notice-compare');
  const spring = await compare.locator('tbody tr').nth(1).innerText();
  expect(spring).toContain('2月5日（周五）至13日（周六）放假调休，共9天');
  expect(spring).toContain('2027年2月5日—2月13日（9天）');
  expect(spring).toContain('2027年1月31日（周日）、2027年2月20日（周六）');
  // against the calendar in force (2027 not loaded: provisional), like days grouped, real status shown
  const changes = page.locator('table.day-changes tbody tr');
  const rows = await changes.allInnerTexts();
  expect(rows).toContain('2027年1月31日（1天）\t周日（休息）\t调休上班（春节）\t多 1 天');
  expect(rows).toContain('2027年2月11日—2月13日（3天）\t工作日 2 天、周末 1 天\t放假（春节）\t少 2 天');
  expect(await page.locator('#changes').locator('..').innerText()).toContain('该年尚未加载');
  expect(await page.locator('#cases').locator('..').innerText()).toContain('推后 4 天');
  expect(await api.tdb.db.calendarYear.count()).toBe(0);
  await browser.screenshot(page, 'calendar-notice-preview');

  // another administrator loads 2027 after this preview was made: the confirm is refused, nothing written
  await loadCalendarYear(
    { db: api.tdb.db },
    { year: 2027, arrangement: fixture2027(), loadedBy: 'user:admin2' },
  );
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '确认加载' }).click()]);
  const conflict = await page.getByRole('alert').innerText();
  expect(conflict).toMatch(/admin2（工作台） 已于 .* 加载了第 1 版（预览时没有已加载的版本）/);
  expect(await api.tdb.db.calendarYear.count()).toBe(1);
  // the page previews again against version 1: the same days, so nothing changes
  expect(await page.locator('#changes').locator('..').innerText()).toContain('没有任何日期变化');
  await browser.screenshot(page, 'calendar-notice-conflict');

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '确认加载' }).click()]);
  expect(await page.getByRole('status').innerText()).toContain('已保存为 2027 年第 2 版');
  const row = await api.tdb.db.calendarYear.findFirstOrThrow({ where: { year: 2027, supersededAt: null } });
  expect(row).toMatchObject({ version: 2, loadedBy: 'user:admin', sourceNumber: '测试发明电〔2026〕99号' });
  await browser.screenshot(page, 'calendar-notice-loaded');
  // the refused paste (400) and the refused confirm (409) answer so on purpose; nothing else may fail
  expect(problems.filter((p) => !/400|409/.test(p))).toEqual([]);
});

test('返回修改 brings the pasted text back into the form', async () => {
  const { page } = await logIn('admin', '/dashboard/admin/calendar');
  await page.getByLabel('年份').fill('2027');
  await page.getByLabel(/^通知全文/).fill(TEST_NOTICE_2027);
  await page.getByLabel(/^文号/).fill('测试发明电〔2026〕99号');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '预览' }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '返回修改' }).click()]);
  expect(await page.getByLabel(/^通知全文/).inputValue()).toBe(TEST_NOTICE_2027);
  expect(await page.getByLabel(/^文号/).inputValue()).toBe('测试发明电〔2026〕99号');
});

test('not for other roles', async () => {
  const { page } = await logIn('duban', '/dashboard/admin/calendar');
  expect(await page.locator('body').innerText()).not.toContain('粘贴通知全文');
});
