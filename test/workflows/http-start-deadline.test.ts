/**
 * A P1 case started the way department systems start it (POST /api/v1/cases) on the time-skipping server,
 * whose worker is down while the deadline passes: the deadline is pinned in the row, in the workflow's own
 * schedule and in the overdue instant.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type request from 'supertest';
import { stateQuery } from '../../workflows/statutory-case';
import { recordHistory } from '../histories/record';
import type { statutoryCase } from '../../workflows/statutory-case';
import type { CaseState } from '../../workflows/types';
import { createTestApi, type TestApi } from '../support/api';
import { settledOnTimer } from '../support/history';
import { createTimeSkippingEnv } from '../support/temporal';
import { sleepUntil, virtualClock } from '../support/time';
import { createTestWorker, eventually } from '../support/worker';

let env: TestWorkflowEnvironment;
let api: TestApi;
let clock: ReturnType<typeof virtualClock>;

/**
 * A worker on the API's task queue. Without a sticky cache: the Java test server never moves a workflow task
 * off the sticky queue of a worker that is gone (the real server does after the sticky schedule-to-start
 * timeout), so a task meant for the stopped worker would wait there for good.
 */
async function runWorker(): Promise<{ worker: Worker; stopped: Promise<void> }> {
  const { worker } = await createTestWorker({
    connection: env.nativeConnection,
    db: api.tdb.db,
    taskQueue: api.taskQueue,
    maxCachedWorkflows: 0,
  });
  return { worker, stopped: worker.run() };
}

/**
 * Skips virtual time to `until` while no worker polls. The time-skipping server holds a time-skipping lock for
 * every workflow task until a worker completes it, so the clock stops at the case's first timer (`firstTimer`)
 * once that timer's task waits for the absent worker. The test lends that lock back for the sleep (unlock once
 * the clock has reached the timer) and returns it before a worker takes the task (lock), so the server's lock
 * count is the same as if the task had never waited.
 */
async function sleepPastWithoutWorker(firstTimer: string, until: string): Promise<void> {
  const testService = env.connection.testService;
  if (!testService) throw new Error('not a time-skipping environment');
  const sleeping = sleepUntil(env, until);
  await eventually(async () => (await env.currentTimeMs()) >= Date.parse(firstTimer));
  await testService.unlockTimeSkipping({});
  await sleeping;
  await testService.lockTimeSkipping({});
}

// 10 working days from Mon 9/28 (the day of receipt not counted), on the official 2026 arrangement
// (calendar/data/official/2026.json: 国庆 10/1–10/7 off, 10/10 Sat worked): 1–2 = 9/29–9/30, 3–4 = 10/8–10/9,
// 5 = 10/10 (make-up Sat), 6–10 = 10/12–10/16. Due 10/16 24:00 Beijing = 2026-10-16T16:00Z.
// Half period = end of day 5 (10/10); the day before = end of day 9 (10/15).
const DEADLINE = '2026-10-16';
const DUE_AT = '2026-10-16T16:00:00.000Z';
/** the same instant as the API writes it (Beijing time) */
const DUE_AT_API = '2026-10-17T00:00:00.000+08:00';
const SCHEDULE = {
  deadline: DEADLINE,
  dueAt: '2026-10-17T00:00:00+08:00',
  provisional: false,
  reminders: [
    { key: 'half', at: '2026-10-11T00:00:00+08:00' },
    { key: 'day-before', at: '2026-10-16T00:00:00+08:00' },
  ],
};

type CaseRow = Awaited<ReturnType<TestApi['tdb']['db']['case']['findUniqueOrThrow']>>;
type TimelineEvent = { type: string; at: string; actor: string | null; data: unknown };

/** What the scenario observed, step by step; the tests below assert on it. */
const seen = {} as {
  id: string;
  started: request.Response;
  retried: request.Response;
  rowAtStart: CaseRow;
  stateAtStart: CaseState;
  rowWhileDown: CaseRow;
  rowAfter: CaseRow;
  stateAfter: CaseState;
  viewAfter: request.Response;
};

