/**
 * 案件详情 and 邮件异常 (issue 12) on real parts: a time-skipping Temporal server whose clock starts on
 * 2026-02-12 (the Thursday before 春节), a real worker with the real mail notifier delivering to the in-process
 * SMTP catcher, Postgres, and the workbench behind its real login form. The requester's 专人 mailbox refuses
 * mail (550), so one mail fails for good as it would in production.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadBundledCalendar } from '../../calendar/bundled';
import { actOnCase } from '../../core/cases/act';
import { startCase } from '../../core/cases/start';
import { deadlinePosition } from '../../core/oversight/case-detail';
import { createAccount } from '../../core/people/accounts';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { startBrowser } from '../support/browser';
import { mailingWorker } from '../support/mailing';
import { createTimeSkippingEnv } from '../support/temporal';
import { virtualClock } from '../support/time';
import { loginAgent, loginWithPassword } from '../support/web';
import { eventually } from '../support/worker';

const REFUSING = 'qiqige@mzt.nmg.example';
const RST = { clientId: 'client:rst', role: 'DEPARTMENT', departmentId: 'NMG-RST' } as const;
const MZT = { clientId: 'client:mzt', role: 'DEPARTMENT', departmentId: 'NMG-MZT' } as const;

let env: TestWorkflowEnvironment;
let smtp: MailCatcher;
let api: TestApi;
let worker: Awaited<ReturnType<typeof mailingWorker>> | undefined;
let p1: string;
let p2: string;
let deps: Parameters<typeof startCase>[0];

/** Logs in through the form with an account the demo seed does not have (a department party to nothing here). */
async function loginAs(username: string, password: string) {
  const { agent, status } = await loginWithPassword(api.app, username, password);
  expect(status).toBe(303);
  return agent;
}

/** The rows of the table whose caption contains `caption`, each as its cells' text. */
function tableRows(html: string, caption: string): string[][] {
  const table = html.split('<table').find((t) => t.includes(`<caption>${caption}`));
  if (!table) throw new Error(`no table captioned ${caption}`);
  const body = table.slice(table.indexOf('<tbody>'), table.indexOf('</tbody>'));
  return body
    .split('<tr')
    .slice(1)
    .map((tr) =>
      tr
        .split(/<td[^>]*>/)
        .slice(1)
        .map((td) => td.replace(/<[^>]+>/g, '').trim()),
    );
}

