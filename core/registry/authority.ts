/**
 * Who may change which registry entries (第二十二条: no one beyond their role). A department's own entries
 * are changed by its own system or an administrator; legal bases are reviewed by the management department.
 * Refusals are AccessDenied, which the entry point puts on record.
 */
import { AccessDenied, type Actor } from '../actor';
import type { Db } from '../../prisma/client';

/** The department itself (its own business system) or an administrator. */
export function requireActsFor(actor: Actor, departmentId: string, what: string): void {
  if (actor.role === 'ADMIN') return;
  if (actor.role === 'DEPARTMENT' && actor.departmentId === departmentId) return;
  throw new AccessDenied(`只有部门 ${departmentId} 本部门的业务系统或管理员才能${what}`);
}

/** The caller acts for the 政务信息资源统筹管理部门. */
export async function isManagementDept(db: Db, actor: Actor): Promise<boolean> {
  if (!actor.departmentId) return false;
  const d = await db.department.findUnique({
    where: { id: actor.departmentId },
    select: { isManagementDept: true },
  });
  return d?.isManagementDept === true;
}

/** Legal bases are reviewed by the management department (or an admin acting for it): who the review names. */
export async function managementReviewer(db: Db, actor: Actor): Promise<string> {
  if (actor.role === 'ADMIN') return actor.departmentId ?? actor.clientId;
  if (actor.departmentId && (await isManagementDept(db, actor))) return actor.departmentId;
  throw new AccessDenied('只有政务信息资源统筹管理部门才能确认或退回法律依据 (第十四条)');
}

/** Sees every stop notice and its reason: oversight, administrators and the management department they are filed with. */
export async function seesAllNotices(db: Db, actor: Actor): Promise<boolean> {
  return actor.role !== 'DEPARTMENT' || (await isManagementDept(db, actor));
}
