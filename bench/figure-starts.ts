/**
 * Figure 1: case starts/s through `POST /cases` against raw Temporal client starts of the same workflow with the
 * same arguments and concurrency: the API's overhead as a ratio (goal ≥ 0.8). Raw starts go to a task queue no
 * worker polls (so they never touch case rows) and are terminated afterwards. Where an API start's time goes, read
 * from outside: CPU per role, a raw start's latency (≈ the Temporal part), a split of sampled API starts by
 * their recordedAt and workflow start event, and the app database's backends sampled during the API phase.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { Client as PgClient } from 'pg';
import { busiest } from './cpu';
import type { Figure } from './figure';
import {
  departmentKeys,
  eventMs,
  formatCpu,
  machineText,
  p1Body,
  percentile,
  runConcurrently,
  timedPhase,
  timedRequest,
  waitForQuietWorkers,
} from './http';
import type { RunningTopology } from './topology';

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Samples what the app database's backends are doing every 50 ms; the returned function stops and averages. */
async function sampleBackends(databaseUrl: string) {
  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  const counts = { samples: 0, lock: 0, idleInTx: 0, active: 0 };
  const lockKinds = new Map<string, number>(); // advisory (key, audit chain), transactionid/tuple (a row)
  let done = false;
  const loop = (async () => {
    while (!done) {
      const r = await pg.query<{ state: string | null; wait: string | null; kind: string | null }>(
        `SELECT state, wait_event_type AS wait, wait_event AS kind FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      counts.samples++;
      for (const row of r.rows) {
        if (row.wait === 'Lock') counts.lock++;
        if (row.wait === 'Lock') lockKinds.set(row.kind ?? '?', (lockKinds.get(row.kind ?? '?') ?? 0) + 1);
        else if (row.state === 'idle in transaction') counts.idleInTx++;
        else if (row.state === 'active') counts.active++;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return async () => {
    done = true;
    await loop;
    await pg.end();
    const avg = (x: number) => round(x / Math.max(1, counts.samples));
    const kinds = [...lockKinds]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${Math.round((v / counts.lock) * 100)}%`);
    return {
      waitingOnLock: avg(counts.lock),
      lockKinds: kinds.join(', ') || 'none',
      idleInTransaction: avg(counts.idleInTx),
      running: avg(counts.active),
    };
  };
}

interface ApiStart {
  id: string;
  sentAt: number;
  doneAt: number;
  recordedAt: number;
}

/**
 * Where a sample of API starts spent their time, by three instants read from outside: the request sent, the
 * case's recordedAt (taken just before its transaction), the workflow's start event, the answer received.
 */
async function breakdown(t: RunningTopology, starts: ApiStart[], sample = 30) {
  const picked = starts.filter((_, i) => i % Math.max(1, Math.floor(starts.length / sample)) === 0);
  const before: number[] = [];
  const txAndStart: number[] = [];
  const after: number[] = [];
  for (const s of picked) {
    const history = await t.temporal.workflow.getHandle(s.id).fetchHistory();
    const startedAt = eventMs(history.events?.[0] ?? {});
    before.push(s.recordedAt - s.sentAt);
    txAndStart.push(startedAt - s.recordedAt);
    after.push(s.doneAt - startedAt);
  }
  return {
    before: percentile(before, 50),
    txAndStart: percentile(txAndStart, 50),
    after: percentile(after, 50),
  };
}

/**
 * Runs `phase` with the topology's workers stopped (SIGSTOP) and lets them go on after it (SIGCONT): API starts
 * then cost what a raw start costs plus the API's own work, without the worker running the cases on the same
 * cores. Temporal keeps the tasks; a task handed to a stopped poller times out and is handed out again.
 */
async function withWorkersPaused<T>(t: RunningTopology, phase: () => Promise<T>): Promise<T> {
  const pids = t.processes().get('worker') ?? [];
  const signal = (name: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, name);
      } catch {
        // gone already: nothing to stop or continue
      }
    }
  };
  signal('SIGSTOP');
  try {
    return await phase();
  } finally {
    signal('SIGCONT');
  }
}

