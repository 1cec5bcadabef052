/**
 * Supervision by level (第十条、第三十条, issue 13): a 盟市 supervisor (the demo 呼和浩特市 key `hhht` and
 * account `hhht`, department HHHT) sees and acts on HHHT and the 旗县 below it (HHHT-XCQ) only. A case whose
 * responsible and requester departments are both elsewhere (another 盟市, or 自治区 departments) is answered as
 * if it did not exist, through every route that could leak it, and the attempt is on record.
 *
 * The cases are read-model rows inserted directly (what is read, not how workflows write it, is the point
 * here; the workflows' projection is tested elsewhere), with the app's clock fixed at 2026-06-15 10:00
 * Beijing. A second 盟市 (包头市, with a 旗县 below it) is added to the registry for the test.
 */
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { loginAgent } from '../support/web';

/** supertest: the body as raw bytes (so the .xlsx survives) */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const casesOn = (html: string): string[] =>
  [...html.matchAll(/<a href="\/dashboard\/cases\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]));

describe('第十条 分级督促检查: a 盟市 supervisor sees its 盟市 and the 旗县 below it, nothing else', () => {
  let api: TestApi;
  const NOW = new Date('2026-06-15T02:00:00Z'); // Mon 10:00 Beijing

  // overdue (deadline 6/2) and due soon (deadline 6/16)
  const REGION = 'GX-2026-950001'; // 公安厅 answers 民政厅: both 自治区
  const OTHER_CITY = 'GX-2026-950002'; // 包头市 answers its 旗县: another 盟市
  const OWN_COUNTY = 'GX-2026-950003'; // 新城区 (below 呼和浩特市) answers 民政厅
  const OWN_REQUEST = 'GX-2026-950004'; // 人社厅 answers 呼和浩特市: requester in scope, due soon
  const OTHER_SOON = 'GX-2026-950005'; // 包头市 answers 公安厅, due soon
  const HIDDEN = [REGION, OTHER_CITY, OTHER_SOON];
  const SHOWN = [OWN_COUNTY, OWN_REQUEST];

  beforeAll(async () => {
    api = await createTestApi({ now: () => NOW });
    await seedDemoAccounts(api.tdb.db);
    const db = api.tdb.db;
    await db.department.create({ data: { id: 'BT', name: '包头市人民政府', level: 'LEAGUE_CITY' } });
    await db.department.create({
      data: { id: 'BT-KDL', name: '包头市昆都仑区人民政府', level: 'BANNER_COUNTY', parentId: 'BT' },
    });
    const row = (id: string, responsible: string, requester: string | null, deadline: string) => ({
      id,
      procedure: 'P1_CONDITIONAL_REQUEST' as const,
      status: 'OPEN' as const,
      stage: 'awaiting_answer' as const,
      requesterDepartmentId: requester,
      responsibleDepartmentId: responsible,
      rootCaseId: id,
      receivedAt: new Date('2026-05-06T01:00:00Z'),
      workingDays: 10,
      deadlineDate: deadline,
      dueAt: new Date(`${deadline}T16:00:00Z`), // 24:00 Beijing of the deadline day
      calendarVersion: 'official:2018-2026',
      profileId: 'nmg-2018',
    });
    await db.case.createMany({
      data: [
        row(REGION, 'NMG-GAT', 'NMG-MZT', '2026-06-02'),
        row(OTHER_CITY, 'BT', 'BT-KDL', '2026-06-02'),
        row(OWN_COUNTY, 'HHHT-XCQ', 'NMG-MZT', '2026-06-02'),
        row(OWN_REQUEST, 'NMG-RST', 'HHHT', '2026-06-16'),
        row(OTHER_SOON, 'BT', 'NMG-GAT', '2026-06-16'),
      ],
    });
    // mail the SMTP server refused for good, one per overdue case
    await db.notification.createMany({
      data: [REGION, OTHER_CITY, OWN_COUNTY].map((caseId) => ({
        caseId,
        eventKey: 'overdue',
        kind: 'overdue',
        recipient: `staff-${caseId}@example.test`,
        subject: `案件 ${caseId} 已逾期`,
        bodyText: '-',
        bodyHtml: '-',
        messageId: `<${caseId}@test>`,
        status: 'FAILED' as const,
        attempts: 5,
        lastError: '550 mailbox unavailable',
        createdAt: new Date('2026-06-03T01:00:00Z'),
      })),
    });
  });
  afterAll(() => api?.close());

  const deniedRows = () => api.tdb.db.auditLog.count({ where: { action: 'access_denied' } });

  test('API: GET /cases/{id} is 404 case_not_found for cases outside, audited; 200 inside', async () => {
    for (const id of HIDDEN) {
      const before = await deniedRows();
      const res = await api.as('hhht').get(`/api/v1/cases/${id}`);
      expect([id, res.status, res.body.code]).toEqual([id, 404, 'case_not_found']);
      expect(await deniedRows()).toBe(before + 1);
      // the region's supervisor sees it
      expect((await api.as('supervisor').get(`/api/v1/cases/${id}`)).status).toBe(200);
    }
    for (const id of SHOWN) {
      const res = await api.as('hhht').get(`/api/v1/cases/${id}`);
      expect([id, res.status]).toEqual([id, 200]);
    }
  });

  test('API: GET /cases lists only the cases in scope, also when filtered by an outside department', async () => {
    const res = await api.as('hhht').get('/api/v1/cases?limit=100');
    expect(res.status).toBe(200);
    const ids = (res.body.items as { id: string }[]).map((c) => c.id);
    expect(ids.sort()).toEqual([...SHOWN].sort());
    const filtered = await api.as('hhht').get('/api/v1/cases?limit=100&department=BT');
    expect(filtered.body.items).toEqual([]);
    const all = await api.as('supervisor').get('/api/v1/cases?limit=100');
    expect((all.body.items as { id: string }[]).map((c) => c.id)).toEqual(
      expect.arrayContaining([...HIDDEN, ...SHOWN]),
    );
  });

  test('API: departments, staff gaps, access decisions and change events stay inside the 盟市', async () => {
    const gaps = await api.as('hhht').get('/api/v1/staff-gaps?limit=100');
    expect(gaps.status).toBe(200);
    // HHHT has a 专人, 新城区 none; 自然资源厅 and 包头市 have none either but are not its to see
    expect((gaps.body.items as { id: string }[]).map((d) => d.id)).toEqual(['HHHT-XCQ']);
    const allGaps = await api.as('supervisor').get('/api/v1/staff-gaps?limit=100');
    expect((allGaps.body.items as { id: string }[]).map((d) => d.id)).toEqual(
      expect.arrayContaining(['BT', 'BT-KDL', 'HHHT-XCQ', 'NMG-ZRZYT']),
    );

    expect((await api.as('hhht').get('/api/v1/departments/HHHT-XCQ/staff')).status).toBe(200);
    const before = await deniedRows();
    const staff = await api.as('hhht').get('/api/v1/departments/BT/staff');
    expect([staff.status, staff.body.code]).toEqual([404, 'department_not_found']);
    expect(await deniedRows()).toBe(before + 1);

    const decision = await api
      .as('hhht')
      .post('/api/v1/access-decisions')
      .send({ department: 'NMG-MZT', resource: 'SB-0003', purpose: '城乡低保资格审核' });
    expect([decision.status, decision.body.code]).toEqual([404, 'department_not_found']);

    // a change event naming a department of another 盟市: as if it did not exist, nothing started
    const casesBefore = await api.tdb.db.case.count();
    const deniedBefore = await deniedRows();
    const event = await api
      .as('hhht')
      .post('/api/v1/change-events')
      .set('Idempotency-Key', 'level-change-1')
      .send({
        kind: 'law_revision',
        title: '《测试条例》修订',
        reference: '测试条例第一条',
        departmentIds: ['HHHT-XCQ', 'BT-KDL'],
      });
    expect([event.status, event.body.code]).toEqual([422, 'unknown_department']);
    expect(event.body.departmentIds).toEqual(['BT-KDL']);
    expect(await deniedRows()).toBe(deniedBefore + 1);
    expect(await api.tdb.db.case.count()).toBe(casesBefore);
    // its own 旗县: a P5 catalog update starts
    const own = await api
      .as('hhht')
      .post('/api/v1/change-events')
      .set('Idempotency-Key', 'level-change-2')
      .send({
        kind: 'law_revision',
        title: '《测试条例》修订',
        reference: '测试条例第一条',
        departmentIds: ['HHHT-XCQ'],
      });
    expect(own.status).toBe(201);
    expect((own.body.cases as { departmentId: string }[]).map((c) => c.departmentId)).toEqual(['HHHT-XCQ']);

    // the audit log is the region's: a 盟市 supervisor is refused (403, on record)
    expect((await api.as('hhht').get('/api/v1/audit-events')).status).toBe(403);
  });

  test('workbench: case page 404 outside, 200 inside; the queues list only cases in scope', async () => {
    const hhht = await loginAgent(api.app, 'hhht');
    for (const id of HIDDEN) {
      const before = await deniedRows();
      expect([id, (await hhht.get(`/dashboard/cases/${id}`)).status]).toEqual([id, 404]);
      expect(await deniedRows()).toBe(before + 1);
    }
    for (const id of SHOWN)
      expect([id, (await hhht.get(`/dashboard/cases/${id}`)).status]).toEqual([id, 200]);

    const overdue = await hhht.get('/dashboard/overdue');
    expect(overdue.status).toBe(200);
    expect(casesOn(overdue.text)).toEqual([OWN_COUNTY]);
    expect(overdue.text).toContain('仅显示呼和浩特市人民政府及其下属部门');
    // the department filter offers its own departments only
    expect(overdue.text).toContain('呼和浩特市新城区人民政府');
    expect(overdue.text).not.toContain('包头市');
    expect(overdue.text).not.toContain('内蒙古自治区公安厅');
    const filtered = await hhht.get('/dashboard/overdue?department=BT');
    expect(casesOn(filtered.text)).toEqual([]);
    const soon = await hhht.get('/dashboard/due-soon');
    expect(casesOn(soon.text)).toEqual([OWN_REQUEST]);

    const duban = await loginAgent(api.app, 'duban');
    expect(casesOn((await duban.get('/dashboard/overdue')).text).sort()).toEqual(
      [REGION, OTHER_CITY, OWN_COUNTY].sort(),
    );
  });

  test('workbench exports: CSV and .xlsx hold only the cases in scope', async () => {
    const hhht = await loginAgent(api.app, 'hhht');
    const csv = await hhht.get('/dashboard/overdue.csv').buffer(true).parse(binary);
    expect(csv.status).toBe(200);
    const text = (csv.body as Buffer).toString('utf8');
    expect(text).toContain(OWN_COUNTY);
    for (const id of HIDDEN) expect(text).not.toContain(id);

    const xlsx = await hhht.get('/dashboard/due-soon.xlsx').buffer(true).parse(binary);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    const bytes = xlsx.body as Buffer;
    await book.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const ids: string[] = [];
    book.worksheets[0].eachRow((row, n) => {
      if (n > 1) ids.push(String(row.getCell(1).value));
    });
    expect(ids.filter((v) => v.startsWith('GX-'))).toEqual([OWN_REQUEST]);
  });

  test('workbench figures: overview and statistics show its departments only; another department page is 404', async () => {
    const hhht = await loginAgent(api.app, 'hhht');
    for (const page of ['/dashboard', '/dashboard/statistics']) {
      const res = await hhht.get(page);
      expect([page, res.status]).toEqual([page, 200]);
      expect(res.text).toContain('呼和浩特市新城区人民政府');
      expect(res.text).not.toContain('包头市');
      expect(res.text).not.toContain('内蒙古自治区公安厅');
      expect(res.text).not.toContain('内蒙古自治区人力资源和社会保障厅');
    }
    expect((await hhht.get('/dashboard/departments/HHHT-XCQ')).status).toBe(200);
    expect((await hhht.get('/dashboard/departments/HHHT')).status).toBe(200);
    for (const id of ['NMG-GAT', 'BT', 'BT-KDL']) {
      const before = await deniedRows();
      expect([id, (await hhht.get(`/dashboard/departments/${id}`)).status]).toEqual([id, 404]);
      expect(await deniedRows()).toBe(before + 1);
    }
  });

  test('workbench mail problems: failed mail of cases in scope and its own staff gaps only', async () => {
    const hhht = await loginAgent(api.app, 'hhht');
    const res = await hhht.get('/dashboard/mail-problems');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`staff-${OWN_COUNTY}@example.test`);
    for (const id of [REGION, OTHER_CITY]) expect(res.text).not.toContain(id);
    expect(res.text).not.toContain('内蒙古自治区自然资源厅');
    expect(res.text).not.toContain('包头市');
    const duban = await loginAgent(api.app, 'duban');
    const all = await duban.get('/dashboard/mail-problems');
    for (const id of [REGION, OTHER_CITY, OWN_COUNTY]) expect(all.text).toContain(`staff-${id}@example.test`);
  });
});
