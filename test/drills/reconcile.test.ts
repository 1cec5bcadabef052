/**
 * Drill 4's reconciliation as a test: a case row that lags its workflow (a projection write lost or still
 * retrying) is reported, repaired from the workflow's state with an audit entry, and a second run finds
 * nothing; the operator command prints the same and exits 1 while drift remains.
 */
import { reconcileCases } from '../../core/cases/reconcile';
import { runCli } from '../../cli';
import { answerCase, startDrillCase, type DrillCase } from '../../drills/cases';
import { waitFor } from '../../drills/stack';
import { terminateCases } from '../support/cases';
import { drillTestStack, type DrillTestStack } from './drill-stack';

jest.setTimeout(90_000);

let t: DrillTestStack;
const cases: DrillCase[] = [];
beforeAll(async () => {
  t = await drillTestStack();
  cases.push(await startDrillCase(t.stack, 'rc', 0, 'answer'));
  cases.push(await startDrillCase(t.stack, 'rc', 1, 'overdue'));
  cases.push(await startDrillCase(t.stack, 'rc', 2, 'open'));
  expect(await answerCase(t.stack, cases[0].id, 30_000)).toBe('answered');
  const settled = await waitFor(
    async () => {
      const rows = await t.stack.db.case.findMany({ where: { id: { in: cases.map((c) => c.id) } } });
      const ok =
        rows.some((r) => r.id === cases[0].id && r.status === 'CLOSED') &&
        rows.some((r) => r.id === cases[1].id && r.overdue) &&
        rows.some((r) => r.id === cases[2].id && r.calendarVersion !== '');
      return ok ? true : undefined;
    },
    40_000,
    300,
  );
  expect(settled).toBe(true);
});
afterAll(async () => {
  await terminateCases(
    t.stack.temporal,
    cases.map((c) => c.id),
  );
  await t.close();
});

const deps = () => ({ db: t.stack.db, temporal: t.stack.temporal });
const ids = () => cases.map((c) => c.id);

test('rows that agree with their workflows: nothing to report', async () => {
  const r = await reconcileCases(deps(), { caseIds: ids() });
  expect(r).toMatchObject({ checked: 3, agreeing: 3, lagging: 0, drifts: [] });
});

test('a lagging row is reported, repaired once with an audit entry, and then agrees', async () => {
  const [answered, overdue] = cases;
  const dueAt = (await t.stack.db.case.findUniqueOrThrow({ where: { id: overdue.id } })).dueAt;
  // what a lost projection write leaves: the answer and the breach not on the rows
  await t.stack.db.case.update({
    where: { id: answered.id },
    data: { status: 'OPEN', stage: 'awaiting_answer', outcome: null, closedAt: null },
  });
  await t.stack.db.case.update({
    where: { id: overdue.id },
    data: { overdue: false, overdueAt: null, dueAt: new Date(dueAt.getTime() + 86_400_000) },
  });

  const report = await reconcileCases(deps(), { caseIds: ids() });
  expect(report).toMatchObject({ checked: 3, agreeing: 1, lagging: 2, repaired: 0 });
  const byId = new Map(report.drifts.map((d) => [d.caseId, d]));
  expect(byId.get(answered.id)?.fields).toMatchObject({
    status: { row: 'OPEN', workflow: 'CLOSED' },
    stage: { row: 'awaiting_answer', workflow: 'approved' },
  });
  expect(Object.keys(byId.get(overdue.id)?.fields ?? {}).sort()).toEqual(['dueAt', 'overdue', 'overdueAt']);

  const cli = await runCli(['reconcile', '--case', answered.id], {
    DATABASE_URL: t.stack.databaseUrl,
    TEMPORAL_ADDRESS: t.stack.temporalAddress,
  });
  expect(cli.code).toBe(1);
  expect(JSON.parse(cli.stdout)).toMatchObject({ checked: 1, lagging: 1, repaired: 0 });

  const repair = await reconcileCases(deps(), { caseIds: ids(), repair: true, actor: 'test' });
  expect(repair).toMatchObject({ lagging: 2, repaired: 2 });
  const row = await t.stack.db.case.findUniqueOrThrow({ where: { id: answered.id } });
  expect(row).toMatchObject({ status: 'CLOSED', stage: 'approved', outcome: 'approved' });
  expect(row.closedAt).not.toBeNull();
  expect((await t.stack.db.case.findUniqueOrThrow({ where: { id: overdue.id } })).dueAt).toEqual(dueAt);
  const audit = await t.stack.db.auditLog.findMany({ where: { action: 'case_projection_repaired' } });
  expect(audit.map((a) => a.target).sort()).toEqual([answered.id, overdue.id].sort());

  // idempotent: nothing left, nothing written again
  const again = await runCli(['reconcile', '--case', answered.id, '--case', overdue.id, '--repair'], {
    DATABASE_URL: t.stack.databaseUrl,
    TEMPORAL_ADDRESS: t.stack.temporalAddress,
  });
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ checked: 2, agreeing: 2, repaired: 0 });
  expect(await t.stack.db.auditLog.count({ where: { action: 'case_projection_repaired' } })).toBe(2);
});

test('a row without a workflow, and an id with neither, are reported, not invented', async () => {
  const src = await t.stack.db.case.findUniqueOrThrow({ where: { id: cases[2].id } });
  const orphan = src.id.replace(/\d{3}$/, (d) => String((Number(d) + 500) % 1000).padStart(3, '0'));
  const { id: _id, details, idempotencyKey: _k, clientId: _c, ...rest } = src;
  await t.stack.db.case.create({ data: { ...rest, id: orphan, details: details ?? {} } });
  const r = await reconcileCases(deps(), { caseIds: [orphan, 'GX-2026-999999'], repair: true });
  expect(r.drifts.map((d) => [d.caseId, d.kind]).sort()).toEqual(
    [
      [orphan, 'workflow_missing'],
      ['GX-2026-999999', 'row_missing'],
    ].sort(),
  );
  expect(r.repaired).toBe(0);
});
