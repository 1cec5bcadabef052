import request from 'supertest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config';
import { caseDriver, P1_MZT_ASKS_RST } from '../support/cases';
import { devServerSuite } from '../support/suite';
import { eventually } from '../support/worker';
import { ADMIN, fixture2027 } from './helpers';

const suite = devServerSuite({ clients: true, worker: true });
const { worker: caseWorker, handleOf, rowOf } = caseDriver(suite);

test('loading 2027 makes a running P1 case recompute its provisional deadline (real dev server)', async () => {
  const { tdb } = suite;
  const { worker, start, calendars } = await caseWorker();
  const app = createApp({ config: loadConfig({}), db: tdb.db, temporal: suite.client, calendars });
  await worker.runUntil(async () => {
    // P1 = 10 working days; received 2027-01-28: fallback deadline 2027-02-17 (provisional)
    const { caseId } = await start({
      ...P1_MZT_ASKS_RST,
      receivedAt: '2027-01-28T09:30:00+08:00',
      clientId: 'calendar-it',
      idempotencyKey: `recompute-${Date.now()}`,
    });
    const handle = handleOf(caseId);
    try {
      const before = await rowOf(caseId);
      expect(before).toMatchObject({ workingDays: 10, deadlineDate: '2027-02-17', provisional: true });
      await eventually(() => tdb.db.caseEvent.findFirst({ where: { caseId, type: 'received' } }));

      const dry = await request(app)
        .put('/api/v1/calendar/2027?dryRun=true')
        .set('Authorization', ADMIN)
        .send(fixture2027());
      expect(dry.body.effect.affected).toEqual([
        expect.objectContaining({
          caseId,
          oldDeadline: '2027-02-17',
          newDeadline: '2027-02-18',
          shiftDays: 1,
        }),
      ]);

      const res = await request(app)
        .put('/api/v1/calendar/2027')
        .set('Authorization', ADMIN)
        .send(fixture2027());
      expect(res.status).toBe(201);
      expect(res.body.signalled).toEqual([caseId]);

      const after = await eventually(async () => {
        const row = await rowOf(caseId);
        return row.deadlineDate !== '2027-02-17' ? row : undefined;
      });
      expect(after).toMatchObject({ deadlineDate: '2027-02-18', provisional: false, status: 'OPEN' });
      expect(after.dueAt.toISOString()).toBe('2027-02-18T16:00:00.000Z');
      const ev = await eventually(() =>
        tdb.db.caseEvent.findFirst({ where: { caseId, type: 'deadline_recomputed' } }),
      );
      expect(ev.data).toMatchObject({
        previousDeadline: '2027-02-17',
        deadline: '2027-02-18',
        provisional: false,
      });
    } finally {
      await handle.terminate('test done').catch(() => undefined);
    }
  });
});
