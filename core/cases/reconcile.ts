/**
 * Reconciliation of the read model with the workflows (issue 14): for each case, the workflow's own state
 * (the `state` query) against its Case row. A row that lags — a projection write still retrying after a
 * database outage, or lost — is reported and, with `repair`, brought up to the workflow's state in one
 * transaction with an audit entry. Idempotent: a second run finds nothing to do. Temporal is the source of
 * truth; a row is never moved backwards (a row ahead of its workflow is reported, not touched).
 */
import type { Client } from '@temporalio/client';
import { appendAudit } from '../../audit/log';
import type { Db, Prisma } from '../../prisma/client';
import { WORKFLOW_MESSAGES, type CaseState } from '../../workflows/types';
import { isSdkError } from './sdk-errors';

export interface ReconcileDeps {
  db: Db;
  temporal: { workflow: Pick<Client['workflow'], 'getHandle' | 'list'> };
}

export interface ReconcileOptions {
  /** these cases only; otherwise every open row (and, with `all`, every row) */
  caseIds?: string[];
  all?: boolean;
  repair?: boolean;
  /** also list running workflows and report those without a row (needs the server's visibility) */
  scanWorkflows?: boolean;
  concurrency?: number;
  /** who repairs, for the audit log */
  actor?: string;
}

export type DriftKind = 'lagging' | 'row_ahead' | 'workflow_missing' | 'row_missing' | 'unreachable';

export interface CaseDrift {
  caseId: string;
  kind: DriftKind;
  /** field → row value and workflow value (ISO strings for instants) */
  fields?: Record<string, { row: unknown; workflow: unknown }>;
  repaired?: boolean;
  error?: string;
}

export interface ReconcileReport {
  checked: number;
  agreeing: number;
  lagging: number;
  repaired: number;
  rowAhead: number;
  workflowMissing: number;
  rowMissing: number;
  unreachable: number;
  drifts: CaseDrift[];
}

type Row = Prisma.CaseGetPayload<object>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const sameInstant = (a: Date | null, b: string | undefined) =>
  (a === null && b === undefined) || (a !== null && b !== undefined && a.getTime() === Date.parse(b));

/** The row fields the workflow's state decides, with the value the workflow has where they differ. */
export function differences(row: Row, s: CaseState): Record<string, { row: unknown; workflow: unknown }> {
  const out: Record<string, { row: unknown; workflow: unknown }> = {};
  const put = (k: string, r: unknown, w: unknown) => (out[k] = { row: r, workflow: w });
  if (row.status !== s.status) put('status', row.status, s.status);
  if (row.stage !== s.stage) put('stage', row.stage, s.stage);
  if ((row.outcome ?? undefined) !== s.outcome) put('outcome', row.outcome, s.outcome ?? null);
  if (row.overdue !== s.overdue) put('overdue', row.overdue, s.overdue);
  if (s.overdueAt && !sameInstant(row.overdueAt, s.overdueAt))
    put('overdueAt', iso(row.overdueAt), s.overdueAt);
  if (row.answeredLate !== s.answeredLate) put('answeredLate', row.answeredLate, s.answeredLate);
  if (s.answeredAt && !sameInstant(row.answeredAt, s.answeredAt))
    put('answeredAt', iso(row.answeredAt), s.answeredAt);
  const sch = s.schedule;
  if (sch) {
    if (!sameInstant(row.dueAt, sch.dueAt)) put('dueAt', iso(row.dueAt), sch.dueAt);
    if (row.deadlineDate !== sch.deadline) put('deadlineDate', row.deadlineDate, sch.deadline);
    if (row.calendarVersion !== sch.calendarVersion)
      put('calendarVersion', row.calendarVersion, sch.calendarVersion);
    if (row.provisional !== sch.provisional) put('provisional', row.provisional, sch.provisional);
  }
  return out;
}

function patchOf(row: Row, s: CaseState): Prisma.CaseUpdateInput {
  const sch = s.schedule;
  return {
    status: s.status,
    stage: s.stage,
    outcome: s.outcome ?? null,
    overdue: s.overdue,
    overdueAt: s.overdueAt ? new Date(s.overdueAt) : row.overdueAt,
    answeredLate: s.answeredLate,
    answeredAt: s.answeredAt ? new Date(s.answeredAt) : row.answeredAt,
    // the workflow does not keep the moment it closed: the answer's time is the nearest it knows
    closedAt: s.status === 'CLOSED' ? (row.closedAt ?? new Date(s.answeredAt ?? Date.now())) : row.closedAt,
    ...(sch
      ? {
          dueAt: new Date(sch.dueAt),
          deadlineDate: sch.deadline,
          calendarVersion: sch.calendarVersion,
          provisional: sch.provisional,
        }
      : {}),
  } as Prisma.CaseUpdateInput;
}

