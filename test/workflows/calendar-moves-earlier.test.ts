/**
 * Issue 10, the deadline promise at its edges: a newly loaded calendar that moves deadlines EARLIER — one
 * still ahead, one already in the past — delivered through the calendar store while Temporal is unreachable
 * at first, so the recompute signals must be retried from their outbox.
 */
import { Client, Connection } from '@temporalio/client';
import { startCase } from '../../core/cases/start';
import type { YearArrangement } from '../../calendar/arrangement';
import { deliverRecomputeSignals } from '../../core/calendar/recompute-signals';
import { loadCalendarYear } from '../../core/calendar/store';
import { stateQuery } from '../../workflows/statutory-case';
import { recordHistory } from '../histories/record';
import { timeSkippingSuite } from '../support/suite';
import { freePort } from '../../embedded/ports';
import { createTestWorker, eventually } from '../support/worker';
import { expectAt, sleepUntil } from '../support/time';

/**
 * TEST FIXTURE, NOT THE OFFICIAL 2027 ARRANGEMENT: 元旦 1/1 off and Sunday 1/3 made a working day. Until it is
 * loaded 2027 is provisional (1/1 off, 1/3 a Sunday off), so loading it makes 1/3 count and pulls deadlines
 * that reach past it one working day earlier.
 */
const FIXTURE_2027: YearArrangement = {
  year: 2027,
  source: {
    title: '（测试用虚构数据）国务院办公厅关于2027年部分节假日安排的通知',
    number: '测试明电〔2026〕98号',
    date: '2026-12-20',
  },
  notes: 'test fixture for test/workflows/calendar-moves-earlier.test.ts; not an official arrangement',
  holidays: [{ name: '元旦', restDays: ['2027-01-01'], workDays: ['2027-01-03'] }],
};

// virtual clock: 2026-12-18 09:00 Beijing time
const suite = timeSkippingSuite('2026-12-18T01:00:00Z');
const to = (iso: string) => sleepUntil(suite.env, iso);

