/**
 * The supervisors' overdue list over HTTP, with the cases' workflows on the time-skipping server: the API app
 * talks to that server (createTestApi({ env })) and reads the clock it skips (virtualClock).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createCalendarProvider } from '../../core/calendar/provider';
import { startCase } from '../../core/cases/start';
import { createTestApi, type TestApi, type Who } from '../support/api';
import { createTimeSkippingEnv } from '../support/temporal';
import { sleepUntil, virtualClock } from '../support/time';
import { eventually } from '../support/worker';

let env: TestWorkflowEnvironment;
let api: TestApi;
let clock: ReturnType<typeof virtualClock>;

beforeAll(async () => {
  // virtual clock starts at 2026-04-27 (Mon) 09:00 Beijing time, the week before 劳动节
  env = await createTimeSkippingEnv({ startAt: '2026-04-27T01:00:00Z' });
  clock = virtualClock(env);
  await clock.sync();
  api = await createTestApi({ env, worker: true, now: clock.now });
});
afterAll(async () => {
  await api?.close();
  await env?.teardown();
});

async function skipTo(iso: string): Promise<void> {
  await sleepUntil(env, iso);
  await clock.sync();
}

async function startP1(who: Who, resourceId: string, receivedAt: string): Promise<string> {
  const res = await api
    .as(who)
    .post('/api/v1/cases')
    .set('Idempotency-Key', `overdue-list-${who}-${resourceId}-${Date.parse(receivedAt)}`)
    .send({ procedure: 'P1', resourceId, purpose: '履职核查', scope: '核查所需字段', receivedAt });
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 201, code: undefined });
  return res.body.id;
}

const list = async (who: Who, query: string) => {
  const res = await api.as(who).get(`/api/v1/cases?${query}`);
  expect(res.status).toBe(200);
  return res.body as { items: Record<string, unknown>[]; nextCursor: string | null };
};
const idsOf = (page: { items: Record<string, unknown>[] }) => page.items.map((c) => c.id);

describe('第十九条 十个工作日答复期限, 逾期督办 (第二十八条): the supervisors see exactly the overdue cases, each overdue from its due time', () => {
  test('GET /cases?overdue=true lists a case that ran past its deadline and one entered after its deadline, with their exact deadlines, and nothing else', async () => {
    // 10 working days from Mon 4/27: 1–3 = 4/28–4/30, 劳动节 5/1–5/5 off, 4–6 = 5/6–5/8, 7 = 5/9 (make-up Sat),
    // 8–10 = 5/11–5/13: due 5/13 24:00 Beijing = 2026-05-13T16:00Z
    const unanswered = await startP1('mzt', 'SB-0003', '2026-04-27T09:00:00+08:00'); // 民政厅 asks 人社厅
    const answered = await startP1('rst', 'MZ-0012', '2026-04-27T09:00:00+08:00'); // 人社厅 asks 民政厅
    const approve = await api
      .as('mzt')
      .post(`/api/v1/cases/${answered}/actions`)
      .send({ type: 'approve', scope: '低保对象身份 (是/否)', purpose: '社会保险费减免审核' });
    expect([approve.status, approve.body.stage]).toEqual([200, 'approved']);

    // 2026-05-12 (Tue) 10:00 Beijing
    await skipTo('2026-05-12T02:00:00Z');
    // 公安厅 asks 民政厅: 1–3 = 5/13–5/15, 4–8 = 5/18–5/22, 9–10 = 5/25–5/26; not due yet on 5/14
    const notYetDue = await startP1('gat', 'MZ-0012', '2026-05-12T10:00:00+08:00');
    // a request received on paper on Wed 4/1 and entered only now, long after its deadline:
    // 1–2 = 4/2–4/3, 清明 4/4–4/6 off, 3–6 = 4/7–4/10, 7–10 = 4/13–4/16: due 4/16 24:00 Beijing = 2026-04-16T16:00Z
    const { caseId: enteredLate } = await startCase(
      {
        db: api.tdb.db,
        temporal: api.temporal,
        calendars: createCalendarProvider(api.tdb.db),
        taskQueue: api.taskQueue,
        now: clock.now,
      },
      {
        procedure: 'P1',
        receivedAt: '2026-04-01T09:00:00+08:00',
        requesterDepartmentId: 'NMG-GAT',
        responsibleDepartmentId: 'NMG-RST',
        resourceId: 'SB-0003',
      },
    );
    await eventually(async () => (await api.tdb.db.case.findUnique({ where: { id: enteredLate } }))?.overdue);

    // 2026-05-14 (Thu) 10:00 Beijing: the first request's deadline passed at 5/13 24:00
    await skipTo('2026-05-14T02:00:00Z');
    await eventually(async () => (await api.tdb.db.case.findUnique({ where: { id: unanswered } }))?.overdue);

    const overdue = await list('supervisor', 'overdue=true');
    expect(overdue.nextCursor).toBeNull();
    // ordered by due time; the breach is dated at the due time, however late the timer could fire
    expect(overdue.items).toMatchObject([
      {
        id: enteredLate,
        procedure: 'P1',
        status: 'OPEN',
        stage: 'awaiting_answer',
        parties: { requester: 'NMG-GAT', responsible: 'NMG-RST' },
        resourceId: 'SB-0003',
        receivedAt: '2026-04-01T09:00:00.000+08:00',
        deadline: '2026-04-16',
        dueAt: '2026-04-17T00:00:00.000+08:00',
        overdue: true,
        overdueAt: '2026-04-17T00:00:00.000+08:00',
        answeredAt: null,
        answeredLate: false,
      },
      {
        id: unanswered,
        procedure: 'P1',
        status: 'OPEN',
        stage: 'awaiting_answer',
        parties: { requester: 'NMG-MZT', responsible: 'NMG-RST' },
        resourceId: 'SB-0003',
        receivedAt: '2026-04-27T09:00:00.000+08:00',
        deadline: '2026-05-13',
        dueAt: '2026-05-14T00:00:00.000+08:00',
        overdue: true,
        overdueAt: '2026-05-14T00:00:00.000+08:00',
        answeredAt: null,
        answeredLate: false,
      },
    ]);
    for (const c of overdue.items) expect(c.overdueAt).toBe(c.dueAt);

    // the rest are not in it: answered in time, and not yet due
    const onTime = await list('supervisor', 'overdue=false');
    expect(idsOf(onTime)).toEqual([answered, notYetDue]);
    expect(onTime.items).toMatchObject([
      { status: 'CLOSED', stage: 'approved', overdue: false, overdueAt: null, deadline: '2026-05-13' },
      { status: 'OPEN', stage: 'awaiting_answer', overdue: false, overdueAt: null, deadline: '2026-05-26' },
    ]);

    // each department sees its own overdue cases only: 人社厅 both, as the party that missed them
    expect(idsOf(await list('rst', 'overdue=true'))).toEqual([enteredLate, unanswered]);
    expect(idsOf(await list('mzt', 'overdue=true'))).toEqual([unanswered]);
    expect(idsOf(await list('gat', 'overdue=true'))).toEqual([enteredLate]);

    // the case itself records the breach at the same instant
    const view = await api.as('supervisor').get(`/api/v1/cases/${unanswered}`);
    expect(view.status).toBe(200);
    const breaches = (view.body.timeline as { type: string; at: string }[]).filter(
      (e) => e.type === 'overdue',
    );
    expect(breaches).toEqual([
      expect.objectContaining({ type: 'overdue', at: '2026-05-14T00:00:00.000+08:00' }),
    ]);
  });
});
