import { createTestApi, type TestApi, type Who } from '../support/api';
import { eventually } from '../support/worker';
import { recordHistory } from '../histories/record';
import { beijingInstant } from '../../calendar/dates';

let api: TestApi;
let seq = 0;

beforeAll(async () => {
  api = await createTestApi({ worker: true });
});
afterAll(() => api?.close());

const post = (who: Who, path: string, key?: string) => {
  const r = api.as(who).post(path);
  return key ? r.set('Idempotency-Key', key) : r;
};
const get = (who: Who, path: string) => api.as(who).get(path);
const freshKey = () => `k-${Date.now()}-${++seq}`;
/** POST /cases with a fresh Idempotency-Key */
const create = (who: Who, body: object) => post(who, '/api/v1/cases', freshKey()).send(body);
/** POST /cases/{id}/actions: the caller's department acts on the case */
const actOn = (who: Who, id: string, body: object) => post(who, `/api/v1/cases/${id}/actions`).send(body);
const APPROVAL = { type: 'approve', scope: '参保状态', purpose: '低保审核' } as const;

function startP1(who: Who = 'mzt', key = freshKey()) {
  return post(who, '/api/v1/cases', key).send({
    procedure: 'P1',
    resourceId: 'SB-0003',
    purpose: '城乡低保资格审核',
    scope: '参保状态、缴费基数',
  });
}

async function waitForEvent(id: string, type: string, who: Who = 'supervisor') {
  return eventually(async () => {
    const r = await get(who, `/api/v1/cases/${id}`);
    return r.body.timeline?.some((e: { type: string }) => e.type === type) ? r.body : undefined;
  });
}