describe('第十九条 时限 with a calendar loaded late: deadlines that move earlier', () => {
  test('an overtaken reminder is sent at once while the deadline is ahead, a deadline moved into the past is overdue at once at its new due time, and failed signals are retried', async () => {
    const { env, tdb } = suite;
    const { worker, taskQueue, calendars } = await createTestWorker({
      connection: env.nativeConnection,
      db: tdb.db,
    });
    await worker.runUntil(async () => {
      const deps = { db: tdb.db, temporal: env.client, calendars, taskQueue };
      const p1 = {
        procedure: 'P1' as const,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-RST',
      };
      // B, received Fri 12/18: 1–5 = 12/21–25, 6–9 = 12/28–31, (1/1–1/3 off) 10 = Mon 1/4
      const b = await startCase(deps, {
        ...p1,
        resourceId: 'SB-0003',
        receivedAt: '2026-12-18T09:00:00+08:00',
      });
      await to('2026-12-21T01:00:00Z');
      // A, received Mon 12/21: 1–4 = 12/22–25, 5–8 = 12/28–31, 9 = 1/4, 10 = 1/5; day-before reminder end of 1/4
      const a = await startCase(deps, {
        ...p1,
        resourceId: 'MZ-0012',
        requesterDepartmentId: 'NMG-RST',
        responsibleDepartmentId: 'NMG-MZT',
        receivedAt: '2026-12-21T09:00:00+08:00',
      });
      const rowA = await tdb.db.case.findUniqueOrThrow({ where: { id: a.caseId } });
      const rowB = await tdb.db.case.findUniqueOrThrow({ where: { id: b.caseId } });
      expect([rowA.deadlineDate, rowA.provisional, rowB.deadlineDate, rowB.provisional]).toEqual([
        '2027-01-05',
        true,
        '2027-01-04',
        true,
      ]);

      // Mon 2027-01-04 10:00 Beijing: the arrangement is loaded while Temporal is unreachable for the loader
      await to('2027-01-04T02:00:00Z');
      const unreachable = new Client({
        connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }),
      });
      const t0 = Date.now();
      const loaded = await loadCalendarYear(
        { db: tdb.db, temporal: unreachable },
        { year: 2027, arrangement: FIXTURE_2027, loadedBy: 'test-admin' },
      );
      process.stderr.write(`load with Temporal unreachable took ${Date.now() - t0} ms\n`);
      expect(loaded.signalled).toEqual([]);
      expect(loaded.signalFailed.map((f) => f.caseId).sort()).toEqual([a.caseId, b.caseId].sort());
      await unreachable.connection.close();
      // nothing forgotten: both signals wait in the outbox, the cases have not moved yet
      expect((await tdb.db.calendarSignal.findMany()).map((s) => [s.caseId, s.attempts]).sort()).toEqual(
        [
          [a.caseId, 1],
          [b.caseId, 1],
        ].sort(),
      );
      expect((await tdb.db.case.findUniqueOrThrow({ where: { id: b.caseId } })).overdue).toBe(false);

      // the worker's sweep (here called directly) delivers them once Temporal answers
      const retried = await deliverRecomputeSignals({ db: tdb.db, temporal: env.client });
      expect(retried.signalled.sort()).toEqual([a.caseId, b.caseId].sort());
      expect(await tdb.db.calendarSignal.count()).toBe(0);

      // B: 10 = Sun 1/3 (a working day now), already past: overdue at once, at the new due time
      const overdueB = await eventually(async () => {
        const r = await tdb.db.case.findUniqueOrThrow({ where: { id: b.caseId } });
        return r.overdue && r;
      });
      expect([overdueB.deadlineDate, overdueB.provisional]).toEqual(['2027-01-03', false]);
      expectAt(overdueB.dueAt, '2027-01-03T16:00:00Z');
      expectAt(overdueB.overdueAt, '2027-01-03T16:00:00Z');

      // A: 9 = 1/3, 10 = 1/4; its day-before reminder (now end of 1/3) is past and was never sent, but the
      // deadline is still ahead: it goes out now, marked late for the calendar change (send-reminder-moved-earlier)
      const movedA = await eventually(async () => {
        const r = await tdb.db.case.findUniqueOrThrow({ where: { id: a.caseId } });
        return r.deadlineDate === '2027-01-04' && r;
      });
      expectAt(movedA.dueAt, '2027-01-04T16:00:00Z');
      const late = await eventually(() =>
        tdb.db.caseEvent.findFirst({
          where: { caseId: a.caseId, eventKey: 'reminder:day-before:2027-01-04' },
        }),
      );
      const data = late.data as { reminder: string; due: string; reason: string };
      expect([late.type, data.reminder, data.reason]).toEqual(['reminder', 'day-before', 'calendar_change']);
      expectAt(new Date(data.due), '2027-01-03T16:00:00Z');
      expect(movedA.overdue).toBe(false);
      const stateA = await env.client.workflow.getHandle(a.caseId).query(stateQuery);
      expect(stateA.remindersSent).toEqual(['half', 'day-before']);
      expect(await tdb.db.caseEvent.count({ where: { caseId: a.caseId, type: 'reminder_skipped' } })).toBe(0);

      // A becomes overdue at the end of 1/4 exactly
      await to('2027-01-05T02:00:00Z');
      const overdueA = await tdb.db.case.findUniqueOrThrow({ where: { id: a.caseId } });
      expect(overdueA.overdue).toBe(true);
      expectAt(overdueA.overdueAt, '2027-01-04T16:00:00Z');
      const eventsA = await tdb.db.caseEvent.findMany({
        where: { caseId: a.caseId },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      });
      expect(eventsA.map((e) => e.type)).toEqual([
        'received',
        'reminder',
        'deadline_recomputed',
        'reminder',
        'overdue',
      ]);
      // replayed by test/workflows/replay.test.ts (record-skipped-reminders, overdue-at-due-time,
      // send-reminder-moved-earlier; the history before that patch is kept as *.pre-send-reminder-moved-earlier)
      await recordHistory(env.client.workflow.getHandle(a.caseId), 'calendar-moves-earlier');
      await recordHistory(env.client.workflow.getHandle(b.caseId), 'calendar-moved-into-past');
    });
  });
});
