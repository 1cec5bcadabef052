import JSZip from 'jszip';
import { createCalendarProvider } from '../../core/calendar/provider';
import { startCase } from '../../core/cases/start';
import { P1_MZT_ASKS_RST } from '../support/cases';
import { createTestApi, type TestApi } from '../support/api';
import { eventually } from '../support/worker';

const V1 = '/api/v1';
let api: TestApi;
let overdueP1: string;
let seq = 0;
const key = () => `notice-test-${Date.now()}-${++seq}`;

beforeAll(async () => {
  api = await createTestApi({ worker: true, config: { noticeNumberPrefix: '内共享督' } });
  // a P1 received six weeks ago and never answered: its workflow marks it overdue at once
  const { caseId } = await startCase(
    {
      db: api.tdb.db,
      temporal: api.temporal,
      calendars: createCalendarProvider(api.tdb.db),
      taskQueue: api.taskQueue,
    },
    { ...P1_MZT_ASKS_RST, receivedAt: new Date(Date.now() - 42 * 86_400_000).toISOString() },
  );
  overdueP1 = caseId;
  await eventually(async () =>
    (await api.tdb.db.case.findUnique({ where: { id: caseId } }))?.overdue ? true : undefined,
  );
});
afterAll(() => api?.close());

const issue = (body: object, k = key()) =>
  api.as('supervisor').post(`${V1}/notices`).set('Idempotency-Key', k).send(body);

const NOTICE = {
  departmentId: 'NMG-RST',
  grounds: [2, 5],
  facts: '参保缴费信息共享申请逾期未答复, 经督促仍未整改',
  rectificationWorkingDays: 15,
};

