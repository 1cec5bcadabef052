/**
 * The supervisors' figures (issue 12): 总览 with its traffic lights (亮灯), 部门 and 统计. Real Postgres, the
 * real app and the real calendar (2026 official arrangement: 中秋 9/25–27, 国庆 10/1–7, make-up working days
 * 9/20 and 10/10).
 *
 * The read-model rows are inserted directly: these tests are about the figures over rows whose answers are
 * known, not about running workflows (the workflow tests cover how the rows come to be).
 */
import { createCalendarProvider } from '../../core/calendar/provider';
import { departmentFigures } from '../../core/oversight/department-figures';
import { overviewFigures, statisticsFigures } from '../../core/oversight/figures';
import type { Actor } from '../../core/actor';
import type { Prisma } from '../../prisma/client';
import { seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { loginAgent } from '../support/web';

// Friday 9 October 2026, 10:00 Beijing: the day after 国庆; 10/10 (Saturday) is a make-up working day
const NOW = new Date('2026-10-09T10:00:00+08:00');
const bj = (s: string) => new Date(`${s}+08:00`);
/** 24:00 Beijing of the deadline day */
const dueAtOf = (deadline: string) => new Date(Date.parse(`${deadline}T00:00:00+08:00`) + 86_400_000);

let seq = 900_000;
function row(
  dept: string,
  r: {
    received: string;
    deadline: string;
    answered?: Date;
    late?: boolean;
    closed?: boolean;
    provisional?: boolean;
    procedure?: Prisma.CaseCreateManyInput['procedure'];
  },
): Prisma.CaseCreateManyInput {
  const id = `GX-2026-${++seq}`;
  const dueAt = dueAtOf(r.deadline);
  const closed = r.closed || !!r.answered;
  return {
    id,
    procedure: r.procedure ?? 'P1_CONDITIONAL_REQUEST',
    status: closed ? 'CLOSED' : 'OPEN',
    stage: r.answered ? 'approved' : closed ? 'failed' : 'awaiting_answer',
    outcome: r.answered ? 'approved' : closed ? 'failed' : null,
    requesterDepartmentId: 'NMG-ZWFWJ',
    responsibleDepartmentId: dept,
    rootCaseId: id,
    receivedAt: bj(r.received),
    workingDays: 10,
    deadlineDate: r.deadline,
    dueAt,
    provisional: r.provisional ?? false,
    calendarVersion: 'test',
    profileId: 'nmg-2018',
    overdue: (!closed && dueAt <= NOW) || !!r.late,
    overdueAt: (!closed && dueAt <= NOW) || r.late ? dueAt : null,
    answeredAt: r.answered ?? null,
    answeredLate: r.late ?? false,
    closedAt: closed ? (r.answered ?? dueAt) : null,
  };
}

// 人社厅 (yellow): overdue by exactly the grace period (5 working days) across 中秋 and 国庆
const RST_OVERDUE = row('NMG-RST', { received: '2026-09-10T09:00', deadline: '2026-09-24' });
const RST_DUE_SOON = row('NMG-RST', { received: '2026-09-29T09:00', deadline: '2026-10-13' });
const RST_LATER = row('NMG-RST', { received: '2026-09-30T09:00', deadline: '2026-10-14' });
const RST_ANSWERED = [
  // (9/1, 9/3]: 2 working days, on time
  row('NMG-RST', { received: '2026-09-01T10:00', deadline: '2026-09-15', answered: bj('2026-09-03T15:00') }),
  // (9/28, 10/8]: 9/29, 9/30, 10/8 = 3 working days over 国庆, on time
  row('NMG-RST', { received: '2026-09-28T09:00', deadline: '2026-10-19', answered: bj('2026-10-08T11:00') }),
  // (8/3, 8/24]: 15 working days, late
  row('NMG-RST', {
    received: '2026-08-03T09:00',
    deadline: '2026-08-17',
    answered: bj('2026-08-24T09:00'),
    late: true,
  }),
  // answered 9/7 23:30 UTC = 9/8 07:30 Beijing: (9/7, 9/8] = 1 working day (0 if counted in UTC days)
  row('NMG-RST', {
    received: '2026-09-07T09:00',
    deadline: '2026-09-21',
    answered: new Date('2026-09-07T23:30:00Z'),
  }),
];
// a P2 negotiation that failed (escalated): closed, never answered
const RST_FAILED = row('NMG-RST', {
  received: '2026-07-01T09:00',
  deadline: '2026-07-15',
  closed: true,
  procedure: 'P2_NEGOTIATION',
});
// 公安厅 (red): overdue by 6 working days, one more than the grace period
const GAT_OVERDUE = row('NMG-GAT', { received: '2026-09-09T09:00', deadline: '2026-09-23' });
const GAT_ANSWERED = [
  // answered 9/30 16:30 UTC = 10/1 00:30 Beijing: late, in October (Beijing); (9/10, 10/1] = 14 working days
  row('NMG-GAT', {
    received: '2026-09-10T09:00',
    deadline: '2026-09-24',
    answered: new Date('2026-09-30T16:30:00Z'),
    late: true,
  }),
  // (9/29, 10/8] = 2 working days, late
  row('NMG-GAT', {
    received: '2026-09-29T09:00',
    deadline: '2026-09-30',
    answered: bj('2026-10-08T10:00'),
    late: true,
  }),
];
// 民政厅 (green): nothing overdue; one deadline in 2027, whose arrangement is not published (provisional)
const MZT_OPEN = row('NMG-MZT', { received: '2026-10-08T09:00', deadline: '2026-11-20' });
const MZT_PROVISIONAL = row('NMG-MZT', {
  received: '2026-10-09T09:00',
  deadline: '2027-01-15',
  provisional: true,
});

const SUPERVISOR: Actor = { clientId: 'user:duban', role: 'SUPERVISOR' };
const RST: Actor = { clientId: 'user:rst', role: 'DEPARTMENT', departmentId: 'NMG-RST' };

let api: TestApi;
let deps: Parameters<typeof overviewFigures>[0];
beforeAll(async () => {
  api = await createTestApi({ now: () => NOW });
  await seedDemoAccounts(api.tdb.db);
  const db = api.tdb.db;
  await db.case.createMany({
    data: [
      RST_OVERDUE,
      RST_DUE_SOON,
      RST_LATER,
      ...RST_ANSWERED,
      RST_FAILED,
      GAT_OVERDUE,
      ...GAT_ANSWERED,
      MZT_OPEN,
      MZT_PROVISIONAL,
    ],
  });
  const mail = (recipient: string, subject: string, status: 'FAILED' | 'SENT') => ({
    caseId: RST_OVERDUE.id,
    eventKey: `test:${subject}`,
    kind: 'overdue',
    recipient,
    subject,
    bodyText: '-',
    bodyHtml: '-',
    messageId: `<${subject}@test>`,
    status,
    attempts: status === 'FAILED' ? 8 : 1,
    lastError: status === 'FAILED' ? '550 mailbox unavailable' : null,
  });
  await db.notification.createMany({
    data: [
      mail('zhangwei@rst.nmg.example', 'rst-failed', 'FAILED'),
      mail('zhangwei@rst.nmg.example', 'rst-sent', 'SENT'),
      mail('bateer@gat.nmg.example', 'gat-failed', 'FAILED'),
    ],
  });
  deps = { db, calendars: createCalendarProvider(db), now: () => NOW };
});
afterAll(() => api?.close());

/** The ECharts options of a page, decoded as charts.js does (the JSON is HTML-escaped text). */
function chartsOf(html: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const re = /<script type="application\/json" class="chart-data" data-for="([^"]+)">([^<]*)<\/script>/g;
  for (const m of html.matchAll(re)) {
    const text = m[2]
      .replaceAll('&quot;', '"')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&#39;', "'")
      .replaceAll('&amp;', '&');
    out[m[1]] = JSON.parse(text) as Record<string, unknown>;
    expect(html).toContain(`id="${m[1]}"`);
  }
  return out;
}

