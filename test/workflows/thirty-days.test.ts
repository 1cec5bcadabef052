import { caseDriver } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { expectAt } from '../support/time';

// virtual clock starts at 2026-09-18 09:00 Beijing time, the day the case is received
const suite = timeSkippingSuite('2026-09-18T01:00:00Z');
const { worker: caseWorker, handleOf, act, rowOf, eventsOf } = caseDriver(suite);

describe('第十九条 协商未果由共享主管部门协调 (P3): 30 个工作日内作出决定', () => {
  test('a P3 coordination case sleeps its 30 working days on the time-skipping server, goes overdue, then takes a late answer', async () => {
    const { worker, start } = await caseWorker();
    // 2026-09-18 (Fri): 30 working days run across 中秋 (9/25–27) and 国庆 (10/1–7), with 9/20 (Sun) and 10/10 (Sat) worked
    const receivedAt = '2026-09-18T09:00:00+08:00';

    await worker.runUntil(async () => {
      const { caseId } = await start({
        procedure: 'P3',
        receivedAt,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-ZWFWJ',
        resourceId: 'GA-0107',
      });
      const row = await rowOf(caseId);
      // day 1 = 9/20 (make-up Sunday); 9/20–24 = 5, 9/28–30 = 3, 10/8–10 = 3, then 19 ordinary days to 11/5
      expect(row.deadlineDate).toBe('2026-11-05');
      expect(row.dueAt.toISOString()).toBe('2026-11-05T16:00:00.000Z');
      expect(row.provisional).toBe(false);

      const realStart = Date.now();
      await suite.env.sleep('50 days');
      const overdue = await rowOf(caseId);
      expect(overdue.overdue).toBe(true);
      expectAt(overdue.overdueAt, '2026-11-05T16:00:00Z');
      const events = await eventsOf(caseId);
      expect(events.map((e) => [e.type, e.eventKey])).toEqual([
        ['received', 'received'],
        ['reminder', 'reminder:half:2026-11-05'],
        ['reminder', 'reminder:day-before:2026-11-05'],
        ['overdue', 'overdue'],
      ]);
      // half of 30 = end of working day 15 (10/15 Thu), day before = end of working day 29 (11/4 Wed)
      expectAt(events[1].at, '2026-10-15T16:00:00Z');
      expectAt(events[2].at, '2026-11-04T16:00:00Z');

      const state = await act(caseId, {
        type: 'decide',
        actorDepartmentId: 'NMG-ZWFWJ',
        share: false,
        reasons: '涉及出入境管理, 依法不予共享',
      });
      expect(state).toMatchObject({
        status: 'CLOSED',
        outcome: 'not_share',
        overdue: true,
        answeredLate: true,
      });
      await handleOf(caseId).result();
      const closed = await rowOf(caseId);
      expect(closed).toMatchObject({
        status: 'CLOSED',
        overdue: true,
        answeredLate: true,
        outcome: 'not_share',
      });
      // 50 virtual days took a few real seconds
      expect(Date.now() - realStart).toBeLessThan(60_000);
    });
  });
});
