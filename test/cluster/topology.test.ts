/**
 * The production topology as `npm run start:cluster` runs it (real Temporal server on PostgreSQL, two workers,
 * two API replicas behind the balancer), driven over HTTP like a department system would. If the server
 * executables are not cached yet, the command builds them first (minutes; see README "Production topology").
 *
 * Run on its own: `npx jest test/cluster/topology.test.ts` (starts and stops its own cluster on free ports).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { descendsFrom, launchStartCommand, processTable } from '../../embedded/launch';

const root = path.resolve(__dirname, '..', '..');
const MZT = { authorization: 'Bearer gx_0000000000c2_demo-mzt-local-only' };
const RST = { authorization: 'Bearer gx_0000000000c1_demo-rst-local-only' };
/** a cold build of the Temporal server can take this long on a busy 2-core machine */
const START_TIMEOUT_MS = 28 * 60_000;

let cluster: ChildProcess;
let dataDir: string;
let port: number;
let output: () => string = () => '';
const replicaUrl = (i: number) => `http://127.0.0.1:${port + i}/api/v1`;
const balancerUrl = () => `http://127.0.0.1:${port}/api/v1`;

/** The supervised tsx process and the node process under it that runs `entry`, for the one with PORT=`onPort`. */
function childrenRunning(entry: string): { tsx: number; node: number; port?: number }[] {
  const table = processTable();
  const descends = (pid: number) => descendsFrom(table, pid, cluster.pid ?? -1);
  return [...table]
    .filter(
      ([pid, p]) => p.args.includes(path.join(root, entry)) && p.args.includes('--import') && descends(pid),
    )
    .map(([pid, p]) => {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const portVar = environ.find((e) => e.startsWith('PORT='));
      return { tsx: p.ppid, node: pid, port: portVar ? Number(portVar.slice(5)) : undefined };
    });
}

async function api(
  base: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function startCase(base: string, key: string): Promise<string> {
  const res = await api(
    base,
    'POST',
    '/cases',
    { ...MZT, 'idempotency-key': key },
    { procedure: 'P1', resourceId: 'SB-0003', purpose: '低保家庭收入核对', scope: '参保状态、缴费基数' },
  );
  expect([res.status, res.body?.code]).toEqual([201, undefined]);
  return res.body.id as string;
}

const approve = { type: 'approve', scope: '参保状态', purpose: '低保家庭收入核对' };
const closedCase = (base: string, id: string) =>
  eventually(async () => {
    const res = await api(base, 'GET', `/cases/${id}`, MZT);
    return res.body?.status === 'CLOSED' ? res.body : undefined;
  }, 120_000);

beforeAll(async () => {
  const launched = await launchStartCommand('embedded/start-cluster.ts', {
    dirPrefix: 'gxcase-cluster-test-',
    timeoutMs: START_TIMEOUT_MS,
  });
  ({ child: cluster, dir: dataDir, port } = launched);
  output = launched.output;
  process.stderr.write(`[cluster test] start:cluster ready after ${launched.readySeconds.toFixed(1)} s\n`);
}, START_TIMEOUT_MS + 10_000);

afterAll(async () => {
  if (cluster?.pid && cluster.exitCode === null) {
    // resume anything a test froze, then stop the way a user does: Ctrl-C
    for (const c of [...childrenRunning('worker.ts'), ...childrenRunning('api/server.ts')]) {
      try {
        process.kill(c.tsx, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    const stopped = Date.now();
    const pid = cluster.pid;
    process.kill(-pid, 'SIGINT');
    // stopped means the whole process group is gone (the tsx front process leaves before its children do)
    const groupAlive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (groupAlive() && Date.now() - stopped < 60_000) await new Promise((r) => setTimeout(r, 200));
    process.stderr.write(`[cluster test] stopped in ${((Date.now() - stopped) / 1000).toFixed(1)} s\n`);
    if (groupAlive()) process.kill(-pid, 'SIGKILL');
    cluster.stdout?.destroy();
    cluster.stderr?.destroy();
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 90_000);

test('two workers and two API replicas run, and every endpoint answers ready', async () => {
  expect(childrenRunning('worker.ts')).toHaveLength(2);
  expect(
    childrenRunning('api/server.ts')
      .map((c) => c.port)
      .sort(),
  ).toEqual([port + 1, port + 2]);
  for (const url of [
    `http://127.0.0.1:${port}`,
    `http://127.0.0.1:${port + 1}`,
    `http://127.0.0.1:${port + 2}`,
  ]) {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }
  expect(output()).toMatch(/Temporal server 127\.0\.0\.1:\d+ on PostgreSQL/);
});

test('cases started through one API replica are answered through the other and close', async () => {
  const ids = [];
  for (let i = 0; i < 4; i += 1) ids.push(await startCase(replicaUrl(1), `cluster-a-${i}`));
  for (const id of ids) {
    const queued = await eventually(async () => {
      const res = await api(replicaUrl(2), 'GET', `/cases/${id}`, RST);
      return res.body?.stage === 'awaiting_answer' ? res.body : undefined;
    }, 60_000);
    expect(queued.id).toBe(id);
    const answered = await api(replicaUrl(2), 'POST', `/cases/${id}/actions`, RST, approve);
    expect([answered.status, answered.body?.stage]).toEqual([200, 'approved']);
  }
  for (const id of ids) expect(await closedCase(balancerUrl(), id)).toMatchObject({ stage: 'approved' });
});

test('a worker killed mid-flight: the other worker finishes every case', async () => {
  const ids = [];
  for (let i = 0; i < 6; i += 1) ids.push(await startCase(balancerUrl(), `cluster-kill-${i}`));
  // freeze the supervisor's tsx process so the dead worker is not restarted, then kill the worker itself
  const [victim] = childrenRunning('worker.ts');
  process.kill(victim.tsx, 'SIGSTOP');
  process.kill(victim.node, 'SIGKILL');
  for (const id of ids) {
    await eventually(async () => {
      const res = await api(balancerUrl(), 'POST', `/cases/${id}/actions`, RST, approve);
      return res.status === 200 ? res : undefined;
    }, 120_000);
  }
  for (const id of ids) expect(await closedCase(balancerUrl(), id)).toMatchObject({ stage: 'approved' });
  process.kill(victim.tsx, 'SIGCONT'); // the supervisor now sees the exit and starts a new worker
});

test('one API replica stopped: the balancer keeps serving through the other', async () => {
  const [gone] = childrenRunning('api/server.ts');
  process.kill(gone.tsx, 'SIGSTOP');
  process.kill(gone.node, 'SIGKILL');
  for (let i = 0; i < 10; i += 1) {
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  }
  const id = await startCase(balancerUrl(), 'cluster-one-replica');
  const res = await api(balancerUrl(), 'GET', `/cases/${id}`, MZT);
  expect(res.status).toBe(200);
  process.kill(gone.tsx, 'SIGCONT');
});
