/**
 * Issue 10 (test audit): "No test pins the 24:00 Beijing boundary: an answer at 23:59:59.999 is on time, at
 * 24:00:00.000 late; an answer racing the overdue timer."
 *
 * 1. The pure rule (isLate) on a real schedule from the calendar engine, to the millisecond.
 * 2. Three P1 cases with that schedule on the time-skipping server (real worker, real Postgres, real mail outbox):
 *    a. answered two virtual seconds before 24:00 — on time, never overdue;
 *    b. answered the next morning, after the overdue timer fired — late, breach at the due time;
 *    c. answered while the overdue timer's workflow task waits for a worker, so that the answer and the timer
 *       meet in ONE workflow task — the case must still end late AND overdue at the due time, everywhere.
 *
 * Why (c) is deterministic on the Java test server (1.31.0; TestWorkflowMutableStateImpl, StateMachines,
 * SelfAdvancingTimerImpl): c runs on its own task queue whose worker is stopped (no sticky cache, see below) once
 * c waits on its due timer with nothing in flight. When the clock reaches the timer, the server schedules a
 * workflow task and takes a time-skipping lock for it until a worker completes it, so the clock cannot skip on
 * (it runs at wall speed). An Update sent to a workflow whose task is scheduled but not started is attached to
 * that very task (addUpdate in the INITIATED state); the test waits until PollWorkflowExecutionUpdate reports the
 * update ADMITTED — the server's own word, not a pause — and only then starts a worker on c's queue, which gets
 * one task carrying the TimerFired event and the update. The history proves it afterwards: between the timer
 * firing and the update's acceptance there is exactly one workflow task. What is left to timing is only how
 * many milliseconds after 24:00 that task starts (the answer's instant), and every such instant is late.
 */
import nodemailer from 'nodemailer';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Notifier } from '../../activities';
import { answerWorkingDays as procedureWorkingDays } from '../../calendar/profiles';
import { buildSchedule } from '../../calendar/schedule';
import type { NotifyInput } from '../../activities/types';
import { startCase } from '../../core/cases/start';
import { loadBundledCalendar } from '../../calendar/bundled';
import { getProfile } from '../../calendar/profiles';
import { createMailNotifier } from '../../mail/notifier';
import type { Db } from '../../prisma/client';
import { seedRegistry } from '../../prisma/seed';
import { isLate } from '../../workflows/rules';
import { actUpdate, stateQuery } from '../../workflows/statutory-case';
import type { statutoryCase } from '../../workflows/statutory-case';
import type { CaseAction, CaseState } from '../../workflows/types';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventTimeMs, historyOf, settledOnTimer } from '../support/history';
import { createTimeSkippingEnv } from '../support/temporal';
import { sleepUntil, virtualClock } from '../support/time';
import { bundleCaseWorkflows, createTestWorker, eventually } from '../support/worker';

// P1 received Mon 2026-09-28 10:00 Beijing; 10 working days (第十九条), the day of receipt not counted, on the
// official 2026 arrangement (国办发明电〔2025〕7号, calendar/data/official/2026.json): 中秋 9/25–9/27 and 国庆
// 10/1–10/7 off; 9/20 (Sun) and 10/10 (Sat) are working days — 9/20 lies before the receipt, 10/10 counts.
//   day 1 = Tue 9/29, 2 = Wed 9/30, (10/1–10/7 off), 3 = Thu 10/8, 4 = Fri 10/9, 5 = Sat 10/10 (make-up day),
//   (Sun 10/11 off), 6 = Mon 10/12, 7 = 10/13, 8 = 10/14, 9 = 10/15, 10 = Fri 10/16.
// Deadline 2026-10-16; due at its 24:00 Beijing = 2026-10-17T00:00:00+08:00 = 2026-10-16T16:00:00.000Z.
// Reminders at the end of working day 5 (10/10 → 10/11 00:00) and of day 9 (10/15 → 10/16 00:00).
const RECEIVED = '2026-09-28T10:00:00+08:00';
const DEADLINE = '2026-10-16';
const DUE_AT = '2026-10-17T00:00:00+08:00';
const DUE_MS = Date.parse('2026-10-16T16:00:00.000Z');
const REMINDERS = [
  { key: 'half', at: '2026-10-11T00:00:00+08:00' },
  { key: 'day-before', at: '2026-10-16T00:00:00+08:00' },
];
const iso = (ms: number) => new Date(ms).toISOString();