describe('第三十六条 书面通报 through the API', () => {
  test('refusals are problem+json with a code and a Chinese detail, and spend no number', async () => {
    const cases: [object, number, string][] = [
      [{ ...NOTICE, grounds: [7] }, 400, 'validation_failed'],
      [{ ...NOTICE, grounds: [] }, 400, 'validation_failed'],
      [{ ...NOTICE, rectificationWorkingDays: 0 }, 400, 'validation_failed'],
      [{ ...NOTICE, grounds: [1, 1] }, 422, 'invalid_grounds'],
      [{ ...NOTICE, departmentId: 'NMG-NONE' }, 422, 'unknown_department'],
      // the share authority issues notices: it cannot notify itself
      [{ ...NOTICE, departmentId: 'NMG-ZWFWJ' }, 422, 'self_notice'],
      // evidence must be the addressee's own overdue cases
      [{ ...NOTICE, departmentId: 'NMG-GAT', evidenceCaseIds: [overdueP1] }, 422, 'invalid_evidence'],
      [{ ...NOTICE, evidenceCaseIds: ['GX-2026-999999'] }, 422, 'invalid_evidence'],
      [{ ...NOTICE, followsCaseId: overdueP1 }, 422, 'invalid_follows'],
    ];
    for (const [body, status, code] of cases) {
      const r = await issue(body);
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), status, code]);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body.detail).toMatch(/[\u4e00-\u9fff]/);
    }
    const noKey = await api.as('supervisor').post(`${V1}/notices`).send(NOTICE);
    expect([noKey.status, noKey.body.code]).toEqual([400, 'idempotency_key_required']);
    expect(await api.tdb.db.rectificationNotice.count()).toBe(0);
  });

  test('a notice is numbered, printable as .docx, and its rectification runs through the case actions', async () => {
    const k = key();
    const first = await issue({ ...NOTICE, evidenceCaseIds: [overdueP1] }, k);
    expect(first.status).toBe(201);
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    expect(first.body).toMatchObject({
      number: `内共享督〔${year}〕1号`,
      departmentId: 'NMG-RST',
      issuingBody: '内蒙古自治区政务服务与数据管理局',
      grounds: [2, 5],
      evidenceCaseIds: [overdueP1],
      rectificationWorkingDays: 15,
    });
    const id = first.body.caseId as string;
    expect(first.headers.location).toBe(`/api/v1/notices/${id}`);
    // a retry: the same notice; a different notice with the same key is refused
    const retry = await issue({ ...NOTICE, evidenceCaseIds: [overdueP1] }, k);
    expect([retry.status, retry.body.number]).toEqual([200, first.body.number]);
    const reused = await issue({ ...NOTICE, facts: '另一件事' }, k);
    expect([reused.status, reused.body.code]).toEqual([422, 'idempotency_key_reused']);
    const second = await issue({ ...NOTICE, grounds: [6] });
    expect(second.body.number).toBe(`内共享督〔${year}〕2号`);

    // the addressee reads it, with the full text
    const read = await api.as('rst').get(`${V1}/notices/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.text).toContain(
      '关于对内蒙古自治区人力资源和社会保障厅予以书面通报并责令限期整改的通知',
    );
    expect(read.body.text).toContain('（五）对监督检查机关责令整改的问题，未按要求进行整改');

    // the .docx opens and reads back: number, title, addressee, grounds, evidence, Chinese intact
    const doc = await api
      .as('rst')
      .get(`${V1}/notices/${id}/document`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(doc.status).toBe(200);
    expect(doc.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(doc.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(`书面通报 内共享督〔${year}〕1号.docx`)}`,
    );
    const zip = await JSZip.loadAsync(doc.body as Buffer);
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('\n');
    for (const expected of [
      `内共享督〔${year}〕1号`,
      '关于对内蒙古自治区人力资源和社会保障厅予以书面通报并责令限期整改的通知',
      '内蒙古自治区人力资源和社会保障厅：',
      '（二）不按照规定将本部门政务信息资源目录和掌握的政务信息资源提供给其他部门共享。',
      overdueP1,
      '抄送：自治区政务信息资源整合共享专项工作协调办公室。',
    ]) {
      expect(text).toContain(expected);
    }

    // the department reports with attachments' hashes; the supervisor sends it back, then accepts
    await eventually(() => api.tdb.db.caseEvent.findFirst({ where: { caseId: id, type: 'received' } }));
    const submit = await api
      .as('rst')
      .post(`${V1}/cases/${id}/actions`)
      .send({
        type: 'submit_rectification',
        report: '已建立答复台账',
        attachments: [{ name: '整改台账.xlsx', sha256: 'a'.repeat(64) }],
      });
    expect([submit.status, submit.body.stage]).toEqual([200, 'under_review']);
    const badHash = await api
      .as('rst')
      .post(`${V1}/cases/${id}/actions`)
      .send({ type: 'submit_rectification', report: 'x', attachments: [{ name: 'a', sha256: 'xyz' }] });
    expect(badHash.status).toBe(400);
    // the addressee cannot review its own report; a supervisor cannot answer for it
    const self = await api.as('rst').post(`${V1}/cases/${id}/actions`).send({ type: 'accept_rectification' });
    expect([self.status, self.body.code]).toEqual([403, 'wrong_party']);
    const noReasons = await api
      .as('supervisor')
      .post(`${V1}/cases/${id}/actions`)
      .send({ type: 'send_back' });
    expect(noReasons.status).toBe(400);
    const back = await api
      .as('supervisor')
      .post(`${V1}/cases/${id}/actions`)
      .send({ type: 'send_back', reasons: '台账不完整' });
    expect([back.status, back.body.stage]).toEqual([200, 'awaiting_answer']);
    const early = await api
      .as('supervisor')
      .post(`${V1}/cases/${id}/actions`)
      .send({ type: 'accept_rectification' });
    expect([early.status, early.body.code]).toEqual([409, 'wrong_stage']);
    await api
      .as('rst')
      .post(`${V1}/cases/${id}/actions`)
      .send({ type: 'submit_rectification', report: '台账已补全' });
    const accepted = await api
      .as('supervisor')
      .post(`${V1}/cases/${id}/actions`)
      .send({ type: 'accept_rectification', note: '整改到位' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'CLOSED', stage: 'rectified', outcome: 'rectified' });
    // who reviewed stays on the timeline, beside the issuing body it acted for
    const sentBack = accepted.body.timeline.find(
      (e: { type: string }) => e.type === 'rectification_sent_back',
    );
    expect(sentBack).toMatchObject({ actor: 'NMG-ZWFWJ', data: { reasons: '台账不完整', round: 1 } });
    expect(sentBack.data.by).toMatch(/.+/);

    // the 盟市 supervisor neither sees it in lists nor proposals
    const league = await api.as('hhht').get(`${V1}/cases?procedure=P6`);
    expect(league.body.items).toEqual([]);
    const all = await api.as('supervisor').get(`${V1}/cases?procedure=P6`);
    expect(all.body.items.map((c: { id: string }) => c.id)).toContain(id);
  });
});
