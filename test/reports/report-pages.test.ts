/**
 * 第三十二条 on the workbench: the 报送 list and a report page; the reporting department's own people submit and
 * correct there; a 盟市 supervisor sees its own 盟市's report and gets 404 pages for another 盟市's (第十条), list,
 * page and downloads alike.
 */
import type request from 'supertest';
import { openReportingRound } from '../../core/reports/rounds';
import { seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { csrfOf, loginAgent } from '../support/web';
import { eventually } from '../support/worker';

let api: TestApi;
const ids: Record<string, string> = {};
const reportsOn = (html: string) =>
  [...html.matchAll(/<a href="\/dashboard\/reports\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]));

beforeAll(async () => {
  api = await createTestApi({ worker: true });
  const { db } = api.tdb;
  await seedDemoAccounts(db);
  // a second 盟市, whose report 呼和浩特市's supervisor must not see
  await db.department.create({ data: { id: 'BT', name: '包头市人民政府', level: 'LEAGUE_CITY' } });
  const round = await openReportingRound(api.caseDeps, {
    kind: 'half_year',
    firedAt: '2026-07-01T00:00:00+08:00',
  });
  for (const c of round.cases) ids[c.departmentId] = c.caseId;
  await eventually(
    () => db.caseEvent.findFirst({ where: { caseId: ids['NMG-RST'], type: 'received' } }),
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe('第三十二条 报送 pages', () => {
  test('the department fills in its narrative, submits, and corrects; the figures are on the page', async () => {
    const rst = await loginAgent(api.app, 'rst');
    const list = await rst.get('/dashboard/reports');
    expect(list.status).toBe(200);
    expect(list.text).toContain('2026年上半年报送情况');
    expect(reportsOn(list.text)).toEqual([ids['NMG-RST']]);
    const page = await rst.get(`/dashboard/reports/${ids['NMG-RST']}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('系统预填数据');
    expect(page.text).toContain('本期收到的共享请求 (件)');
    expect(page.text).toContain('填写说明并报送');

    const blank = await rst
      .post(`/dashboard/reports/${ids['NMG-RST']}/submit`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), narrative: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('须填写共享落实情况和使用效果的说明');

    const submitted = await rst
      .post(`/dashboard/reports/${ids['NMG-RST']}/submit`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), narrative: '人社厅上半年共享工作说明' });
    expect(submitted.status).toBe(303);
    const after = await rst.get(`/dashboard/reports/${ids['NMG-RST']}`);
    expect(after.text).toContain('报送数据 (第1版, 已冻结)');
    expect(after.text).toContain('人社厅上半年共享工作说明');
    expect(after.text).toContain('更正报告');

    const corrected = await rst
      .post(`/dashboard/reports/${ids['NMG-RST']}/corrections`)
      .type('form')
      .send({ _csrf: csrfOf(after.text), narrative: '更正后的说明' });
    expect(corrected.status).toBe(303);
    const v2 = await rst.get(`/dashboard/reports/${ids['NMG-RST']}`);
    expect(v2.text).toContain('更正第1版');
    expect(v2.text).toContain('更正后的说明');

    const docx = await rst.get(`/dashboard/reports/${ids['NMG-RST']}/document.docx?version=1`);
    expect(docx.status).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    // another department's report, and its forms, are not there for 人社厅's people
    expect((await rst.get(`/dashboard/reports/${ids['NMG-GAT']}`)).status).toBe(404);
    const foreign = await rst
      .post(`/dashboard/reports/${ids['NMG-GAT']}/submit`)
      .type('form')
      .send({ _csrf: csrfOf(v2.text), narrative: '冒名报送' });
    expect(foreign.status).toBe(404);
  });

  test('a 盟市 supervisor: its own 盟市 only; another 盟市 and the region are 404 pages (第十条)', async () => {
    const hhht = await loginAgent(api.app, 'hhht');
    const list = await hhht.get('/dashboard/reports?period=2026H1');
    expect(list.status).toBe(200);
    expect(reportsOn(list.text)).toEqual([ids.HHHT]);
    expect((await hhht.get(`/dashboard/reports/${ids.HHHT}`)).status).toBe(200);
    // a malformed escape names no report: a 404 page, not an error
    expect((await hhht.get('/dashboard/reports/%E0%A4%A')).status).toBe(404);
    for (const id of [ids.BT, ids['NMG-RST']]) {
      for (const path of ['', '/document.docx', '/figures.xlsx']) {
        const r: request.Response = await hhht.get(`/dashboard/reports/${id}${path}`);
        expect([id, path, r.status]).toEqual([id, path, 404]);
      }
    }
    const duban = await loginAgent(api.app, 'duban');
    expect(reportsOn((await duban.get('/dashboard/reports')).text)).toHaveLength(Object.keys(ids).length);
    // supervisors read; they do not write another department's report
    expect((await duban.get(`/dashboard/reports/${ids.BT}`)).text).not.toContain('填写说明并报送');
  });
});
