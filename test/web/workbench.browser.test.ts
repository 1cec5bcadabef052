/**
 * The supervisors' workbench as its users meet it (issue 12), in real headless Chromium: cases started by
 * department systems through the HTTP API on a time-skipping Temporal server, pushed past their deadline across
 * 国庆 2026; a real worker mailing through the SMTP catcher; the workbench behind its real login form.
 * Screenshots of every page go to .data/screenshots/workbench-*.png (not committed).
 */
import fs from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, KEYS, type TestApi, type Who } from '../support/api';
import { startBrowser, type BrowserHarness } from '../support/browser';
import { mailingWorker } from '../support/mailing';
import { createTimeSkippingEnv } from '../support/temporal';
import { sleepUntil, virtualClock } from '../support/time';
import { eventually } from '../support/worker';

let env: TestWorkflowEnvironment;
let smtp: MailCatcher;
let api: TestApi;
let worker: Awaited<ReturnType<typeof mailingWorker>> | undefined;
let browser: BrowserHarness;
/** A: 民政厅 asks 人社厅 (overdue); B: 公安厅 asks 民政厅 (no business of 人社厅); C: refused, then P2 (the chain) */
const ids = {} as { a: string; b: string; c: string; p2: string };

async function start(who: Who, key: string, body: Record<string, unknown>): Promise<string> {
  const res = await api.as(who).post('/api/v1/cases').set('Idempotency-Key', key).send(body);
  if (res.status !== 201) throw new Error(`start: ${res.status} ${res.text}`);
  return res.body.id as string;
}

async function act(who: Who, id: string, action: Record<string, unknown>): Promise<void> {
  const res = await api.as(who).post(`/api/v1/cases/${id}/actions`).send(action);
  if (res.status !== 200) throw new Error(`act: ${res.status} ${res.text}`);
}

const p1 = (resourceId: string) => ({
  procedure: 'P1',
  resourceId,
  purpose: '城乡低保对象家庭收入核查',
  scope: '参保状态、缴费基数',
  receivedAt: '2026-09-28T10:00:00+08:00',
});

beforeAll(async () => {
  // 2026-09-28 (Mon) 10:00 Beijing; 国庆 10/1–10/7 off, 10/10 (Sat) worked: 10 working days end on 10/16
  [env, smtp] = await Promise.all([
    createTimeSkippingEnv({ startAt: '2026-09-28T02:00:00Z' }),
    startMailCatcher(),
  ]);
  const clock = virtualClock(env);
  await clock.sync();
  api = await createTestApi({ env, now: clock.now });
  await seedDemoAccounts(api.tdb.db);
  worker = await mailingWorker({
    connection: env.nativeConnection,
    db: api.tdb.db,
    taskQueue: api.taskQueue,
    smtpPort: smtp.smtpPort,
    publicBaseUrl: 'http://127.0.0.1:3000',
    from: 'gxcase <noreply@gxcase.test>',
  });

  ids.a = await start('mzt', 'browser-a', p1('SB-0003'));
  ids.b = await start('gat', 'browser-b', p1('MZ-0012'));
  ids.c = await start('gat', 'browser-c', { ...p1('SB-0003'), purpose: '出入境人员社保核验' });
  // to 2026-10-20 (Tue) 10:00 Beijing: A is 2 working days past its deadline (10/19 and 10/20)
  await sleepUntil(env, '2026-10-20T02:00:00Z');
  await clock.sync();
  // C is refused late and goes to negotiation only now: a child started before a skip would hold the
  // time-skipping server's clock (temporalio/sdk-java#2392), so nothing sleeps after it
  await act('rst', ids.c, { type: 'refuse', reason: '涉及个人隐私', legalBasis: '《社会保险法》第八十一条' });
  await act('gat', ids.c, { type: 'open_negotiation', need: '履行出入境管理职责确需核验参保状态' });
  ids.p2 = (
    await eventually(() =>
      api.tdb.db.case.findFirst({ where: { parentCaseId: ids.c, procedure: 'P2_NEGOTIATION' } }),
    )
  ).id;
  await eventually(async () => (await api.tdb.db.case.findUniqueOrThrow({ where: { id: ids.a } })).overdue);
  browser = await startBrowser(api.app);
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await api?.close();
  await smtp?.stop();
  await env?.teardown();
});

async function logIn(username: (typeof DEMO_ACCOUNTS)[number]['username'], path = '/dashboard') {
  const { page, problems } = await browser.open();
  await page.goto(`${browser.base}${path}`);
  expect(new URL(page.url()).pathname).toBe('/dashboard/login');
  const password = DEMO_ACCOUNTS.find((a) => a.username === username)?.password ?? '';
  await page.getByLabel('登录名').fill(username);
  await page.getByLabel('密码').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登录' }).click()]);
  return { page, problems };
}

const rowOf = (page: Page, caseId: string) =>
  page.locator('tr', { has: page.locator(`a:text-is("${caseId}")`) });

