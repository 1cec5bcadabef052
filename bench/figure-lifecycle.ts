/**
 * Figure 2: full lifecycle throughput. `concurrency` department systems each take P1 cases through their whole
 * life over the API: start (民政厅), poll until the projection shows the case received, answer it (人社厅
 * approves), poll until the projection shows it closed. Cases completed per second over the whole window, the
 * life of a case p50/p99, CPU per role during the window, and the Temporal task latencies of a sample of the
 * cases' histories, so the component that saturates can be named with evidence.
 */
import { busiest, measureCpu } from './cpu';
import type { Figure } from './figure';
import {
  departmentKeys,
  eventMs,
  formatCpu,
  measureCpuWait,
  measureMachineCpu,
  machineText,
  p1Body,
  percentile,
  runConcurrently,
  sleep,
  timedRequest,
  waitForQuietWorkers,
} from './http';
import type { RunningTopology } from './topology';

const POLL_MS = 200;
const CASE_TIMEOUT_MS = 180_000;
const approve = { type: 'approve', scope: '参保状态', purpose: '基准测试' };

interface CaseRead {
  status?: string;
  timeline?: { type: string }[];
}

/** Polls GET /cases/{id} until `done` holds; false after the deadline. */
async function pollCase(
  t: RunningTopology,
  key: string,
  id: string,
  done: (c: CaseRead) => boolean,
  until: number,
) {
  while (Date.now() < until) {
    const r = await timedRequest(t.apiBase, key, 'GET', `/cases/${id}`);
    if (r.status === 200 && done(r.body as CaseRead)) return true;
    await sleep(r.status === 429 ? 2_000 : POLL_MS);
  }
  return false;
}

type Event = Parameters<typeof eventMs>[0] & Record<string, unknown> & { eventId?: unknown };
const idOf = (x: unknown) => Number(x ?? 0);

/** Task latencies (ms) from histories: workflow task schedule→start and start→complete, activity schedule→start
 * and start→complete (its own work: the projection writes, mail). */
async function taskLatencies(t: RunningTopology, ids: string[]) {
  const wftWait: number[] = [];
  const wftRun: number[] = [];
  const actWait: number[] = [];
  const actRun: number[] = [];
  for (const id of ids) {
    const events = ((await t.temporal.workflow.getHandle(id).fetchHistory()).events ?? []) as Event[];
    const at = new Map(events.map((e) => [idOf(e.eventId), eventMs(e)]));
    for (const e of events) {
      const a = (name: string) =>
        e[name] as { scheduledEventId?: unknown; startedEventId?: unknown } | undefined;
      const pair = (from: unknown, into: number[]) =>
        at.has(idOf(from)) && into.push(eventMs(e) - at.get(idOf(from))!);
      if (a('workflowTaskStartedEventAttributes'))
        pair(a('workflowTaskStartedEventAttributes')?.scheduledEventId, wftWait);
      if (a('workflowTaskCompletedEventAttributes'))
        pair(a('workflowTaskCompletedEventAttributes')?.startedEventId, wftRun);
      if (a('activityTaskStartedEventAttributes'))
        pair(a('activityTaskStartedEventAttributes')?.scheduledEventId, actWait);
      if (a('activityTaskCompletedEventAttributes'))
        pair(a('activityTaskCompletedEventAttributes')?.startedEventId, actRun);
    }
  }
  const p = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
  return { wftWait: p(wftWait), wftRun: p(wftRun), actWait: p(actWait), actRun: p(actRun) };
}

