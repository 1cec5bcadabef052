import { recordHistory } from '../histories/record';
import { caseDriver, P1_MZT_ASKS_RST, rejectionOf } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { eventually } from '../support/worker';
import { expectAt, sleepUntil } from '../support/time';

// virtual clock starts at 2026-02-12 09:00 Beijing time, the day the request is received
const suite = timeSkippingSuite('2026-02-12T01:00:00Z');
const { worker: caseWorker, handleOf, act, rowOf, eventsOf, timeline } = caseDriver(suite);

describe('第十九条 不予共享后协商 (P2) 再协调 (P3) 的完整链条', () => {
  test('a refused P1 goes to negotiation (P2), which expires after 10 working days and escalates to coordination (P3) that decides to share', async () => {
    const { worker, start } = await caseWorker();
    const receivedAt = '2026-02-12T09:00:00+08:00';

    await worker.runUntil(async () => {
      const { caseId: p1 } = await start({ ...P1_MZT_ASKS_RST, receivedAt });
      const p1Handle = handleOf(p1);

      // 2026-02-13 10:00 Beijing: the provider refuses; a refusal without reason or legal basis is rejected
      await sleepUntil(suite.env, '2026-02-13T02:00:00Z');
      expect(
        await rejectionOf(
          act(p1, { type: 'refuse', actorDepartmentId: 'NMG-RST', reason: '涉及个人隐私', legalBasis: ' ' }),
        ),
      ).toBe('missing_reason');
      expect(
        await rejectionOf(
          act(p1, {
            type: 'refuse',
            actorDepartmentId: 'NMG-RST',
            reason: '',
            legalBasis: '《社会保险法》第八十一条',
          }),
        ),
      ).toBe('missing_reason');
      const unchanged = await rowOf(p1);
      expect(unchanged).toMatchObject({
        status: 'OPEN',
        stage: 'awaiting_answer',
        outcome: null,
        answeredAt: null,
      });
      expect((await eventsOf(p1)).map((e) => e.type)).toEqual(['received']);
      expect(await p1Handle.query('state')).toMatchObject({ status: 'OPEN', stage: 'awaiting_answer' });

      const refused = await act(p1, {
        type: 'refuse',
        actorDepartmentId: 'NMG-RST',
        reason: '参保缴费明细涉及个人隐私',
        legalBasis: '《中华人民共和国社会保险法》第八十一条',
      });
      expect(refused).toMatchObject({
        status: 'CLOSED',
        stage: 'refused',
        outcome: 'refused',
        answeredLate: false,
      });
      // only the requester may open the negotiation, and it must state its need
      expect(
        await rejectionOf(act(p1, { type: 'open_negotiation', actorDepartmentId: 'NMG-RST', need: '核查' })),
      ).toBe('wrong_party');
      expect(
        await rejectionOf(act(p1, { type: 'open_negotiation', actorDepartmentId: 'NMG-MZT', need: '' })),
      ).toBe('missing_reason');
      const negotiating = await act(p1, {
        type: 'open_negotiation',
        actorDepartmentId: 'NMG-MZT',
        need: '低保对象收入核查须掌握参保缴费情况',
      });
      const p2 = negotiating.childCaseIds[0];
      expect(p2).toMatch(/^XS-2026-\d+$/);
      // wait without handle.result(): on the time-skipping server result() unlocks skipping and may jump the clock
      await eventually(async () => (await p1Handle.describe()).status.name === 'COMPLETED');

      const p2Row = await eventually(() => suite.tdb.db.case.findUnique({ where: { id: p2 } }));
      expect(p2Row).toMatchObject({
        procedure: 'P2_NEGOTIATION',
        parentCaseId: p1,
        rootCaseId: p1,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-RST',
        workingDays: 10,
        // day 1 = 2/14 (make-up Sat), 2–5 = 2/24–27, 6 = 2/28 (make-up Sat), 7–10 = 3/2–3/5
        deadlineDate: '2026-03-05',
        provisional: false,
      });
      expectAt(p2Row.receivedAt, '2026-02-13T02:00:00Z');
      expect(p2Row.dueAt.toISOString()).toBe('2026-03-05T16:00:00.000Z');

      // 2026-03-05 23:00 Beijing: both reminders sent, no agreement yet
      await sleepUntil(suite.env, '2026-03-05T15:00:00Z');
      const p2Handle = handleOf(p2);
      // the ten working days run out at 3/6 00:00 Beijing: P2 expires, escalates and completes
      const p2State = await p2Handle.result();
      expect(p2State).toMatchObject({ stage: 'failed', outcome: 'expired', overdue: true });
      const expired = await rowOf(p2);
      expect(expired).toMatchObject({
        status: 'CLOSED',
        stage: 'failed',
        outcome: 'expired',
        overdue: true,
        answeredLate: false,
      });
      expectAt(expired.overdueAt, '2026-03-05T16:00:00Z');
      expectAt(expired.closedAt, '2026-03-05T16:00:00Z');
      // Known Java time-skipping server bug (temporalio/sdk-typescript#1101, sdk-java#2392): a child started from
      // workflow code leaves one time-skipping lock behind, and every later suite.env.sleep hangs. Release it once.
      const testService = suite.env.connection.testService;
      if (!testService) throw new Error('not a time-skipping environment');
      await testService.unlockTimeSkipping({});
      const p3 = p2State.childCaseIds[0];
      expect(p3).toMatch(/^XT-2026-\d+$/);

      const p3Row = await eventually(() => suite.tdb.db.case.findUnique({ where: { id: p3 } }));
      expect(p3Row).toMatchObject({
        procedure: 'P3_COORDINATION',
        parentCaseId: p2,
        rootCaseId: p1,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-ZWFWJ',
        resourceId: 'SB-0003',
        workingDays: 30,
        status: 'OPEN',
        // received 3/6 00:00 Beijing; 30 working days across 清明 (4/4–4/6) end on 4/20
        deadlineDate: '2026-04-20',
        provisional: false,
      });
      expectAt(p3Row.receivedAt, '2026-03-05T16:00:00Z');
      expect(p3Row.details).toMatchObject({ providerDepartmentId: 'NMG-RST', negotiationOutcome: 'expired' });

      // 2026-04-01 10:00 Beijing: the share authority decides to share
      await sleepUntil(suite.env, '2026-04-01T02:00:00Z');
      const p3Handle = handleOf(p3);
      const decided = await act(p3, {
        type: 'decide',
        actorDepartmentId: 'NMG-ZWFWJ',
        share: true,
        reasons: '使用部门履职确需, 按最小必要范围共享',
        scope: '参保缴费状态 (是/否)',
        purpose: '低保对象收入核查',
      });
      expect(decided).toMatchObject({
        status: 'CLOSED',
        stage: 'decided',
        outcome: 'share',
        overdue: false,
        answeredLate: false,
      });
      await p3Handle.result();

      const chain = await suite.tdb.db.case.findMany({
        where: { rootCaseId: p1 },
        orderBy: { receivedAt: 'asc' },
      });
      expect(chain.map((c) => [c.id, c.parentCaseId, c.status, c.outcome])).toEqual([
        [p1, null, 'CLOSED', 'refused'],
        [p2, p1, 'CLOSED', 'expired'],
        [p3, p2, 'CLOSED', 'share'],
      ]);
      expect(await timeline(p1)).toEqual([
        ['received', 'received'],
        ['answered', 'answered'],
        ['negotiation_opened', `negotiation:${p2}`],
      ]);
      expect(await timeline(p2)).toEqual([
        ['received', 'received'],
        ['reminder', 'reminder:half:2026-03-05'],
        ['reminder', 'reminder:day-before:2026-03-05'],
        ['overdue', 'overdue'],
        ['negotiation_expired', 'expired'],
        ['escalated_to_coordination', `coordination:${p3}`],
      ]);
      expect(await timeline(p3)).toEqual([
        ['received', 'received'],
        ['reminder', 'reminder:half:2026-04-20'],
        ['answered', 'answered'],
      ]);
      const escalation = await suite.tdb.db.caseEvent.findFirstOrThrow({
        where: { caseId: p2, type: 'escalated_to_coordination' },
      });
      expect(escalation.data).toEqual({ childCaseId: p3, shareAuthority: 'NMG-ZWFWJ' });

      expect(await suite.tdb.db.grant.findMany({ where: { caseId: { in: [p1, p2] } } })).toEqual([]);
      const grants = await suite.tdb.db.grant.findMany({ where: { caseId: p3 } });
      expect(grants).toHaveLength(1);
      expect(grants[0]).toMatchObject({
        resourceId: 'SB-0003',
        consumerDepartmentId: 'NMG-MZT',
        scope: '参保缴费状态 (是/否)',
        purpose: '低保对象收入核查',
      });

      await recordHistory(p1Handle, 'chain-p1-refuse-negotiate');
      await recordHistory(p2Handle, 'chain-p2-expired');
      await recordHistory(p3Handle, 'chain-p3-decide-share');
    });
  });
});
