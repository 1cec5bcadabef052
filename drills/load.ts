/**
 * Load: `clients` department systems at once, each with its own API key (the rate limit counts per client),
 * starting a case, reading it, and having the providing department (its own key too) find and answer it, for
 * `minutes`. Afterwards: no 5xx, and every case a client was told about exists in Postgres and in Temporal,
 * in agreement (reconciliation case by case). Latencies by request.
 */
import { reconcileCases } from '../core/cases/reconcile';
import { call, percentile, sleep, waitFor, type HttpResult, type Stack } from './stack';

async function newClient(stack: Stack, name: string, departmentId: string): Promise<string> {
  const r = await call(stack, stack.keys.admin, 'POST', '/clients', {
    name,
    role: 'DEPARTMENT',
    departmentId,
  });
  const secret = (r.body as { key?: { secret?: string } } | undefined)?.key?.secret;
  if (r.status !== 201 || !secret)
    throw new Error(`creating client ${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return secret;
}

export async function loadDrill(
  stack: Stack,
  o: { clients: number; minutes: number; thinkMs: number },
): Promise<{ line: string; ok: boolean }> {
  const run = `load-${Date.now().toString(36)}`;
  const consumers: string[] = [];
  const providers: string[] = [];
  for (let i = 0; i < o.clients; i++) {
    consumers.push(await newClient(stack, `${run}-mzt-${i}`, 'NMG-MZT'));
    providers.push(await newClient(stack, `${run}-rst-${i}`, 'NMG-RST'));
  }
  const results: (HttpResult & { op: string })[] = [];
  const started = new Set<string>();
  const answered = new Set<string>();
  const end = Date.now() + o.minutes * 60_000;
  const think = () => sleep(o.thinkMs * (0.5 + Math.random()));
  const record = (op: string, r: HttpResult) => (results.push({ ...r, op }), r);
  const loop = async (i: number) => {
    await sleep(Math.random() * o.thinkMs); // spread the first requests
    let n = 0;
    while (Date.now() < end) {
      n++;
      const s = record(
        'start',
        await call(
          stack,
          consumers[i],
          'POST',
          '/cases',
          { procedure: 'P1', resourceId: 'SB-0003', purpose: `负载演练 ${run}`, scope: '参保状态' },
          { 'Idempotency-Key': `${run}-${i}-${n}` },
        ),
      );
      const id = (s.body as { id?: string } | undefined)?.id;
      if (!id) {
        await think();
        continue;
      }
      started.add(id);
      await think();
      record('read', await call(stack, consumers[i], 'GET', `/cases/${id}`));
      await think();
      record('list', await call(stack, providers[i], 'GET', '/cases?status=OPEN&limit=20'));
      await think();
      const a = record(
        'answer',
        await call(
          stack,
          providers[i],
          'POST',
          `/cases/${id}/actions`,
          { type: 'approve', scope: '参保状态', purpose: '负载演练' },
          {},
          60_000,
        ),
      );
      if (a.status === 200) answered.add(id);
      await think();
    }
  };
  await Promise.all(Array.from({ length: o.clients }, (_, i) => loop(i)));
  const ids = [...started];
  // answers are recorded by the workflow's projection: let the last ones land, then compare case by case
  let disagree = -1;
  let missing = 0;
  await waitFor(
    async () => {
      const rec = await reconcileCases(
        { db: stack.db, temporal: stack.temporal },
        { caseIds: ids, concurrency: 4 },
      );
      disagree = rec.drifts.length;
      missing = rec.rowMissing + rec.workflowMissing;
      return disagree === 0 ? true : undefined;
    },
    120_000,
    5_000,
  );
  const closed = await stack.db.case.count({ where: { id: { in: [...answered] }, status: 'CLOSED' } });
  const grants = await stack.db.grant.groupBy({
    by: ['caseId'],
    where: { caseId: { in: ids } },
    _count: true,
  });
  const duplicated = grants.filter((g) => g._count > 1).length;
  const s5xx = results.filter((r) => r.status >= 500).length;
  // which 5xx: the problem code says whether the database, Temporal or our code gave up
  const codes = new Map<string, number>();
  for (const r of results.filter((x) => x.status >= 500)) {
    const k = `${r.status}:${(r.body as { code?: string } | undefined)?.code ?? '?'}`;
    codes.set(k, (codes.get(k) ?? 0) + 1);
  }
  const codesText = [...codes].map(([k, v]) => `${k}x${v}`).join(',') || 'none';
  // no answer within the client's 60 s: counted apart from the server's 5xx, and failing the drill too
  const timeouts = results.filter((r) => r.status === 0).length;
  const s4xx = results.filter((r) => r.status >= 400 && r.status < 500).length;
  const ms = results.map((r) => r.ms);
  const byOp = (op: string) => {
    const xs = results.filter((r) => r.op === op).map((r) => r.ms);
    return `${op}_p50/p99=${percentile(xs, 50)}/${percentile(xs, 99)}ms`;
  };
  const lost = missing + (answered.size - closed);
  const ok = s5xx === 0 && timeouts === 0 && lost === 0 && disagree === 0 && duplicated === 0;
  return {
    ok,
    line:
      `drill load: ${ok ? 'PASS' : 'FAIL'} clients=${o.clients} minutes=${o.minutes} requests=${results.length} ` +
      `rps=${(results.length / (o.minutes * 60)).toFixed(1)} started=${ids.length} completed=${closed} lost=${lost} duplicated=${duplicated} grants=${grants.length} ` +
      `5xx=${s5xx} 5xx_codes=${codesText} timeouts=${timeouts} 4xx=${s4xx} disagreeing=${disagree} p50=${percentile(ms, 50)}ms p99=${percentile(ms, 99)}ms ` +
      ['start', 'read', 'list', 'answer'].map(byOp).join(' '),
  };
}
