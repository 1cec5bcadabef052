import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startCase } from '../../core/cases/start';
import { seedRegistry } from '../../prisma/seed';
import { actUpdate, stateQuery } from '../../workflows/statutory-case';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerAddress } from '../support/temporal';
import { createTestWorker, eventually } from '../support/worker';

let tdb: TestDatabase;
let native: NativeConnection;
let connection: Connection;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedRegistry(tdb.db);
  native = await NativeConnection.connect({ address: devServerAddress() });
  connection = await Connection.connect({ address: devServerAddress() });
});
afterAll(async () => {
  await connection?.close();
  await native?.close();
  await tdb?.drop();
});

test('a P1 case started on the real dev server is projected into Postgres and answered through an Update', async () => {
  const { worker, taskQueue, calendars } = await createTestWorker({ connection: native, db: tdb.db });
  const temporal = new Client({ connection });
  await worker.runUntil(async () => {
    const deps = { db: tdb.db, temporal, calendars, taskQueue };
    const input = {
      procedure: 'P1' as const,
      requesterDepartmentId: 'NMG-MZT',
      responsibleDepartmentId: 'NMG-RST',
      resourceId: 'SB-0003',
      clientId: 'it-client',
      idempotencyKey: 'it-1',
    };
    const first = await startCase(deps, input);
    const again = await startCase(deps, input);
    expect(again).toEqual({ caseId: first.caseId, created: false });
    expect(first.caseId).toMatch(/^GX-\d{4}-\d{6}$/);

    // the workflow's own activity writes the timeline event
    const received = await eventually(() =>
      tdb.db.caseEvent.findFirst({ where: { caseId: first.caseId, type: 'received' } }),
    );
    expect(received.eventKey).toBe('received');
    const handle = temporal.workflow.getHandle(first.caseId);
    expect(await handle.query(stateQuery)).toMatchObject({ stage: 'awaiting_answer', status: 'OPEN' });

    // a wrong party is rejected by the validator and changes nothing
    await expect(
      handle.executeUpdate(actUpdate, {
        args: [{ type: 'approve', actorDepartmentId: 'NMG-MZT', scope: '参保状态', purpose: '低保审核' }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'wrong_party', message: expect.stringMatching(/责任部门/) } });
    expect((await tdb.db.case.findUniqueOrThrow({ where: { id: first.caseId } })).status).toBe('OPEN');

    await handle.executeUpdate(actUpdate, {
      args: [{ type: 'approve', actorDepartmentId: 'NMG-RST', scope: '参保状态', purpose: '低保审核' }],
    });
    const closed = await eventually(async () => {
      const row = await tdb.db.case.findUniqueOrThrow({ where: { id: first.caseId } });
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
