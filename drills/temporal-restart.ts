/**
 * Drill 2: the Temporal dev server killed (SIGKILL) with timers pending; npm start starts it again on the same
 * SQLite file (embedded/temporal-dev-server.ts, restart with backoff). Afterwards every pending timer is still
 * there with the same fire time, every deadline is unchanged, and the timers due meanwhile — the overdue timers
 * of cases started just before the kill — have fired, each once. Statutory timers fire at 24:00 Beijing time,
 * so the ones days ahead are checked for being kept, not waited for.
 */
import { startDrillCase, summaryLine, verifyCases, type DrillCase } from './cases';
import { historyOf, pendingTimers } from './history';
import { signal, sleep, temporalServerPids, waitFor, type Stack } from './stack';

export async function temporalRestartDrill(
  stack: Stack,
  o: { cases: number },
): Promise<{ line: string; ok: boolean }> {
  const run = `tr-${Date.now().toString(36)}`;
  // cases with timers days ahead, settled before the kill
  const settled: DrillCase[] = [];
  for (let i = 0; i < o.cases; i++) settled.push(await startDrillCase(stack, run, i, 'open'));
  const before = new Map<string, { timers: Map<string, number>; dueAt: number }>();
  await waitFor(
    async () => {
      for (const c of settled) {
        const timers = pendingTimers(await historyOf(stack, c.id));
        const row = await stack.db.case.findUnique({ where: { id: c.id } });
        if (timers.size === 0 || !row?.calendarVersion) return undefined;
        before.set(c.id, { timers, dueAt: row.dueAt.getTime() });
      }
      return true;
    },
    120_000,
    2_000,
  );
  // cases whose overdue timer is due at once, in flight when the server goes
  const due: DrillCase[] = [];
  for (let i = 0; i < o.cases; i++) due.push(await startDrillCase(stack, run, o.cases + i, 'overdue'));
  const pids = temporalServerPids(stack);
  if (pids.length === 0) throw new Error(`no Temporal dev server on ${stack.temporalAddress} found`);
  const t0 = Date.now();
  signal(pids, 'SIGKILL');
  process.stderr.write(`killed the Temporal dev server (pid ${pids.join(',')})\n`);
  await sleep(1_000);
  const back = await waitFor(
    async () => {
      await stack.temporal.workflowService.getSystemInfo({});
      return Date.now();
    },
    120_000,
    1_000,
  );
  const downS = Math.round(((back ?? Date.now()) - t0) / 1000);
  let kept = 0;
  let deadlinesUnchanged = 0;
  for (const c of settled) {
    const was = before.get(c.id)!;
    const now = pendingTimers(await historyOf(stack, c.id));
    if ([...was.timers].every(([id, at]) => now.get(id) === at)) kept++;
    const row = await stack.db.case.findUnique({ where: { id: c.id } });
    if (row?.dueAt.getTime() === was.dueAt) deadlinesUnchanged++;
  }
  const all = [...settled, ...due];
  const final = await waitFor(
    async () => {
      const v = await verifyCases(stack, all);
      return v.lost === 0 && v.mailsPending === 0 && v.mailsDelivered === v.mailsExpected ? v : undefined;
    },
    300_000,
    3_000,
  );
  const v = final ?? (await verifyCases(stack, all));
  const ok =
    v.lost === 0 && v.duplicated === 0 && kept === settled.length && deadlinesUnchanged === settled.length;
  if (!ok) for (const p of v.problems) process.stderr.write(`  ${p}\n`);
  const fired = await stack.db.case.count({ where: { id: { in: due.map((c) => c.id) }, overdue: true } });
  return {
    ok,
    line: summaryLine('temporal-restart', v, {
      server_down_s: downS,
      timers_pending: settled.length,
      timers_kept: kept,
      deadlines_unchanged: deadlinesUnchanged,
      overdue_timers_due: due.length,
      overdue_timers_fired: fired,
    }),
  };
}
