import nodemailer from 'nodemailer';
import { createMailNotifier } from '../../mail/notifier';
import { freePort } from '../../embedded/ports';
import { caseDriver, P1_MZT_ASKS_RST } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';

// 2026-03-02 09:00 Beijing time (Mon)
const suite = timeSkippingSuite('2026-03-02T01:00:00Z');
const { worker: caseWorker, rowOf, eventsOf } = caseDriver(suite);

test('with the SMTP server unreachable for the whole case, the deadline and overdue mark still land on time', async () => {
  // a real SMTP client pointed at a port where nothing listens: every send fails with ECONNREFUSED
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: await freePort(),
    connectionTimeout: 1000,
  });
  const notifier = createMailNotifier({
    db: suite.tdb.db,
    transport,
    from: 'test <noreply@gxcase.local>',
    publicBaseUrl: 'http://127.0.0.1:3000',
  });
  const { worker, start } = await caseWorker({ notifier });
  await worker.runUntil(async () => {
    const { caseId } = await start({
      ...P1_MZT_ASKS_RST,
      receivedAt: '2026-03-02T09:00:00+08:00',
      // one working day keeps the outage short in virtual time: mail retries are replayed one by one
      workingDays: 1,
    });
    await suite.env.sleep('2 days');
    const row = await rowOf(caseId);
    // one working day from Mon 3/2: Tue 3/3
    expect(row.deadlineDate).toBe('2026-03-03');
    expect(row.overdue).toBe(true);
    expect(Math.abs(row.overdueAt!.getTime() - Date.parse('2026-03-03T16:00:00Z'))).toBeLessThan(1000);
    const types = (await eventsOf(caseId)).map((e) => e.type);
    expect(types).toEqual(['received', 'overdue']);
    // nothing was delivered, nothing lost: the outbox holds the mails as PENDING with the connection error
    const pending = await suite.tdb.db.notification.findMany({ where: { caseId } });
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((n) => n.status === 'PENDING')).toBe(true);
    // a send round stops at the first transient error, so at least that row carries it
    expect(pending.some((n) => /ECONNREFUSED/.test(n.lastError ?? ''))).toBe(true);
  });
});