export const startsFigure: Figure = async (t, sizes, say) => {
  const run = `starts-${t.name}-${Date.now().toString(36)}`;
  const n = sizes.starts;
  const concurrency = sizes.concurrency;
  // each simulated department system has its own key: the per-client rate limit is not what is measured
  const keys = await departmentKeys(t.apiBase, t.keys.admin, `bench-${run}`, 'NMG-MZT', concurrency);
  const startCase = (key: string, idem: string) =>
    timedRequest(t.apiBase, key, 'POST', '/cases', {
      body: p1Body(run),
      headers: { 'Idempotency-Key': idem },
    });

  // one start first (warms the API up), whose workflow's arguments the raw starts reuse
  const warm = await startCase(keys[0], `${run}-warm`);
  const warmId = (warm.body as { id?: string } | undefined)?.id;
  if (warm.status !== 201 || !warmId)
    throw new Error(`warm-up start: HTTP ${warm.status} ${JSON.stringify(warm.body)}`);
  const history = await t.temporal.workflow.getHandle(warmId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const args = (started?.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
  const memo = Object.fromEntries(
    Object.entries(started?.memo?.fields ?? {}).map(([k, p]) => [k, defaultPayloadConverter.fromPayload(p)]),
  );
  const workflowType = started?.workflowType?.name ?? 'statutoryCase';
  await waitForQuietWorkers(t);

  say(`figure starts (${t.name}): ${n} API starts, ${concurrency} clients`);
  const backends = await sampleBackends(t.databaseUrl);
  const apiStarts: ApiStart[] = [];
  const api = await timedPhase(t, n, concurrency, async (i, client) => {
    const sentAt = Date.now();
    const r = await startCase(keys[client], `${run}-${i}`);
    const b = r.body as { id?: string; recordedAt?: string } | undefined;
    if (r.status !== 201 || !b?.id) return undefined;
    apiStarts.push({ id: b.id, sentAt, doneAt: Date.now(), recordedAt: Date.parse(b.recordedAt ?? '') });
    return r.ms;
  });
  const db = await backends();
  const parts = await breakdown(t, apiStarts);
  // the worker runs the cases just started; the raw starts are measured once it is done
  await waitForQuietWorkers(t);

  const queue = `bench-raw-${Date.now()}`;
  say(`figure starts (${t.name}): ${n} raw ${workflowType} starts on ${queue}`);
  const rawIds: string[] = [];
  const raw = await timedPhase(t, n, concurrency, async (i) => {
    const t0 = performance.now();
    try {
      const h = await t.temporal.workflow.start(workflowType, {
        workflowId: `${run}-raw-${i}`,
        taskQueue: queue,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo,
        args,
      });
      rawIds.push(h.workflowId);
      return performance.now() - t0;
    } catch {
      return undefined;
    }
  });
  const terminate = (id: string) =>
    t.temporal.workflow
      .getHandle(id)
      .terminate('bench')
      .catch(() => undefined);
  await runConcurrently(rawIds.length, concurrency, (i) => terminate(rawIds[i]).then(() => undefined));

  // the same API starts with the workers paused: the API's own overhead against the raw starts, like for like
  await waitForQuietWorkers(t);
  say(`figure starts (${t.name}): ${n} API starts with the workers paused`);
  const alone = await withWorkersPaused(t, () =>
    timedPhase(t, n, concurrency, async (i, client) => {
      const r = await startCase(keys[client], `${run}-alone-${i}`);
      return r.status === 201 ? r.ms : undefined;
    }),
  );
  await waitForQuietWorkers(t);

  const ratioOf = (x: number) => (raw.perSecond > 0 ? round(x / raw.perSecond, 2) : 0);
  const ratio = ratioOf(alone.perSecond);
  const ratioWithWorkers = ratioOf(api.perSecond);
  const top = busiest(api.cpu);
  return {
    figure: '1 starts',
    values: {
      apiStartsPerSecondWorkersPaused: alone.perSecond,
      apiWorkersPausedP50Ms: alone.p50,
      apiWorkersPausedP99Ms: alone.p99,
      apiWorkersPausedFailed: alone.failed,
      apiStartsPerSecond: api.perSecond,
      apiP50Ms: api.p50,
      apiP99Ms: api.p99,
      apiFailed: api.failed,
      rawStartsPerSecond: raw.perSecond,
      rawP50Ms: raw.p50,
      rawP99Ms: raw.p99,
      rawFailed: raw.failed,
      ratio,
      ratioWithWorkersRunning: ratioWithWorkers,
      concurrency,
      apiBeforeTransactionP50Ms: parts.before,
      apiTransactionAndTemporalStartP50Ms: parts.txAndStart,
      apiAfterWorkflowStartedP50Ms: parts.after,
      dbBackendsWaitingOnLock: db.waitingOnLock,
      dbLockWaitsBy: db.lockKinds,
      dbBackendsIdleInTransaction: db.idleInTransaction,
      dbBackendsRunning: db.running,
    },
    goal: { text: 'API (workers paused) ≥ 0.8 × raw', met: ratio >= 0.8 },
    limitedBy:
      `API phase: busiest ${top.role} ${top.percent}% of a core; ${machineText(api.machine, api.cpu)} (` +
      `${formatCpu(api.cpu)}; waiting, runnable, for a CPU: ${formatCpu(api.cpuWait)}). A raw start takes p50 ${raw.p50} ms, an API start p50 ${api.p50} ms: ` +
      `~${round(Math.max(0, api.p50 - raw.p50), 0)} ms per start is ours. Of a sampled API start (p50s): ` +
      `${parts.before} ms from request to recordedAt (HTTP, key check, rate limit, admission checks), ` +
      `${parts.txAndStart} ms from there to the workflow's start event (case transaction, Temporal start request), ` +
      `${parts.after} ms from there to the answer (Temporal persisting and answering, reading the case view, HTTP). ` +
      `App DB backends on average: ${db.waitingOnLock} waiting on a lock (${db.lockKinds}), ${db.idleInTransaction} idle in a transaction ` +
      `(waiting for the API process), ${db.running} running.`,
    notes: [
      `raw phase: ${machineText(raw.machine, raw.cpu)}; CPU ${formatCpu(raw.cpu)}; waiting for a CPU: ${formatCpu(raw.cpuWait)}`,
      `API starts with the workers paused: ${alone.perSecond}/s, p50 ${alone.p50} ms (ratio ${ratio}); ${machineText(alone.machine, alone.cpu)}; CPU ${formatCpu(alone.cpu)}`,
      'ratio: API starts with the workers paused against raw starts (neither pays for running the cases); ratioWithWorkersRunning: the first API phase, where the worker runs the started cases on the same 2 cores; the raw phase runs once the worker is quiet, on a queue no worker polls',
    ],
  };
};
