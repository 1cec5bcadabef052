import { recordHistory } from '../histories/record';
import { caseDriver, P1_MZT_ASKS_RST } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { expectAt, sleepUntil } from '../support/time';

// virtual clock starts at 2026-02-12 09:00 Beijing time, the day the request is received
const suite = timeSkippingSuite('2026-02-12T01:00:00Z');
const { worker: caseWorker, handleOf, act, rowOf, eventsOf } = caseDriver(suite);

describe('第十九条 有条件共享申请 (P1): 10 个工作日内答复, 春节调休上班日计入', () => {
  test('a P1 request received before the Spring Festival counts make-up Saturdays, reminds on time and is approved before its deadline', async () => {
    const { worker, start } = await caseWorker();
    // 2026-02-12 (Thu): 10 working days across 春节 (2/15–2/23 off) with 2/14 (Sat) and 2/28 (Sat) worked
    const receivedAt = '2026-02-12T09:00:00+08:00';

    await worker.runUntil(async () => {
      const { caseId } = await start({ ...P1_MZT_ASKS_RST, receivedAt });
      expect(caseId).toMatch(/^GX-2026-/);
      const row = await rowOf(caseId);
      // day 1 = 2/13 (Fri), 2 = 2/14 (make-up Sat), 3–6 = 2/24–27, 7 = 2/28 (make-up Sat), 8–10 = 3/2–3/4
      expect(row.deadlineDate).toBe('2026-03-04');
      expect(row.dueAt.toISOString()).toBe('2026-03-04T16:00:00.000Z');
      expect(row.provisional).toBe(false);
      expect(row.workingDays).toBe(10);

      // to 2026-03-04 10:00 Beijing: both reminders gone out, deadline not yet passed
      await sleepUntil(suite.env, '2026-03-04T02:00:00Z');
      const events = await eventsOf(caseId);
      expect(events.map((e) => [e.type, e.eventKey])).toEqual([
        ['received', 'received'],
        ['reminder', 'reminder:half:2026-03-04'],
        ['reminder', 'reminder:day-before:2026-03-04'],
      ]);
      // half of 10 = end of working day 5 (2/26 Thu), day before = end of working day 9 (3/3 Tue)
      expectAt(events[1].at, '2026-02-26T16:00:00Z');
      expectAt(events[2].at, '2026-03-03T16:00:00Z');
      const open = await rowOf(caseId);
      expect(open).toMatchObject({ status: 'OPEN', overdue: false, overdueAt: null });

      const state = await act(caseId, {
        type: 'approve',
        actorDepartmentId: 'NMG-RST',
        scope: '参保缴费状态 (是/否)',
        purpose: '低保对象核查',
        validUntil: '2027-03-04T00:00:00+08:00',
      });
      expect(state).toMatchObject({
        status: 'CLOSED',
        stage: 'approved',
        outcome: 'approved',
        overdue: false,
        answeredLate: false,
      });
      await handleOf(caseId).result();

      const closed = await rowOf(caseId);
      expect(closed).toMatchObject({
        status: 'CLOSED',
        stage: 'approved',
        outcome: 'approved',
        overdue: false,
        overdueAt: null,
        answeredLate: false,
      });
      expectAt(closed.answeredAt, '2026-03-04T02:00:00Z');
      expectAt(closed.closedAt, '2026-03-04T02:00:00Z');
      expect((await eventsOf(caseId)).map((e) => e.type)).toEqual([
        'received',
        'reminder',
        'reminder',
        'answered',
      ]);
      const grants = await suite.tdb.db.grant.findMany({ where: { caseId } });
      expect(grants).toHaveLength(1);
      expect(grants[0]).toMatchObject({
        resourceId: 'SB-0003',
        consumerDepartmentId: 'NMG-MZT',
        scope: '参保缴费状态 (是/否)',
        purpose: '低保对象核查',
        revokedAt: null,
      });
      expect(grants[0].validUntil?.toISOString()).toBe('2027-03-03T16:00:00.000Z');
      await recordHistory(handleOf(caseId), 'p1-approve');
    });
  });
});
