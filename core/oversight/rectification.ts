/**
 * P6 书面通报、限期整改 (第三十六条): issuing a numbered written notice (a P6 case in the ordinary workflow), the
 * evidence a supervisor can attach, and the notice as the department reads it. Supervision by level (第十条)
 * decides which departments a supervisor may notify and which notices it sees.
 */
import { noticeDocument } from '../../documents/notice';
import { isRectificationGround, PROCEDURES } from '../../procedures';
import type { Prisma } from '../../prisma/client';
import { AccessDenied, type Actor } from '../actor';
import { admit, type CaseDeps } from '../cases/admission';
import { nextInSequence, shanghaiYear } from '../cases/case-ids';
import { loadVisibleCase } from '../cases/queries';
import { requestFingerprint } from '../cases/start';
import { DomainError } from '../errors';
import { departmentInScope, scopeOf, type Scope } from '../supervision-scope';
import { beijingInstant } from '../../calendar/dates';

export interface NoticeDeps extends CaseDeps {
  /** the number's prefix, e.g. 内共享督 → 内共享督〔2026〕3号 (config NOTICE_NUMBER_PREFIX) */
  noticePrefix: string;
}

export interface NoticeRequest {
  departmentId: string;
  grounds: number[];
  facts: string;
  evidenceCaseIds: string[];
  rectificationWorkingDays: number;
  /** the earlier P6 this one follows up (ground 五) */
  followsCaseId?: string;
}

/** The longest rectification period a notice may set: one working year. */
export const MAX_RECTIFICATION_WORKING_DAYS = 250;

export const P1_TO_P5 = (['P1', 'P2', 'P3', 'P4', 'P5'] as const).map((c) => PROCEDURES[c].dbEnum);

/**
 * Overdue as the supervisors' lists have it: marked by its workflow, or still open past its due time (the mark
 * may lag a busy worker by moments).
 */
export function overdueWhere(now: Date): Prisma.CaseWhereInput {
  return { OR: [{ overdue: true }, { status: 'OPEN', dueAt: { lte: now }, stage: { not: 'under_review' } }] };
}

const unprocessable = (code: string, detail: string, extra: Record<string, unknown> = {}) =>
  new DomainError('unprocessable', code, detail, extra);

/** Only supervisors notify (第三十六条); a department system or an administrator may not. */
function requireSupervisor(actor: Actor): void {
  if (actor.role !== 'SUPERVISOR') {
    throw new AccessDenied('只有督促检查人员才能发出书面通报 (第三十六条)');
  }
}

/**
 * In whose name a notice goes out: 第三十六条 names the autonomous region's share authority (主管部门); a 盟市 or
 * 旗县 supervisor notifies within its own level (第十条、第三十条) in the name of its own department.
 */
async function issuingDepartment(deps: NoticeDeps, actor: Actor) {
  const own = actor.departmentId
    ? await deps.db.department.findUnique({ where: { id: actor.departmentId } })
    : null;
  if (own && own.level !== 'REGION') return own;
  const authority = await deps.db.department.findFirst({
    where: { isShareAuthority: true },
    orderBy: { id: 'asc' },
  });
  if (!authority) {
    throw unprocessable(
      'no_share_authority',
      '未登记政务信息资源共享主管部门, 无法以其名义发出书面通报 (第三十六条)',
    );
  }
  return authority;
}

/** The department a notice is addressed to: it must exist and lie within the supervisor's level. */
async function addresseeOf(deps: NoticeDeps, scope: Scope, departmentId: string) {
  const dept = await deps.db.department.findUnique({ where: { id: departmentId } });
  const unknown = unprocessable('unknown_department', `部门 ${departmentId} 不存在`, { departmentId });
  if (!dept) throw unknown;
  if (!departmentInScope(scope, dept.id)) {
    throw new AccessDenied('不在本级督促检查范围内的部门', { departmentId }, unknown);
  }
  return dept;
}

/** Evidence must be the addressee's own overdue P1–P5 cases that the supervisor can see. */
async function checkEvidence(deps: NoticeDeps, scope: Scope, departmentId: string, ids: string[]) {
  if (new Set(ids).size !== ids.length) throw unprocessable('duplicate_evidence', '作为依据的案件不能重复');
  const rows = await deps.db.case.findMany({
    where: { id: { in: ids }, ...overdueWhere(deps.now?.() ?? new Date()) },
    select: { id: true, procedure: true, responsibleDepartmentId: true },
  });
  const bad = ids.filter((id) => {
    const r = rows.find((x) => x.id === id);
    return (
      !r ||
      !departmentInScope(scope, r.responsibleDepartmentId) ||
      r.responsibleDepartmentId !== departmentId ||
      !P1_TO_P5.includes(r.procedure)
    );
  });
  if (bad.length > 0) {
    throw unprocessable(
      'invalid_evidence',
      `以下案件不能作为依据 (须为被通报部门承办的逾期 P1–P5 案件): ${bad.join(', ')}`,
      { caseIds: bad },
    );
  }
}

async function checkFollows(deps: NoticeDeps, actor: Actor, scope: Scope, departmentId: string, id: string) {
  const earlier = await loadVisibleCase(deps, actor, id, scope);
  if (earlier.procedure !== PROCEDURES.P6.dbEnum || earlier.responsibleDepartmentId !== departmentId) {
    throw unprocessable('invalid_follows', `案件 ${id} 不是对该部门的书面通报, 不能作为跟进依据`);
  }
}

