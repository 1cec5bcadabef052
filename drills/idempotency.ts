/**
 * Drill 5: the same start request sent N times at once with one Idempotency-Key → one case, one workflow.
 */
import { call, sleep, type Stack } from './stack';

export async function idempotencyDrill(
  stack: Stack,
  o: { requests: number },
): Promise<{ line: string; ok: boolean }> {
  const key = `drill-idem-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const body = { procedure: 'P1', resourceId: 'SB-0003', purpose: '演练：并发重复提交', scope: '参保状态' };
  const results = await Promise.all(
    Array.from({ length: o.requests }, () =>
      call(stack, stack.keys.mzt, 'POST', '/cases', body, { 'Idempotency-Key': key }),
    ),
  );
  const statuses = new Map<number, number>();
  for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const ids = new Set(results.map((r) => (r.body as { id?: string } | undefined)?.id).filter(Boolean));
  const rows = await stack.db.case.findMany({ where: { idempotencyKey: key }, select: { id: true } });
  let workflows = 0;
  // the server's visibility store lags its history by a moment
  await sleep(3_000);
  for (const row of rows) {
    for await (const _ of stack.temporal.workflow.list({ query: `WorkflowId = '${row.id}'` })) workflows++;
  }
  const ok2xx = results.filter((r) => r.status === 200 || r.status === 201).length;
  const ok = ids.size === 1 && rows.length === 1 && workflows === 1 && ok2xx === o.requests;
  const line =
    `drill idempotency: ${ok ? 'PASS' : 'FAIL'} started=${o.requests} completed=${ok2xx} lost=${rows.length === 0 ? 1 : 0} ` +
    `duplicated=${Math.max(0, rows.length - 1) + Math.max(0, workflows - 1)} cases=${rows.length} workflows=${workflows} ` +
    `distinct_ids=${ids.size} statuses=${[...statuses].map(([s, n]) => `${s}x${n}`).join(',')}`;
  return { ok, line };
}
