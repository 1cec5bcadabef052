/**
 * Drill 6: a calendar load's recompute signals while the worker is down → open cases recompute once it is back.
 * The worker is frozen (SIGSTOP: it holds its connections but does nothing, as if it were gone), and the
 * signals are queued the way a load that cannot reach Temporal leaves them: the outbox rows
 * (core/calendar/recompute-signals.ts queueRecomputeSignals, the function the load calls in its transaction),
 * with no direct delivery. The drill does not load a real year: that would change the running system's
 * calendar. After SIGCONT, the worker's sweep (every 30 s) must deliver each signal, and each workflow must
 * recompute its deadline once (a computeSchedule after the signal in its history).
 */
import { queueRecomputeSignals } from '../core/calendar/recompute-signals';
import { startDrillCase, type DrillCase } from './cases';
import { activitiesNamed, historyOf, signalsNamed } from './history';
import { signal, sleep, waitFor, workerPids, type Stack } from './stack';

export async function calendarOutboxDrill(
  stack: Stack,
  o: { cases: number },
): Promise<{ line: string; ok: boolean }> {
  const run = `cal-${Date.now().toString(36)}`;
  const cases: DrillCase[] = [];
  for (let i = 0; i < o.cases; i++) cases.push(await startDrillCase(stack, run, i, 'open'));
  const ids = cases.map((c) => c.id);
  // wait until each workflow has computed its first schedule
  await waitFor(
    async () =>
      (await stack.db.case.count({ where: { id: { in: ids }, calendarVersion: { not: '' } } })) === ids.length
        ? true
        : undefined,
    120_000,
  );
  const pids = workerPids(stack);
  if (pids.length === 0) throw new Error('no worker process of this stack found');
  signal(pids, 'SIGSTOP');
  const t0 = Date.now();
  let queued: number;
  let stillQueuedAfterDown: number;
  try {
    await stack.db.$transaction((tx) =>
      queueRecomputeSignals(tx, ids, `drill ${run}: calendar loaded while the worker is down`),
    );
    queued = await stack.db.calendarSignal.count({ where: { caseId: { in: ids } } });
    await sleep(35_000); // longer than one sweep interval: with the worker down nothing delivers them
    stillQueuedAfterDown = await stack.db.calendarSignal.count({ where: { caseId: { in: ids } } });
  } finally {
    signal(pids, 'SIGCONT');
  }
  const delivered = await waitFor(
    async () =>
      (await stack.db.calendarSignal.count({ where: { caseId: { in: ids } } })) === 0
        ? Date.now()
        : undefined,
    180_000,
    2_000,
  );
  let recomputed = 0;
  let duplicated = 0;
  await waitFor(
    async () => {
      recomputed = 0;
      duplicated = 0;
      for (const id of ids) {
        const events = await historyOf(stack, id);
        const signals = signalsNamed(events, 'calendarChanged');
        if (signals > 1) duplicated++;
        if (signals >= 1 && activitiesNamed(events, 'computeSchedule') >= 2) recomputed++;
      }
      return recomputed === ids.length ? true : undefined;
    },
    120_000,
    3_000,
  );
  const lost = ids.length - recomputed;
  const ok = lost === 0 && duplicated === 0 && queued === ids.length && stillQueuedAfterDown === ids.length;
  return {
    ok,
    line:
      `drill calendar-outbox: ${ok ? 'PASS' : 'FAIL'} started=${ids.length} completed=${recomputed} lost=${lost} ` +
      `duplicated=${duplicated} signals_queued=${queued} pending_while_worker_down=${stillQueuedAfterDown} ` +
      `delivered_after_s=${delivered ? Math.round((delivered - t0) / 1000) : 'never'}`,
  };
}
