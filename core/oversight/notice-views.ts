/**
 * What the workbench shows around written notices (第三十六条, P6): the issuing form's choices, the list of
 * notices, and a notice's case page. Each is one use-case for one page; the rules stay in rectification.ts
 * and rectification-proposals.ts, and supervision by level (第十条) decides everything listed.
 */
import { PROCEDURES } from '../../procedures';
import type { Stage } from '../../procedures';
import { AccessDenied, type Actor } from '../actor';
import { caseDetail, type CaseDetail, type CaseDetailDeps } from './case-detail';
import { noticeDocumentFor } from './rectification';
import { evidenceCandidates, proposalFor, type EvidenceCase, type Proposal } from './rectification-proposals';
import { caseScopeWhere, departmentInScope, scopeOf } from '../supervision-scope';
import type { Db } from '../../prisma/client';

type Deps = { db: Db };

export interface NotifiableDepartment {
  id: string;
  name: string;
  level: 'REGION' | 'LEAGUE_CITY' | 'BANNER_COUNTY';
}

export interface NoticeForm {
  /** every department the supervisor may notify (its level and below), by level then id */
  departments: NotifiableDepartment[];
  /** the chosen addressee with its overdue P1–P5 cases (the evidence offered) */
  chosen: { department: { id: string; name: string }; evidence: EvidenceCase[] } | null;
  /** the follow-up proposal (ground 五) when the form follows an earlier notice that still stands */
  proposal: Proposal | null;
}

const LEVEL_ORDER = { REGION: 0, LEAGUE_CITY: 1, BANNER_COUNTY: 2 } as const;

/**
 * The issuing form for a supervisor: whom it may notify and, for a chosen department, the evidence to cite.
 * A department outside its level is "not found" (evidenceCandidates), as everywhere else.
 */
export async function noticeForm(
  deps: Deps,
  actor: Actor,
  q: { departmentId?: string; followsCaseId?: string },
): Promise<NoticeForm> {
  if (actor.role !== 'SUPERVISOR') {
    throw new AccessDenied('只有督促检查人员才能发出书面通报 (第三十六条)');
  }
  const scope = await scopeOf(deps.db, actor);
  const rows = await deps.db.department.findMany({
    select: { id: true, name: true, level: true },
    orderBy: { id: 'asc' },
  });
  const departments = rows
    // a 盟市 or 旗县 supervisor notifies in its own department's name, so not that department itself
    .filter((d) => departmentInScope(scope, d.id) && !(d.id === actor.departmentId && d.level !== 'REGION'))
    .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.id.localeCompare(b.id));
  const proposal = q.followsCaseId ? ((await proposalFor(deps, actor, q.followsCaseId)) ?? null) : null;
  const departmentId = q.departmentId || proposal?.departmentId;
  const chosen = departmentId ? await evidenceCandidates(deps, actor, departmentId) : null;
  return {
    departments,
    chosen: chosen ? { department: chosen.department, evidence: chosen.cases } : null,
    proposal,
  };
}

export interface NoticeLine {
  caseId: string;
  number: string;
  departmentId: string;
  departmentName: string;
  issuingBody: string;
  issuedAt: Date;
  deadline: string;
  provisional: boolean;
  status: 'OPEN' | 'CLOSED';
  stage: Stage;
  overdue: boolean;
  followsCaseId: string | null;
}

/** The most notices one list shows. */
export const NOTICES_LISTED = 200;

/**
 * Written notices the actor may see (the addressee its own, supervisors their level), open ones first, then
 * the newest; optionally of one department.
 */
export async function noticeList(
  deps: Deps,
  actor: Actor,
  q: { departmentId?: string } = {},
): Promise<NoticeLine[]> {
  const scope = await scopeOf(deps.db, actor);
  const rows = await deps.db.case.findMany({
    where: {
      AND: [
        { procedure: PROCEDURES.P6.dbEnum },
        caseScopeWhere(scope),
        q.departmentId ? { responsibleDepartmentId: q.departmentId } : {},
      ],
    },
    include: { notice: true },
    orderBy: [{ status: 'desc' }, { receivedAt: 'desc' }, { id: 'desc' }],
    take: NOTICES_LISTED,
  });
  const names = new Map(
    (
      await deps.db.department.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.responsibleDepartmentId))] } },
        select: { id: true, name: true },
      })
    ).map((d) => [d.id, d.name]),
  );
  return rows.flatMap((r) =>
    r.notice
      ? [
          {
            caseId: r.id,
            number: r.notice.number,
            departmentId: r.responsibleDepartmentId,
            departmentName: names.get(r.responsibleDepartmentId) ?? r.responsibleDepartmentId,
            issuingBody: r.notice.issuingBody,
            issuedAt: r.notice.issuedAt,
            deadline: r.deadlineDate,
            provisional: r.provisional,
            status: r.status,
            stage: r.stage,
            overdue: r.overdue,
            followsCaseId: r.notice.followsCaseId,
          },
        ]
      : [],
  );
}

export type NoticeCase = CaseDetail & {
  /** the notice and its text (the same model as the .docx) when the case is a P6 */
  notice: Awaited<ReturnType<typeof noticeDocumentFor>> | null;
};

/** The case page: every case's detail and, for a written notice, the notice itself. */
export async function caseWithNotice(deps: CaseDetailDeps, actor: Actor, rawId: string): Promise<NoticeCase> {
  const detail = await caseDetail(deps, actor, rawId);
  const notice = detail.procedure === 'P6' ? await noticeDocumentFor(deps, actor, detail.id) : null;
  return { ...detail, notice };
}
