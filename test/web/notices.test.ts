/**
 * 书面通报、限期整改 (第三十六条, issue 13) through the workbench, on real parts: the app over a private seeded
 * database, the shared Temporal dev server with a real worker, people logged in through the real form. The
 * evidence is a real P1 that 人社厅 let run out (received weeks ago, so its workflow marks it overdue at once);
 * a notice is issued through the form, downloaded as .docx, reported on by 人社厅's own people, sent back and
 * accepted by the supervisor. A 盟市 supervisor (hhht) finds none of it and cannot notify a 自治区 department.
 */
import JSZip from 'jszip';
import type request from 'supertest';
import { startCase } from '../../core/cases/start';
import { issueNotice } from '../../core/oversight/rectification';
import { DOCX_TYPE } from '../../documents/files';
import { seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { terminateCases } from '../support/cases';
import { csrfOf, loginAgent } from '../support/web';
import { eventually } from '../support/worker';

/** supertest: the body as raw bytes (so the .docx survives) */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const hidden = (html: string, name: string): string => {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden ${name}`);
  return m[1];
};

const RST_NAME = '内蒙古自治区人力资源和社会保障厅';
const SUPERVISOR = { clientId: 'user:duban', role: 'SUPERVISOR', departmentId: 'NMG-XTBGS' } as const;

let api: TestApi;
let deps: Parameters<typeof startCase>[0];
const started: string[] = [];
let evidence: string;
let notice: string;
let number: string;
let duban: request.Agent;
let rst: request.Agent;
let hhht: request.Agent;

beforeAll(async () => {
  api = await createTestApi({ worker: true });
  await seedDemoAccounts(api.tdb.db);
  deps = api.caseDeps;
  // received six weeks ago: its 10 working days ran out long since, its workflow marks it overdue at once
  const receivedAt = new Date(Date.now() - 42 * 86_400_000).toISOString();
  ({ caseId: evidence } = await startCase(deps, {
    procedure: 'P1',
    requesterDepartmentId: 'NMG-MZT',
    responsibleDepartmentId: 'NMG-RST',
    resourceId: 'SB-0003',
    receivedAt,
    details: { purpose: '低保审核', scope: '参保状态' },
  }));
  started.push(evidence);
  await eventually(() => api.tdb.db.case.findFirst({ where: { id: evidence, overdue: true } }));
  [duban, rst, hhht] = await Promise.all([
    loginAgent(api.app, 'duban'),
    loginAgent(api.app, 'rst'),
    loginAgent(api.app, 'hhht'),
  ]);
}, 60_000);

afterAll(async () => {
  const ids = [...started, ...(notice ? [notice] : [])];
  await terminateCases(api.temporal, ids);
  await api?.close();
});

describe('书面通报 through the workbench (第三十六条)', () => {
  let form: Record<string, string | string[]>;

  test('duban issues a notice with the overdue cases preselected; a double submit is one notice', async () => {
    // without a department: a choice of those in its level
    const choose = await duban.get('/dashboard/notices/new');
    expect(choose.status).toBe(200);
    expect(choose.text).toContain(`<option value="NMG-RST">`);

    const page = await duban.get('/dashboard/notices/new?department=NMG-RST');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`被通报部门: <strong>${RST_NAME}</strong>`);
    // the six grounds with their article text, none ticked; the evidence all ticked
    expect(page.text).toContain('(五) 对监督检查机关责令整改的问题, 未按要求进行整改');
    expect(page.text.match(/name="grounds"/g)).toHaveLength(6);
    expect(page.text).toMatch(new RegExp(`name="evidence" value="${evidence}" checked`));
    expect(page.text).toContain('name="days" min="1" max="250" required value="20"');
    expect(page.text).toContain('/dashboard/assets/notices.js');

    form = {
      _csrf: csrfOf(page.text),
      key: hidden(page.text, 'key'),
      department: 'NMG-RST',
      grounds: ['2', '6'],
      facts: '参保缴费信息共享申请逾期未答复',
      evidence: [evidence],
      days: '20',
    };
    // an empty facts field is refused on the form, with what was entered kept
    const refused = await duban
      .post('/dashboard/notices/new')
      .type('form')
      .send({ ...form, facts: '  ' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('须写明通报的主要事实');
    expect(refused.text).toMatch(/name="grounds" value="2" checked/);
    expect(refused.text).not.toMatch(/name="grounds" value="5" checked/);
    expect(await api.tdb.db.rectificationNotice.count()).toBe(0);

    const issued = await duban.post('/dashboard/notices/new').type('form').send(form);
    expect(issued.status).toBe(303);
    expect(issued.headers.location).toMatch(/^\/dashboard\/cases\/ZG-\d{4}-\d{6}$/);
    notice = issued.headers.location.split('/').pop()!;
    const again = await duban.post('/dashboard/notices/new').type('form').send(form);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(issued.headers.location);
    expect(await api.tdb.db.rectificationNotice.count()).toBe(1);
    // the same form changed after it was sent (back button): refused, and armed with a new key
    const changed = await duban
      .post('/dashboard/notices/new')
      .type('form')
      .send({ ...form, days: '15' });
    expect(changed.status).toBe(422);
    expect(changed.text).toContain(`此表单已发出书面通报 (案件 ${notice})`);
    expect(hidden(changed.text, 'key')).not.toBe(form.key);
    expect(await api.tdb.db.rectificationNotice.count()).toBe(1);

    const row = await api.tdb.db.rectificationNotice.findUniqueOrThrow({ where: { caseId: notice } });
    number = row.number;
    expect(number).toMatch(/^内共享督〔\d{4}〕1号$/);
    expect(row).toMatchObject({ departmentId: 'NMG-RST', grounds: [2, 6], evidenceCaseIds: [evidence] });

    const shown = await duban.get(issued.headers.location);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain(`<p class="number">${number}</p>`);
    expect(shown.text).toContain(`关于对${RST_NAME}予以书面通报并责令限期整改的通知`);
    expect(shown.text).toContain('（二）不按照规定将本部门政务信息资源目录');
    expect(shown.text).toContain(`<a href="/dashboard/cases/${evidence}">${evidence}</a>`);
    expect(shown.text).toContain(`/dashboard/notices/${notice}/document`);
    expect(shown.text).toContain('办理中 · 整改中');
    // waiting for the department: no review form for the supervisor yet
    expect(shown.text).not.toContain('/rectification/accept');
  });

  test('the notice downloads as a .docx with the same text', async () => {
    const res = await duban.get(`/dashboard/notices/${notice}/document`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(DOCX_TYPE);
    expect(res.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(`书面通报 ${number}.docx`)}`,
    );
    const zip = await JSZip.loadAsync(res.body as Buffer);
    const xml = await zip.file('word/document.xml')!.async('string');
    for (const text of [`关于对${RST_NAME}予以书面通报并责令限期整改的通知`, number, evidence])
      expect(xml).toContain(text);
  });

  test('人社厅 reports; duban sends it back, then accepts the second report', async () => {
    const page = await rst.get(`/dashboard/cases/${notice}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('/rectification/submit');
    expect(page.text).not.toContain('/rectification/accept');
    const csrf = csrfOf(page.text);
    const digest = 'ab'.repeat(32);
    // a malformed attachment line is refused on the page, the report kept
    const bad = await rst
      .post(`/dashboard/cases/${notice}/rectification/submit`)
      .type('form')
      .send({ _csrf: csrf, report: '已建立答复台账', attachments: '台账.xlsx 123' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('附件清单第 1 行');
    expect(bad.text).toContain('已建立答复台账</textarea>');

    const sent = await rst
      .post(`/dashboard/cases/${notice}/rectification/submit`)
      .type('form')
      .send({ _csrf: csrf, report: '已建立答复台账, 逐件清理', attachments: `答复台账.xlsx ${digest}` });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/dashboard/cases/${notice}`);
    const waiting = await rst.get(`/dashboard/cases/${notice}`);
    expect(waiting.text).toContain('已建立答复台账, 逐件清理');
    expect(waiting.text).toContain(`SHA-256 ${digest}`);
    expect(waiting.text).toContain('办理中 · 整改报告待验收');
    // the department cannot review its own report: no form, and a direct POST is refused
    expect(waiting.text).not.toContain('/rectification/accept');
    const self = await rst
      .post(`/dashboard/cases/${notice}/rectification/accept`)
      .type('form')
      .send({ _csrf: csrf });
    expect([403, 404]).toContain(self.status);
    expect((await api.tdb.db.case.findUniqueOrThrow({ where: { id: notice } })).stage).toBe('under_review');

    const review = await duban.get(`/dashboard/cases/${notice}`);
    expect(review.text).toContain('/rectification/accept');
    expect(review.text).toContain('/rectification/send-back');
    const dcsrf = csrfOf(review.text);
    const noReason = await duban
      .post(`/dashboard/cases/${notice}/rectification/send-back`)
      .type('form')
      .send({ _csrf: dcsrf, reasons: ' ' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('退回整改报告须说明理由');
    const back = await duban
      .post(`/dashboard/cases/${notice}/rectification/send-back`)
      .type('form')
      .send({ _csrf: dcsrf, reasons: '逾期案件尚未答复' });
    expect(back.status).toBe(303);
    const again = await rst.get(`/dashboard/cases/${notice}`);
    expect(again.text).toContain('退回理由: 逾期案件尚未答复');
    expect(again.text).toContain('办理中 · 整改中');

    expect(
      (
        await rst
          .post(`/dashboard/cases/${notice}/rectification/submit`)
          .type('form')
          .send({ _csrf: csrf, report: '逾期案件已全部答复' })
      ).status,
    ).toBe(303);
    const accepted = await duban
      .post(`/dashboard/cases/${notice}/rectification/accept`)
      .type('form')
      .send({ _csrf: dcsrf, note: '整改到位' });
    expect(accepted.status).toBe(303);
    const done = await duban.get(`/dashboard/cases/${notice}`);
    expect(done.text).toContain('已办结 · 整改已验收');
    expect(done.text).toContain('整改验收通过');
    expect(done.text).toContain('验收意见: 整改到位');
    expect(done.text).toContain('第 2 次整改情况报告');
    expect(done.text).not.toContain('/rectification/accept');
    expect(await api.tdb.db.case.findUniqueOrThrow({ where: { id: notice } })).toMatchObject({
      status: 'CLOSED',
      stage: 'rectified',
    });
  });

  test('the notices list, and the department page fragment', async () => {
    const list = await duban.get('/dashboard/notices');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`>${number}</a>`);
    expect(list.text).toContain('href="/dashboard/notices"');
    const own = await rst.get('/dashboard/notices');
    expect(own.text).toContain(`>${number}</a>`);
    // a department's own notices are for it: no issuing button
    expect(own.text).not.toContain('/dashboard/notices/new');
    const fragment = await duban.get('/dashboard/notices/table?department=NMG-RST');
    expect(fragment.text).toContain(`>${number}</a>`);
    expect(fragment.text).not.toContain('<html');
    const dept = await duban.get('/dashboard/departments/NMG-RST');
    expect(dept.text).toContain('/dashboard/notices/new?department=NMG-RST');
    expect(dept.text).toContain('hx-get="/dashboard/notices/table?department=NMG-RST"');
    // only supervisors issue
    expect((await rst.get('/dashboard/notices/new?department=NMG-MZT')).status).toBe(403);
  });

  test('hhht (呼和浩特市) finds nothing of a notice to a 自治区 department and cannot notify one', async () => {
    expect((await hhht.get(`/dashboard/cases/${notice}`)).status).toBe(404);
    expect((await hhht.get(`/dashboard/notices/${notice}/document`)).status).toBe(404);
    const list = await hhht.get('/dashboard/notices');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(number);
    const fragment = await hhht.get('/dashboard/notices/table?department=NMG-RST');
    expect(fragment.text).not.toContain(number);
    // the form offers only its own 盟市's 旗县, and refuses anything else
    const choose = await hhht.get('/dashboard/notices/new');
    expect(choose.text).toContain('<option value="HHHT-XCQ">');
    expect(choose.text).not.toContain('<option value="NMG-RST">');
    expect(choose.text).not.toContain('<option value="HHHT">');
    expect((await hhht.get('/dashboard/notices/new?department=NMG-RST')).status).toBe(404);
    // its own 旗县's form, sent with a 自治区 department instead
    const own = await hhht.get('/dashboard/notices/new?department=HHHT-XCQ');
    expect(own.status).toBe(200);
    const refused = await hhht
      .post('/dashboard/notices/new')
      .type('form')
      .send({ ...form, _csrf: csrfOf(own.text), key: hidden(own.text, 'key') });
    // answered as for a department that does not exist (the API's 422), on the form
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('部门 NMG-RST 不存在');
    expect(refused.text).toContain('<option value="HHHT-XCQ">');
    expect(await api.tdb.db.rectificationNotice.count()).toBe(1);
    const denied = await api.tdb.db.auditLog.findMany({
      where: { action: 'access_denied', actor: { contains: 'hhht' } },
    });
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });

  test('an overdue rectification is proposed for a ground-(五) notice, prefilled', async () => {
    // a notice issued weeks ago with one working day to rectify: its workflow finds it overdue at once
    const past = new Date(Date.now() - 30 * 86_400_000);
    const { notice: lapsed } = await issueNotice(
      { ...deps, now: () => past, noticePrefix: '内共享督' },
      SUPERVISOR,
      'lapsed-notice',
      {
        departmentId: 'NMG-MZT',
        grounds: [1],
        facts: '目录未更新',
        evidenceCaseIds: [],
        rectificationWorkingDays: 1,
      },
    );
    started.push(lapsed.caseId);
    await eventually(() => api.tdb.db.case.findFirst({ where: { id: lapsed.caseId, overdue: true } }));
    const overview = await duban.get('/dashboard');
    expect(overview.text).toContain('hx-get="/dashboard/notices/proposals"');
    const block = await duban.get('/dashboard/notices/proposals');
    expect(block.text).toContain('建议再次通报 (第三十六条第 (五) 项)');
    expect(block.text).toContain(`/dashboard/notices/new?follows=${lapsed.caseId}`);
    // departments see no proposals
    expect((await rst.get('/dashboard/notices/proposals')).text).toBe('');

    const page = await duban.get(`/dashboard/notices/new?follows=${lapsed.caseId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>再次发出书面通报</h1>');
    expect(page.text).toMatch(/name="grounds" value="5" checked/);
    expect(page.text).toContain(`未在书面通报 ${lapsed.number} 规定的期限`);
    expect(hidden(page.text, 'follows')).toBe(lapsed.caseId);
    expect(hidden(page.text, 'department')).toBe('NMG-MZT');
  });
});
