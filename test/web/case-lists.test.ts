/**
 * 逾期案件 / 即将到期 (第二十八条 督促检查): the supervisors' queues as pages and exports.
 * Part one: real cases started through core/cases/start.ts on the time-skipping server, pushed past their
 * deadline by skipping the virtual clock (which the app reads as its own), across 劳动节 2026.
 * Part two: filters, keyset paging and exports over read-model rows inserted directly (volume, not workflows,
 * is the point there), with the app's clock fixed at 2026-06-15 10:00 Beijing.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { createCalendarProvider } from '../../core/calendar/provider';
import { startCase, type StartCaseInput } from '../../core/cases/start';
import { seedDemoAccounts } from '../../prisma/seed';
import { PROCEDURES, type ProcedureCode } from '../../procedures';
import { createTestApi, type TestApi } from '../support/api';
import { createTimeSkippingEnv } from '../support/temporal';
import { sleepUntil, virtualClock } from '../support/time';
import { loginAgent } from '../support/web';
import { eventually } from '../support/worker';

const casesOn = (html: string): string[] =>
  [...html.matchAll(/<a href="\/dashboard\/cases\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]));
/** the table row (<tr>…</tr>) of a case */
const rowOf = (html: string, id: string): string =>
  html.split('<tr>').find((r) => r.includes(`/dashboard/cases/${id}"`)) ?? '';
const textOf = (htmlPart: string) => htmlPart.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
const nextLink = (html: string): string | null => {
  const m = /<a rel="next" href="([^"]+)"/.exec(html);
  return m ? m[1].replace(/&amp;/g, '&') : null;
};

/** supertest: the body as raw bytes (so the BOM and the .xlsx survive) */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** RFC 4180 reader (quotes, doubled quotes, CRLF) */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('第二十八条 逾期督办: real cases pushed past their deadline on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let api: TestApi;
  let clock: ReturnType<typeof virtualClock>;
  let late: string; // 民政厅 asks 公安厅, received 4/14, due 4/28
  let soon: string; // 人社厅 asks 民政厅, received 4/27, due 5/13

  beforeAll(async () => {
    // virtual clock starts at 2026-04-27 (Mon) 09:00 Beijing, the week before 劳动节 (5/1–5/5 off, Sat 5/9 worked)
    env = await createTimeSkippingEnv({ startAt: '2026-04-27T01:00:00Z' });
    clock = virtualClock(env);
    await clock.sync();
    api = await createTestApi({ env, worker: true, now: clock.now });
    await seedDemoAccounts(api.tdb.db);
    const start = (input: StartCaseInput) =>
      startCase(
        {
          db: api.tdb.db,
          temporal: api.temporal,
          calendars: createCalendarProvider(api.tdb.db),
          taskQueue: api.taskQueue,
          now: clock.now,
        },
        input,
      );
    // received Tue 4/14 (entered 4/27): 10 working days 4/15–4/17, 4/20–4/24, 4/27–4/28: due 4/28 24:00
    ({ caseId: late } = await start({
      procedure: 'P1',
      receivedAt: '2026-04-14T09:00:00+08:00',
      requesterDepartmentId: 'NMG-MZT',
      responsibleDepartmentId: 'NMG-GAT',
      resourceId: 'RK-0001',
    }));
    // received Mon 4/27: 4/28–4/30, 5/6–5/8, 5/9 (make-up Sat), 5/11–5/13: due 5/13 24:00
    ({ caseId: soon } = await start({
      procedure: 'P1',
      receivedAt: '2026-04-27T09:00:00+08:00',
      requesterDepartmentId: 'NMG-RST',
      responsibleDepartmentId: 'NMG-MZT',
      resourceId: 'MZ-0012',
    }));
    // to Fri 2026-05-08 10:00 Beijing: the first case's timer has fired at 4/28 24:00
    await sleepUntil(env, '2026-05-08T02:00:00Z');
    await clock.sync();
    await eventually(async () => (await api.tdb.db.case.findUnique({ where: { id: late } }))?.overdue);
  });
  afterAll(async () => {
    await api?.close();
    await env?.teardown();
  });

  test('the overdue case is listed with 5 working days overdue across 劳动节 (10 calendar days), its parties, staff and deadline', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard/overdue');
    expect(res.status).toBe(200);
    expect(casesOn(res.text)).toEqual([late]);
    const row = textOf(rowOf(res.text, late));
    // (4/28, 5/8]: 4/29, 4/30, 5/6, 5/7, 5/8, with 5/1–5/5 off
    expect(row).toContain('5 个工作日');
    expect(row).toContain('有条件共享申请');
    expect(row).toContain('第十九条');
    expect(row).toContain('内蒙古自治区民政厅 → 内蒙古自治区公安厅');
    expect(row).toContain('专人: 巴特尔');
    expect(row).toContain('2026年4月28日');
    expect(row).toContain('等待答复');
    expect(row).not.toContain('暂定');
  });

  test('due soon: 4 working days left (5/9 is a make-up working Saturday), listed within 4 working days and not within 3', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const three = await duban.get('/dashboard/due-soon');
    expect(three.status).toBe(200);
    expect(casesOn(three.text)).toEqual([]);
    const four = await duban.get('/dashboard/due-soon?within=4');
    expect(casesOn(four.text)).toEqual([soon]);
    expect(textOf(rowOf(four.text, soon))).toContain('4 个工作日');
    expect(textOf(rowOf(four.text, soon))).toContain('2026年5月13日');
  });

  test('a department user (人社厅) sees its own case but not one between 民政厅 and 公安厅; a supervisor sees both', async () => {
    const rst = await loginAgent(api.app, 'rst');
    const overdue = await rst.get('/dashboard/overdue');
    expect(overdue.status).toBe(200);
    expect(casesOn(overdue.text)).toEqual([]);
    expect(overdue.text).toContain('仅显示本部门作为申请方或责任部门的案件');
    const csv = await rst.get('/dashboard/overdue.csv').buffer(true).parse(binary);
    expect(csv.body.toString('utf8')).not.toContain(late);
    const dueSoon = await rst.get('/dashboard/due-soon?within=10');
    expect(casesOn(dueSoon.text)).toEqual([soon]);
    const duban = await loginAgent(api.app, 'duban');
    expect(casesOn((await duban.get('/dashboard/due-soon?within=10')).text)).toEqual([soon]);
  });
});

