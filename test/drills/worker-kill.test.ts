/**
 * Drill 1 as a test: a real worker process (`tsx worker.ts`) killed with SIGKILL while 20 cases are mid-flight
 * (answers, overdue timers, fresh cases), a new one started as npm start's supervision would: every case reaches
 * its state; no transition, grant or mail twice (the catcher's inbox by Message-ID).
 */
import { terminateCases } from '../support/cases';
import { workerKillDrill } from '../../drills/worker-kill';
import { drillTestStack, type DrillTestStack } from './drill-stack';

jest.setTimeout(120_000);

let t: DrillTestStack;
beforeAll(async () => {
  t = await drillTestStack({ noWorker: true });
});
afterAll(async () => {
  const ids = (await t.stack.db.case.findMany({ select: { id: true } })).map((c) => c.id);
  await terminateCases(t.stack.temporal, ids);
  await t.close();
});

test('kill -9 of the worker with 20 cases in flight: all reach their state, nothing twice', async () => {
  let worker = t.startWorkerProcess();
  const { ok, line } = await workerKillDrill(t.stack, {
    cases: 20,
    killAfterMs: 1_000,
    timeoutMs: 80_000,
    kill: async () => {
      const pid = worker.pid;
      t.killWorker(worker);
      await new Promise((r) => setTimeout(r, 1_000));
      worker = t.startWorkerProcess();
      return `pid ${pid}`;
    },
  });
  expect(line).toMatch(/lost=0 duplicated=0/);
  expect(ok).toBe(true);
  // Repeats the receiver dropped can only come from sends the kill cut between the server's 250 and the SENT
  // mark: a few at most (activities in flight at that instant), never one per mail as a resend-all bug would give.
  const redelivered = Number(/mails_redelivered=(\d+)/.exec(line)?.[1]);
  expect(redelivered).toBeLessThanOrEqual(3);
  expect(t.catcher.ignored.length).toBe(redelivered);
});