describe('P1 through HTTP', () => {
  test('start, replay, wrong party, approve, read back with timeline', async () => {
    const key = freshKey();
    const first = await startP1('mzt', key);
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe(`/api/v1/cases/${first.body.id}`);
    expect(first.body).toMatchObject({
      procedure: 'P1',
      status: 'OPEN',
      stage: 'awaiting_answer',
      parties: { requester: 'NMG-MZT', responsible: 'NMG-RST' },
      resourceId: 'SB-0003',
      details: { purpose: '城乡低保资格审核', scope: '参保状态、缴费基数' },
    });
    expect(first.body.id).toMatch(/^GX-\d{4}-\d{6}$/);
    expect(first.body.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // every instant is answered in Beijing time (+08:00), whatever offset the request used
    expect(beijingInstant(first.body.dueAt)).toBe(first.body.dueAt);

    const again = await startP1('mzt', key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await api.tdb.db.case.count({ where: { idempotencyKey: key } })).toBe(1);

    // the same key with a different request is a client bug: refused, never merged into the first case
    const reused = await post('mzt', '/api/v1/cases', key).send({
      procedure: 'P1',
      resourceId: 'SB-0003',
      purpose: '另一个用途',
      scope: '参保状态、缴费基数',
    });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency_key_reused', caseId: first.body.id });
    expect(await api.tdb.db.case.count({ where: { idempotencyKey: key } })).toBe(1);

    const id = first.body.id as string;
    await waitForEvent(id, 'received', 'mzt');

    // the requester may not answer its own request
    const wrong = await actOn('mzt', id, APPROVAL);
    expect(wrong.status).toBe(403);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.body).toMatchObject({ code: 'wrong_party', detail: expect.stringMatching(/责任部门/) });
    const denied = await api.tdb.db.auditLog.findFirst({
      where: { action: 'access_denied', target: `POST /api/v1/cases/${id}/actions` },
    });
    expect(denied?.data).toMatchObject({ departmentId: 'NMG-MZT', caseId: id, action: 'approve' });

    const ok = await actOn('rst', id, {
      ...APPROVAL,
      actorDepartmentId: 'NMG-MZT', // ignored: the actor is always the caller's department
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id,
      status: 'CLOSED',
      stage: 'approved',
      outcome: 'approved',
      answeredLate: false,
    });
    expect(ok.body.answeredAt).toEqual(expect.any(String));

    // a late retry of the original start, after the case has closed, answers with the case and must not
    // start the closed workflow over again
    const handle = api.temporal.workflow.getHandle(id);
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED');
    const { runId } = await handle.describe();
    const late = await startP1('mzt', key);
    expect(late.status).toBe(200);
    expect(late.body.id).toBe(id);
    const after = await handle.describe();
    expect([after.runId, after.status.name]).toEqual([runId, 'COMPLETED']);

    const read = await get('mzt', `/api/v1/cases/${id}`);
    expect(read.status).toBe(200);
    const types = read.body.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['received', 'answered']));
    const answered = read.body.timeline.find((e: { type: string }) => e.type === 'answered');
    expect(answered).toMatchObject({
      actor: 'NMG-RST',
      data: { type: 'approve', actorDepartmentId: 'NMG-RST' },
    });
    expect(read.body.chain).toEqual([id]);

    // answering twice conflicts
    const twice = await actOn('rst', id, { type: 'refuse', reason: 'x', legalBasis: 'y' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('case_closed');
  });

  test("an answer that overtakes the workflow's own start bookkeeping still leaves the case CLOSED", async () => {
    // as in the README walkthrough: approve right after starting, before the workflow has recorded `received`
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await startP1('mzt');
      expect(started.status).toBe(201);
      const ok = await actOn('rst', started.body.id, APPROVAL);
      expect(ok.status).toBe(200);
      ids.push(started.body.id);
    }
    for (const id of ids) {
      const read = await waitForEvent(id, 'received', 'mzt');
      expect([id, read.status, read.stage]).toEqual([id, 'CLOSED', 'approved']);
    }
    // keep a history where the answer did overtake (its patch marker is in it) for the replay test
    for (const id of ids) {
      const handle = api.temporal.workflow.getHandle(id);
      await eventually(async () => (await handle.describe()).status.name === 'COMPLETED');
      const history = await handle.fetchHistory();
      const raced = history.events?.some((e) =>
        Object.values(e.markerRecordedEventAttributes?.details ?? {}).some((d) =>
          (d.payloads ?? []).some((pl) =>
            Buffer.from(pl.data ?? [])
              .toString()
              .includes('no-new-case-mail-after-answer'),
          ),
        ),
      );
      if (raced) {
        await recordHistory(handle, 'p1-answer-before-received');
        break;
      }
    }
  });

  test('a case started through the API takes its schedule from the start and writes the grant with the answer', async () => {
    const started = await startP1('mzt');
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    await waitForEvent(id, 'received', 'mzt');
    expect((await actOn('rst', id, APPROVAL)).status).toBe(200);
    const handle = api.temporal.workflow.getHandle(id);
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED');
    const history = await handle.fetchHistory();
    const activities = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((n): n is string => Boolean(n));
    // two round trips fewer per case (issue 14's load drill): no schedule computation, no separate grant step
    expect(activities).not.toContain('computeSchedule');
    expect(activities).not.toContain('createGrant');
    expect(activities.filter((n) => n === 'recordTransition')).toHaveLength(2);
    const row = await api.tdb.db.case.findUniqueOrThrow({ where: { id }, include: { grants: true } });
    expect(row.dueAt.toISOString()).toBe(new Date(started.body.dueAt).toISOString());
    expect(row.grants).toHaveLength(1);
    const audit = await api.tdb.db.auditLog.count({
      where: { action: 'grant_created', target: row.grants[0].id },
    });
    expect(audit).toBe(1);
    await recordHistory(handle, 'p1-schedule-from-start-grant-with-answer');
  });

  test('refuse then open negotiation: the P2 child joins the chain', async () => {
    const start = await startP1('mzt');
    const id = start.body.id as string;
    await waitForEvent(id, 'received');
    const refused = await actOn('rst', id, {
      type: 'refuse',
      reason: '涉及个人隐私',
      legalBasis: '《社会保险法》第八十一条',
    });
    expect(refused.status).toBe(200);
    expect(refused.body.stage).toBe('refused');
    const wrongStage = await actOn('rst', id, { type: 'open_negotiation', need: '审核' });
    expect(wrongStage.status).toBe(403); // only the requester opens a negotiation
    const neg = await actOn('mzt', id, { type: 'open_negotiation', need: '低保审核需要' });
    expect(neg.status).toBe(200);
    const withChild = await eventually(async () => {
      const r = await get('mzt', `/api/v1/cases/${id}`);
      return r.body.chain.length === 2 ? r.body : undefined;
    });
    const child = withChild.chain.find((c: string) => c !== id);
    expect(child).toMatch(/^XS-/);
    const childView = await get('rst', `/api/v1/cases/${child}`);
    expect(childView.body).toMatchObject({ procedure: 'P2', parentCaseId: id, rootCaseId: id });
    expect(childView.body.chain).toEqual([id, child]);
  });
});

