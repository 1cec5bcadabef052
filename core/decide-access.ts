/**
 * Deciding access and keeping the query log (第二十四条): every decision, allowed or not, is one row on the
 * hash-chained audit log, whose id the department can cite. The rule itself is ./access-decision.ts.
 */
import type { Db } from '../prisma/client';
import { appendAudit } from '../audit/log';
import { decideAccess, type Decision, type ShareType } from './access-decision';
import { AccessDenied, type Actor } from './actor';
import { DomainError } from './errors';
import { grantInclude, grantRecord, type GrantRecord } from './grants';
import { departmentInScope, scopeOf } from './supervision-scope';
import { beijingInstant } from '../calendar/dates';

export interface DecideAccessInput {
  /** the department asking; a department system may leave it out (its own) and may ask only for its own */
  department?: string;
  resource: string;
  purpose: string;
}

export interface LoggedDecision extends Omit<Decision<never>, 'grant' | 'basisGrantId'> {
  department: string;
  purpose: string;
  resource: { id: string; name: string; shareType: ShareType; providerDepartmentId: string };
  grant: GrantRecord | null;
  decidedAt: Date;
  /** id of the decision's row on the audit log */
  logId: string;
}

/** The department a decision is about: a department system's own; others must name one. */
function departmentAskedAbout(actor: Actor, asked: string | undefined): string {
  if (actor.role === 'DEPARTMENT') {
    if (!actor.departmentId) throw new AccessDenied('该客户端未绑定部门, 不能申请判定');
    if (asked && asked !== actor.departmentId) {
      throw new AccessDenied('部门业务系统只能查询本部门能否使用信息资源');
    }
    return actor.departmentId;
  }
  if (!asked) {
    throw new DomainError(
      'invalid',
      'department_required',
      '监督和管理客户端须在 department 中指明要判定的部门',
    );
  }
  return asked;
}

export async function decideAndLog(
  deps: { db: Db; now?: () => Date },
  actor: Actor,
  input: DecideAccessInput,
): Promise<LoggedDecision> {
  const { db } = deps;
  const department = departmentAskedAbout(actor, input.department);
  const notFound = new DomainError('not_found', 'department_not_found', `部门 ${department} 不存在`);
  // a 盟市 supervisor asks about its own 盟市 and 旗县 only (第十条): another department looks absent
  if (!departmentInScope(await scopeOf(db, actor), department)) {
    throw new AccessDenied('不在本级督促检查范围内的部门', { departmentId: department }, notFound);
  }
  const [dept, resource] = await Promise.all([
    db.department.findUnique({ where: { id: department }, select: { id: true } }),
    db.resource.findUnique({
      where: { id: input.resource },
      include: { stopNotices: { select: { effectiveAt: true, withdrawnAt: true, reason: true } } },
    }),
  ]);
  if (!dept) throw notFound;
  if (!resource) {
    throw new DomainError('not_found', 'resource_not_found', `目录中没有信息资源 ${input.resource}`);
  }
  const grants = await db.grant.findMany({
    where: { consumerDepartmentId: department, resourceId: resource.id },
    include: grantInclude,
  });
  const now = deps.now?.() ?? new Date();
  const d = decideAccess({
    departmentId: department,
    resource,
    stopNotices: resource.stopNotices,
    grants,
    purpose: input.purpose,
    now,
  });
  // The advisory lock inside appendAudit is held until this transaction commits, so the newest row read here
  // is the one just written.
  const logId = await db.$transaction(async (tx) => {
    await appendAudit(tx, {
      actor: actor.clientId,
      action: 'access_decision',
      target: resource.id,
      data: {
        departmentId: department,
        resourceId: resource.id,
        shareType: resource.shareType,
        purpose: input.purpose,
        allowed: d.allowed,
        code: d.code,
        grantId: d.basisGrantId,
        callerRole: actor.role,
        decidedAt: beijingInstant(now),
      },
    });
    const row = await tx.auditLog.findFirstOrThrow({ orderBy: { id: 'desc' }, select: { id: true } });
    return row.id.toString();
  });
  return {
    allowed: d.allowed,
    code: d.code,
    reason: d.reason,
    department,
    purpose: input.purpose,
    resource: {
      id: resource.id,
      name: resource.name,
      shareType: resource.shareType,
      providerDepartmentId: resource.providerDepartmentId,
    },
    grant: d.grant ? grantRecord(d.grant, now) : null,
    grantedPurposes: d.grantedPurposes,
    decidedAt: now,
    logId,
  };
}