describe('filters, keyset paging and exports (read-model rows inserted directly)', () => {
  let api: TestApi;
  const NOW = new Date('2026-06-15T02:00:00Z'); // Mon 10:00 Beijing
  const DEPTS = ['NMG-GAT', 'NMG-RST', 'NMG-MZT', 'HHHT', 'HHHT-XCQ'];
  const CODES: ProcedureCode[] = ['P1', 'P2', 'P3', 'P4', 'P5'];
  interface Seeded {
    id: string;
    responsible: string;
    requester: string | null;
    procedure: ProcedureCode;
    deadline: string;
    open: boolean;
  }
  const seeded: Seeded[] = [];
  const day = (base: string, plus: number) =>
    new Date(Date.parse(`${base}T00:00:00Z`) + plus * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    api = await createTestApi({ now: () => NOW });
    await seedDemoAccounts(api.tdb.db);
    // 130 open overdue (deadlines 5/4–6/2, about four cases on each: ties broken by id), 10 closed overdue,
    // 12 open not yet due
    for (let i = 0; i < 152; i++) {
      const overdue = i < 140;
      seeded.push({
        id: `GX-2026-${String(900_000 + ((i * 7919) % 1000)).padStart(6, '0')}`,
        responsible: DEPTS[i % 5],
        requester: i % 7 === 0 ? null : DEPTS[(i + 1) % 5],
        procedure: CODES[i % 5 === 4 ? 4 : i % 4],
        deadline: overdue ? day('2026-05-04', i % 30) : day('2026-06-15', i - 140),
        open: !(i >= 130 && i < 140),
      });
    }
    await api.tdb.db.case.createMany({
      data: seeded.map((s, i) => ({
        id: s.id,
        procedure: PROCEDURES[s.procedure].dbEnum,
        status: s.open ? 'OPEN' : 'CLOSED',
        stage: s.open ? 'awaiting_answer' : 'approved',
        requesterDepartmentId: s.requester,
        responsibleDepartmentId: s.responsible,
        rootCaseId: s.id,
        receivedAt: new Date(Date.parse('2026-04-01T01:00:00Z') + ((i * 37) % 150) * 3_600_000),
        workingDays: 10,
        deadlineDate: s.deadline,
        dueAt: new Date(`${day(s.deadline, 1)}T00:00:00+08:00`),
        provisional: i === 3,
        calendarVersion: 'official:2018-2026',
        profileId: 'nmg-2018',
      })),
    });
    // a 专人 whose name a spreadsheet would run as a formula
    await api.tdb.db.staff.create({
      data: {
        departmentId: 'HHHT-XCQ',
        name: '=HYPERLINK("http://evil.example/?x","点击")',
        email: 'x@xcq.example',
        activeFrom: new Date('2026-01-01T00:00:00Z'),
      },
    });
  });
  afterAll(() => api?.close());

  const openOverdue = () => seeded.filter((s) => s.open && s.deadline < '2026-06-15');

  async function allPages(agent: request.Agent, first: string): Promise<string[]> {
    const ids: string[] = [];
    let url: string | null = first;
    for (let pages = 0; url && pages < 20; pages++) {
      const res = await agent.get(url);
      expect(res.status).toBe(200);
      const onPage = casesOn(res.text);
      expect(onPage.length).toBeLessThanOrEqual(50);
      ids.push(...onPage);
      url = nextLink(res.text);
    }
    return ids;
  }

  test('paging with the cursor returns every open overdue row exactly once, in each sort order', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const expected = openOverdue().map((s) => s.id);
    const byDeadline = await allPages(duban, '/dashboard/overdue');
    expect(byDeadline).toHaveLength(expected.length);
    expect(new Set(byDeadline).size).toBe(expected.length);
    expect([...byDeadline].sort()).toEqual([...expected].sort());
    // deadline ascending: most overdue first
    const deadlines = byDeadline.map((id) => seeded.find((s) => s.id === id)!.deadline);
    expect(deadlines).toEqual([...deadlines].sort());
    for (const sort of ['deadline_desc', 'received']) {
      const ids = await allPages(duban, `/dashboard/overdue?sort=${sort}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected].sort());
    }
  });

  test('filter by responsible department, by procedure, by level and by deadline range', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const ids = async (q: string) => [...(await allPages(duban, `/dashboard/overdue?${q}`))].sort();
    const want = (pred: (s: Seeded) => boolean) =>
      openOverdue()
        .filter(pred)
        .map((s) => s.id)
        .sort();
    expect(await ids('department=NMG-RST')).toEqual(want((s) => s.responsible === 'NMG-RST'));
    expect(await ids('procedure=P4')).toEqual(want((s) => s.procedure === 'P4'));
    expect(await ids('procedure=P2&level=LEAGUE_CITY')).toEqual(
      want((s) => s.procedure === 'P2' && s.responsible === 'HHHT'),
    );
    expect(await ids('level=BANNER_COUNTY')).toEqual(want((s) => s.responsible === 'HHHT-XCQ'));
    expect(await ids('from=2026-05-10&to=2026-05-12')).toEqual(
      want((s) => s.deadline >= '2026-05-10' && s.deadline <= '2026-05-12'),
    );
    // the form keeps the filter; a forged value is refused, not ignored
    const page = await duban.get('/dashboard/overdue?department=NMG-RST&procedure=P1');
    expect(page.text).toMatch(/<option value="NMG-RST" selected/);
    expect(page.text).toMatch(/<option value="P1" selected/);
    expect((await duban.get('/dashboard/overdue?procedure=P9')).status).toBe(400);
    expect((await duban.get('/dashboard/overdue?cursor=garbage')).status).toBe(400);
  });

  test('with htmx the filter answers only the results table; the department user sees only its own cases', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const fragment = await duban.get('/dashboard/overdue?department=HHHT').set('HX-Request', 'true');
    expect(fragment.status).toBe(200);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('<table class="case-list">');
    expect(casesOn(fragment.text).length).toBeGreaterThan(0);
    const rst = await loginAgent(api.app, 'rst');
    const own = await allPages(rst, '/dashboard/overdue');
    expect(own.sort()).toEqual(
      openOverdue()
        .filter((s) => s.responsible === 'NMG-RST' || s.requester === 'NMG-RST')
        .map((s) => s.id)
        .sort(),
    );
  });

  test('CSV: UTF-8 with BOM, Chinese headers and names intact, the filtered rows, formula cells neutralised', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard/overdue.csv?level=BANNER_COUNTY').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    const disposition = String(res.headers['content-disposition']);
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('逾期案件-2026年6月15日.csv');
    expect(disposition).toContain('filename="overdue-cases-2026-06-15.csv"');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(body.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual([
      '案件编号',
      '程序 (条款)',
      '申请方',
      '责任部门',
      '责任部门层级',
      '专人',
      '截止日期',
      '期限暂定',
      '逾期工作日',
      '阶段',
      '收到日期',
    ]);
    const want = openOverdue().filter((s) => s.responsible === 'HHHT-XCQ');
    expect(rows.slice(1).map((r) => r[0])).toEqual(
      [...want]
        .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id))
        .map((s) => s.id),
    );
    for (const r of rows.slice(1)) {
      expect(r[3]).toBe('呼和浩特市新城区人民政府');
      expect(r[4]).toBe('旗县');
      // the formula-looking name is text: a leading apostrophe
      expect(r[5]).toBe('\'=HYPERLINK("http://evil.example/?x","点击")');
      expect(r[6]).toMatch(/^2026年[56]月\d{1,2}日$/);
      expect(Number(r[8])).toBeGreaterThan(0);
    }
    // the same via ?format=csv
    const same = await duban
      .get('/dashboard/overdue?level=BANNER_COUNTY&format=csv')
      .buffer(true)
      .parse(binary);
    expect(parseCsv((same.body as Buffer).subarray(3).toString('utf8')).length).toBe(rows.length);
  });

  test('.xlsx read back with exceljs: the filtered rows, Chinese intact, dates as dates, text never a formula', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const res = await duban.get('/dashboard/overdue.xlsx?department=HHHT-XCQ').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = new ExcelJS.Workbook();
    const bytes = res.body as Buffer;
    // exceljs types an older Buffer: hand it the bytes as an ArrayBuffer
    await book.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const sheet = book.worksheets[0];
    expect(sheet.name).toBe('逾期案件');
    expect(sheet.getRow(1).getCell(1).value).toBe('案件编号');
    const want = openOverdue()
      .filter((s) => s.responsible === 'HHHT-XCQ')
      .map((s) => s.id);
    const ids: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) ids.push(String(row.getCell(1).value));
    });
    expect(ids.sort()).toEqual(want.sort());
    const second = sheet.getRow(2);
    expect(second.getCell(4).value).toBe('呼和浩特市新城区人民政府');
    expect(second.getCell(6).type).toBe(ExcelJS.ValueType.String);
    expect(second.getCell(6).value).toBe('=HYPERLINK("http://evil.example/?x","点击")');
    expect(second.getCell(7).value).toBeInstanceOf(Date);
    expect(typeof second.getCell(9).value).toBe('number');
  });

  test('due soon over inserted rows: deadline within N working days, days left counted on the calendar', async () => {
    const duban = await loginAgent(api.app, 'duban');
    // 6/15 (Mon): within 3 working days = deadlines 6/15–6/18 (端午 6/19 is off)
    const res = await duban.get('/dashboard/due-soon');
    expect(res.status).toBe(200);
    const ids = casesOn(res.text).sort();
    expect(ids).toEqual(
      seeded
        .filter((s) => s.open && s.deadline >= '2026-06-15' && s.deadline <= '2026-06-18')
        .map((s) => s.id)
        .sort(),
    );
    const today = seeded.find((s) => s.open && s.deadline === '2026-06-15')!;
    expect(textOf(rowOf(res.text, today.id))).toContain('今日到期');
  });
});
