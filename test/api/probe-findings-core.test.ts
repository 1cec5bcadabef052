/**
 * Issue 10, the probe's findings on the core promise (a case is never frozen, never duplicated, never wrong):
 * each was reproduced against the code before the fix, then fixed at the boundary and in depth.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { STALL_AFTER_ATTEMPTS } from '../../activities/stalls';
import { createCalendarProvider } from '../../core/calendar/provider';
import { actUpdate, stateQuery } from '../../workflows/statutory-case';
import { createTestApi, DEPT_OF, type TestApi } from '../support/api';
import { eventually } from '../support/worker';
import { beijingInstant } from '../../calendar/dates';

let api: TestApi;
let seq = 0;
beforeAll(async () => {
  api = await createTestApi({ worker: true });
});
afterAll(async () => {
  await api?.close();
});

const freshKey = () => `core-${Date.now()}-${++seq}`;

async function startP1(extra: Record<string, unknown> = {}, key = freshKey()) {
  return api
    .as('mzt')
    .post('/api/v1/cases')
    .set('Idempotency-Key', key)
    .send({
      procedure: 'P1',
      resourceId: 'SB-0003',
      purpose: '城乡低保资格审核',
      scope: '参保状态',
      ...extra,
    });
}

async function startP4(): Promise<string> {
  const res = await api.as('mzt').post('/api/v1/cases').set('Idempotency-Key', freshKey()).send({
    procedure: 'P4',
    resourceId: 'SB-0003',
    item: '150102199001011234/参保状态',
    description: '参保状态与社保卡记录不符',
    discoveredAt: new Date().toISOString(),
    proofProvided: true,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

const act = (id: string, body: Record<string, unknown>, who: 'rst' | 'mzt' = 'rst') =>
  api.as(who).post(`/api/v1/cases/${id}/actions`).send(body);

async function refusedP1(): Promise<string> {
  const started = await startP1();
  expect(started.status).toBe(201);
  const refused = await act(started.body.id, {
    type: 'refuse',
    reason: '涉及个人隐私',
    legalBasis: '社会保险法',
  });
  expect(refused.body.stage).toBe('refused');
  return started.body.id;
}

describe('finding 1: malformed Unicode never freezes a case (第二十一条 verification, 第十九条 negotiation)', () => {
  it('a lone surrogate in an answer is a 400 at the edge, and the case can still be answered', async () => {
    const id = await startP4();
    const bad = await act(id, { type: 'correct', explanation: 'a\udfffb' });
    expect([bad.status, bad.body.code, bad.body.reason]).toEqual([
      400,
      'invalid_character',
      'lone_surrogate',
    ]);
    expect(bad.body.detail).toMatch(/代理字符/);
    const good = await act(id, { type: 'correct', explanation: '已更正参保状态' });
    expect([good.status, good.body.status, good.body.outcome]).toEqual([200, 'CLOSED', 'corrected']);
  });

  it('open_negotiation with a lone surrogate in `need` is a 400; a clean one then opens exactly one P2', async () => {
    const id = await refusedP1();
    const bad = await act(id, { type: 'open_negotiation', need: 'x\ud800' }, 'mzt');
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_character']);
    const good = await act(id, { type: 'open_negotiation', need: '履行低保审核职责确需' }, 'mzt');
    expect(good.status).toBe(200);
    // the child workflow writes its own row
    const p2 = await eventually(async () => {
      const rows = await api.tdb.db.case.findMany({ where: { parentCaseId: id } });
      return rows.length > 0 ? rows : undefined;
    });
    expect(p2).toHaveLength(1);
  });

  it('in depth: the workflow itself refuses text it could never record, so state and read model agree', async () => {
    const id = await startP4();
    const handle = api.temporal.workflow.getHandle(id);
    const err = await handle
      .executeUpdate(actUpdate, {
        args: [{ type: 'correct', actorDepartmentId: DEPT_OF.rst, explanation: 'a\udfffb' }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'invalid_text' });
    // nothing was committed: the workflow still waits, and so does the row
    expect((await handle.query(stateQuery)).stage).toBe('awaiting_answer');
    expect((await api.tdb.db.case.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    const good = await act(id, { type: 'confirm_correct', explanation: '数据无误' });
    expect([good.status, good.body.status]).toEqual([200, 'CLOSED']);
  });
});

describe('finding 1, in depth: a read-model write that keeps failing is visible to operators', () => {
  const transition = (caseId: string) => ({
    caseId,
    eventKey: 'overdue',
    type: 'overdue',
    at: new Date().toISOString(),
    patch: { overdue: true },
  });
  const run = (attempt: number, caseId: string) => {
    const acts = createActivities({ db: api.tdb.db, calendars: createCalendarProvider(api.tdb.db) });
    return new MockActivityEnvironment({ attempt }).run(acts.recordTransition, transition(caseId));
  };

  it('is recorded from the stall threshold on, shown by /readyz, and cleared once the write succeeds', async () => {
    // a patch for a row that does not exist fails on every attempt, like a write the database keeps refusing
    const ghost = 'GX-2026-999999';
    await expect(run(STALL_AFTER_ATTEMPTS - 1, ghost)).rejects.toThrow();
    expect(await api.tdb.db.projectionStall.count()).toBe(0);
    await expect(run(STALL_AFTER_ATTEMPTS, ghost)).rejects.toThrow();
    await expect(run(STALL_AFTER_ATTEMPTS + 1, ghost)).rejects.toThrow();
    const stall = await api.tdb.db.projectionStall.findUniqueOrThrow({
      where: { caseId_eventKey: { caseId: ghost, eventKey: 'overdue' } },
    });
    expect(stall).toMatchObject({ eventType: 'overdue', attempts: STALL_AFTER_ATTEMPTS + 1 });
    expect(stall.error).toMatch(/PrismaClientKnownRequestError P2025/);
    const ready = await api.as('none').get('/readyz');
    expect(ready.body.checks.projections).toMatchObject({ ok: false, stalled: 1 });

    // the row appears (e.g. an operator repaired it): the next attempt succeeds and the stall is gone
    const real = await startP4();
    await api.tdb.db.projectionStall.updateMany({ data: { caseId: real } });
    await run(STALL_AFTER_ATTEMPTS + 2, real);
    expect(await api.tdb.db.projectionStall.count()).toBe(0);
    expect((await api.as('none').get('/readyz')).body.checks.projections).toMatchObject({
      ok: true,
      stalled: 0,
    });
  });
});

describe('finding 2: concurrent open_negotiation creates exactly one P2 case (第十九条)', () => {
  it('20 parallel requests: one 200, the rest 409, one P2 row and one child workflow', async () => {
    const id = await refusedP1();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => act(id, { type: 'open_negotiation', need: '履行职责确需' }, 'mzt')),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
    const children = await eventually(async () => {
      const rows = await api.tdb.db.case.findMany({ where: { parentCaseId: id } });
      return rows.length > 0 ? rows : undefined;
    });
    // give any duplicate the time to appear before counting
    await new Promise((r) => setTimeout(r, 1500));
    expect(await api.tdb.db.case.count({ where: { parentCaseId: id } })).toBe(1);
    expect(children[0].procedure).toBe('P2_NEGOTIATION');
    expect((await api.temporal.workflow.getHandle(id).query(stateQuery)).childCaseIds).toEqual([
      children[0].id,
    ]);
  });
});

describe('finding 3: losers of concurrent approvals get 409, never 404', () => {
  it('20 parallel approvals: one 200, nineteen 409', async () => {
    const started = await startP1();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        act(started.body.id, { type: 'approve', scope: '参保状态', purpose: '低保审核' }),
      ),
    );
    const counts = answers.reduce<Record<number, number>>(
      (m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }),
      {},
    );
    expect(counts).toEqual({ 200: 1, 409: 19 });
    expect(await api.tdb.db.grant.count({ where: { caseId: started.body.id } })).toBe(1);
  });
});

describe('finding 4: a backdated receipt is a claim, limited and shown as such', () => {
  it('further back than the profile allows (10 working days) is 422 with the reason, and writes nothing', async () => {
    const before = await api.tdb.db.case.count();
    const res = await startP1({ receivedAt: '2019-01-02T09:00:00+08:00' });
    expect([res.status, res.body.code]).toEqual([422, 'received_too_early']);
    expect(res.body.detail).toMatch(/10 个工作日/);
    expect(res.body.maxBackdateWorkingDays).toBe(10);
    expect(await api.tdb.db.case.count()).toBe(before);
  });

  it('within the limit: the case keeps the claimed receipt and the recording time, and is marked backdated', async () => {
    const claimed = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const res = await startP1({ receivedAt: claimed });
    expect(res.status).toBe(201);
    expect(res.body.receivedAt).toBe(beijingInstant(claimed));
    expect(Date.parse(res.body.recordedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.body.backdated).toBe(true);
    expect(res.body.backdatedWorkingDays).toBeGreaterThanOrEqual(1);
    const list = await api.as('mzt').get('/api/v1/cases?backdated=true&limit=100');
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(res.body.id);
    expect(list.body.items.every((c: { backdated: boolean }) => c.backdated)).toBe(true);
  });

  it('a receipt stamped a few seconds ago is not backdated', async () => {
    const res = await startP1({ receivedAt: new Date(Date.now() - 5_000).toISOString() });
    expect([res.status, res.body.backdated, res.body.backdatedWorkingDays]).toEqual([201, false, null]);
  });
});

describe('finding 7: share events are on the 第二十四条 log', () => {
  it('a grant created by an approval writes one grant_created audit row', async () => {
    const started = await startP1();
    const ok = await act(started.body.id, { type: 'approve', scope: '参保状态', purpose: '低保审核' });
    expect(ok.status).toBe(200);
    const grant = await api.tdb.db.grant.findFirstOrThrow({ where: { caseId: started.body.id } });
    const rows = await api.tdb.db.auditLog.findMany({ where: { action: 'grant_created', target: grant.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].data).toMatchObject({
      caseId: started.body.id,
      resourceId: 'SB-0003',
      consumer: DEPT_OF.mzt,
    });
  });
});

describe('finding 9: smaller defects', () => {
  it('an approval whose validUntil is already past is 422, and no grant is created', async () => {
    const started = await startP1();
    const res = await act(started.body.id, {
      type: 'approve',
      scope: '参保状态',
      purpose: '低保审核',
      validUntil: '2020-01-01T00:00:00+08:00',
    });
    expect([res.status, res.body.code]).toEqual([422, 'valid_until_past']);
    expect(await api.tdb.db.grant.count({ where: { caseId: started.body.id } })).toBe(0);
    const ok = await act(started.body.id, { type: 'approve', scope: '参保状态', purpose: '低保审核' });
    expect(ok.status).toBe(200);
  });

  it('20 concurrent starts with one Idempotency-Key consume exactly one case number', async () => {
    const key = freshKey();
    const first = await startP1({}, freshKey());
    const answers = await Promise.all(Array.from({ length: 20 }, () => startP1({}, key)));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const next = await startP1({}, freshKey());
    const number = (id: string) => Number(id.split('-')[2]);
    // the key's case took the number after `first`, and the next start the one after that: none burnt
    expect(number([...ids][0])).toBe(number(first.body.id) + 1);
    expect(number(next.body.id)).toBe(number(first.body.id) + 2);
  });
});
