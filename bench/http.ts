/**
 * Small helpers the flow figures share: one timed API call (never throws, so a timeout is a counted result),
 * percentiles, a fixed number of concurrent clients working through a list, and per-client API keys (the API
 * limits requests per client and minute, so each simulated department system gets its own key, as in the load
 * drill).
 */
import fs from 'node:fs';
import os from 'node:os';
import { measureCpu } from './cpu';
import type { RunningTopology } from './topology';

export interface TimedResult {
  status: number;
  ms: number;
  body: unknown;
  /** set when no answer came (timeout, reset) */
  error?: string;
}

/** One API call with a bearer key, timed from send to the last byte of the answer. */
export async function timedRequest(
  apiBase: string,
  key: string,
  method: string,
  url: string,
  o: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<TimedResult> {
  const t = performance.now();
  try {
    const res = await fetch(apiBase + url, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...o.headers,
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, ms: performance.now() - t, body };
  } catch (e) {
    return { status: 0, ms: performance.now() - t, body: undefined, error: String(e) };
  }
}

/** Nearest-rank percentile, rounded to 0.1 (0 for no samples). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const v = s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return Math.round(v * 10) / 10;
}

/** Runs `work(i, client)` for i = 0..n-1 on `clients` concurrent loops (client = the loop's number). */
export async function runConcurrently(
  n: number,
  clients: number,
  work: (i: number, client: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(clients, n) }, async (_, client) => {
      for (let i = next++; i < n; i = next++) await work(i, client);
    }),
  );
}

/** A new department client with its own key (POST /clients by the administrator). */
export async function newDepartmentKey(
  apiBase: string,
  adminKey: string,
  name: string,
  departmentId: string,
): Promise<string> {
  const r = await timedRequest(apiBase, adminKey, 'POST', '/clients', {
    body: { name, role: 'DEPARTMENT', departmentId },
  });
  const secret = (r.body as { key?: { secret?: string } } | undefined)?.key?.secret;
  if (r.status !== 201 || !secret) {
    throw new Error(`creating client ${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }
  return secret;
}

/** `n` keys of one department, made one after another (before any timing starts). */
export async function departmentKeys(
  apiBase: string,
  adminKey: string,
  prefix: string,
  departmentId: string,
  n: number,
): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++)
    keys.push(await newDepartmentKey(apiBase, adminKey, `${prefix}-${i}`, departmentId));
  return keys;
}

/** The P1 request a department system sends (民政厅 asking 人社厅 for SB-0003, as the load drill does). */
export function p1Body(run: string): Record<string, string> {
  return { procedure: 'P1', resourceId: 'SB-0003', purpose: `基准测试 ${run}`, scope: '参保状态' };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (at most `maxMs`) until the topology's workers use under 10 % of a core over a second: the cases a
 * phase started are processed, so the next phase does not pay for them.
 */
export async function waitForQuietWorkers(t: RunningTopology, maxMs = 90_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const cpuOf = measureCpu(t);
    await sleep(1_000);
    if ((cpuOf().worker ?? 0) < 10) return;
  }
}

/** A Temporal history event's time in ms since the epoch (protobuf Timestamp: Long seconds + nanos). */
export function eventMs(e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number {
  return Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
}

/** CPU by role as text, busiest first: "api 95%, worker 40%, …". */
export function formatCpu(cpu: Partial<Record<string, number>>): string {
  return Object.entries(cpu)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([role, pct]) => `${role} ${pct}%`)
    .join(', ');
}

/** ns each thread of a process has waited, runnable, for a CPU (/proc/<pid>/task/<tid>/schedstat, field 2) */
function runDelayNs(pid: number, into: Map<number, number>): void {
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      into.set(
        Number(tid),
        Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]),
      );
    }
  } catch {
    // exited meanwhile
  }
}

/**
 * Like measureCpu, but the time each role's threads were ready to run and waited for a CPU (% of one core over
 * the window, summed over threads): on a shared 2-core machine, a component with modest CPU and a high wait is
 * starved, not idle. Threads that ended during the window are left out.
 */
export function measureCpuWait(t: RunningTopology): () => Partial<Record<string, number>> {
  const t0 = Date.now();
  const before = new Map<number, number>();
  for (const pids of t.processes().values()) for (const pid of pids) runDelayNs(pid, before);
  return () => {
    const ns = (Date.now() - t0) * 1e6;
    const out: Partial<Record<string, number>> = {};
    for (const [role, pids] of t.processes()) {
      const now = new Map<number, number>();
      for (const pid of pids) runDelayNs(pid, now);
      const waited = [...now].reduce((n, [tid, v]) => n + v - (before.get(tid) ?? 0), 0);
      out[role] = Math.round((waited / ns) * 100);
    }
    return out;
  };
}

/** busy and total jiffies of all CPUs (/proc/stat) */
function machineTicks(): { busy: number; total: number } {
  const xs = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = xs.reduce((a, b) => a + b, 0);
  return { busy: total - xs[3] - xs[4], total }; // idle and iowait are not busy
}

/** Starts measuring the whole machine; the returned function gives its busy share (% of all cores). */
export function measureMachineCpu(): () => number {
  const a = machineTicks();
  return () => {
    const b = machineTicks();
    return Math.round(((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100);
  };
}

/** "machine 97 % busy (saturated), this topology 60 % of one core of 200 %": others' load shows as the gap. */
export function machineText(machinePercent: number, cpu: Partial<Record<string, number>>): string {
  const cores = os.cpus().length;
  const ours = Object.values(cpu).reduce<number>((n, v) => n + (v ?? 0), 0);
  return (
    `machine ${machinePercent}% busy${machinePercent >= 85 ? ' (saturated)' : ''}, ` +
    `this topology ${ours}% of one core of ${cores * 100}%`
  );
}

/**
 * Runs `n` timed calls on `concurrency` loops (a call returns its ms, or undefined when it failed): calls per
 * second, p50/p99, and CPU, CPU wait and machine load over the phase.
 */
export async function timedPhase(
  t: RunningTopology,
  n: number,
  concurrency: number,
  one: (i: number, client: number) => Promise<number | undefined>,
) {
  const ms: number[] = [];
  let failed = 0;
  const cpuOf = measureCpu(t);
  const waitOf = measureCpuWait(t);
  const machineOf = measureMachineCpu();
  const t0 = performance.now();
  await runConcurrently(n, concurrency, async (i, client) => {
    const took = await one(i, client);
    if (took === undefined) failed++;
    else ms.push(took);
  });
  const seconds = (performance.now() - t0) / 1000;
  const [p50, p99] = [percentile(ms, 50), percentile(ms, 99)];
  return {
    perSecond: Math.round((ms.length / seconds) * 10) / 10,
    p50,
    p99,
    failed,
    cpu: cpuOf(),
    cpuWait: waitOf(),
    machine: machineOf(),
  };
}
