/**
 * What the workbench offers a supervisor before a written notice (第三十六条): the addressee's overdue P1–P5
 * cases as evidence, and for a rectification that ran out a proposed follow-up notice on ground (五). Proposals
 * only: a notice is always the supervisor's own act.
 */
import { GROUND_NOT_RECTIFIED, PROCEDURES } from '../../procedures';
import type { Actor } from '../actor';
import type { CaseDeps } from '../cases/admission';
import { loadVisibleCase } from '../cases/queries';
import { overdueWhere, P1_TO_P5 } from './rectification';
import { DomainError } from '../errors';
import { caseScopeWhere, departmentInScope, scopeOf } from '../supervision-scope';
import { beijingInstant } from '../../calendar/dates';

type Deps = Pick<CaseDeps, 'db' | 'now'>;

/** The most evidence a form offers; a notice citing more cases than this names the rest in its facts. */
export const EVIDENCE_OFFERED = 200;

export interface EvidenceCase {
  id: string;
  procedure: string;
  deadline: string;
  overdueAt: string | null;
  status: 'OPEN' | 'CLOSED';
  answeredLate: boolean;
}

/** The addressee's overdue P1–P5 cases (still open, or answered late), longest overdue first. */
export async function evidenceCandidates(deps: Deps, actor: Actor, departmentId: string) {
  const scope = await scopeOf(deps.db, actor);
  const dept = await deps.db.department.findUnique({ where: { id: departmentId } });
  if (!dept || !departmentInScope(scope, dept.id)) {
    throw new DomainError('not_found', 'department_not_found', `部门 ${departmentId} 不存在`);
  }
  const rows = await deps.db.case.findMany({
    where: {
      responsibleDepartmentId: dept.id,
      procedure: { in: P1_TO_P5 },
      ...overdueWhere(deps.now?.() ?? new Date()),
    },
    orderBy: [{ overdueAt: 'asc' }, { id: 'asc' }],
    take: EVIDENCE_OFFERED,
  });
  const cases: EvidenceCase[] = rows.map((r) => ({
    id: r.id,
    procedure: r.procedure,
    deadline: r.deadlineDate,
    overdueAt: r.overdueAt ? beijingInstant(r.overdueAt) : null,
    status: r.status,
    answeredLate: r.answeredLate,
  }));
  return { department: { id: dept.id, name: dept.name }, cases };
}

export interface Proposal {
  /** the rectification that ran out */
  caseId: string;
  number: string;
  departmentId: string;
  departmentName: string;
  deadline: string;
  overdueAt: string | null;
  /** what the new notice would say: ground (五) and a first sentence of facts */
  grounds: number[];
  facts: string;
}

/**
 * Open rectifications past their deadline that no later notice follows up yet, each with the ground-(五) notice
 * it suggests. Within the supervisor's level (第十条).
 */
export async function rectificationProposals(deps: Deps, actor: Actor): Promise<Proposal[]> {
  const scope = await scopeOf(deps.db, actor);
  const rows = await deps.db.case.findMany({
    where: {
      procedure: PROCEDURES.P6.dbEnum,
      status: 'OPEN',
      overdue: true,
      ...caseScopeWhere(scope),
    },
    include: { notice: true },
    orderBy: [{ overdueAt: 'asc' }, { id: 'asc' }],
    take: 100,
  });
  const followed = new Set(
    (
      await deps.db.rectificationNotice.findMany({
        where: { followsCaseId: { in: rows.map((r) => r.id) } },
        select: { followsCaseId: true },
      })
    ).map((n) => n.followsCaseId),
  );
  const names = new Map(
    (
      await deps.db.department.findMany({
        where: { id: { in: rows.map((r) => r.responsibleDepartmentId) } },
        select: { id: true, name: true },
      })
    ).map((d) => [d.id, d.name]),
  );
  return rows
    .filter((r) => r.notice && !followed.has(r.id))
    .map((r) => {
      const number = r.notice?.number ?? r.id;
      const name = names.get(r.responsibleDepartmentId) ?? r.responsibleDepartmentId;
      return {
        caseId: r.id,
        number,
        departmentId: r.responsibleDepartmentId,
        departmentName: name,
        deadline: r.deadlineDate,
        overdueAt: r.overdueAt ? beijingInstant(r.overdueAt) : null,
        grounds: [GROUND_NOT_RECTIFIED],
        facts: `${name}未在书面通报 ${number} 规定的期限 (${r.deadlineDate}) 内完成整改并报送整改情况报告。`,
      };
    });
}

/** The proposal for one rectification (the form's defaults), if it still stands. */
export async function proposalFor(deps: Deps, actor: Actor, caseId: string): Promise<Proposal | undefined> {
  await loadVisibleCase(deps, actor, caseId);
  return (await rectificationProposals(deps, actor)).find((p) => p.caseId === caseId);
}
