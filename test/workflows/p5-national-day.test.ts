import { recordHistory } from '../histories/record';
import { caseDriver } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { expectAt, sleepUntil } from '../support/time';

// virtual clock starts at 2026-09-18 09:00 Beijing time, the day the catalog change is received
const suite = timeSkippingSuite('2026-09-18T01:00:00Z');
const { worker: caseWorker, handleOf, act, rowOf, eventsOf } = caseDriver(suite);

describe('第九条 目录更新 (P5): 法律法规修订或职能调整后 15 个工作日内更新目录', () => {
  test('a P5 catalog update runs its 15 working days across 中秋 and 国庆 2026 and is answered on the deadline day', async () => {
    const { worker, start } = await caseWorker();
    const receivedAt = '2026-09-18T09:00:00+08:00';

    await worker.runUntil(async () => {
      const { caseId } = await start({
        procedure: 'P5',
        receivedAt,
        responsibleDepartmentId: 'NMG-SCJGJ',
        resourceId: 'FR-0001',
        details: { change: '新增经营范围字段' },
      });
      expect(caseId).toMatch(/^ML-2026-/);
      const row = await rowOf(caseId);
      // day 1 = 9/20 (make-up Sun), 2–5 = 9/21–24, 6–8 = 9/28–30, 9–10 = 10/8–9, 11 = 10/10 (make-up Sat), 12–15 = 10/12–15
      expect(row).toMatchObject({ deadlineDate: '2026-10-15', workingDays: 15, provisional: false });
      expect(row.dueAt.toISOString()).toBe('2026-10-15T16:00:00.000Z');

      // to 2026-10-15 15:00 Beijing, the deadline day
      await sleepUntil(suite.env, '2026-10-15T07:00:00Z');
      const events = await eventsOf(caseId);
      expect(events.map((e) => [e.type, e.eventKey])).toEqual([
        ['received', 'received'],
        ['reminder', 'reminder:half:2026-10-15'],
        ['reminder', 'reminder:day-before:2026-10-15'],
      ]);
      // half of 15 = end of working day 7 (9/29 Tue), day before = end of working day 14 (10/14 Wed)
      expectAt(events[1].at, '2026-09-29T16:00:00Z');
      expectAt(events[2].at, '2026-10-14T16:00:00Z');
      expect(await rowOf(caseId)).toMatchObject({
        overdue: false,
        status: 'OPEN',
      });

      const state = await act(caseId, {
        type: 'catalog_updated',
        actorDepartmentId: 'NMG-SCJGJ',
        catalogVersion: 'FR-0001@2026.10',
      });
      expect(state).toMatchObject({
        status: 'CLOSED',
        stage: 'updated',
        outcome: 'catalog_updated',
        overdue: false,
        answeredLate: false,
      });
      await handleOf(caseId).result();
      const closed = await rowOf(caseId);
      expect(closed).toMatchObject({
        status: 'CLOSED',
        outcome: 'catalog_updated',
        overdue: false,
        overdueAt: null,
        answeredLate: false,
      });
      expectAt(closed.answeredAt, '2026-10-15T07:00:00Z');
      // a catalog update grants nothing
      expect(await suite.tdb.db.grant.count({ where: { caseId } })).toBe(0);
      await recordHistory(handleOf(caseId), 'p5-national-day');
    });
  });
});
