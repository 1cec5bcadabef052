/**
 * Cross-department attempts through the caller's own path (issue 10, finding 7c). A child id (a staff record,
 * a stop notice) used under a parent it does not belong to is answered 404 like an unknown id, so that other
 * departments' ids do not leak. When the child belongs to a department the caller may not act for, the
 * attempt is nonetheless a denied one and goes to the audit log (第二十四条), once.
 *
 * Checked before the route's transaction, whose own 404 would roll back any row written inside it. A staff
 * record never changes department and a notice never changes resource, so the check cannot go stale.
 */
import type { Request } from 'express';
import { recordDenied, type Principal } from '../auth';
import type { Problem } from '../problem';
import type { Db } from '../../prisma/client';

/** Administrators act for every department: a mismatched path is their mistake, not an attempt. */
const actsForAll = (p: Principal) => p.role === 'ADMIN';

/** `POST /departments/{id}/staff/{staffId}/…` with another department's staff id: audited, then `notFound`. */
export async function refuseForeignStaff(
  db: Db,
  req: Request,
  p: Principal,
  pathDepartmentId: string,
  staffId: string,
  notFound: Problem,
): Promise<void> {
  if (actsForAll(p)) return;
  const s = await db.staff.findUnique({ where: { id: staffId }, select: { departmentId: true } });
  if (!s || s.departmentId === pathDepartmentId) return;
  await recordDenied(db, req, p, '专人记录属于其他部门, 只能变更本部门的专人', {
    staffId,
    ownerDepartmentId: s.departmentId,
  });
  throw notFound;
}

/** `POST /resources/{id}/stop-notices/{noticeId}/…` with another department's notice: audited, then `notFound`. */
export async function refuseForeignNotice(
  db: Db,
  req: Request,
  p: Principal,
  pathResourceId: string,
  noticeId: string,
  notFound: Problem,
): Promise<void> {
  if (actsForAll(p)) return;
  const n = await db.stopSharingNotice.findUnique({
    where: { id: noticeId },
    select: { resourceId: true, resource: { select: { providerDepartmentId: true } } },
  });
  if (!n || n.resourceId === pathResourceId || n.resource.providerDepartmentId === p.departmentId) return;
  await recordDenied(db, req, p, '停止共享报备属于其他部门的信息资源, 只能撤回本部门的报备', {
    noticeId,
    resourceId: n.resourceId,
    ownerDepartmentId: n.resource.providerDepartmentId,
  });
  throw notFound;
}
