import { startCase } from '../../core/cases/start';
import { actUpdate } from '../../workflows/statutory-case';
import type { statutoryCase } from '../../workflows/statutory-case';
import { recordHistory } from '../histories/record';
import { timeSkippingSuite } from '../support/suite';
import { createTestWorker } from '../support/worker';
import { expectAt } from '../support/time';

// virtual clock starts at 2026-02-12 09:00 Beijing time, the day the request is received
const suite = timeSkippingSuite('2026-02-12T01:00:00Z');

test('a P1 request received before the Spring Festival counts make-up Saturdays, reminds on time and is approved before its deadline', async () => {
  const { worker, taskQueue, calendars } = await createTestWorker({
    connection: suite.env.nativeConnection,
    db: suite.tdb.db,
  });
  // 2026-02-12 (Thu): 10 working days across 春节 (2/15–2/23 off) with 2/14 (Sat) and 2/28 (Sat) worked
  const receivedAt = '2026-02-12T09:00:00+08:00';

  await worker.runUntil(async () => {
    const { caseId } = await startCase(
      { db: suite.tdb.db, temporal: suite.env.client, calendars, taskQueue },
      {
        procedure: 'P1',
        receivedAt,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-RST',
        resourceId: 'SB-0003',
      },
    );
    expect(caseId).toMatch(/^GX-2026-/);
    const row = await suite.tdb.db.case.findUniqueOrThrow({ where: { id: caseId } });
    // day 1 = 2/13 (Fri), 2 = 2/14 (make-up Sat), 3–6 = 2/24–27, 7 = 2/28 (make-up Sat), 8–10 = 3/2–3/4
    expect(row.deadlineDate).toBe('2026-03-04');
    expect(row.dueAt.toISOString()).toBe('2026-03-04T16:00:00.000Z');
    expect(row.provisional).toBe(false);
    expect(row.workingDays).toBe(10);

    const handle = suite.env.client.workflow.getHandle<typeof statutoryCase>(caseId);
    // to 2026-03-04 10:00 Beijing: both reminders gone out, deadline not yet passed
    await suite.env.sleep(Date.parse('2026-03-04T02:00:00Z') - (await suite.env.currentTimeMs()));
    const events = await suite.tdb.db.caseEvent.findMany({ where: { caseId }, orderBy: { at: 'asc' } });
    expect(events.map((e) => [e.type, e.eventKey])).toEqual([
      ['received', 'received'],
      ['reminder', 'reminder:half:2026-03-04'],
      ['reminder', 'reminder:day-before:2026-03-04'],
    ]);
    // half of 10 = end of working day 5 (2/26 Thu), day before = end of working day 9 (3/3 Tue)
    expectAt(events[1].at, '2026-02-26T16:00:00Z');
    expectAt(events[2].at, '2026-03-03T16:00:00Z');
    const open = await suite.tdb.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(open).toMatchObject({ status: 'OPEN', overdue: false, overdueAt: null });

    const state = await handle.executeUpdate(actUpdate, {
      args: [
        {
          type: 'approve',
          actorDepartmentId: 'NMG-RST',
          scope: '参保缴费状态 (是/否)',
          purpose: '低保对象核查',
          validUntil: '2027-03-04T00:00:00+08:00',
        },
      ],
    });
    expect(state).toMatchObject({
      status: 'CLOSED',
      stage: 'approved',
      outcome: 'approved',
      overdue: false,
      answeredLate: false,
    });
    await handle.result();

    const closed = await suite.tdb.db.case.findUniqueOrThrow({ where: { id: caseId } });
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
    const after = await suite.tdb.db.caseEvent.findMany({ where: { caseId }, orderBy: { at: 'asc' } });
    expect(after.map((e) => e.type)).toEqual(['received', 'reminder', 'reminder', 'answered']);
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
    await recordHistory(handle, 'p1-approve');
  });
});
