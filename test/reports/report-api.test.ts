/**
 * 第三十二条 reports through the HTTP API: submit with the case action, list and read by level (第十条: a 盟市
 * supervisor gets 404 for anything not its own 盟市's, on every route), corrections, and the .docx/.xlsx files
 * read back (Chinese intact, the right figures).
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type request from 'supertest';
import { openReportingRound } from '../../core/reports/rounds';
import { createTestApi, type TestApi } from '../support/api';
import { eventually } from '../support/worker';
import { writeFirstHalf2026 } from './fixtures';

let api: TestApi;
const V1 = '/api/v1';
const ids: Record<string, string> = {};
let yearlyId = '';

/** supertest: the body as a Buffer, whatever the content type */
const binary = (t: request.Test) =>
  t.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

/** Every text run of a .docx, in document order. */
async function docxTexts(body: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(body);
  const xml = await zip.file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]);
}

beforeAll(async () => {
  api = await createTestApi({ worker: true });
  const { db } = api.tdb;
  await writeFirstHalf2026(db);
  const deps = api.caseDeps;
  const round = await openReportingRound(deps, { kind: 'half_year', firedAt: '2026-07-01T00:00:00+08:00' });
  for (const c of round.cases) ids[c.departmentId] = c.caseId;
  const year = await openReportingRound(deps, { kind: 'year', firedAt: '2027-01-01T00:00:00+08:00' });
  yearlyId = year.cases[0].caseId;
  await eventually(
    () => db.caseEvent.findFirst({ where: { caseId: ids['NMG-RST'], type: 'received' } }),
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe('第三十二条 reports over the API', () => {
  test('the yearly case of 2026 is due 31 January 2027, the fixed date', async () => {
    const row = await api.tdb.db.case.findUniqueOrThrow({ where: { id: yearlyId } });
    expect(row).toMatchObject({
      responsibleDepartmentId: 'NMG-XTBGS',
      deadlineDate: '2027-01-31',
      provisional: false,
    });
    // 24:00 Beijing time on 31 January
    expect(row.dueAt.toISOString()).toBe('2027-01-31T16:00:00.000Z');
  });

  test('submit through the case action, then read, correct and download', async () => {
    const rst = ids['NMG-RST'];
    const draft = await api.as('rst').get(`${V1}/reports/${rst}`);
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({
      periodLabel: '2026年上半年',
      versions: [],
      draft: { requests: { received: 4 } },
    });

    const blank = await api
      .as('rst')
      .post(`${V1}/cases/${rst}/actions`)
      .send({ type: 'submit_report', narrative: ' ' });
    expect(blank.status).toBe(400);
    const early = await api.as('rst').post(`${V1}/reports/${rst}/corrections`).send({ narrative: '更正' });
    expect(early.status).toBe(409);
    const narrative = '人社厅上半年按时答复共享申请, 社保数据支撑低保审核。\n下半年继续完善目录。';
    const submit = await api
      .as('rst')
      .post(`${V1}/cases/${rst}/actions`)
      .send({ type: 'submit_report', narrative });
    expect(submit.status).toBe(200);
    expect(submit.body).toMatchObject({ stage: 'submitted', outcome: 'report_submitted' });
    await eventually(() => api.tdb.db.reportVersion.findFirst({ where: { caseId: rst } }));
    const again = await api
      .as('rst')
      .post(`${V1}/cases/${rst}/actions`)
      .send({ type: 'submit_report', narrative });
    expect(again.status).toBe(409);

    const read = await api.as('supervisor').get(`${V1}/reports/${rst}`);
    expect(read.body).toMatchObject({ draft: null, versions: [{ version: 1, narrative }] });

    const docx = await binary(api.as('supervisor').get(`${V1}/reports/${rst}/document.docx`));
    expect(docx.status).toBe(200);
    expect(docx.headers['content-disposition']).toContain(encodeURIComponent('2026年上半年'));
    const texts = await docxTexts(docx.body as Buffer);
    const all = texts.join('');
    expect(all).toContain(
      '内蒙古自治区人力资源和社会保障厅2026年上半年政务信息资源共享落实情况和使用效果报告',
    );
    expect(all).toContain('报送期间：2026年1月1日至2026年6月30日');
    expect(all).toContain('人社厅上半年按时答复共享申请, 社保数据支撑低保审核。');
    expect(all).toContain(read.body.versions[0].figuresHash);
    const after = (label: string) => texts[texts.indexOf(label) + 1];
    expect(after('本期收到的共享请求 (件)')).toBe('4');
    expect(after('按时答复率')).toBe('66.7%');
    expect(after('答复用时中位数 (工作日)')).toBe('3');
    expect(after('收到书面通报')).toBe('1');

    const xlsx = await binary(api.as('rst').get(`${V1}/reports/${rst}/figures.xlsx`));
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('共享数据')!;
    expect(String(sheet.getCell('A1').value)).toContain('内蒙古自治区人力资源和社会保障厅2026年上半年');
    const rows = new Map<string, unknown>();
    sheet.eachRow((row) => rows.set(String(row.getCell(2).value), row.getCell(3).value));
    expect(rows.get('本期收到的共享请求 (件)')).toBe(4);
    expect(rows.get('期末有效授权: 作为提供部门')).toBe(1);
    expect(rows.get('按时答复率')).toBe('66.7%');

    const corrected = await api
      .as('rst')
      .post(`${V1}/reports/${rst}/corrections`)
      .send({ narrative: '更正: 补充说明。' });
    expect(corrected.status).toBe(201);
    expect(
      corrected.body.versions.map((v: { version: number; replacesId: string | null }) => [
        v.version,
        v.replacesId,
      ]),
    ).toEqual([
      [1, null],
      [2, read.body.versions[0].id],
    ]);
    // the first version's file is unchanged
    const v1 = await docxTexts(
      (await binary(api.as('rst').get(`${V1}/reports/${rst}/document.docx?version=1`))).body as Buffer,
    );
    expect(v1.join('')).toContain('人社厅上半年按时答复共享申请');
    const v2 = (
      await docxTexts((await binary(api.as('rst').get(`${V1}/reports/${rst}/document.docx`))).body as Buffer)
    ).join('');
    expect(v2).toContain('本版更正此前报送的第1版。');
    expect((await api.as('rst').get(`${V1}/reports/${rst}/figures.xlsx?version=9`)).status).toBe(404);
    expect(
      (await api.as('gat').post(`${V1}/reports/${rst}/corrections`).send({ narrative: 'x' })).status,
    ).toBe(404);
  });

  test('the yearly report ranks every reporting body in its .xlsx and .docx', async () => {
    const xlsx = await binary(api.as('supervisor').get(`${V1}/reports/${yearlyId}/figures.xlsx`));
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer);
    const ranking = book.getWorksheet('排名')!;
    const names: string[] = [];
    ranking.eachRow((row, n) => {
      if (n > 1) names.push(String(row.getCell(2).value));
    });
    expect(names).toHaveLength(7);
    expect(names).toEqual(expect.arrayContaining(['呼和浩特市人民政府', '内蒙古自治区公安厅']));
    expect(ranking.getCell('A2').value).toBe(1);
    const texts = (
      await docxTexts(
        (await binary(api.as('supervisor').get(`${V1}/reports/${yearlyId}/document.docx`))).body as Buffer,
      )
    ).join('');
    expect(texts).toContain('2026年度政务信息资源共享情况报告');
    expect(texts).toContain('各部门情况及排名');
  });

  test('a 盟市 supervisor sees its own 盟市 report only: every route answers 404 for the others (第十条)', async () => {
    const list = await api.as('hhht').get(`${V1}/reports?period=2026H1`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { department: { id: string } }) => i.department.id)).toEqual(['HHHT']);
    expect((await api.as('supervisor').get(`${V1}/reports?period=2026H1`)).body.items).toHaveLength(7);
    expect((await api.as('rst').get(`${V1}/reports?period=2026H1`)).body.items).toHaveLength(1);
    expect((await api.as('hhht').get(`${V1}/reports?period=2026`)).body.items).toEqual([]);
    const own = await api.as('hhht').get(`${V1}/reports/${ids.HHHT}`);
    expect(own.status).toBe(200);
    expect(own.body.draft).toMatchObject({ area: ['HHHT', 'HHHT-XCQ'], requests: { received: 1 } });
    for (const id of [ids['NMG-RST'], ids['NMG-GAT'], yearlyId]) {
      for (const path of [
        `/reports/${id}`,
        `/reports/${id}/document.docx`,
        `/reports/${id}/figures.xlsx`,
        `/cases/${id}`,
      ]) {
        const r = await api.as('hhht').get(`${V1}${path}`);
        expect([path, r.status]).toEqual([path, 404]);
      }
    }
    expect((await api.as('gat').get(`${V1}/reports/${ids['NMG-RST']}`)).status).toBe(404);
    expect((await api.as('hhht').get(`${V1}/reports?period=20X6`)).status).toBe(400);
  });
});
