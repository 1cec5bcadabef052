import { caseDriver, P1_MZT_ASKS_RST, rejectionOf } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { expectBetween, sleepUntil } from '../support/time';
import { eventually } from '../support/worker';

// virtual clock starts at 2026-06-15 (Mon) 09:00 Beijing time, the week of 端午 (6/19–6/21 off)
const suite = timeSkippingSuite('2026-06-15T01:00:00Z');
const { worker: caseWorker, handleOf, act, rowOf, eventsOf } = caseDriver(suite);
/** [type, eventKey, actor] of each event, in order */
const timeline = async (caseId: string) => (await eventsOf(caseId)).map((e) => [e.type, e.eventKey, e.actor]);

describe('第十九条 协商一致 (P2 agree): the agreement becomes a grant to the requesting department', () => {
  test('a negotiation opened on a refused P1 and agreed within its 10 working days grants the consumer the agreed scope and purpose, and closes as agreed', async () => {
    const { worker, start } = await caseWorker();
    await worker.runUntil(async () => {
      // 民政厅 asks 人社厅 for SB-0003; 人社厅 refuses; 民政厅 opens the negotiation at once
      const { caseId: p1 } = await start({ ...P1_MZT_ASKS_RST, receivedAt: '2026-06-15T09:00:00+08:00' });
      await act(p1, {
        type: 'refuse',
        actorDepartmentId: 'NMG-RST',
        reason: '缴费基数涉及个人收入',
        legalBasis: '《中华人民共和国社会保险法》第八十一条',
      });
      const { childCaseIds } = await act(p1, {
        type: 'open_negotiation',
        actorDepartmentId: 'NMG-MZT',
        need: '低保对象收入核查须掌握缴费基数',
      });
      expect(childCaseIds).toHaveLength(1);
      const p2 = childCaseIds[0];
      await eventually(async () => (await handleOf(p1).describe()).status.name === 'COMPLETED');

      const p2Row = await eventually(() => suite.tdb.db.case.findUnique({ where: { id: p2 } }));
      // received 6/15 (Mon, not counted): 1–3 = 6/16–6/18, 端午 6/19–6/21 off, 4–8 = 6/22–6/26, 9–10 = 6/29–6/30
      expect(p2Row).toMatchObject({
        procedure: 'P2_NEGOTIATION',
        status: 'OPEN',
        parentCaseId: p1,
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-RST',
        resourceId: 'SB-0003',
        workingDays: 10,
        deadlineDate: '2026-06-30',
      });
      expect(p2Row.dueAt.toISOString()).toBe('2026-06-30T16:00:00.000Z');

      // 2026-06-24 (Wed) 10:00 Beijing, working day 6: the half-period reminder (end of day 5, 6/23) has gone out
      await sleepUntil(suite.env, '2026-06-24T02:00:00Z');
      expect(await timeline(p2)).toEqual([
        ['received', 'received', 'NMG-MZT'],
        ['reminder', 'reminder:half:2026-06-30', null],
      ]);

      // an agreement must state scope and purpose, and only the providing department can agree
      const agreement = { scope: '缴费基数 (按年)', purpose: '城乡低保对象家庭收入核查' };
      expect(
        await rejectionOf(
          act(p2, { type: 'agree', actorDepartmentId: 'NMG-RST', scope: ' ', purpose: '核查' }),
        ),
      ).toBe('missing_reason');
      expect(await rejectionOf(act(p2, { type: 'agree', actorDepartmentId: 'NMG-MZT', ...agreement }))).toBe(
        'wrong_party',
      );
      expect(await suite.tdb.db.grant.count()).toBe(0);

      const agreedFrom = await suite.env.currentTimeMs();
      const agreed = await act(p2, {
        type: 'agree',
        actorDepartmentId: 'NMG-RST',
        ...agreement,
        note: '仅限年度缴费基数, 不含明细',
      });
      const agreedBy = await suite.env.currentTimeMs();
      expect(agreed).toMatchObject({
        status: 'CLOSED',
        stage: 'agreed',
        outcome: 'agreed',
        overdue: false,
        answeredLate: false,
        childCaseIds: [],
      });
      const final = await handleOf(p2).result();
      // an agreement ends the chain: no coordination
      expect(final).toMatchObject({ stage: 'agreed', outcome: 'agreed', childCaseIds: [] });

      const closed = await rowOf(p2);
      expect(closed).toMatchObject({
        status: 'CLOSED',
        stage: 'agreed',
        outcome: 'agreed',
        overdue: false,
        overdueAt: null,
        answeredLate: false,
      });
      // answered on 6/24, working day 6 of 10
      expectBetween(closed.answeredAt, agreedFrom, agreedBy);
      expect(closed.closedAt).toEqual(closed.answeredAt);
      expect(await timeline(p2)).toEqual([
        ['received', 'received', 'NMG-MZT'],
        ['reminder', 'reminder:half:2026-06-30', null],
        ['answered', 'answered', 'NMG-RST'],
      ]);

      // exactly one grant, on the P2 case: consumer = P2's requester, for P2's resource, with the agreed terms
      const grants = await suite.tdb.db.grant.findMany();
      expect(grants).toHaveLength(1);
      expect(grants[0]).toMatchObject({
        caseId: p2,
        resourceId: 'SB-0003',
        consumerDepartmentId: 'NMG-MZT',
        scope: '缴费基数 (按年)',
        purpose: '城乡低保对象家庭收入核查',
        validUntil: null,
        revokedAt: null,
      });
      expect(await suite.tdb.db.case.count({ where: { parentCaseId: p2 } })).toBe(0);
      expect(await suite.tdb.db.case.count({ where: { procedure: 'P3_COORDINATION' } })).toBe(0);
    });
  });

  test('a negotiation started directly on a 不予共享 resource grants that resource to its own requester', async () => {
    const { worker, start } = await caseWorker();
    await worker.runUntil(async () => {
      // 人社厅 (not the consumer of the first test) negotiates with 公安厅 for GA-0107 (出入境证件办理信息)
      const receivedAt = new Date(await suite.env.currentTimeMs()).toISOString();
      const { caseId: p2 } = await start({
        procedure: 'P2',
        receivedAt,
        requesterDepartmentId: 'NMG-RST',
        responsibleDepartmentId: 'NMG-GAT',
        resourceId: 'GA-0107',
        details: { need: '领取养老金人员出境定居核查' },
      });
      expect(p2).toMatch(/^XS-2026-\d+$/);
      await act(p2, {
        type: 'agree',
        actorDepartmentId: 'NMG-GAT',
        scope: '是否已出境定居 (是/否)',
        purpose: '养老保险待遇领取资格认证',
      });
      await handleOf(p2).result();

      expect(await rowOf(p2)).toMatchObject({
        status: 'CLOSED',
        stage: 'agreed',
        outcome: 'agreed',
      });
      const grants = await suite.tdb.db.grant.findMany({ where: { caseId: p2 } });
      expect(grants.map((g) => [g.resourceId, g.consumerDepartmentId, g.scope, g.purpose])).toEqual([
        ['GA-0107', 'NMG-RST', '是否已出境定居 (是/否)', '养老保险待遇领取资格认证'],
      ]);
      // the first test's grant is untouched and no other department got anything
      expect(
        (await suite.tdb.db.grant.findMany({ orderBy: { createdAt: 'asc' } })).map((g) => [
          g.resourceId,
          g.consumerDepartmentId,
        ]),
      ).toEqual([
        ['SB-0003', 'NMG-MZT'],
        ['GA-0107', 'NMG-RST'],
      ]);
    });
  });
});
