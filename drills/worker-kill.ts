/**
 * Drill 1: `kill -9` the worker while cases are mid-flight — some being answered, some with their overdue timer
 * firing, some just started — then let npm start restart it. Every case must reach its state, with no
 * transition, grant or mail twice.
 */
import { answerCase, kindOf, startDrillCase, summaryLine, verifyCases, type DrillCase } from './cases';
import { signal, sleep, waitFor, workerPids, type Stack } from './stack';

export interface WorkerKillOptions {
  cases: number;
  /** how long after the answers begin the worker is killed */
  killAfterMs: number;
  timeoutMs: number;
  /** kills the worker (default: SIGKILL to this stack's worker processes) and says what it killed */
  kill?: () => Promise<string>;
}

async function pool<T>(n: number, items: T[], fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export async function workerKillDrill(
  stack: Stack,
  o: WorkerKillOptions,
): Promise<{ line: string; ok: boolean }> {
  const run = `wk-${Date.now().toString(36)}`;
  const t0 = Date.now();
  const cases: DrillCase[] = [];
  await pool(8, [...Array(o.cases).keys()], async (i) => {
    cases.push(await startDrillCase(stack, run, i, kindOf(i)));
  });
  const kill =
    o.kill ??
    (async () => {
      const pids = workerPids(stack);
      signal(pids, 'SIGKILL');
      return `pids ${pids.join(',') || 'none found'}`;
    });
  const answers = pool(
    20,
    cases.filter((c) => c.kind === 'answer'),
    async (c) => {
      if ((await answerCase(stack, c.id)) === 'failed') process.stderr.write(`answer ${c.id} failed\n`);
    },
  );
  await sleep(o.killAfterMs);
  const killed = await kill();
  process.stderr.write(
    `killed the worker (${killed}) ${((Date.now() - t0) / 1000).toFixed(1)} s into the drill\n`,
  );
  await answers;
  const final = await waitFor(
    async () => {
      const v = await verifyCases(stack, cases);
      return v.lost === 0 && v.mailsPending === 0 && v.mailsDelivered === v.mailsExpected ? v : undefined;
    },
    o.timeoutMs,
    3_000,
  );
  const v = final ?? (await verifyCases(stack, cases));
  const ok = v.lost === 0 && v.duplicated === 0 && v.mailsDelivered === v.mailsExpected;
  if (!ok) for (const p of v.problems) process.stderr.write(`  ${p}\n`);
  return {
    ok,
    line: summaryLine('worker-kill', v, {
      answered: cases.filter((c) => c.kind === 'answer').length,
      overdue_timers: cases.filter((c) => c.kind === 'overdue').length,
      seconds: Math.round((Date.now() - t0) / 1000),
    }),
  };
}
