import { recordHistory } from '../histories/record';
import { caseDriver } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { expectAt, sleepUntil } from '../support/time';

// virtual clock starts at 2026-04-27 09:00 Beijing time, the day the verification request is received
const suite = timeSkippingSuite('2026-04-27T01:00:00Z');
const { worker: caseWorker, handleOf, act, rowOf, timeline, eventsOf } = caseDriver(suite);

describe('第二十一条 疑义、错误信息校核 (P4): 提供部门 10 个工作日内校核答复', () => {
  test('a P4 verification answered after its 10 working days is recorded as late and the breach stays recorded', async () => {
    const { worker, start } = await caseWorker();
    // 2026-04-27 (Mon): 10 working days across 劳动节 (5/1–5/5 off) with 5/9 (Sat) worked
    const receivedAt = '2026-04-27T09:00:00+08:00';

    await worker.runUntil(async () => {
      const { caseId } = await start({
        procedure: 'P4',
        receivedAt,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-GAT',
        resourceId: 'RK-0001',
        details: { issue: '公民身份号码与姓名不一致' },
      });
      expect(caseId).toMatch(/^JH-2026-/);
      const row = await rowOf(caseId);
      // day 1–3 = 4/28–4/30, 4–6 = 5/6–5/8, 7 = 5/9 (make-up Sat), 8–10 = 5/11–5/13
      expect(row).toMatchObject({ deadlineDate: '2026-05-13', workingDays: 10, provisional: false });
      expect(row.dueAt.toISOString()).toBe('2026-05-13T16:00:00.000Z');

      // to 2026-05-15 10:00 Beijing, two days past the deadline
      await sleepUntil(suite.env, '2026-05-15T02:00:00Z');
      const overdue = await rowOf(caseId);
      expect(overdue).toMatchObject({
        status: 'OPEN',
        stage: 'awaiting_answer',
        overdue: true,
        answeredLate: false,
      });
      expectAt(overdue.overdueAt, '2026-05-13T16:00:00Z');
      const events = await eventsOf(caseId);
      expect(events.map((e) => [e.type, e.eventKey])).toEqual([
        ['received', 'received'],
        ['reminder', 'reminder:half:2026-05-13'],
        ['reminder', 'reminder:day-before:2026-05-13'],
        ['overdue', 'overdue'],
      ]);
      // half of 10 = end of working day 5 (5/7 Thu), day before = end of working day 9 (5/12 Tue)
      expectAt(events[1].at, '2026-05-07T16:00:00Z');
      expectAt(events[2].at, '2026-05-12T16:00:00Z');
      expectAt(events[3].at, '2026-05-13T16:00:00Z');
      expect(events[3].data).toEqual({ deadline: '2026-05-13', dueAt: '2026-05-14T00:00:00+08:00' });

      const state = await act(caseId, {
        type: 'correct',
        actorDepartmentId: 'NMG-GAT',
        explanation: '已按户籍底册更正姓名',
      });
      expect(state).toMatchObject({
        status: 'CLOSED',
        stage: 'answered',
        outcome: 'corrected',
        overdue: true,
        answeredLate: true,
      });
      await handleOf(caseId).result();

      const closed = await rowOf(caseId);
      expect(closed).toMatchObject({
        status: 'CLOSED',
        outcome: 'corrected',
        overdue: true,
        answeredLate: true,
      });
      // the breach is not erased by the late answer
      expectAt(closed.overdueAt, '2026-05-13T16:00:00Z');
      expectAt(closed.answeredAt, '2026-05-15T02:00:00Z');
      expect(await timeline(caseId)).toEqual([
        ['received', 'received'],
        ['reminder', 'reminder:half:2026-05-13'],
        ['reminder', 'reminder:day-before:2026-05-13'],
        ['overdue', 'overdue'],
        ['answered_late', 'answered'],
      ]);
      await recordHistory(handleOf(caseId), 'p4-late-answer');
    });
  });
});