/** Strict CSP: every script is a file of ours or inert JSON data, and no element has a style attribute. */
function expectCspClean(html: string) {
  for (const m of html.matchAll(/<script([^>]*)>/g)) {
    expect(m[1]).toMatch(/src="\/dashboard\/assets\/|type="application\/json"/);
  }
  expect(html).not.toMatch(/\sstyle=/);
}

describe('亮灯: green, yellow, red by working days overdue (grace period 5 working days)', () => {
  test('overdue 5 working days across 中秋 and 国庆 (15 calendar days) is yellow; 6 is red; none is green', async () => {
    const f = await overviewFigures(deps, SUPERVISOR);
    const light = (id: string) => f.departments.find((d) => d.id === id);
    expect(f.graceWorkingDays).toBe(5);
    expect(light('NMG-RST')).toMatchObject({ light: 'yellow', overdue: 1, maxOverdueWorkingDays: 5 });
    expect(light('NMG-GAT')).toMatchObject({
      light: 'red',
      overdue: 1,
      overdueBeyondGrace: 1,
      maxOverdueWorkingDays: 6,
    });
    expect(light('NMG-MZT')).toMatchObject({ light: 'green', overdue: 0, maxOverdueWorkingDays: null });
    // red → yellow → green
    expect(f.departments.slice(0, 2).map((d) => d.id)).toEqual(['NMG-GAT', 'NMG-RST']);
    expect(f.departments.slice(2).every((d) => d.light === 'green')).toBe(true);
  });

  test('the overview counts: open, due within 3 working days (over the make-up Saturday), overdue, late this Beijing month, provisional', async () => {
    const f = await overviewFigures(deps, SUPERVISOR);
    expect(f.today).toBe('2026-10-09');
    expect(f.month).toBe('2026-10');
    // due soon: by the end of 10/13 (10/10 make-up, 10/12, 10/13); 10/14 is not
    // late this month: 10/1 00:30 Beijing (still September in UTC) and 10/8
    expect(f.totals).toEqual({ open: 6, dueSoon: 1, overdue: 2, answeredLateThisMonth: 2, provisional: 1 });
    expect(f.departments.find((d) => d.id === 'NMG-MZT')).toMatchObject({ open: 2, provisional: 1 });
    expect(f.departments.find((d) => d.id === 'NMG-ZRZYT')).toMatchObject({ staffInPost: 0, light: 'green' });
  });

  test('a department user sees its own department only', async () => {
    const f = await overviewFigures(deps, RST);
    expect(f.scope).toBe('own');
    expect(f.departments.map((d) => d.id)).toEqual(['NMG-RST']);
    expect(f.totals).toEqual({ open: 3, dueSoon: 1, overdue: 1, answeredLateThisMonth: 0, provisional: 0 });
  });
});

describe('部门 figures over rows with known answers', () => {
  test('人社厅: counts, on-time rate, median and mean working days (Beijing days), overdue, oldest, mail, months', async () => {
    const f = await departmentFigures(deps, RST, 'NMG-RST');
    expect(f).toMatchObject({
      total: 8,
      open: 3,
      closed: 5,
      answered: 4,
      onTime: 3,
      onTimeRate: 0.75,
      // working days 1, 2, 3, 15
      medianWorkingDays: 2.5,
      meanWorkingDays: 5.25,
      overdue: 1,
      dueSoon: 1,
      light: 'yellow',
      noResponsibleStaff: false,
    });
    expect(f.overdueCases).toEqual([
      expect.objectContaining({ id: RST_OVERDUE.id, deadlineDate: '2026-09-24', workingDaysOverdue: 5 }),
    ]);
    expect(f.oldestOpen.map((c) => c.id)).toEqual([RST_OVERDUE.id, RST_DUE_SOON.id, RST_LATER.id]);
    expect(f.staff.map((s) => s.name)).toEqual(['张伟']);
    expect(f.failedMail.count).toBe(1);
    expect(f.failedMail.items[0]).toMatchObject({
      subject: 'rst-failed',
      recipient: 'zhangwei@rst.nmg.example',
    });
    expect(f.monthly).toHaveLength(12);
    expect(f.monthly[0].month).toBe('2025-11');
    const month = (m: string) => f.monthly.find((x) => x.month === m);
    expect(month('2026-07')).toEqual({ month: '2026-07', received: 1, answered: 0, onTime: 0 });
    expect(month('2026-08')).toEqual({ month: '2026-08', received: 1, answered: 1, onTime: 0 });
    // received 9/1, 9/7, 9/10, 9/28, 9/29, 9/30; answered 9/3 and 9/8 (Beijing)
    expect(month('2026-09')).toEqual({ month: '2026-09', received: 6, answered: 2, onTime: 2 });
    expect(month('2026-10')).toEqual({ month: '2026-10', received: 0, answered: 1, onTime: 1 });
  });

  test('公安厅: nothing on time, median of 14 and 2 working days', async () => {
    const f = await departmentFigures(deps, SUPERVISOR, 'NMG-GAT');
    expect(f).toMatchObject({
      answered: 2,
      onTime: 0,
      onTimeRate: 0,
      medianWorkingDays: 8,
      meanWorkingDays: 8,
      light: 'red',
    });
  });

  test('statistics rank by on-time rate, then fewer overdue; departments with no answers last', async () => {
    const f = await statisticsFigures(deps, SUPERVISOR);
    expect(f.departments.slice(0, 2).map((d) => [d.id, d.onTimeRate])).toEqual([
      ['NMG-RST', 0.75],
      ['NMG-GAT', 0],
    ]);
    expect(f.departments.slice(2).every((d) => d.onTimeRate === null)).toBe(true);
    expect(f.departments.find((d) => d.id === 'NMG-RST')?.volume).toEqual({
      P1: 7,
      P2: 1,
      P3: 0,
      P4: 0,
      P5: 0,
      P6: 0,
      P7: 0,
    });
  });
});

describe('pages: who may open what', () => {
  test('a department user cannot open another department page (404) nor statistics (403), and both attempts are audited', async () => {
    const rst = await loginAgent(api.app, 'rst');
    const denials = () =>
      api.tdb.db.auditLog.count({ where: { action: 'access_denied', actor: 'user:rst' } });
    const before = await denials();
    const other = await rst.get('/dashboard/departments/NMG-GAT');
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('bateer@gat.nmg.example');
    expect(other.text).not.toContain('内蒙古自治区公安厅');
    const stats = await rst.get('/dashboard/statistics');
    expect(stats.status).toBe(403);
    expect(stats.text).not.toContain('NMG-GAT');
    // both attempts are on record (第二十四条)
    expect(await denials()).toBe(before + 2);
    const own = await rst.get('/dashboard/departments/NMG-RST');
    expect(own.status).toBe(200);
    const home = await rst.get('/dashboard');
    expect(home.status).toBe(200);
    expect(home.text).not.toContain('/dashboard/departments/NMG-GAT');
    expect(home.text).toContain('href="/dashboard/overdue?department=NMG-RST"');
  });

  test('a supervisor: an unknown department is a 404 page', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard/departments/NMG-NOPE');
    expect(res.status).toBe(404);
    expect(res.text).toContain('没有编码为 NMG-NOPE 的部门');
  });
});