describe('第十九条 十个工作日 — the 24:00 Beijing boundary: 23:59:59.999 is on time, 24:00:00.000 is late, also when the answer races the overdue timer', () => {
  describe('the pure rule on the calendar engine’s schedule, to the millisecond', () => {
    const calendar = loadBundledCalendar();
    const profile = getProfile();
    const schedule = buildSchedule(
      calendar,
      RECEIVED,
      procedureWorkingDays(profile, 'P1'),
      profile.reminders,
    );

    test('P1 received 2026-09-28 10:00 Beijing across 国庆 is due 2026-10-17 00:00 Beijing (the day after 10/16)', () => {
      expect(procedureWorkingDays(profile, 'P1')).toBe(10);
      expect(schedule).toEqual({
        deadline: DEADLINE,
        dueAt: DUE_AT,
        provisional: false,
        calendarVersion: calendar.calendarVersion,
        reminders: REMINDERS,
      });
      expect(Date.parse(schedule.dueAt)).toBe(DUE_MS);
      // 00:00 Beijing of the day after the deadline date, not any time on the deadline date itself
      expect(new Date(DUE_MS + 8 * 3600_000).toISOString()).toBe('2026-10-17T00:00:00.000Z');
    });

    // the same instant written three ways: the engine's +08:00, UTC with and without milliseconds
    test.each([
      ['+08:00 (as the engine writes it)', DUE_AT],
      ['Z', '2026-10-16T16:00:00Z'],
      ['Z with milliseconds (as Postgres/JSON give it back)', '2026-10-16T16:00:00.000Z'],
    ])('dueAt as %s: 23:59:59.999 Beijing is on time, 24:00:00.000 is late', (_form, dueAt) => {
      expect(isLate(DUE_MS - 1, dueAt)).toBe(false);
      expect(isLate(DUE_MS, dueAt)).toBe(true);
      expect(isLate(DUE_MS + 1, dueAt)).toBe(true);
      // the same two instants written as a Beijing clock and as UTC
      expect(isLate(Date.parse('2026-10-16T23:59:59.999+08:00'), dueAt)).toBe(false);
      expect(isLate(Date.parse('2026-10-16T15:59:59.999Z'), dueAt)).toBe(false);
      expect(isLate(Date.parse('2026-10-17T00:00:00.000+08:00'), dueAt)).toBe(true);
      // UTC confusion: 10/16 16:00 UTC "looks like" the afternoon of the deadline day, but it is 24:00 Beijing
      expect(isLate(Date.parse('2026-10-16T16:00:00.000Z'), dueAt)).toBe(true);
      // … and an answer in the morning of 10/16 Beijing (still 10/15 in UTC) is of course on time
      expect(isLate(Date.parse('2026-10-16T09:00:00+08:00'), dueAt)).toBe(false);
      // an end of day taken as 24:00 UTC would give 8 more hours: 10/17 07:59:59.999 Beijing is late
      expect(isLate(Date.parse('2026-10-16T23:59:59.999Z'), dueAt)).toBe(true);
    });

    test('a case without a schedule yet is never late', () => {
      expect(isLate(DUE_MS, undefined)).toBe(false);
    });

    test('the receipt is dated in Beijing too: 00:30 Beijing (still the 27th in UTC) counts from the 28th; 24:00 on the 28th moves the deadline', () => {
      const at = (receivedAt: string) => buildSchedule(calendar, receivedAt, 10, profile.reminders);
      const same = {
        deadline: DEADLINE,
        dueAt: DUE_AT,
        provisional: false,
        calendarVersion: calendar.calendarVersion,
        reminders: REMINDERS,
      };
      expect(at('2026-09-28T02:00:00Z')).toEqual(same);
      // 9/27 is a Sunday (and 中秋): read as a UTC date it would count from it and end one day early
      expect(at('2026-09-27T16:30:00Z')).toEqual(same);
      expect(at('2026-09-28T00:30:00+08:00')).toEqual(same);
      expect(at('2026-09-28T23:59:59.999+08:00')).toEqual(same);
      expect(at('2026-09-28T15:59:59.999Z')).toEqual(same);
      // received 9/29 00:00 Beijing: 1 = 9/30, 2 = 10/8, 3 = 10/9, 4 = 10/10, 5 = 10/12, …, 9 = 10/16, 10 = Mon 10/19
      for (const r of ['2026-09-29T00:00:00.000+08:00', '2026-09-28T16:00:00.000Z']) {
        expect(at(r)).toMatchObject({ deadline: '2026-10-19', dueAt: '2026-10-20T00:00:00+08:00' });
      }
    });

    test('China keeps no daylight saving time: every deadline of 2026 is due at 16:00 UTC of its deadline date', () => {
      // receipts on the 15th of each month, across the months where Europe and America change their clocks
      for (let month = 1; month <= 12; month++) {
        const receivedAt = `2026-${String(month).padStart(2, '0')}-15T10:00:00+08:00`;
        const s = buildSchedule(calendar, receivedAt, 10, profile.reminders);
        expect(s.dueAt).toMatch(/T00:00:00\+08:00$/);
        expect(iso(Date.parse(s.dueAt))).toBe(`${s.deadline}T16:00:00.000Z`);
        expect(isLate(Date.parse(`${s.deadline}T15:59:59.999Z`), s.dueAt)).toBe(false);
        expect(isLate(Date.parse(`${s.deadline}T16:00:00.000Z`), s.dueAt)).toBe(true);
      }
    });
  });

  describe('on the time-skipping server: three cases due at the same 24:00', () => {
    type CaseRow = Awaited<ReturnType<Db['case']['findUniqueOrThrow']>>;
    interface Outcome {
      id: string;
      /** what the answering Update returned */
      answer: CaseState;
      result: CaseState;
      query: CaseState;
      row: CaseRow;
      events: { type: string; eventKey: string; at: Date }[];
      asked: NotifyInput['kind'][];
      outcomeMails: { messageId: string; status: string; attempts: number }[];
      sentOutcome: string[];
      grants: number;
      grantAudits: number;
      history: Awaited<ReturnType<typeof historyOf>>;
    }
    const seen = {} as {
      a: Outcome;
      b: Outcome;
      c: Outcome;
      /** virtual clock read just before and after case a's answer */
      aFrom: number;
      aTo: number;
      bFrom: number;
      bTo: number;
      /** the virtual clock once c's overdue timer had fired, and once c's answer had been applied */
      cFrom: number;
      cTo: number;
      /** c's history when its answer had been admitted and no worker polled c's queue */
      cPending: Awaited<ReturnType<typeof historyOf>>;
      cAdmittedStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage | null | undefined;
      bOverdueBeforeAnswer: CaseRow;
    };

    let env: TestWorkflowEnvironment;
    let tdb: TestDatabase;
    const running: { worker: Worker; stopped: Promise<void> }[] = [];
    const sent: { messageId: string; to: string }[] = [];
    const asked: NotifyInput[] = [];

    const approve: CaseAction = {
      type: 'approve',
      actorDepartmentId: 'NMG-RST',
      scope: '参保状态、缴费基数',
      purpose: '城乡低保对象家庭收入核查',
    };
    const C_UPDATE_ID = 'c-answer-racing-the-overdue-timer';
    // the morning after the deadline: 2026-10-17 09:30 Beijing
    const B_ANSWER_AT = '2026-10-17T01:30:00.000Z';

    /** workers created and not yet run: a native worker never run keeps jest from exiting */
    const idle = new Set<Worker>();
    const run = (worker: Worker) => {
      idle.delete(worker);
      const r = { worker, stopped: worker.run() };
      running.push(r);
      return r;
    };
    const created = <T extends { worker: Worker }>(w: T): T => {
      idle.add(w.worker);
      return w;
    };

    async function outcomeOf(id: string, answer: CaseState): Promise<Outcome> {
      const handle = env.client.workflow.getHandle<typeof statutoryCase>(id);
      const result = await handle.result();
      const query = await handle.query(stateQuery);
      const row = await tdb.db.case.findUniqueOrThrow({ where: { id } });
      const events = await tdb.db.caseEvent.findMany({
        where: { caseId: id },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
        select: { type: true, eventKey: true, at: true },
      });
      const outcomeMails = await tdb.db.notification.findMany({
        where: { caseId: id, kind: 'outcome' },
        select: { messageId: true, status: true, attempts: true },
      });
      const grants = await tdb.db.grant.findMany({ where: { caseId: id } });
      const grantAudits = await tdb.db.auditLog.count({
        where: { action: 'grant_created', target: { in: grants.map((g) => g.id) } },
      });
      return {
        id,
        answer,
        result,
        query,
        row,
        events,
        asked: asked.filter((n) => n.caseId === id).map((n) => n.kind),
        outcomeMails,
        sentOutcome: sent
          .filter((m) => outcomeMails.some((o) => o.messageId === m.messageId))
          .map((m) => m.messageId),
        grants: grants.length,
        grantAudits,
        history: await historyOf(handle),
      };
    }

    beforeAll(async () => {
      // virtual clock starts at 2026-09-28 (Mon) 10:00 Beijing, the moment the three requests are received
      [env, tdb] = await Promise.all([
        createTimeSkippingEnv({ startAt: '2026-09-28T02:00:00Z' }),
        createTestDatabase(),
      ]);
      // one bundle for the three workers; built after the server is up (the SDK gives its JVM only 5 s to start)
      const workflowBundle = await bundleCaseWorkflows();
      await seedRegistry(tdb.db);
      const clock = virtualClock(env);
      await clock.sync();

      // the real mail notifier (outbox rows, Message-IDs) over a transport that records what it is handed
      const transport = nodemailer.createTransport({
        name: 'recording',
        version: '1',
        send(mail, done) {
          sent.push({ messageId: String(mail.data.messageId), to: JSON.stringify(mail.data.to) });
          done(null, { envelope: mail.message.getEnvelope(), messageId: mail.message.messageId() });
        },
      });
      const mailer = createMailNotifier({
        db: tdb.db,
        transport,
        from: 'test <noreply@gxcase.local>',
        publicBaseUrl: 'http://127.0.0.1:3000',
      });
      const notifier: Notifier = {
        async enqueue(input) {
          asked.push(input);
          await mailer.enqueue(input);
        },
      };
      const common = { connection: env.nativeConnection, db: tdb.db, notifier, workflowBundle };
      // w1 runs cases a and b and is never stopped. w2 runs case c and is stopped before c's due time; w3 takes
      // over c's queue at the race. Neither has a sticky cache: the Java test server never moves a workflow task
      // off the sticky queue of a worker that is gone, so c's timer task would wait there for good.
      const [w1, w2] = await Promise.all([
        createTestWorker(common).then(created),
        createTestWorker({ ...common, maxCachedWorkflows: 0 }).then(created),
      ]);
      run(w1.worker);
      const first = run(w2.worker);

      const start = (taskQueue: string) =>
        startCase(
          { db: tdb.db, temporal: env.client, calendars: w1.calendars, taskQueue, now: clock.now },
          {
            procedure: 'P1',
            receivedAt: RECEIVED,
            requesterDepartmentId: 'NMG-MZT',
            responsibleDepartmentId: 'NMG-RST',
            resourceId: 'SB-0003',
          },
        );
      const [a, b, c] = (
        await Promise.all([start(w1.taskQueue), start(w1.taskQueue), start(w2.taskQueue)])
      ).map((s) => s.caseId);
      const handle = (id: string) => env.client.workflow.getHandle<typeof statutoryCase>(id);

      // to 10/16 23:00 Beijing: both reminders are out, every case waits on its overdue timer alone
      await sleepUntil(env, iso(DUE_MS - 3600_000));
      await Promise.all([a, b, c].map((id) => eventually(() => settledOnTimer(handle(id)))));
      first.worker.shutdown();
      await first.stopped;
      // w3 is created now, so that it polls within milliseconds when the race needs it; the SDK refuses a second
      // worker on a queue while another one is registered there
      const w3 = created(
        await createTestWorker({ ...common, taskQueue: w2.taskQueue, maxCachedWorkflows: 0 }),
      );

      // (a) 10/16 23:59:58 Beijing: answered two virtual seconds before 24:00
      await sleepUntil(env, iso(DUE_MS - 2000));
      seen.aFrom = await env.currentTimeMs();
      const answerA = await handle(a).executeUpdate(actUpdate, { args: [approve] });
      seen.aTo = await env.currentTimeMs();

      // (c) the clock goes on to 24:00: the overdue timers of b (worker up) and c (no worker) fire. c's timer task
      // is scheduled for the absent worker and holds the time-skipping lock: the clock stops skipping just after
      // 24:00 (it runs at wall speed) until a worker completes that task.
      const skipping = sleepUntil(env, B_ANSWER_AT);
      skipping.catch(() => undefined); // awaited below; not an unhandled rejection if a step before fails
      const isDueTimer = (e: Awaited<ReturnType<typeof historyOf>>[number]) =>
        !!e.timerFiredEventAttributes && eventTimeMs(e) >= DUE_MS;
      await eventually(async () => {
        const h = await historyOf(handle(c));
        const fired = h.findIndex(isDueTimer);
        return fired >= 0 && h[h.length - 1].workflowTaskScheduledEventAttributes;
      });
      seen.bOverdueBeforeAnswer = await eventually(async () => {
        const r = await tdb.db.case.findUniqueOrThrow({ where: { id: b } });
        return r.overdue && r;
      });
      seen.cFrom = await env.currentTimeMs();
      // the answer to c goes to the server while c's timer task waits: it joins that task (not awaited yet)
      const answeringC = handle(c)
        .executeUpdate(actUpdate, { args: [approve], updateId: C_UPDATE_ID })
        .then(
          (state) => ({ state }),
          (error: unknown) => ({ error }),
        );
      // deterministic, not a pause: the server itself says it holds the answer (admitted, not yet accepted)
      seen.cAdmittedStage = await eventually(async () => {
        try {
          const r = await env.client.workflowService.pollWorkflowExecutionUpdate({
            namespace: 'default',
            updateRef: { workflowExecution: { workflowId: c }, updateId: C_UPDATE_ID },
            waitPolicy: {
              lifecycleStage:
                temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
                  .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
            },
          });
          return { stage: r.stage };
        } catch (e) {
          if ((e as { code?: number }).code === GRPC_NOT_FOUND) return undefined;
          throw e;
        }
      }).then((r) => r.stage);
      seen.cPending = await historyOf(handle(c));
      // now a worker takes c's queue: one workflow task carries both the timer and the answer
      run(w3.worker);
      const answeredC = await answeringC;
      if ('error' in answeredC) throw answeredC.error;
      seen.cTo = await env.currentTimeMs();

      // (b) the morning after: answered long after its overdue timer fired
      await skipping;
      seen.bFrom = await env.currentTimeMs();
      const answerB = await handle(b).executeUpdate(actUpdate, { args: [approve] });
      seen.bTo = await env.currentTimeMs();

      seen.a = await outcomeOf(a, answerA);
      seen.b = await outcomeOf(b, answerB);
      seen.c = await outcomeOf(c, answeredC.state);
    });

    afterAll(async () => {
      for (const worker of idle) run(worker);
      for (const r of running) {
        try {
          r.worker.shutdown();
        } catch {
          // already stopped
        }
        await r.stopped;
      }
      await env?.teardown();
      await tdb?.drop();
    });

    const timelineOf = (o: Outcome) => o.events.map((e) => [e.type, e.eventKey]);
    const receivedAndReminders = [
      ['received', 'received'],
      ['reminder', `reminder:half:${DEADLINE}`],
      ['reminder', `reminder:day-before:${DEADLINE}`],
    ];

    test('every case has the schedule computed above, in the row and in the workflow', () => {
      for (const o of [seen.a, seen.b, seen.c]) {
        expect(o.row).toMatchObject({ deadlineDate: DEADLINE, workingDays: 10, provisional: false });
        expect(o.row.dueAt.getTime()).toBe(DUE_MS);
        expect(o.result.schedule).toMatchObject({ deadline: DEADLINE, dueAt: DUE_AT, reminders: REMINDERS });
      }
    });

    test('(a) answered at 23:59:58 Beijing: on time, never overdue, also after 24:00 has passed', () => {
      const { row, answer, result, query } = seen.a;
      const answeredAt = row.answeredAt?.getTime() ?? NaN;
      // the answer's instant is the workflow task's time: between the clock readings, and before 24:00
      expect(answeredAt).toBeGreaterThanOrEqual(seen.aFrom);
      expect(answeredAt).toBeLessThanOrEqual(seen.aTo);
      expect(answeredAt).toBeGreaterThanOrEqual(DUE_MS - 2000);
      expect(answeredAt).toBeLessThan(DUE_MS);
      expect(row).toMatchObject({
        status: 'CLOSED',
        stage: 'approved',
        outcome: 'approved',
        answeredLate: false,
        overdue: false,
        overdueAt: null,
      });
      for (const state of [answer, result, query]) {
        expect(state).toMatchObject({ status: 'CLOSED', answeredLate: false, overdue: false });
        expect(state.overdueAt).toBeUndefined();
        expect(Date.parse(state.answeredAt ?? '')).toBe(answeredAt);
      }
      // read after the clock had passed 24:00 (and the next morning): the cancelled timer never fired
      expect(timelineOf(seen.a)).toEqual([...receivedAndReminders, ['answered', 'answered']]);
      expect(seen.a.asked).not.toContain('overdue');
      expect(seen.a.sentOutcome).toHaveLength(1);
      expect(seen.a.grants).toBe(1);
    });

    test('(b) answered the morning after the overdue timer fired: late, overdue since exactly the due time', () => {
      const { row, answer, result, query, events } = seen.b;
      // the timer recorded the breach before the answer came
      expect(seen.bOverdueBeforeAnswer).toMatchObject({ status: 'OPEN', overdue: true, answeredLate: false });
      expect(seen.bOverdueBeforeAnswer.overdueAt?.getTime()).toBe(DUE_MS);

      const answeredAt = row.answeredAt?.getTime() ?? NaN;
      expect(answeredAt).toBeGreaterThanOrEqual(Date.parse(B_ANSWER_AT));
      expect(answeredAt).toBeGreaterThanOrEqual(seen.bFrom);
      expect(answeredAt).toBeLessThanOrEqual(seen.bTo);
      expect(row).toMatchObject({ status: 'CLOSED', stage: 'approved', answeredLate: true, overdue: true });
      expect(row.overdueAt?.getTime()).toBe(DUE_MS);
      expect(row.overdueAt?.getTime()).toBe(row.dueAt.getTime());
      for (const state of [answer, result, query]) {
        expect(state).toMatchObject({
          status: 'CLOSED',
          answeredLate: true,
          overdue: true,
          overdueAt: DUE_AT,
        });
        expect(state.overdueAt).toBe(state.schedule?.dueAt);
      }
      expect(timelineOf(seen.b)).toEqual([
        ...receivedAndReminders,
        ['overdue', 'overdue'],
        ['answered_late', 'answered'],
      ]);
      expect(events.find((e) => e.type === 'overdue')?.at.getTime()).toBe(DUE_MS);
      expect(seen.b.asked.filter((k) => k === 'overdue')).toHaveLength(1);
      expect(seen.b.sentOutcome).toHaveLength(1);
      expect(seen.b.grants).toBe(1);
    });

    test('(c) the race took place: the overdue timer fired at 24:00, its task waited for the absent worker, the answer joined it and both were handled in ONE workflow task', () => {
      const pending = seen.cPending;
      const firedAt = pending.findIndex((e) => !!e.timerFiredEventAttributes && eventTimeMs(e) >= DUE_MS);
      expect(firedAt).toBeGreaterThan(0);
      // fired at the due time plus the few ms the timer was started after its workflow task began
      expect(eventTimeMs(pending[firedAt]) - DUE_MS).toBeLessThan(1000);
      // nothing after the firing but the task scheduled for the worker; the server holds the answer, admitted
      expect(pending.slice(firedAt + 1).map((e) => !!e.workflowTaskScheduledEventAttributes)).toEqual([true]);
      expect(seen.cAdmittedStage).toBe(
        temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
          .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
      );

      const h = seen.c.history;
      const fired = h.findIndex((e) => !!e.timerFiredEventAttributes && eventTimeMs(e) >= DUE_MS);
      const accepted = h.findIndex((e) => !!e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(h.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
      expect(h[accepted].workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId).toBe(
        C_UPDATE_ID,
      );
      expect(fired).toBe(firedAt);
      // between the timer firing and the answer's acceptance: exactly one workflow task, which completed
      const between = h.slice(fired + 1, accepted);
      const kind = (e: (typeof h)[number]) =>
        e.workflowTaskScheduledEventAttributes
          ? 'scheduled'
          : e.workflowTaskStartedEventAttributes
            ? 'started'
            : e.workflowTaskCompletedEventAttributes
              ? 'completed'
              : 'other';
      expect(between.map(kind)).toEqual(['scheduled', 'started', 'completed']);
      // that task ran after 24:00: the answer it carried is late
      expect(eventTimeMs(between[1])).toBeGreaterThanOrEqual(DUE_MS);
      expect(seen.c.row.answeredAt?.getTime()).toBe(eventTimeMs(between[1]));
    });

    test('(c) the case ends consistent: late AND overdue since exactly the due time, CLOSED, in the row, the state query, the result and the answer itself', () => {
      const { row, answer, result, query } = seen.c;
      const answeredAt = row.answeredAt?.getTime() ?? NaN;
      expect(answeredAt).toBeGreaterThanOrEqual(DUE_MS);
      expect(answeredAt).toBeGreaterThanOrEqual(seen.cFrom);
      expect(answeredAt).toBeLessThanOrEqual(seen.cTo);
      expect(row).toMatchObject({
        status: 'CLOSED',
        stage: 'approved',
        outcome: 'approved',
        answeredLate: true,
        overdue: true,
      });
      expect(row.overdueAt?.getTime()).toBe(DUE_MS);
      expect(row.overdueAt?.getTime()).toBe(row.dueAt.getTime());
      expect(row.closedAt?.getTime()).toBe(answeredAt);
      for (const state of [answer, result, query]) {
        expect(state).toMatchObject({
          status: 'CLOSED',
          stage: 'approved',
          outcome: 'approved',
          answeredLate: true,
          overdue: true,
          overdueAt: DUE_AT,
        });
        expect(state.overdueAt).toBe(state.schedule?.dueAt);
        expect(Date.parse(state.answeredAt ?? '')).toBe(answeredAt);
      }
      // The answer overtook the timer within the task, so the breach is recorded by the answer's own transition
      // (the `breach` in the act handler): no separate 'overdue' event and no overdue mail — the timeline shows the
      // answer as answered_late, and the row/state carry overdue with overdueAt = dueAt. Before that change this
      // case ended answeredLate=true with overdue=false.
      expect(timelineOf(seen.c)).toEqual([...receivedAndReminders, ['answered_late', 'answered']]);
    });

    test('(c) the outcome mail and the grant exactly once', () => {
      const c = seen.c;
      expect(c.asked.filter((k) => k === 'outcome')).toHaveLength(1);
      expect([...c.asked].sort()).toEqual(['new_case', 'outcome', 'reminder', 'reminder']);
      // one requester staff member (NMG-MZT): one outbox row, sent once, on the first attempt
      expect(c.outcomeMails).toEqual([{ messageId: expect.any(String), status: 'SENT', attempts: 1 }]);
      expect(c.sentOutcome).toEqual([c.outcomeMails[0].messageId]);
      expect(c.grants).toBe(1);
      expect(c.grantAudits).toBe(1);
      const scheduled = (type: string) =>
        c.history.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type).length;
      // the grant is written in the answer's own transition (patch grant-with-answer), never by a separate step
      expect(scheduled('createGrant')).toBe(0);
      expect(scheduled('notify')).toBe(4);
    });
  });
});

/** gRPC status NOT_FOUND: the server does not know the update (yet). */
const GRPC_NOT_FOUND = 5;