async function queryState(deps: ReconcileDeps, caseId: string): Promise<CaseState | 'missing'> {
  try {
    return await deps.temporal.workflow.getHandle(caseId).query<CaseState>(WORKFLOW_MESSAGES.state);
  } catch (e) {
    if (isSdkError(e, 'WorkflowNotFoundError')) return 'missing';
    throw e;
  }
}

async function checkOne(deps: ReconcileDeps, row: Row, opts: ReconcileOptions): Promise<CaseDrift | null> {
  let state: CaseState | 'missing';
  try {
    state = await queryState(deps, row.id);
  } catch (e) {
    return {
      caseId: row.id,
      kind: 'unreachable',
      error: e instanceof Error ? e.message.slice(0, 300) : String(e),
    };
  }
  if (state === 'missing') return { caseId: row.id, kind: 'workflow_missing' };
  const fields = differences(row, state);
  if (Object.keys(fields).length === 0) return null;
  // a row never runs ahead of its workflow; if it seems to, something else is wrong and a person must look
  if (row.status === 'CLOSED' && state.status === 'OPEN')
    return { caseId: row.id, kind: 'row_ahead', fields };
  if (!opts.repair) return { caseId: row.id, kind: 'lagging', fields };
  const repaired = await deps.db.$transaction(async (tx) => {
    // only over the row as read: a projection write that landed meanwhile is newer than this repair
    const n = await tx.case.updateMany({
      where: { id: row.id, updatedAt: row.updatedAt },
      data: patchOf(row, state) as Prisma.CaseUpdateManyMutationInput,
    });
    if (n.count === 0) return false;
    await appendAudit(tx, {
      actor: opts.actor ?? 'reconcile',
      action: 'case_projection_repaired',
      target: row.id,
      data: { fields } as Prisma.InputJsonValue as Record<string, unknown>,
    });
    return true;
  });
  return { caseId: row.id, kind: 'lagging', fields, repaired };
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

export async function reconcileCases(
  deps: ReconcileDeps,
  opts: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const where: Prisma.CaseWhereInput = opts.caseIds
    ? { id: { in: opts.caseIds } }
    : opts.all
      ? {}
      : { status: 'OPEN' };
  const rows = await deps.db.case.findMany({ where, orderBy: { id: 'asc' } });
  const results = await pool(rows, opts.concurrency ?? 8, (row) => checkOne(deps, row, opts));
  const drifts = results.filter((d): d is CaseDrift => d !== null);
  if (opts.caseIds) {
    const seen = new Set(rows.map((r) => r.id));
    for (const id of opts.caseIds) if (!seen.has(id)) drifts.push({ caseId: id, kind: 'row_missing' });
  }
  if (opts.scanWorkflows) {
    const known = new Set(
      (await deps.db.case.findMany({ where: { status: 'OPEN' }, select: { id: true } })).map((r) => r.id),
    );
    const closedRows = new Set<string>();
    for await (const wf of deps.temporal.workflow.list({
      query: `WorkflowType = 'statutoryCase' AND ExecutionStatus = 'Running'`,
    })) {
      if (known.has(wf.workflowId)) continue;
      closedRows.add(wf.workflowId);
    }
    // a running workflow whose row is closed was checked above when its row is open; the rest: no row at all
    if (closedRows.size) {
      const existing = await deps.db.case.findMany({
        where: { id: { in: [...closedRows] } },
        select: { id: true },
      });
      const withRow = new Set(existing.map((r) => r.id));
      for (const id of closedRows)
        if (!withRow.has(id) && !opts.caseIds) drifts.push({ caseId: id, kind: 'row_missing' });
    }
  }
  const count = (k: DriftKind) => drifts.filter((d) => d.kind === k).length;
  return {
    checked: rows.length,
    agreeing: rows.length - results.filter((d) => d !== null).length,
    lagging: count('lagging'),
    repaired: drifts.filter((d) => d.repaired).length,
    rowAhead: count('row_ahead'),
    workflowMissing: count('workflow_missing'),
    rowMissing: count('row_missing'),
    unreachable: count('unreachable'),
    drifts,
  };
}