describe('pages render the figures in Chinese, with valid chart data', () => {
  test('总览: counts, lights red first, provisional flag, Chinese date', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard');
    expect(res.status).toBe(200);
    expectCspClean(res.text);
    expect(res.text).toContain('截至 2026年10月9日');
    expect(res.text).toContain('2026年10月');
    expect(res.text).toContain('临时期限');
    expect(res.text).toContain('有案件逾期超过 5 个工作日');
    const gat = res.text.indexOf('/dashboard/departments/NMG-GAT');
    const rst = res.text.indexOf('/dashboard/departments/NMG-RST');
    const mzt = res.text.indexOf('/dashboard/departments/NMG-MZT');
    expect(gat).toBeGreaterThan(0);
    expect(gat).toBeLessThan(rst);
    expect(rst).toBeLessThan(mzt);
    expect(res.text).toMatch(/badge light red">红灯/);
  });

  test('部门: figures, overdue list with links and Chinese dates, staff, failed mail, monthly chart JSON', async () => {
    const rst = await loginAgent(api.app, 'rst');
    const res = await rst.get('/dashboard/departments/NMG-RST');
    expect(res.status).toBe(200);
    expectCspClean(res.text);
    expect(res.text).toContain('<title>内蒙古自治区人力资源和社会保障厅');
    expect(res.text).toContain('75.0%');
    expect(res.text).toContain('中位数 2.5');
    expect(res.text).toContain(`href="/dashboard/cases/${RST_OVERDUE.id}"`);
    expect(res.text).toContain('2026年9月24日');
    expect(res.text).toContain('2026年9月10日');
    expect(res.text).toContain('张伟');
    expect(res.text).toContain('rst-failed');
    expect(res.text).not.toContain('gat-failed');
    expect(res.text).toContain('<script src="/dashboard/assets/echarts.min.js" defer>');
    expect(res.text).toContain('<script src="/dashboard/assets/charts.js" defer>');
    const charts = chartsOf(res.text);
    const monthly = charts['chart-monthly'] as {
      xAxis: { data: string[] };
      series: { name: string; type: string; data: (number | null)[] }[];
    };
    expect(monthly.xAxis.data).toHaveLength(12);
    expect(monthly.xAxis.data.at(-1)).toBe('2026年10月');
    const sep = monthly.xAxis.data.indexOf('2026年9月');
    const series = Object.fromEntries(monthly.series.map((s) => [s.name, s]));
    expect(series['受理量'].data[sep]).toBe(6);
    expect(series['答复量'].data[sep]).toBe(2);
    expect(series['按时答复率']).toMatchObject({ type: 'line' });
    expect(series['按时答复率'].data[sep]).toBe(100);
    expect(series['按时答复率'].data[sep - 1]).toBe(0);
    expect(series['按时答复率'].data[0]).toBeNull();
  });

  test('部门 without 专人 shows the 第二十七条 gap', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard/departments/NMG-ZRZYT');
    expect(res.status).toBe(200);
    expect(res.text).toContain('无专人');
    expect(res.text).toContain('第二十七条');
  });

  test('统计: ranked table and both charts as valid ECharts JSON', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard/statistics');
    expect(res.status).toBe(200);
    expectCspClean(res.text);
    expect(res.text).toContain('截至 2026年10月9日');
    expect(res.text.indexOf('/dashboard/departments/NMG-RST')).toBeLessThan(
      res.text.indexOf('/dashboard/departments/NMG-GAT'),
    );
    const charts = chartsOf(res.text);
    const onTime = charts['chart-on-time'] as {
      yAxis: { data: string[] };
      series: { type: string; data: number[] }[];
    };
    expect(onTime.yAxis.data).toEqual(['人力资源和社会保障厅', '公安厅']);
    expect(onTime.series[0]).toMatchObject({ type: 'bar', data: [75, 0] });
    const volume = charts['chart-volume'] as {
      yAxis: { data: string[] };
      series: { name: string; stack: string; data: number[] }[];
    };
    expect(volume.yAxis.data).toHaveLength(3);
    // P1–P5 and the oversight procedures P6/P7, each a series
    expect(volume.series).toHaveLength(7);
    expect(volume.series.every((s) => s.stack === 'volume')).toBe(true);
    const rstAt = volume.yAxis.data.indexOf('人力资源和社会保障厅');
    expect(volume.series.map((s) => s.data[rstAt])).toEqual([7, 1, 0, 0, 0, 0, 0]);
  });
});