describe('督办工作台: a supervisor in a real browser', () => {
  test('sees the overdue case with its working days, filters by department, downloads CSV and .xlsx', async () => {
    const { page, problems } = await logIn('duban', '/dashboard/overdue');
    expect(new URL(page.url()).pathname).toBe('/dashboard/overdue');
    const row = rowOf(page, ids.a);
    await expect(row.count()).resolves.toBe(1);
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('2 个工作日');
    expect(text).toContain('2026年10月16日');
    expect(text).toContain('内蒙古自治区民政厅');
    await browser.screenshot(page, 'workbench-overdue');

    // filter by the responsible department: 人社厅 keeps A, loses B (民政厅's)
    await page.locator('select[name="department"]').selectOption('NMG-RST');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('department=NMG-RST')),
      page.getByRole('button', { name: '筛选' }).click(),
    ]);
    await page.waitForFunction((b) => !document.body.innerText.includes(b), ids.b);
    await expect(rowOf(page, ids.a).count()).resolves.toBe(1);
    expect(page.url()).toContain('department=NMG-RST');
    await browser.screenshot(page, 'workbench-overdue-filtered');

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /CSV/ }).click(),
    ]);
    const csvText = fs.readFileSync((await csv.path()) as string);
    expect(csvText.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csvText.toString('utf8').slice(1).trim().split(/\r?\n/);
    expect(lines).toHaveLength(2); // header + A
    expect(lines[1]).toContain(ids.a);
    expect(lines[1]).toContain('内蒙古自治区人力资源和社会保障厅');

    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /xlsx/ }).click(),
    ]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile((await xlsx.path()) as string);
    const sheet = book.worksheets[0];
    const cells = sheet.getRow(2).values as unknown[];
    expect(cells).toContain(ids.a);
    expect(JSON.stringify(cells)).toContain('有条件共享申请');
    expect(sheet.rowCount).toBe(2);
    expect(problems).toEqual([]);
  });

  test('opens the case page with the whole chain and the mails sent for it', async () => {
    const { page, problems } = await logIn('duban', `/dashboard/cases/${ids.c}`);
    expect(new URL(page.url()).pathname).toBe(`/dashboard/cases/${ids.c}`);
    const body = await page.locator('main').innerText();
    expect(body).toContain(ids.c);
    expect(body).toContain(ids.p2);
    expect(body).toContain('共享协商');
    expect(body).toContain('逐日说明');
    await eventually(
      async () => (await api.tdb.db.notification.count({ where: { caseId: ids.c, status: 'SENT' } })) > 0,
    );
    await page.reload();
    const mails = page.locator('table', { has: page.locator('caption', { hasText: '邮件及投递状态' }) });
    expect(await mails.innerText()).toContain('已送达');
    await browser.screenshot(page, 'workbench-case');
    await page.getByRole('link', { name: ids.p2 }).first().click();
    await page.waitForURL(`**/dashboard/cases/${ids.p2}`);
    await browser.screenshot(page, 'workbench-case-p2');
    expect(problems).toEqual([]);
  });

  test('every page renders without a console, CSP or request problem', async () => {
    const { page, problems } = await logIn('duban');
    for (const [path, name] of [
      ['/dashboard', 'overview'],
      ['/dashboard/due-soon', 'due-soon'],
      ['/dashboard/statistics', 'statistics'],
      ['/dashboard/departments/NMG-RST', 'department'],
      ['/dashboard/mail-problems', 'mail-problems'],
    ] as const) {
      await page.goto(`${browser.base}${path}`);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('h1').innerText()).not.toBe('');
      await browser.screenshot(page, `workbench-${name}`);
    }
    // a tablet held upright: the lists scroll sideways inside their box, the page itself does not
    await page.setViewportSize({ width: 820, height: 1180 });
    for (const [path, name] of [
      ['/dashboard', 'overview'],
      ['/dashboard/overdue', 'overdue'],
    ] as const) {
      await page.goto(`${browser.base}${path}`);
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await browser.screenshot(page, `workbench-${name}-tablet`);
      expect([name, overflow]).toEqual([name, 0]);
    }
    expect(problems).toEqual([]);
  });

  test('an administrator manages accounts on their own page', async () => {
    const { page, problems } = await logIn('admin', '/dashboard/admin/accounts');
    expect(await page.locator('h1').innerText()).toBe('账号管理');
    await page.getByLabel('登录名').fill('xam-duban');
    await page.getByLabel('姓名与单位').fill('锡林郭勒盟 督办员');
    await page.getByLabel('角色').selectOption('SUPERVISOR');
    await page.getByLabel(/初始密码/).fill('xam-initial-2026');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '创建' }).click()]);
    expect(await page.locator('table').innerText()).toContain('锡林郭勒盟 督办员');
    await browser.screenshot(page, 'workbench-accounts');
    expect(problems).toEqual([]);
  });
});

describe('督办工作台: what others cannot do', () => {
  test('a department user does not see another department’s case', async () => {
    const { page } = await logIn('rst', `/dashboard/cases/${ids.b}`);
    const res = await page.goto(`${browser.base}/dashboard/cases/${ids.b}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('main').innerText()).not.toContain('出入境');
    await page.goto(`${browser.base}/dashboard/overdue`);
    await expect(rowOf(page, ids.a).count()).resolves.toBe(1);
    await expect(rowOf(page, ids.b).count()).resolves.toBe(0);
    await browser.screenshot(page, 'workbench-department-user');
  });

  test('an API key opens no page', async () => {
    const { page } = await browser.open();
    await page.setExtraHTTPHeaders({ Authorization: `Bearer ${KEYS.supervisor}` });
    await page.goto(`${browser.base}/dashboard/overdue`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
  });

  test('a form without its CSRF token is refused', async () => {
    const { page } = await logIn('duban');
    await page.evaluate(() => document.querySelectorAll('input[name="_csrf"]').forEach((i) => i.remove()));
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/dashboard/logout')),
      page.getByRole('button', { name: '退出' }).click(),
    ]);
    expect(res.status()).toBe(403);
    expect(await page.locator('main').innerText()).toContain('CSRF');
    // still logged in
    await page.goto(`${browser.base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard');
  });
});