beforeAll(async () => {
  // virtual clock starts at 2026-09-28 (Mon) 10:00 Beijing time, the moment the request is received
  env = await createTimeSkippingEnv({ startAt: '2026-09-28T02:00:00Z' });
  clock = virtualClock(env);
  await clock.sync();
  // no worker of its own: the scenario starts, stops and replaces the worker on the API's task queue
  api = await createTestApi({ env, now: clock.now });

  const first = await runWorker();
  const body = {
    procedure: 'P1',
    resourceId: 'SB-0003',
    purpose: '城乡低保对象家庭收入核查',
    scope: '参保状态、缴费基数',
    receivedAt: '2026-09-28T10:00:00+08:00',
  };
  const post = () =>
    api.as('mzt').post('/api/v1/cases').set('Idempotency-Key', 'mzt-dibao-20260928-001').send(body);
  seen.started = await post();
  if (seen.started.status !== 201) throw new Error(`start: ${seen.started.status} ${seen.started.text}`);
  seen.id = seen.started.body.id;
  seen.retried = await post();
  seen.rowAtStart = await api.tdb.db.case.findUniqueOrThrow({ where: { id: seen.id } });
  const handle = api.temporal.workflow.getHandle<typeof statutoryCase>(seen.id);
  // the workflow has computed its schedule and written its first transition
  await eventually(async () => (await api.tdb.db.caseEvent.count({ where: { caseId: seen.id } })) > 0);
  seen.stateAtStart = await handle.query(stateQuery);
  await eventually(() => settledOnTimer(handle));

  // the worker goes down; the deadline passes while nobody runs the case: to 2026-10-19 (Mon) 10:00 Beijing
  first.worker.shutdown();
  await first.stopped;
  await sleepPastWithoutWorker('2026-10-10T16:00:00Z', '2026-10-19T02:00:00Z');
  await clock.sync();
  seen.rowWhileDown = await api.tdb.db.case.findUniqueOrThrow({ where: { id: seen.id } });

  // a new worker takes over the queue and catches up
  const second = await runWorker();
  try {
    seen.rowAfter = await eventually(async () => {
      const r = await api.tdb.db.case.findUniqueOrThrow({ where: { id: seen.id } });
      return r.overdue ? r : undefined;
    });
    seen.stateAfter = await handle.query(stateQuery);
    seen.viewAfter = await api.as('rst').get(`/api/v1/cases/${seen.id}`);
    // replayed by test/workflows/replay.test.ts: the reminders skipped after the breach (no-reminder-after-due)
    await recordHistory(handle, 'p1-worker-down-past-deadline');
  } finally {
    second.worker.shutdown();
    await second.stopped;
  }
});
afterAll(async () => {
  await api?.close();
  await env?.teardown();
});

describe('第十九条 十个工作日内予以答复: a P1 started over HTTP keeps its deadline across 国庆 and a worker restart', () => {
  test('POST /cases with receivedAt 2026-09-28 10:00 Beijing answers, stores and schedules the deadline 2026-10-16 (24:00 Beijing)', () => {
    expect(seen.id).toMatch(/^GX-2026-\d+$/);
    expect(seen.started.body).toMatchObject({
      id: seen.id,
      procedure: 'P1',
      status: 'OPEN',
      stage: 'awaiting_answer',
      parties: { requester: 'NMG-MZT', responsible: 'NMG-RST' },
      resourceId: 'SB-0003',
      receivedAt: '2026-09-28T10:00:00.000+08:00',
      deadline: DEADLINE,
      dueAt: DUE_AT_API,
      provisional: false,
      overdue: false,
      overdueAt: null,
    });
    // a retry with the same Idempotency-Key is the same case
    expect([seen.retried.status, seen.retried.body.id]).toEqual([200, seen.id]);

    expect(seen.rowAtStart).toMatchObject({ deadlineDate: DEADLINE, workingDays: 10, provisional: false });
    expect(seen.rowAtStart.receivedAt.toISOString()).toBe('2026-09-28T02:00:00.000Z');
    expect(seen.rowAtStart.dueAt.toISOString()).toBe(DUE_AT);
    // the workflow's schedule (handed over in its start, computed with the row) says the same
    expect(seen.stateAtStart).toMatchObject({ status: 'OPEN', stage: 'awaiting_answer', overdue: false });
    expect(seen.stateAtStart.schedule).toEqual({
      ...SCHEDULE,
      calendarVersion: seen.rowAtStart.calendarVersion,
    });
  });

  test('with the worker down past the deadline nothing is recorded; the next worker records the breach at the due time, not at its restart', () => {
    expect(seen.rowWhileDown).toMatchObject({ overdue: false, overdueAt: null });

    expect(seen.rowAfter).toMatchObject({ status: 'OPEN', deadlineDate: DEADLINE, overdue: true });
    expect(seen.rowAfter.dueAt.toISOString()).toBe(DUE_AT);
    expect(seen.rowAfter.overdueAt?.toISOString()).toBe(DUE_AT);

    expect(seen.stateAfter).toMatchObject({ status: 'OPEN', stage: 'awaiting_answer', overdue: true });
    expect(seen.stateAfter.schedule).toMatchObject(SCHEDULE);
    expect(seen.stateAfter.overdueAt && new Date(seen.stateAfter.overdueAt).toISOString()).toBe(DUE_AT);

    expect(seen.viewAfter.status).toBe(200);
    expect(seen.viewAfter.body).toMatchObject({
      deadline: DEADLINE,
      dueAt: DUE_AT_API,
      overdue: true,
      overdueAt: DUE_AT_API,
    });
    const timeline = seen.viewAfter.body.timeline as TimelineEvent[];
    expect(timeline.filter((e) => e.type === 'overdue')).toEqual([
      {
        type: 'overdue',
        at: DUE_AT_API,
        actor: null,
        data: { deadline: DEADLINE, dueAt: '2026-10-17T00:00:00+08:00' },
      },
    ]);
    expect(timeline[0]).toMatchObject({
      type: 'received',
      at: '2026-09-28T10:00:00.000+08:00',
      actor: 'NMG-MZT',
    });
  });

  test('no reminder goes out after the deadline: reminders whose moment passed while no worker ran are not sent after the breach', () => {
    const timeline = seen.viewAfter.body.timeline as TimelineEvent[];
    const lateReminders = timeline.filter(
      (e) => e.type === 'reminder' && Date.parse(e.at) >= Date.parse(DUE_AT),
    );
    expect(lateReminders).toEqual([]);
  });
});