export const lifecycleFigure: Figure = async (t, sizes, say) => {
  const run = `life-${t.name}-${Date.now().toString(36)}`;
  const n = sizes.lifecycle;
  const concurrency = sizes.concurrency;
  const requesters = await departmentKeys(
    t.apiBase,
    t.keys.admin,
    `bench-${run}-mzt`,
    'NMG-MZT',
    concurrency,
  );
  const providers = await departmentKeys(t.apiBase, t.keys.admin, `bench-${run}-rst`, 'NMG-RST', concurrency);
  await waitForQuietWorkers(t);

  say(`figure lifecycle (${t.name}): ${n} cases, ${concurrency} clients`);
  const lives: number[] = [];
  const toReceived: number[] = [];
  const answers: number[] = [];
  const toClosed: number[] = [];
  const closedIds: string[] = [];
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  const cpuOf = measureCpu(t);
  const waitOf = measureCpuWait(t);
  const machineOf = measureMachineCpu();
  const t0 = performance.now();
  await runConcurrently(n, concurrency, async (i, client) => {
    const begin = performance.now();
    const until = Date.now() + CASE_TIMEOUT_MS;
    const s = await timedRequest(t.apiBase, requesters[client], 'POST', '/cases', {
      body: p1Body(run),
      headers: { 'Idempotency-Key': `${run}-${i}` },
    });
    const id = (s.body as { id?: string } | undefined)?.id;
    if (s.status !== 201 || !id) return void fail(`start ${s.status}`);
    const received = (c: CaseRead) => (c.timeline ?? []).some((e) => e.type === 'received');
    if (!(await pollCase(t, requesters[client], id, received, until)))
      return void fail('not received in time');
    const receivedAt = performance.now();
    const a = await timedRequest(t.apiBase, providers[client], 'POST', `/cases/${id}/actions`, {
      body: approve,
    });
    if (a.status !== 200) return void fail(`answer ${a.status}`);
    const answeredAt = performance.now();
    if (!(await pollCase(t, requesters[client], id, (c) => c.status === 'CLOSED', until))) {
      return void fail('not closed in time');
    }
    const end = performance.now();
    lives.push(end - begin);
    toReceived.push(receivedAt - begin);
    answers.push(a.ms);
    toClosed.push(end - answeredAt);
    closedIds.push(id);
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuOf();
  const cpuWait = waitOf();
  const machine = machineOf();
  const sample = closedIds.filter((_, i) => i % Math.max(1, Math.floor(closedIds.length / 30)) === 0);
  const lat = await taskLatencies(t, sample);

  const top = busiest(cpu);
  const workerCpu = cpu.worker ?? 0;
  // one Node worker process per worker uses at most about one core (the workflow sandbox is single-threaded)
  const workerBound = workerCpu >= 85 * (t.name === 'cluster' ? 2 : 1);
  const starved =
    machine >= 85 && (cpuWait.worker ?? 0) + (cpuWait.temporal ?? 0) > workerCpu + (cpu.temporal ?? 0);
  const verdict =
    (starved
      ? 'the machine is saturated and the worker and engine wait longer for a CPU than they run; '
      : '') +
    (lat.wftWait.p99 > 200 || lat.actWait.p99 > 200
      ? `tasks wait to be picked up (schedule→start p99 workflow ${lat.wftWait.p99} ms, activity ${lat.actWait.p99} ms) ` +
        (workerBound
          ? 'with the worker CPU-bound'
          : `with worker CPU at ${workerCpu}%: worker slots/pollers short or CPU-starved`)
      : `tasks are picked up promptly (schedule→start p99 workflow ${lat.wftWait.p99} ms, activity ${lat.actWait.p99} ms)`) +
    (lat.wftRun.p50 > 100 && !workerBound
      ? `; workflow tasks take p50 ${lat.wftRun.p50} ms from start to completion with the worker not CPU-bound: ` +
        'the engine persisting the completion (or a starved worker)'
      : '');
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    figure: '2 lifecycle',
    values: {
      casesCompletedPerSecond: round1(lives.length / seconds),
      completed: lives.length,
      failed: n - lives.length,
      concurrency,
      lifeP50Ms: percentile(lives, 50),
      lifeP99Ms: percentile(lives, 99),
      startToReceivedP50Ms: percentile(toReceived, 50),
      answerP50Ms: percentile(answers, 50),
      answerP99Ms: percentile(answers, 99),
      answeredToClosedP50Ms: percentile(toClosed, 50),
      ...Object.fromEntries(Object.entries(cpu).map(([role, pct]) => [`cpu ${role} %`, pct ?? 0])),
      ...Object.fromEntries(Object.entries(cpuWait).map(([role, pct]) => [`cpuWait ${role} %`, pct ?? 0])),
      workflowTaskScheduleToStartP50Ms: lat.wftWait.p50,
      workflowTaskScheduleToStartP99Ms: lat.wftWait.p99,
      workflowTaskStartToCompleteP50Ms: lat.wftRun.p50,
      workflowTaskStartToCompleteP99Ms: lat.wftRun.p99,
      activityScheduleToStartP50Ms: lat.actWait.p50,
      activityScheduleToStartP99Ms: lat.actWait.p99,
      activityStartToCompleteP50Ms: lat.actRun.p50,
      activityStartToCompleteP99Ms: lat.actRun.p99,
      historiesSampled: sample.length,
      machineBusyPercent: machine,
    },
    limitedBy:
      `busiest: ${top.role} ${top.percent}% of a core; ${machineText(machine, cpu)} ` +
      `(${formatCpu(cpu)}; waiting, runnable, for a CPU: ${formatCpu(cpuWait)}); ${verdict}`,
    notes: [
      ...[...failures].map(([why, k]) => `failed: ${why} ×${k}`),
      `polling every ${POLL_MS} ms per client adds GET load on the API (part of the measured work)`,
    ],
  };
};