describe('validation and authorization', () => {
  test('bad input is a 4xx problem, never a 500', async () => {
    const noKey = await post('mzt', '/api/v1/cases').send({
      procedure: 'P1',
      resourceId: 'SB-0003',
      purpose: 'a',
      scope: 'b',
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.code).toBe('idempotency_key_required');

    const badKey = await post('mzt', '/api/v1/cases', 'has spaces!').send({});
    expect(badKey.status).toBe(400);

    for (const body of [
      {},
      { procedure: 'P9' },
      { procedure: 'P1', resourceId: 'SB-0003', purpose: '', scope: 'x' },
      { procedure: 'P1', resourceId: 'SB-0003', purpose: 'a', scope: 'b', receivedAt: 'yesterday' },
      {
        procedure: 'P4',
        resourceId: 'RK-0001',
        item: 'x',
        description: 'y',
        discoveredAt: '2026-02-30',
        proofProvided: true,
      },
      { procedure: 'P4', resourceId: 'RK-0001', item: 'x', description: 'y', discoveredAt: '2026-02-03' },
      { procedure: 'P5', trigger: { kind: 'other', title: 't', reference: 'r' } },
    ]) {
      const r = await post('mzt', '/api/v1/cases', freshKey())
        .set('Content-Type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.code).toBe('validation_failed');
    }

    // JSON that is not an object or array (a bare string) is refused by the parser (strict mode)
    const bareString = await post('mzt', '/api/v1/cases', freshKey())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify('not an object'));
    expect([bareString.status, bareString.body.code]).toEqual([400, 'malformed_json']);

    const malformed = await post('mzt', '/api/v1/cases', freshKey())
      .set('Content-Type', 'application/json')
      .send('{oops');
    expect(malformed.status).toBe(400);

    // well-formed, but not a request the resource admits: 422, with the code where it matters
    const unprocessable: [object, object][] = [
      [
        { procedure: 'P1', resourceId: 'RK-0001', purpose: 'a', scope: 'b' },
        { code: 'resource_unconditional', detail: expect.stringMatching(/直接/) },
      ],
      [
        { procedure: 'P1', resourceId: 'GA-0107', purpose: 'a', scope: 'b' },
        { code: 'resource_not_shared', suggestedProcedure: 'P2' },
      ],
      [{ procedure: 'P2', resourceId: 'SB-0003', need: 'x' }, {}],
      [{ procedure: 'P1', resourceId: 'NOPE-1', purpose: 'a', scope: 'b' }, {}],
    ];
    for (const [body, refusal] of unprocessable) {
      const r = await create('mzt', body);
      expect([body, r.status]).toEqual([body, 422]);
      expect(r.body).toMatchObject(refusal);
    }

    // the body is validated before the case is looked up: a malformed action never reaches the database
    const badAction = await post('rst', '/api/v1/cases/GX-2026-999999/actions').send({ type: 'approve' });
    expect(badAction.status).toBe(400);
    expect(badAction.body.code).toBe('validation_failed');
    const noCase = await post('rst', '/api/v1/cases/GX-2026-999999/actions').send(APPROVAL);
    expect(noCase.status).toBe(404);
    expect(noCase.body.code).toBe('case_not_found');

    const list = await get('supervisor', '/api/v1/cases?limit=101');
    expect(list.status).toBe(400);
    const cursor = await get('supervisor', '/api/v1/cases?cursor=%%%');
    expect(cursor.status).toBe(400);
    const dueBefore = await get('supervisor', '/api/v1/cases?dueBefore=soon');
    expect(dueBefore.status).toBe(400);
    const weird = await get('supervisor', '/api/v1/cases/..%2F..%2Fetc');
    expect(weird.status).toBe(404);
  });

  test('action bodies are validated per type', async () => {
    const start = await startP1('mzt');
    const id = start.body.id as string;
    for (const body of [{}, { type: 'approve' }, { type: 'refuse', reason: '理由' }, { type: 'dance' }]) {
      const r = await actOn('rst', id, body);
      expect(r.status).toBe(400);
    }
    const wrongType = await actOn('rst', id, { type: 'agree', scope: 'a', purpose: 'b' });
    expect(wrongType.status).toBe(409);
    expect(wrongType.body.code).toBe('wrong_stage');
  });

  test('only departments start cases; supervisors are refused and the refusal is audited', async () => {
    const r = await startP1('supervisor');
    expect(r.status).toBe(403);
    const audit = await api.tdb.db.auditLog.findFirst({
      where: { action: 'access_denied', target: 'POST /api/v1/cases' },
    });
    expect(audit).not.toBeNull();
    const p5ForOther = await create('mzt', {
      procedure: 'P5',
      departmentId: 'NMG-RST',
      trigger: { kind: 'law_revision', title: 't', reference: 'r' },
    });
    expect(p5ForOther.status).toBe(403);
  });

  test("a department cannot see or act on another department's case", async () => {
    const start = await startP1('mzt');
    const id = start.body.id as string;
    const peek = await get('gat', `/api/v1/cases/${id}`);
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('case_not_found');
    const act = await actOn('gat', id, { type: 'approve', scope: 'a', purpose: 'b' });
    expect(act.status).toBe(404);
    const audit = await api.tdb.db.auditLog.findMany({ where: { action: 'access_denied' } });
    expect(audit.some((a) => (a.data as { caseId?: string }).caseId === id)).toBe(true);
    expect((await get('supervisor', `/api/v1/cases/${id}`)).status).toBe(200);
    expect((await get('admin', `/api/v1/cases/${id}`)).status).toBe(200);
    expect((await get('rst', `/api/v1/cases/${id}`)).status).toBe(200);
  });

  test('a stop notice that has taken effect stops new requests, though the stored status still says published', async () => {
    const before = await api.tdb.db.case.count();
    // filed earlier (第十八条); its effective time has passed, nothing has touched the resource row
    await api.tdb.db.stopSharingNotice.create({
      data: {
        resourceId: 'MZ-0012',
        reason: '系统迁移, 暂停共享',
        effectiveAt: new Date(Date.now() - 60_000),
        filedBy: 'NMG-MZT',
      },
    });
    expect((await api.tdb.db.resource.findUniqueOrThrow({ where: { id: 'MZ-0012' } })).status).toBe(
      'PUBLISHED',
    );
    const r = await create('rst', {
      procedure: 'P1',
      resourceId: 'MZ-0012',
      purpose: '就业困难人员认定',
      scope: '低保资格',
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('resource_stopped');
    expect(await api.tdb.db.case.count()).toBe(before);
  });

  test('a case id taken by a workflow that is not this case is refused loudly, never shared', async () => {
    const seqRow = await api.tdb.db.caseSequence.findUniqueOrThrow({
      where: { prefix_year: { prefix: 'GX', year: 2026 } },
    });
    const nextId = `GX-2026-${String(seqRow.next).padStart(6, '0')}`;
    // a leftover of an earlier database: same id, another case, still running on the same Temporal
    const foreign = await api.temporal.workflow.start('statutoryCase', {
      workflowId: nextId,
      taskQueue: `nobody-polls-${nextId}`,
      args: [],
      memo: { startFingerprint: 'another-case' },
    });
    try {
      const r = await startP1('mzt');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ code: 'workflow_id_conflict', detail: expect.stringContaining(nextId) });
    } finally {
      await foreign.terminate('test cleanup');
    }
  });

  test('unauthenticated calls are 401', async () => {
    expect((await get('none', '/api/v1/cases')).status).toBe(401);
  });
});

describe('list', () => {
  test('filters and cursor pagination; departments see only their own cases', async () => {
    // a P2 between MZT and GAT, and a P5 of ZWFWJ: neither involves RST
    const p2 = await create('mzt', { procedure: 'P2', resourceId: 'GA-0107', need: '核查' });
    expect(p2.status).toBe(201);
    expect(p2.body.parties).toEqual({ requester: 'NMG-MZT', responsible: 'NMG-GAT' });
    const p5 = await create('zwfwj', {
      procedure: 'P5',
      trigger: { kind: 'function_change', title: '机构改革', reference: '内党发〔2026〕1号' },
    });
    expect(p5.status).toBe(201);
    expect(p5.body).toMatchObject({
      procedure: 'P5',
      parties: { requester: null, responsible: 'NMG-ZWFWJ' },
    });

    const all: { id: string; dueAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await get('supervisor', url);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      all.push(...r.body.items);
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const total = await api.tdb.db.case.count();
    expect(all).toHaveLength(total);
    expect(new Set(all.map((c) => c.id)).size).toBe(total);
    const sorted = [...all].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
    expect(all.map((c) => c.id)).toEqual(sorted.map((c) => c.id));

    const rst = await get('rst', '/api/v1/cases?limit=100');
    expect(rst.body.items.length).toBeGreaterThan(0);
    for (const c of rst.body.items) expect([c.parties.requester, c.parties.responsible]).toContain('NMG-RST');
    expect(rst.body.items.map((c: { id: string }) => c.id)).not.toContain(p2.body.id);

    // a department asking about another department still only gets cases it is party to
    const rstAboutGat = await get('rst', '/api/v1/cases?department=NMG-GAT');
    expect(rstAboutGat.body.items).toEqual([]);
    const mztAboutGat = await get('mzt', '/api/v1/cases?department=NMG-GAT');
    expect(mztAboutGat.body.items.map((c: { id: string }) => c.id)).toEqual([p2.body.id]);

    const p5s = await get('supervisor', '/api/v1/cases?procedure=P5&status=OPEN');
    expect(p5s.body.items.map((c: { id: string }) => c.id)).toContain(p5.body.id);
    for (const c of p5s.body.items) expect(c).toMatchObject({ procedure: 'P5', status: 'OPEN' });

    const closed = await get('supervisor', '/api/v1/cases?status=CLOSED&overdue=false');
    for (const c of closed.body.items) expect(c).toMatchObject({ status: 'CLOSED', overdue: false });
    expect((await get('supervisor', '/api/v1/cases?overdue=true')).body.items).toEqual([]);

    const early = await get('supervisor', '/api/v1/cases?dueBefore=2000-01-01');
    expect(early.body.items).toEqual([]);
    const late = await get('supervisor', '/api/v1/cases?dueBefore=2100-01-01T00:00:00Z&limit=100');
    expect(late.body.items).toHaveLength(total);
  });
});

describe('P4 disputes', () => {
  test('a reported error puts the item under verification until the provider answers', async () => {
    const today = new Date().toISOString();
    const report = await create('rst', {
      procedure: 'P4',
      resourceId: 'RK-0001',
      item: '150102199001011234/住址',
      description: '住址与户籍登记不一致',
      discoveredAt: today,
      proofProvided: true,
    });
    expect(report.status).toBe(201);
    expect(report.body).toMatchObject({
      procedure: 'P4',
      parties: { requester: 'NMG-RST', responsible: 'NMG-GAT' },
      details: { proofProvided: true, reportedLate: false, reportWorkingDays: 0 },
    });

    const lateReport = await create('mzt', {
      procedure: 'P4',
      resourceId: 'RK-0001',
      item: '150102199001011234/姓名',
      description: '姓名错误',
      // discovered three calendar weeks before today's report: far more than 5 working days
      discoveredAt: new Date(Date.now() - 21 * 86_400_000).toISOString(),
      proofProvided: false,
    });
    expect(lateReport.status).toBe(201);
    expect(lateReport.body.details).toMatchObject({ reportedLate: true, reportLimitWorkingDays: 5 });
    expect(lateReport.body.details.reportWorkingDays).toBeGreaterThan(5);

    const future = await create('mzt', {
      procedure: 'P4',
      resourceId: 'RK-0001',
      item: 'x',
      description: 'y',
      discoveredAt: '2026-02-10',
      receivedAt: '2026-02-02T10:00:00+08:00',
      proofProvided: false,
    });
    expect(future.status).toBe(422);

    // any authenticated system may ask; the cases themselves are listed only to parties and supervisors
    const q = `/api/v1/data-disputes?resource=RK-0001&item=${encodeURIComponent('150102199001011234/住址')}`;
    const under = await get('supervisor', q);
    expect(under.status).toBe(200);
    expect(under.body).toEqual({
      resourceId: 'RK-0001',
      item: '150102199001011234/住址',
      underVerification: true,
      cases: [
        { id: report.body.id, stage: 'awaiting_answer', proofProvided: true, deadline: report.body.deadline },
      ],
    });
    const unrelated = await get('zwfwj', q);
    expect(unrelated.body).toMatchObject({ underVerification: true, cases: [] });
    const other = await get('zwfwj', '/api/v1/data-disputes?resource=RK-0001&item=nothing');
    expect(other.body).toMatchObject({ underVerification: false, cases: [] });
    expect((await get('zwfwj', '/api/v1/data-disputes?resource=RK-0001')).status).toBe(400);

    await waitForEvent(report.body.id, 'received');
    const answer = await actOn('gat', report.body.id, { type: 'correct', explanation: '已按户籍档案更正' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ stage: 'answered', outcome: 'corrected', status: 'CLOSED' });
    expect((await get('zwfwj', q)).body).toMatchObject({ underVerification: false, cases: [] });
  });
});

describe('P5 change events', () => {
  test('one P5 case per affected department, idempotent per (event key, department)', async () => {
    const key = freshKey();
    const body = {
      kind: 'law_revision',
      title: '《社会救助暂行办法》修订',
      reference: '国务院令第 800 号',
      departmentIds: ['NMG-MZT', 'NMG-RST'],
    };
    const denied = await post('mzt', '/api/v1/change-events', key).send(body);
    expect(denied.status).toBe(403);
    expect((await post('supervisor', '/api/v1/change-events').send(body)).status).toBe(400);
    expect(
      (await post('supervisor', '/api/v1/change-events', key).send({ ...body, departmentIds: [] })).status,
    ).toBe(400);
    expect(
      (await post('supervisor', '/api/v1/change-events', key).send({ ...body, departmentIds: ['NMG-NOPE'] }))
        .status,
    ).toBe(422);

    const first = await post('supervisor', '/api/v1/change-events', key).send(body);
    expect(first.status).toBe(201);
    expect(first.body.cases).toHaveLength(2);
    expect(first.body.cases.every((c: { created: boolean }) => c.created)).toBe(true);

    const replay = await post('supervisor', '/api/v1/change-events', key).send(body);
    expect(replay.status).toBe(200);
    expect(replay.body.cases).toEqual(first.body.cases.map((c: object) => ({ ...c, created: false })));
    // the same event again, now also naming a third department: only that one is new
    const wider = await post('supervisor', '/api/v1/change-events', key).send({
      ...body,
      departmentIds: [...body.departmentIds, 'NMG-GAT'],
    });
    expect(wider.status).toBe(201);
    expect(wider.body.cases.map((c: { created: boolean }) => c.created)).toEqual([false, false, true]);

    const mztCase = first.body.cases.find(
      (c: { departmentId: string }) => c.departmentId === 'NMG-MZT',
    ).caseId;
    const view = await get('mzt', `/api/v1/cases/${mztCase}`);
    expect(view.body).toMatchObject({
      procedure: 'P5',
      parties: { requester: null, responsible: 'NMG-MZT' },
      details: { trigger: { kind: 'law_revision', reference: '国务院令第 800 号' }, changeEventKey: key },
    });
    expect((await get('rst', `/api/v1/cases/${mztCase}`)).status).toBe(404);

    await waitForEvent(mztCase, 'received');
    const done = await actOn('mzt', mztCase, { type: 'catalog_updated', catalogVersion: 'v2' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ stage: 'updated', outcome: 'catalog_updated' });
  });
});
