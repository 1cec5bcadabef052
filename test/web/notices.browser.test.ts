/**
 * 书面通报 (第三十六条) as its users meet it, in real headless Chromium: the supervisor issues a notice through
 * the form (the evidence toggled off and on with the 全选/全不选 button), reads it on the case page, 人社厅's
 * 专人 reports with an attachment digested in the browser, the supervisor sees the review forms. The app runs
 * over a private database on the shared Temporal dev server with a real worker. Screenshots go to
 * .data/screenshots/notice-*.png (not committed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { startCase } from '../../core/cases/start';
import { issueNotice } from '../../core/oversight/rectification';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { startBrowser, type BrowserHarness } from '../support/browser';
import { eventually } from '../support/worker';
import { terminateCases } from '../support/cases';

let api: TestApi;
let browser: BrowserHarness;
let deps: Parameters<typeof startCase>[0];
const started: string[] = [];

beforeAll(async () => {
  api = await createTestApi({ worker: true });
  await seedDemoAccounts(api.tdb.db);
  deps = api.caseDeps;
  // two P1s 人社厅 let run out weeks ago: its workflow marks them overdue at once
  for (const [days, purpose] of [
    [42, '城乡低保对象家庭收入核查'],
    [35, '就业困难人员认定'],
  ] as const) {
    const { caseId } = await startCase(deps, {
      procedure: 'P1',
      requesterDepartmentId: 'NMG-MZT',
      responsibleDepartmentId: 'NMG-RST',
      resourceId: 'SB-0003',
      receivedAt: new Date(Date.now() - days * 86_400_000).toISOString(),
      details: { purpose, scope: '参保状态' },
    });
    started.push(caseId);
  }
  await eventually(
    async () => (await api.tdb.db.case.count({ where: { id: { in: started }, overdue: true } })) === 2,
  );
  browser = await startBrowser(api.app);
}, 60_000);

afterAll(async () => {
  await terminateCases(api.temporal, started);
  await browser?.close();
  await api?.close();
});

const logIn = (username: (typeof DEMO_ACCOUNTS)[number]['username'], to: string) =>
  browser.logIn(username, to);

test('a notice issued, read, reported on and reviewed in the browser', async () => {
  const duban = await logIn('duban', '/dashboard/notices/new');
  const { page } = duban;
  await browser.screenshot(page, 'notice-choose');
  await page.locator('select[name="department"]').selectOption('NMG-RST');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '下一步' }).click()]);
  expect(page.url()).toContain('department=NMG-RST');

  // the evidence starts all ticked; the toggle clears and restores it
  const boxes = page.locator('input[name="evidence"]');
  await expect(boxes.count()).resolves.toBe(2);
  const ticked = () => boxes.evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).length);
  await expect(ticked()).resolves.toBe(2);
  await page.getByRole('button', { name: '全不选' }).click();
  await expect(ticked()).resolves.toBe(0);
  await page.getByRole('button', { name: '全选' }).click();
  await expect(ticked()).resolves.toBe(2);

  await page.getByLabel(/^\(二\)/).check();
  await page.getByLabel(/^\(六\)/).check();
  await page.getByLabel('主要事实').fill('参保缴费信息共享申请逾期未答复, 经督办仍未办理。');
  await browser.screenshot(page, 'notice-form');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '发出书面通报' }).click()]);
  const casePath = new URL(page.url()).pathname;
  expect(casePath).toMatch(/^\/dashboard\/cases\/ZG-\d{4}-\d{6}$/);
  const caseId = casePath.split('/').pop()!;
  started.push(caseId);
  const official = await page.locator('article.official').innerText();
  expect(official).toContain('予以书面通报并责令限期整改的通知');
  expect(official).toContain(started[0]);
  await browser.screenshot(page, 'notice-case');

  // 人社厅's 专人: the report, with a file digested in the browser (not uploaded)
  const rst = await logIn('rst', casePath);
  expect(new URL(rst.page.url()).pathname).toBe(casePath);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notice-')), '整改台账.txt');
  fs.writeFileSync(file, '逐件清理台账');
  const digest = createHash('sha256').update('逐件清理台账').digest('hex');
  await rst.page.getByLabel('整改情况报告').fill('已建立答复台账, 两件逾期申请已于本周答复。');
  await rst.page.locator('[data-pick-files] input[type=file]').setInputFiles(file);
  await rst.page.waitForFunction(
    (d) => (document.querySelector('textarea[data-attachments]') as HTMLTextAreaElement).value.includes(d),
    digest,
  );
  await browser.screenshot(rst.page, 'notice-report-form');
  await Promise.all([rst.page.waitForNavigation(), rst.page.getByRole('button', { name: '报送' }).click()]);
  expect(await rst.page.locator('#rectification-h').isVisible()).toBe(true);
  expect(await rst.page.locator('ol.steps').innerText()).toContain(digest);
  await browser.screenshot(rst.page, 'notice-case-reported');

  await page.reload();
  await expect(page.getByRole('button', { name: /验收通过/ }).count()).resolves.toBe(1);
  await browser.screenshot(page, 'notice-review');

  await page.goto(`${browser.base}/dashboard/notices`);
  await browser.screenshot(page, 'notice-list');
  await page.goto(`${browser.base}/dashboard/departments/NMG-RST`);
  await page.waitForLoadState('networkidle');
  expect(await page.locator('.dept-notices').innerText()).toContain('内共享督');
  await browser.screenshot(page, 'notice-department');

  // a notice that ran out (issued a month ago, one working day): proposed on the overview, prefilled
  const past = new Date(Date.now() - 30 * 86_400_000);
  const { notice: lapsed } = await issueNotice(
    { ...deps, now: () => past, noticePrefix: '内共享督' },
    { clientId: 'user:duban', role: 'SUPERVISOR', departmentId: 'NMG-XTBGS' },
    'browser-lapsed',
    {
      departmentId: 'NMG-MZT',
      grounds: [1],
      facts: '部门政务信息资源目录逾期未更新',
      evidenceCaseIds: [],
      rectificationWorkingDays: 1,
    },
  );
  started.push(lapsed.caseId);
  await eventually(() => api.tdb.db.case.findFirst({ where: { id: lapsed.caseId, overdue: true } }));
  await page.goto(`${browser.base}/dashboard`);
  await page.locator('#proposals section').waitFor();
  await browser.screenshot(page, 'notice-overview-proposals');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '拟再次通报' }).click()]);
  expect(await page.getByLabel(/^\(五\)/).isChecked()).toBe(true);
  expect(await page.getByLabel('主要事实').inputValue()).toContain(lapsed.number);
  await browser.screenshot(page, 'notice-follow-form');

  // a tablet held upright: neither the form nor the notice pushes the page sideways
  await page.setViewportSize({ width: 820, height: 1180 });
  for (const [to, name] of [
    [`/dashboard/notices/new?department=NMG-RST`, 'form'],
    [casePath, 'case'],
  ] as const) {
    await page.goto(`${browser.base}${to}`);
    await page.waitForLoadState('networkidle');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await browser.screenshot(page, `notice-${name}-tablet`);
    expect([name, overflow]).toEqual([name, 0]);
  }
  expect(duban.problems).toEqual([]);
  expect(rst.problems).toEqual([]);
}, 120_000);
