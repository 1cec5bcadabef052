/**
 * Reading cases from the Postgres projection: one case (only for its parties, oversight and administrators),
 * its summary and full view (timeline, chain), the list with its filters and (dueAt, id) cursor, and whether
 * a data item is under verification (第二十一条).
 */
import type { Db, Prisma } from '../../prisma/client';
import { codeOfDbEnum, PROCEDURES, type ProcedureCode } from '../../procedures';
import { AccessDenied, type Actor } from '../actor';
import { DomainError } from '../errors';
import { decodeTimeCursor, pageFrom } from '../paging';
import { caseInScope, caseScopeWhere, scopeOf, type Scope } from '../supervision-scope';
import { CASE_ID_PATTERN } from './case-ids';
import { beijingInstant } from '../../calendar/dates';

export type CaseRow = Prisma.CaseGetPayload<object>;

export interface CaseReadDeps {
  db: Db;
}

/** A case id as the system issues them (e.g. GX-2026-000123); anything else names no case. */

/**
 * Not-yours and nonexistent look the same (404), so ids do not leak; the attempt is still audited. Who sees
 * which case is core/supervision-scope.ts: departments their own, 盟市 oversight its 盟市 and 旗县, the region all.
 * `scope`: the actor's, when the caller has already asked for it.
 */
export async function loadVisibleCase(
  deps: CaseReadDeps,
  actor: Actor,
  rawId: string,
  scope?: Scope,
): Promise<CaseRow> {
  const notFound = new DomainError('not_found', 'case_not_found', `案件 ${rawId} 不存在`);
  if (!CASE_ID_PATTERN.test(rawId)) throw notFound;
  const row = await deps.db.case.findUnique({ where: { id: rawId } });
  if (!row) throw notFound;
  if (!caseInScope(scope ?? (await scopeOf(deps.db, actor)), row)) {
    throw new AccessDenied('case of other departments', { caseId: rawId }, notFound);
  }
  return row;
}

export function caseSummary(row: CaseRow) {
  return {
    id: row.id,
    procedure: codeOfDbEnum(row.procedure) ?? row.procedure,
    status: row.status,
    stage: row.stage,
    outcome: row.outcome,
    parties: { requester: row.requesterDepartmentId, responsible: row.responsibleDepartmentId },
    resourceId: row.resourceId,
    receivedAt: beijingInstant(row.receivedAt),
    recordedAt: beijingInstant(row.createdAt),
    backdated: row.backdated,
    backdatedWorkingDays: row.backdatedWorkingDays,
    deadline: row.deadlineDate,
    dueAt: beijingInstant(row.dueAt),
    provisional: row.provisional,
    calendarVersion: row.calendarVersion,
    overdue: row.overdue,
    overdueAt: row.overdueAt ? beijingInstant(row.overdueAt) : null,
    answeredAt: row.answeredAt ? beijingInstant(row.answeredAt) : null,
    answeredLate: row.answeredLate,
    parentCaseId: row.parentCaseId,
    rootCaseId: row.rootCaseId,
    details: row.details,
  };
}

export type CaseSummary = ReturnType<typeof caseSummary>;

/** The summary with the timeline and the chain (P1→P2→P3) as far as the actor may see it. */
export async function caseView(deps: CaseReadDeps, actor: Actor, row: CaseRow, scope?: Scope) {
  const [events, related, s] = await Promise.all([
    deps.db.caseEvent.findMany({ where: { caseId: row.id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    deps.db.case.findMany({
      where: {
        OR: [
          { rootCaseId: row.rootCaseId },
          { parentCaseId: row.id },
          ...(row.parentCaseId ? [{ id: row.parentCaseId }] : []),
        ],
      },
      select: { id: true, requesterDepartmentId: true, responsibleDepartmentId: true },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
    }),
    scope ?? scopeOf(deps.db, actor),
  ]);
  return {
    ...caseSummary(row),
    timeline: events.map((e) => ({ type: e.type, at: beijingInstant(e.at), actor: e.actor, data: e.data })),
    chain: related.filter((c) => caseInScope(s, c)).map((c) => c.id),
  };
}

export type CaseView = Awaited<ReturnType<typeof caseView>>;

/** The full view of a case as stored now (after a start or an action). */
export async function currentCaseView(deps: CaseReadDeps, actor: Actor, caseId: string): Promise<CaseView> {
  return caseView(deps, actor, await deps.db.case.findUniqueOrThrow({ where: { id: caseId } }));
}

export async function getCase(deps: CaseReadDeps, actor: Actor, rawId: string): Promise<CaseView> {
  const scope = await scopeOf(deps.db, actor);
  return caseView(deps, actor, await loadVisibleCase(deps, actor, rawId, scope), scope);
}

export interface CaseListQuery {
  limit: number;
  cursor?: string;
  department?: string;
  procedure?: ProcedureCode;
  status?: CaseRow['status'];
  overdue?: boolean;
  backdated?: boolean;
  /** an instant, or a bare date meaning "due before that Shanghai day begins" */
  dueBefore?: string;
}

/** Cases by due time, those in the actor's scope (a department: those it is party to). */
export async function listCases(deps: CaseReadDeps, actor: Actor, q: CaseListQuery) {
  const and: Prisma.CaseWhereInput[] = [caseScopeWhere(await scopeOf(deps.db, actor))];
  if (q.department) {
    and.push({
      OR: [{ requesterDepartmentId: q.department }, { responsibleDepartmentId: q.department }],
    });
  }
  if (q.procedure) and.push({ procedure: PROCEDURES[q.procedure].dbEnum });
  if (q.status) and.push({ status: q.status });
  if (q.overdue !== undefined) and.push({ overdue: q.overdue });
  if (q.backdated !== undefined) and.push({ backdated: q.backdated });
  if (q.dueBefore) {
    const limit =
      q.dueBefore.length <= 10 ? new Date(`${q.dueBefore}T00:00:00+08:00`) : new Date(q.dueBefore);
    and.push({ dueAt: { lt: limit } });
  }
  if (q.cursor) {
    const { at, id } = decodeTimeCursor(q.cursor);
    and.push({ OR: [{ dueAt: { gt: at } }, { dueAt: at, id: { gt: id } }] });
  }
  const rows = await deps.db.case.findMany({
    where: { AND: and },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: q.limit + 1,
  });
  return pageFrom(rows, q.limit, (r) => [r.dueAt.toISOString(), r.id], caseSummary);
}

/**
 * Whether a data item is under verification (第二十一条: meanwhile citizens are still served). That it is,
 * everyone may know; which cases, only their parties.
 */
export async function dataDispute(deps: CaseReadDeps, actor: Actor, q: { resource: string; item: string }) {
  const rows = await deps.db.case.findMany({
    where: {
      procedure: PROCEDURES.P4.dbEnum,
      status: 'OPEN',
      resourceId: q.resource,
      details: { path: ['item'], equals: q.item },
    },
    orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
  });
  const scope = rows.length > 0 ? await scopeOf(deps.db, actor) : 'all';
  return {
    resourceId: q.resource,
    item: q.item,
    underVerification: rows.length > 0,
    cases: rows
      .filter((r) => caseInScope(scope, r))
      .map((r) => ({
        id: r.id,
        stage: r.stage,
        proofProvided: (r.details as { proofProvided?: unknown }).proofProvided === true,
        deadline: r.deadlineDate,
      })),
  };
}