function checkRequest(r: NoticeRequest): void {
  if (r.grounds.length === 0 || !r.grounds.every(isRectificationGround)) {
    throw unprocessable('invalid_grounds', '通报事由须为第三十六条所列第 (一) 至 (六) 项中的一项或多项');
  }
  if (new Set(r.grounds).size !== r.grounds.length)
    throw unprocessable('invalid_grounds', '通报事由不能重复');
  if (r.facts.trim() === '') throw unprocessable('missing_facts', '须写明通报的主要事实');
  const days = r.rectificationWorkingDays;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RECTIFICATION_WORKING_DAYS) {
    throw unprocessable(
      'invalid_rectification_days',
      `整改期限须为 1 至 ${MAX_RECTIFICATION_WORKING_DAYS} 个工作日`,
    );
  }
}

/**
 * Issues a written notice: the P6 case, its numbered notice and the case_started audit row in one transaction
 * (a refused or failed notice spends no number), then the workflow (mails, reminders, the deadline). The same
 * idempotency key answers the notice already issued.
 */
export async function issueNotice(deps: NoticeDeps, actor: Actor, key: string, request: NoticeRequest) {
  requireSupervisor(actor);
  checkRequest(request);
  const scope = await scopeOf(deps.db, actor);
  const addressee = await addresseeOf(deps, scope, request.departmentId);
  const issuer = await issuingDepartment(deps, actor);
  if (issuer.id === addressee.id) {
    throw unprocessable('self_notice', `${issuer.name}不能向自身发出书面通报`);
  }
  await checkEvidence(deps, scope, addressee.id, request.evidenceCaseIds);
  if (request.followsCaseId) await checkFollows(deps, actor, scope, addressee.id, request.followsCaseId);
  const grounds = [...request.grounds].sort((a, b) => a - b);
  const issuedAt = (deps.now?.() ?? new Date()).toISOString();
  const details = {
    grounds,
    facts: request.facts,
    evidenceCaseIds: request.evidenceCaseIds,
    followsCaseId: request.followsCaseId ?? null,
  };
  const { caseId, created } = await admit(deps, {
    procedure: 'P6',
    responsibleDepartmentId: addressee.id,
    requesterDepartmentId: issuer.id,
    receivedAt: issuedAt,
    workingDays: request.rectificationWorkingDays,
    details,
    clientId: actor.clientId,
    idempotencyKey: key,
    requestHash: requestFingerprint(request),
    actor: actor.clientId,
    audit: { actor: actor.clientId, data: { procedure: 'P6', departmentId: addressee.id, grounds } },
    withCase: async (tx: Prisma.TransactionClient, start) => {
      const year = shanghaiYear(start.receivedAt);
      // its own yearly counter beside the case-id counters (keys there are two-letter procedure prefixes)
      const seq = await nextInSequence(tx, `notice:${deps.noticePrefix}`, year);
      await tx.rectificationNotice.create({
        data: {
          caseId: start.caseId,
          year,
          seq,
          number: `${deps.noticePrefix}〔${year}〕${seq}号`,
          departmentId: addressee.id,
          issuingDepartmentId: issuer.id,
          issuingBody: issuer.name,
          grounds,
          facts: request.facts,
          evidenceCaseIds: request.evidenceCaseIds,
          rectificationWorkingDays: request.rectificationWorkingDays,
          followsCaseId: request.followsCaseId,
          issuedBy: actor.clientId,
          issuedAt: new Date(start.receivedAt),
        },
      });
    },
  });
  return { created, notice: await noticeOf(deps, actor, caseId) };
}

/** A notice with its case, for whoever may see the case (the addressee, supervisors of its level). */
export async function noticeOf(deps: Pick<CaseDeps, 'db'>, actor: Actor, caseId: string) {
  const row = await loadVisibleCase(deps, actor, caseId);
  const notice = await deps.db.rectificationNotice.findUnique({ where: { caseId: row.id } });
  if (!notice) throw new DomainError('not_found', 'notice_not_found', `案件 ${caseId} 不是书面通报`);
  const addressee = await deps.db.department.findUnique({ where: { id: notice.departmentId } });
  return {
    caseId: row.id,
    number: notice.number,
    issuingDepartmentId: notice.issuingDepartmentId,
    issuingBody: notice.issuingBody,
    departmentId: notice.departmentId,
    departmentName: addressee?.name ?? notice.departmentId,
    grounds: notice.grounds,
    facts: notice.facts,
    evidenceCaseIds: notice.evidenceCaseIds,
    rectificationWorkingDays: notice.rectificationWorkingDays,
    followsCaseId: notice.followsCaseId,
    issuedAt: beijingInstant(notice.issuedAt),
    deadline: row.deadlineDate,
    dueAt: beijingInstant(row.dueAt),
    provisional: row.provisional,
    status: row.status,
    stage: row.stage,
    overdue: row.overdue,
  };
}

export type NoticeView = Awaited<ReturnType<typeof noticeOf>>;

/** The notice as a document (the case page's text and the .docx), with the copy line and the followed notice. */
export async function noticeDocumentFor(deps: Pick<CaseDeps, 'db'>, actor: Actor, caseId: string) {
  const view = await noticeOf(deps, actor, caseId);
  const [copies, follows] = await Promise.all([
    deps.db.department.findMany({
      where: {
        OR: [{ isCoordinationOffice: true }, { isManagementDept: true }],
        id: { not: view.issuingDepartmentId },
      },
      orderBy: { id: 'asc' },
      select: { name: true },
    }),
    view.followsCaseId
      ? deps.db.rectificationNotice.findUnique({ where: { caseId: view.followsCaseId } })
      : null,
  ]);
  const document = noticeDocument({
    ...view,
    followsNumber: follows?.number ?? null,
    copyTo: copies.map((c) => c.name),
  });
  return { view, document };
}
