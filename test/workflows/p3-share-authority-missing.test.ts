import { recordHistory } from '../histories/record';
import { caseDriver } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { expectBetween, sleepUntil } from '../support/time';
import { eventually } from '../support/worker';

// virtual clock starts at 2026-03-30 (Mon) 09:00 Beijing time, the day the negotiation is received
const suite = timeSkippingSuite('2026-03-30T01:00:00Z');

const { worker: caseWorker, handleOf, act, rowOf, eventsOf } = caseDriver(suite);

async function nextSequence(prefix: string): Promise<number> {
  const row = await suite.tdb.db.caseSequence.findUniqueOrThrow({
    where: { prefix_year: { prefix, year: 2026 } },
  });
  return row.next;
}

describe('第十九条 协调由共享主管部门负责: a coordination that finds no share authority registered waits for one', () => {
  test('the escalation retries while no department is flagged as share authority, then starts exactly one P3 once one is registered, losing nothing', async () => {
    const { worker, start } = await caseWorker();
    await worker.runUntil(async () => {
      const { caseId: p2 } = await start({
        procedure: 'P2',
        receivedAt: '2026-03-30T09:00:00+08:00',
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-GAT',
        resourceId: 'GA-0107',
        details: { need: '低保对象出境情况核查' },
      });

      // the registry has lost its share authority (e.g. the flag was cleared during a reorganisation)
      await suite.tdb.db.department.update({ where: { id: 'NMG-ZWFWJ' }, data: { isShareAuthority: false } });
      expect(await suite.tdb.db.department.count({ where: { isShareAuthority: true } })).toBe(0);
      const xtBefore = await nextSequence('XT');

      // 2026-04-01 (Wed) 10:00 Beijing: the negotiation fails; coordination must start
      await sleepUntil(suite.env, '2026-04-01T02:00:00Z');
      const failFrom = await suite.env.currentTimeMs();
      const failed = await act(p2, {
        type: 'fail',
        actorDepartmentId: 'NMG-GAT',
        reason: '双方未能就共享范围达成一致',
      });
      const failBy = await suite.env.currentTimeMs();
      expect(failed).toMatchObject({ status: 'CLOSED', stage: 'failed', outcome: 'failed' });

      // an hour passes with nobody registered: the escalation keeps retrying, the failure is visible, nothing started
      await sleepUntil(suite.env, '2026-04-01T03:00:00Z');
      const waiting = await handleOf(p2).describe();
      expect(waiting.status.name).toBe('RUNNING');
      const pending = waiting.raw.pendingActivities ?? [];
      expect(pending.map((a) => a.activityType?.name)).toEqual(['shareAuthority']);
      expect(pending[0].attempt).toBeGreaterThan(10);
      expect(pending[0].lastFailure?.message).toBe('未登记政务信息资源共享主管部门, 无法启动协调 (第十九条)');
      expect(pending[0].lastFailure?.applicationFailureInfo?.type).toBe('no_share_authority');
      // the failed negotiation itself is recorded in full
      expect(await rowOf(p2)).toMatchObject({
        status: 'CLOSED',
        stage: 'failed',
        outcome: 'failed',
      });
      expect((await eventsOf(p2)).map((e) => e.type)).toEqual(['received', 'answered']);
      expect(await suite.tdb.db.case.count({ where: { procedure: 'P3_COORDINATION' } })).toBe(0);
      // operators see the blocked escalation (the same stall record /readyz counts), not only the worker's logs
      const stall = await suite.tdb.db.projectionStall.findUniqueOrThrow({
        where: { caseId_eventKey: { caseId: p2, eventKey: 'coordination:share_authority' } },
      });
      expect(stall).toMatchObject({
        eventType: 'escalation_blocked',
        error: 'ApplicationFailure no_share_authority',
      });
      expect(stall.attempts).toBeGreaterThan(10);
      // the coordination's case number was taken once, before the lookup, and is not taken again per retry
      expect(await nextSequence('XT')).toBe(xtBefore + 1);

      // 11:00 Beijing: an administrator registers the share authority again
      const registeredAt = await suite.env.currentTimeMs();
      await suite.tdb.db.department.update({ where: { id: 'NMG-ZWFWJ' }, data: { isShareAuthority: true } });
      await suite.env.sleep('2 minutes');
      const twoMinutesLater = await suite.env.currentTimeMs();
      await eventually(async () => (await handleOf(p2).describe()).status.name === 'COMPLETED');
      const p2State = await handleOf(p2).result();
      // replayed by test/workflows/replay.test.ts: P3 received when the negotiation failed (patched)
      await recordHistory(handleOf(p2), 'p2-fail-escalation-blocked');
      expect(p2State.childCaseIds).toHaveLength(1);
      const p3 = p2State.childCaseIds[0];
      expect(p3).toBe(`XT-2026-${String(xtBefore).padStart(6, '0')}`);

      // exactly one P3, for the registered authority, with the negotiation's parties and outcome
      const p3Rows = await eventually(async () => {
        const rows = await suite.tdb.db.case.findMany({ where: { procedure: 'P3_COORDINATION' } });
        return rows.length > 0 ? rows : undefined;
      });
      expect(p3Rows).toHaveLength(1);
      const p3Row = p3Rows[0];
      // received when the negotiation failed (10:00), not when the authority was found an hour later:
      // 30 working days from Wed 4/1 across 清明 (4/4–4/6 off) and 劳动节 (5/1–5/5 off, 5/9 Sat worked):
      //   1–2 = 4/2–4/3, 3–6 = 4/7–4/10, 7–11 = 4/13–4/17, 12–16 = 4/20–4/24, 17–20 = 4/27–4/30,
      //   21–23 = 5/6–5/8, 24 = 5/9 (make-up Sat), 25–29 = 5/11–5/15, 30 = 5/18 (Mon)
      expect(p3Row).toMatchObject({
        id: p3,
        parentCaseId: p2,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-ZWFWJ',
        resourceId: 'GA-0107',
        status: 'OPEN',
        workingDays: 30,
        deadlineDate: '2026-05-18',
      });
      expect(p3Row.dueAt.toISOString()).toBe('2026-05-18T16:00:00.000Z');
      expect(p3Row.details).toEqual({ providerDepartmentId: 'NMG-GAT', negotiationOutcome: 'failed' });
      expectBetween(p3Row.receivedAt, failFrom, failBy);
      expect(registeredAt).toBeLessThan(twoMinutesLater);
      // the stall is cleared once the escalation went through
      expect(await suite.tdb.db.projectionStall.count()).toBe(0);

      const events = await eventsOf(p2);
      expect(events.map((e) => [e.type, e.eventKey])).toEqual([
        ['received', 'received'],
        ['answered', 'answered'],
        ['escalated_to_coordination', `coordination:${p3}`],
      ]);
      expectBetween(events[1].at, failFrom, failBy);
      expect(events[2].data).toEqual({ childCaseId: p3, shareAuthority: 'NMG-ZWFWJ' });
      expect(await nextSequence('XT')).toBe(xtBefore + 1);
      expect(await suite.tdb.db.case.count({ where: { parentCaseId: p2 } })).toBe(1);
    });
  });
});
