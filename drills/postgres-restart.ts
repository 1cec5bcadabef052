/**
 * Drill 4: Postgres stopped (fast shutdown of the postmaster) and started again by npm start's supervision.
 * Meanwhile department clients keep calling: every answer must be 2xx or a 503 problem+json — never a hang,
 * never a 500. Afterwards the read model must agree with Temporal case by case; the drill runs the operator's
 * reconciliation (core/cases/reconcile.ts, `cli.ts reconcile --repair`) and reports what it found.
 */
import { reconcileCases } from '../core/cases/reconcile';
import { answerCase, kindOf, startDrillCase, summaryLine, verifyCases, type DrillCase } from './cases';
import {
  call,
  percentile,
  postmasterPid,
  signal,
  sleep,
  waitFor,
  type HttpResult,
  type Stack,
} from './stack';

export async function postgresDrill(
  stack: Stack,
  o: { cases: number; probes: number },
): Promise<{ line: string; ok: boolean }> {
  const run = `pg-${Date.now().toString(36)}`;
  const cases: DrillCase[] = [];
  for (let i = 0; i < o.cases; i++) cases.push(await startDrillCase(stack, run, i, kindOf(i)));
  const pid = postmasterPid(stack);
  if (!pid)
    throw new Error(`no postmaster.pid under ${stack.dataDir}/postgres (npm start's embedded Postgres?)`);

  const seen: HttpResult[] = [];
  let probing = true;
  const probe = async (i: number) => {
    let n = 0;
    while (probing) {
      const target = cases[(i + n++) % cases.length];
      const r =
        n % 3 === 0
          ? await call(stack, stack.keys.mzt, 'GET', `/cases?limit=5`, undefined, {}, 20_000)
          : n % 3 === 1
            ? await call(stack, stack.keys.mzt, 'GET', `/cases/${target.id}`, undefined, {}, 20_000)
            : await call(
                stack,
                stack.keys.mzt,
                'POST',
                '/cases',
                { procedure: 'P1', resourceId: 'SB-0003', purpose: `演练 ${run}`, scope: '参保状态' },
                { 'Idempotency-Key': `${run}-probe-${i}-${n}` },
                20_000,
              );
      seen.push(r);
      await sleep(200);
    }
  };
  const probes = Array.from({ length: o.probes }, (_, i) => probe(i));
  // answers in flight when the database goes: their projection writes must be retried or reconciled
  const answering = Promise.all(cases.filter((c) => c.kind === 'answer').map((c) => answerCase(stack, c.id)));
  await sleep(300);
  const stoppedAt = Date.now();
  signal([pid], 'SIGINT');
  process.stderr.write(`stopped PostgreSQL (pid ${pid})\n`);
  const back = await waitFor(
    async () => {
      const r = await fetch(stack.api.replace(/\/api\/v1$/, '') + '/readyz', {
        signal: AbortSignal.timeout(5_000),
      });
      return r.status === 200 && Date.now() - stoppedAt > 2_000 ? Date.now() : undefined;
    },
    180_000,
    500,
  );
  const outage = Math.round(((back ?? Date.now()) - stoppedAt) / 1000);
  await sleep(3_000);
  probing = false;
  await Promise.all(probes);
  await answering;
  // right after the outage: what the operator's command finds and repairs
  const recon = await reconcileCases(
    { db: stack.db, temporal: stack.temporal },
    { caseIds: cases.map((c) => c.id), repair: true, actor: 'drill' },
  );
  const final = await waitFor(
    async () => {
      const v = await verifyCases(stack, cases);
      return v.lost === 0 && v.mailsPending === 0 && v.mailsDelivered === v.mailsExpected ? v : undefined;
    },
    300_000,
    3_000,
  );
  const v = final ?? (await verifyCases(stack, cases));
  const ok2 = seen.filter((r) => r.status >= 200 && r.status < 300).length;
  const problem503 = seen.filter(
    (r) => r.status === 503 && r.contentType.includes('application/problem+json'),
  ).length;
  const other5xx = seen.filter(
    (r) => r.status >= 500 && !(r.status === 503 && r.contentType.includes('problem+json')),
  ).length;
  const hangs = seen.filter((r) => r.status === 0).length;
  const other4xx = seen.filter((r) => r.status >= 400 && r.status < 500).length;
  for (const r of seen.filter((x) => x.status >= 500 && x.status !== 503).slice(0, 3))
    process.stderr.write(`  ${r.status} ${r.contentType} ${JSON.stringify(r.body).slice(0, 300)}\n`);
  const afterReady = seen.filter((r) => back && r.at > back);
  process.stderr.write(
    `after /readyz was 200 again: ${afterReady.length} requests, ` +
      `${afterReady.filter((r) => r.status === 503).length} of them 503 ` +
      `(${afterReady
        .filter((r) => r.status === 503)
        .map((r) => (r.body as { code?: string })?.code)
        .join(',')})\n`,
  );
  const ok = v.lost === 0 && v.duplicated === 0 && other5xx === 0 && hangs === 0 && v.disagreeing === 0;
  if (!ok) for (const p of v.problems) process.stderr.write(`  ${p}\n`);
  return {
    ok,
    line: summaryLine('postgres-restart', v, {
      outage_s: outage,
      requests: seen.length,
      ok_2xx: ok2,
      problem_503: problem503,
      other_5xx: other5xx,
      hangs,
      other_4xx: other4xx,
      max_ms: Math.max(0, ...seen.map((r) => r.ms)),
      p99_ms: percentile(
        seen.map((r) => r.ms),
        99,
      ),
      reconcile_lagging: recon.lagging,
      reconcile_repaired: recon.repaired,
      disagreeing_after: v.disagreeing,
    }),
  };
}