beforeAll(async () => {
  // 2026-02-12 09:00 Beijing (Thu): 春节 runs 2/15–2/23, with make-up working Saturdays 2/14 and 2/28
  [env, smtp] = await Promise.all([
    createTimeSkippingEnv({ startAt: '2026-02-12T01:00:00Z' }),
    startMailCatcher({
      reject: (a) => (a === REFUSING ? { code: 550, message: '5.1.1 mailbox unavailable' } : undefined),
    }),
  ]);
  const clock = virtualClock(env);
  await clock.sync();
  api = await createTestApi({ env, now: clock.now });
  await seedDemoAccounts(api.tdb.db);
  await createAccount(
    { db: api.tdb.db },
    { clientId: 'system:test', role: 'ADMIN' },
    {
      username: 'gat',
      password: 'gat-test-password',
      displayName: '公安厅 共享专人',
      role: 'DEPARTMENT',
      departmentId: 'NMG-GAT',
    },
  );
  const created = await mailingWorker({
    connection: env.nativeConnection,
    db: api.tdb.db,
    taskQueue: api.taskQueue,
    smtpPort: smtp.smtpPort,
    publicBaseUrl: 'http://127.0.0.1:3000',
  });
  worker = created;

  deps = {
    db: api.tdb.db,
    temporal: env.client,
    calendars: created.calendars,
    taskQueue: api.taskQueue,
    now: clock.now,
  };
  ({ caseId: p1 } = await startCase(deps, {
    procedure: 'P1',
    receivedAt: '2026-02-12T09:00:00+08:00',
    requesterDepartmentId: 'NMG-MZT',
    responsibleDepartmentId: 'NMG-RST',
    resourceId: 'SB-0003',
  }));
  await eventually(() => api.tdb.db.caseEvent.findFirst({ where: { caseId: p1, type: 'received' } }));
  await actOnCase(deps, RST, p1, {
    type: 'refuse',
    reason: '参保缴费明细涉及个人隐私',
    legalBasis: '《中华人民共和国社会保险法》第八十一条',
  });
  const negotiating = await actOnCase(deps, MZT, p1, {
    type: 'open_negotiation',
    need: '低保对象收入核查须掌握参保缴费情况',
  });
  expect(negotiating.chain).toHaveLength(1);
  p2 = (
    await eventually(() =>
      api.tdb.db.case.findFirst({ where: { parentCaseId: p1, deadlineDate: { not: '' } } }),
    )
  ).id;
  // P1: new case to RST, outcome to MZT (refused by its server); P2: new case to RST
  await eventually(async () => {
    const rows = await api.tdb.db.notification.findMany({ where: { caseId: { in: [p1, p2] } } });
    return rows.length === 3 && rows.every((r) => r.status !== 'PENDING');
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await env?.teardown();
  await smtp?.stop();
});

describe('案件详情: a refused P1 and its negotiation (第十九条)', () => {
  test('the supervisor sees the facts, both cases of the chain, the timeline and the mails of the P1', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get(`/dashboard/cases/${p1}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain(`<h1>案件详情 ${p1}</h1>`);
    expect(html).toContain('有条件共享申请 (第十九条)');
    expect(html).toContain('内蒙古自治区民政厅 → 内蒙古自治区人力资源和社会保障厅');
    expect(html).toContain('已办结 · 已拒绝 · 结果: 不予共享');
    expect(html).toContain('10 个工作日, 2026年3月4日 24:00 前');
    expect(html).toContain('按时办结');
    expect(html).not.toContain('补录');

    // the chain: P1 (this one, not a link) then P2, linked
    const chain = html.slice(html.indexOf('<ol class="chain">'), html.indexOf('</ol>'));
    expect(chain.indexOf(p1)).toBeLessThan(chain.indexOf(p2));
    expect(chain).toContain(`<li aria-current="page" class="current"><strong>${p1}</strong>`);
    expect(chain).toContain(`<a href="/dashboard/cases/${p2}">${p2}</a>`);
    expect(chain).toContain('协商 (第十九条)');

    const timeline = tableRows(html, '本案事件');
    expect(timeline.map((r) => [r[1], r[2]])).toEqual([
      ['收件登记', expect.any(String)],
      ['答复', '内蒙古自治区人力资源和社会保障厅'],
      ['发起协商', '内蒙古自治区民政厅'],
    ]);
    expect(timeline[0][0]).toBe('2026年2月12日 09:00');
    expect(timeline[0][3]).toContain('届满日: 2026年3月4日');
    expect(timeline[1][3]).toContain('办理: 不予共享');
    expect(timeline[1][3]).toContain('理由: 参保缴费明细涉及个人隐私');
    expect(timeline[1][3]).toContain('依据: 《中华人民共和国社会保险法》第八十一条');
    expect(timeline[2][3]).toContain(`后续案件: ${p2}`);
    expect(timeline[2][3]).toContain('需求: 低保对象收入核查须掌握参保缴费情况');

    const mails = tableRows(html, '为本案发出的邮件');
    expect(mails.map((m) => [m[0], m[1], m[3], m[4]])).toEqual(
      expect.arrayContaining([
        ['新案件通知', 'zhangwei@rst.nmg.example', '已送达邮件服务器', '1'],
        ['办理结果', REFUSING, '发送失败 (已放弃)', '1'],
      ]),
    );
    expect(mails).toHaveLength(2);
    const failed = mails.find((m) => m[1] === REFUSING);
    expect(failed?.[2]).toContain('办理结果【有条件共享申请】');
    expect(failed?.[5]).toContain('550');
    expect(failed?.[7]).toBe('—');
    expect(html).toContain('本案未产生共享授权');
  });

  test('the deadline is explained day by day across 春节, as the calendar engine counts it', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const html = (await duban.get(`/dashboard/cases/${p1}`)).text;
    expect(html).toContain('<details class="explain">');
    const days = tableRows(html, '从收件日到届满日的每一天');
    // receipt 2/12, then 2/13 … 3/4: 10 working days counted, 春节 (9 days) and Sunday 3/1 skipped
    expect(days).toHaveLength(21);
    expect(days[0]).toEqual(['2026年2月12日', '周四', '收件日', '', '收件日，不计入期限']);
    expect(days[1]).toEqual(['2026年2月13日', '周五', '工作日', '1', '工作日，第 1 个工作日']);
    expect(days[2][0]).toBe('2026年2月14日');
    expect(days[2][2]).toBe('调休上班 (春节)');
    expect(days[2][3]).toBe('2');
    const holidays = days.filter((d) => d[2] === '节假日 (春节)');
    expect(holidays.map((d) => d[0])).toEqual([
      '2026年2月15日',
      '2026年2月16日',
      '2026年2月17日',
      '2026年2月18日',
      '2026年2月19日',
      '2026年2月20日',
      '2026年2月21日',
      '2026年2月22日',
      '2026年2月23日',
    ]);
    expect(holidays.every((d) => d[3] === '' && d[4] === '春节放假，不计')).toBe(true);
    expect(days.filter((d) => d[3] !== '').map((d) => Number(d[3]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(days.at(-1)).toEqual([
      '2026年3月4日',
      '周三',
      '工作日',
      '10',
      '工作日，第 10 个工作日，期限届满日',
    ]);
    expect(html).toContain('逐日说明: 共 21 天, 计入 10 个工作日, 跳过 10 天');
  });

  test('the P2 page shows the same chain from its side, the P2 still open with its working days left', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const html = (await duban.get(`/dashboard/cases/${p2}`)).text;
    const chain = html.slice(html.indexOf('<ol class="chain">'), html.indexOf('</ol>'));
    expect(chain).toContain(`<a href="/dashboard/cases/${p1}">${p1}</a>`);
    expect(chain).toContain(`<strong>${p2}</strong>`);
    expect(html).toContain('办理中 · 等待答复');
    // negotiation opened on 2/12: ten working days across 春节 end on 3/4 as well; all ten still ahead
    expect(html).toContain('10 个工作日, 2026年3月4日 24:00 前');
    expect(html).toContain('剩余 10 个工作日 (不含当日)');
    const mails = tableRows(html, '为本案发出的邮件');
    expect(mails).toHaveLength(1);
    expect(mails[0][0]).toBe('新案件通知');
    expect(mails[0][2]).toContain(`转入案件【共享协商】${p2}`);
  });

  test('a party department sees the case; another department gets a 404 page and the attempt is on record', async () => {
    const rst = await loginAgent(api.app, 'rst');
    expect((await rst.get(`/dashboard/cases/${p1}`)).status).toBe(200);

    const gat = await loginAs('gat', 'gat-test-password');
    const before = await api.tdb.db.auditLog.count({ where: { action: 'access_denied' } });
    const res = await gat.get(`/dashboard/cases/${p1}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain(`案件 ${p1} 不存在`);
    expect(res.text).not.toContain('参保缴费明细');
    const denied = await api.tdb.db.auditLog.findMany({
      where: { action: 'access_denied' },
      orderBy: { id: 'asc' },
    });
    expect(denied).toHaveLength(before + 1);
    expect(denied.at(-1)).toMatchObject({
      actor: 'user:gat',
      target: `GET /dashboard/cases/${p1}`,
      data: { role: 'DEPARTMENT', departmentId: 'NMG-GAT', caseId: p1 },
    });
    // an id that does not exist (or is not an id at all) is the same 404, with nothing to put on record
    for (const bad of ['GX-2026-999999', 'nope', '%E0%A4%A', '..%2F..%2Fetc']) {
      const r = await gat.get(`/dashboard/cases/${bad}`);
      expect(r.status).toBe(404);
      expect(r.text).toContain('不存在');
    }
    expect(await api.tdb.db.auditLog.count({ where: { action: 'access_denied' } })).toBe(before + 1);
  });
});

describe('案件详情: a case entered after its receipt', () => {
  test('shows the claimed receipt flagged as backdated, and the working days left counted from today', async () => {
    // recorded on 2/12 (virtual), received (as claimed) on Tue 2/10: two working days earlier
    const { caseId } = await startCase(deps, {
      procedure: 'P1',
      receivedAt: '2026-02-10T09:00:00+08:00',
      requesterDepartmentId: 'NMG-MZT',
      responsibleDepartmentId: 'NMG-RST',
      resourceId: 'SB-0003',
    });
    await eventually(() => api.tdb.db.caseEvent.findFirst({ where: { caseId, type: 'received' } }));
    const duban = await loginAgent(api.app, 'duban');
    const html = (await duban.get(`/dashboard/cases/${caseId}`)).text;
    expect(html).toContain('2026年2月10日 09:00 <span class="badge yellow">补录</span>');
    expect(html).toContain(', 晚于所称收件 2 个工作日');
    // day 1 = 2/11 … day 4 = 2/14 (make-up), 春节, day 5–8 = 2/24–2/27, 9 = 2/28 (make-up), 10 = Mon 3/2
    expect(html).toContain('10 个工作日, 2026年3月2日 24:00 前');
    // after today (2/12): 2/13, 2/14, 2/24–2/28, 3/2
    expect(html).toContain('剩余 8 个工作日 (不含当日)');
    await env.client.workflow.getHandle(caseId).terminate('test over');
  });
});

describe('邮件异常: failed mail and departments without 专人 (第二十七条)', () => {
  test('the supervisor sees the mail refused for good, linked to its case, and the departments with nobody in post', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard/mail-problems');
    expect(res.status).toBe(200);
    const failed = tableRows(res.text, '发送失败的邮件');
    expect(failed).toHaveLength(1);
    expect(failed[0][1]).toBe(p1);
    expect(failed[0][2]).toBe('内蒙古自治区人力资源和社会保障厅');
    expect(failed[0][3]).toBe('办理结果');
    expect(failed[0][4]).toBe(REFUSING);
    expect(failed[0][6]).toBe('1');
    expect(failed[0][7]).toContain('550');
    expect(res.text).toContain(`<a href="/dashboard/cases/${p1}">${p1}</a>`);
    const gaps = tableRows(res.text, '没有在岗专人的部门');
    expect(gaps.map((g) => g[1])).toEqual(['HHHT-XCQ', 'NMG-ZRZYT']);
    expect(gaps[1]).toEqual(['内蒙古自治区自然资源厅', 'NMG-ZRZYT', '自治区', '从未登记专人']);
  });

  test('a department user gets a 403 page, on record; a forged cursor is a 400 page', async () => {
    const rst = await loginAgent(api.app, 'rst');
    const res = await rst.get('/dashboard/mail-problems');
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(REFUSING);
    const row = await api.tdb.db.auditLog.findFirst({
      where: { action: 'access_denied', actor: 'user:rst' },
      orderBy: { id: 'desc' },
    });
    expect(row).toMatchObject({ target: 'GET /dashboard/mail-problems', data: { role: 'DEPARTMENT' } });
    const duban = await loginAgent(api.app, 'duban');
    expect((await duban.get('/dashboard/mail-problems?cursor=bm9wZQ')).status).toBe(400);
  });
});

describe('in a real browser (chromium)', () => {
  test('the mail link logs in and opens the case; the day-by-day table opens by keyboard; no CSP or script problems', async () => {
    const browser = await startBrowser(api.app);
    try {
      const { page, problems } = await browser.open();
      // the workbench layout names no icon, so Chromium asks for /favicon.ico (a 404 that is not this page's)
      await page.context().route('**/favicon.ico', (r) => r.fulfill({ status: 204 }));
      await page.goto(`${browser.base}/dashboard/cases/${p1}`);
      await page.getByLabel('登录名').fill('duban');
      await page.getByLabel('密码').fill('duban-demo-2026');
      await Promise.all([
        page.waitForURL(`**/dashboard/cases/${p1}`),
        page.getByRole('button', { name: '登录' }).click(),
      ]);
      await page.getByRole('heading', { level: 1, name: `案件详情 ${p1}` }).waitFor();
      const explain = page.locator('details.explain');
      expect(await explain.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await page.locator('details.explain summary').focus();
      await page.keyboard.press('Enter');
      expect(await explain.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      await expect(page.getByRole('cell', { name: '春节放假，不计' }).first().isVisible()).resolves.toBe(
        true,
      );
      await browser.screenshot(page, 'case-detail');
      await page.setViewportSize({ width: 820, height: 1180 });
      await browser.screenshot(page, 'case-detail-tablet');
      await page.goto(`${browser.base}/dashboard/mail-problems`);
      await page.getByRole('heading', { level: 1, name: '邮件异常' }).waitFor();
      await browser.screenshot(page, 'mail-problems');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('working days overdue or left, on the official calendar (pure)', () => {
  const calendar = loadBundledCalendar();
  // due at the end of Wed 2026-03-04 (Beijing), i.e. 3/5 00:00 +08:00
  const c = {
    deadlineDate: '2026-03-04',
    dueAt: new Date('2026-03-04T16:00:00Z'),
    overdue: false,
    answeredAt: null,
    answeredLate: false,
    status: 'OPEN' as const,
  };
  const at = (iso: string) => new Date(iso);
  test('before the deadline: working days after today up to the deadline day', () => {
    // Thu 2/12: 2/13, 2/14 (make-up), 2/24–2/28, 3/2–3/4 → 10; on the deadline day itself → 0
    expect(deadlinePosition(calendar, c, at('2026-02-12T10:00:00+08:00'))).toEqual({
      kind: 'left',
      workingDays: 10,
    });
    expect(deadlinePosition(calendar, c, at('2026-03-04T23:59:00+08:00'))).toEqual({
      kind: 'left',
      workingDays: 0,
    });
  });
  test('after it: working days past the deadline day, up to today or the late answer', () => {
    const overdue = { ...c, overdue: true, overdueAt: c.dueAt };
    // 3/5 00:00 is already the first day late
    expect(deadlinePosition(calendar, overdue, at('2026-03-05T00:00:00+08:00'))).toEqual({
      kind: 'overdue',
      workingDays: 1,
      answered: false,
    });
    // Mon 3/9: 3/5, 3/6, 3/9 (the weekend not counted)
    expect(deadlinePosition(calendar, overdue, at('2026-03-09T10:00:00+08:00'))).toMatchObject({
      workingDays: 3,
    });
    const late = {
      ...overdue,
      status: 'CLOSED' as const,
      answeredAt: at('2026-03-06T10:00:00+08:00'),
      answeredLate: true,
    };
    expect(deadlinePosition(calendar, late, at('2026-04-01T10:00:00+08:00'))).toEqual({
      kind: 'overdue',
      workingDays: 2,
      answered: true,
    });
  });
  test('answered on time, or closed by the clock (a negotiation that ran out)', () => {
    const onTime = { ...c, status: 'CLOSED' as const, answeredAt: at('2026-03-02T10:00:00+08:00') };
    expect(deadlinePosition(calendar, onTime, at('2026-04-01T10:00:00+08:00'))).toEqual({
      kind: 'answered_on_time',
    });
    const expired = { ...c, status: 'CLOSED' as const, overdue: true };
    expect(deadlinePosition(calendar, expired, at('2026-04-01T10:00:00+08:00'))).toEqual({ kind: 'expired' });
  });
});
