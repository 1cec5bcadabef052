import { stateQuery } from '../../workflows/statutory-case';
import { caseDriver, P1_MZT_ASKS_RST } from '../support/cases';
import { devServerSuite } from '../support/suite';
import { eventually } from '../support/worker';

const suite = devServerSuite({ worker: true });
const { worker: caseWorker, handleOf, act, rowOf } = caseDriver(suite);

test('a P1 case started on the real dev server is projected into Postgres and answered through an Update', async () => {
  const { tdb } = suite;
  const { worker, start } = await caseWorker();
  await worker.runUntil(async () => {
    const input = {
      ...P1_MZT_ASKS_RST,
      clientId: 'it-client',
      idempotencyKey: 'it-1',
    };
    const first = await start(input);
    const again = await start(input);
    expect(again).toEqual({ caseId: first.caseId, created: false });
    expect(first.caseId).toMatch(/^GX-\d{4}-\d{6}$/);

    // the workflow's own activity writes the timeline event
    const received = await eventually(() =>
      tdb.db.caseEvent.findFirst({ where: { caseId: first.caseId, type: 'received' } }),
    );
    expect(received.eventKey).toBe('received');
    const handle = handleOf(first.caseId);
    expect(await handle.query(stateQuery)).toMatchObject({ stage: 'awaiting_answer', status: 'OPEN' });

    // a wrong party is rejected by the validator and changes nothing
    const approval = { type: 'approve', scope: '参保状态', purpose: '低保审核' } as const;
    await expect(act(first.caseId, { ...approval, actorDepartmentId: 'NMG-MZT' })).rejects.toMatchObject({
      cause: { type: 'wrong_party', message: expect.stringMatching(/责任部门/) },
    });
    expect((await rowOf(first.caseId)).status).toBe('OPEN');

    await act(first.caseId, { ...approval, actorDepartmentId: 'NMG-RST' });
    const closed = await eventually(async () => {
      const row = await rowOf(first.caseId);
      return row.status === 'CLOSED' ? row : undefined;
    });
    expect(closed).toMatchObject({
      stage: 'approved',
      outcome: 'approved',
      answeredLate: false,
      overdue: false,
    });
    const grant = await tdb.db.grant.findFirstOrThrow({ where: { caseId: first.caseId } });
    expect(grant).toMatchObject({
      consumerDepartmentId: 'NMG-MZT',
      resourceId: 'SB-0003',
      purpose: '低保审核',
    });
    await handle.result();
    expect(await tdb.db.case.count({ where: { idempotencyKey: 'it-1' } })).toBe(1);
  });
});
