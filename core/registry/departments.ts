/**
 * Departments (第十条): the units of the region's and the 盟市' catalogs, with their place in the hierarchy
 * (hierarchy.ts), their roles in sharing and whether they have a 专人 in post. Administrators keep them.
 */
import { appendAudit } from '../../audit/log';
import type { Department, Prisma } from '../../prisma/client';
import type { Actor } from '../actor';
import { isUniqueViolation } from '../db-errors';
import { DomainError } from '../errors';
import { pageFrom } from '../paging';
import {
  changesOf,
  cursorId,
  iso,
  nowOf,
  type IdPageQuery,
  type Page,
  type RegistryDeps,
  type Tx,
} from './common';
import { closesCycle, cycleError, hierarchyError, LEVEL_NAME, type Level } from './hierarchy';
import { currentStaffWhere } from './staff';

export interface DepartmentView {
  id: string;
  name: string;
  level: Level;
  levelName: (typeof LEVEL_NAME)[Level];
  parentId: string | null;
  isShareAuthority: boolean;
  isManagementDept: boolean;
  isCoordinationOffice: boolean;
  staffCount: number;
  noResponsibleStaff: boolean;
}

export interface DepartmentDetailView extends DepartmentView {
  childIds: string[];
  createdAt: string;
}

type DepartmentRow = Department & { _count: { staff: number } };

function departmentView(d: DepartmentRow): DepartmentView {
  return {
    id: d.id,
    name: d.name,
    level: d.level,
    levelName: LEVEL_NAME[d.level],
    parentId: d.parentId,
    isShareAuthority: d.isShareAuthority,
    isManagementDept: d.isManagementDept,
    isCoordinationOffice: d.isCoordinationOffice,
    staffCount: d._count.staff,
    noResponsibleStaff: d._count.staff === 0,
  };
}

const withStaffCount = (now: Date) =>
  ({ _count: { select: { staff: { where: currentStaffWhere(now) } } } }) satisfies Prisma.DepartmentInclude;

const notFound = (id: string) =>
  new DomainError('not_found', 'department_not_found', `没有编码为 ${id} 的部门`);
const taken = (id: string) => new DomainError('conflict', 'department_exists', `部门编码 ${id} 已被使用`);
const badHierarchy = (detail: string) => new DomainError('unprocessable', 'invalid_hierarchy', detail);

async function loadDepartment(tx: Tx, id: string, now: Date): Promise<DepartmentDetailView> {
  const d = await tx.department.findUnique({
    where: { id },
    include: { ...withStaffCount(now), children: { select: { id: true }, orderBy: { id: 'asc' } } },
  });
  if (!d) throw notFound(id);
  return { ...departmentView(d), childIds: d.children.map((c) => c.id), createdAt: iso(d.createdAt) };
}

export async function listDepartments(
  deps: RegistryDeps,
  q: IdPageQuery & { level?: Level; parent?: string },
): Promise<Page<DepartmentView>> {
  const now = nowOf(deps);
  const after = cursorId(q.cursor);
  const rows = await deps.db.department.findMany({
    where: {
      ...(q.level ? { level: q.level } : {}),
      ...(q.parent ? { parentId: q.parent } : {}),
      ...(after ? { id: { gt: after } } : {}),
    },
    include: withStaffCount(now),
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  return pageFrom(rows, q.limit, (d) => [d.id], departmentView);
}

export function getDepartment(deps: RegistryDeps, id: string): Promise<DepartmentDetailView> {
  return loadDepartment(deps.db, id, nowOf(deps));
}

/** The parent a department is to be given: it must exist and suit the child's level. */
async function checkedParent(tx: Tx, level: Level, parentId: string | null | undefined): Promise<void> {
  const parent = parentId ? await tx.department.findUnique({ where: { id: parentId } }) : null;
  if (parentId && !parent) throw badHierarchy(`上级部门 ${parentId} 不存在`);
  const wrong = hierarchyError(level, parent);
  if (wrong) throw badHierarchy(wrong);
}

export interface NewDepartment {
  id: string;
  name: string;
  level: Level;
  parentId?: string;
  isShareAuthority: boolean;
  isManagementDept: boolean;
  isCoordinationOffice: boolean;
}

/** A new department has no 专人 yet, so it starts flagged. */
export async function createDepartment(
  deps: RegistryDeps,
  actor: Actor,
  input: NewDepartment,
): Promise<DepartmentDetailView> {
  const now = nowOf(deps);
  return deps.db
    .$transaction(async (tx) => {
      if (await tx.department.findUnique({ where: { id: input.id }, select: { id: true } })) {
        throw taken(input.id);
      }
      await checkedParent(tx, input.level, input.parentId);
      await tx.department.create({ data: input });
      await appendAudit(tx, {
        actor: actor.clientId,
        action: 'department_created',
        target: `department:${input.id}`,
        data: { ...input },
      });
      return loadDepartment(tx, input.id, now);
    })
    .catch((e: unknown) => {
      // the same id created concurrently, past the check above
      if (isUniqueViolation(e)) throw taken(input.id);
      throw e;
    });
}

export interface DepartmentPatch {
  name?: string;
  /** null: no parent */
  parentId?: string | null;
  isShareAuthority?: boolean;
  isManagementDept?: boolean;
  isCoordinationOffice?: boolean;
}

/** The level never changes; a new parent must suit it and must not be one of the department's own subordinates. */
export async function updateDepartment(
  deps: RegistryDeps,
  actor: Actor,
  id: string,
  patch: DepartmentPatch,
): Promise<DepartmentDetailView> {
  const now = nowOf(deps);
  return deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Department" WHERE id = ${id} FOR UPDATE`;
    const cur = await tx.department.findUnique({ where: { id } });
    if (!cur) throw notFound(id);
    if (patch.parentId !== undefined && patch.parentId !== cur.parentId) {
      await checkedParent(tx, cur.level, patch.parentId);
      const parentOf = async (up: string) =>
        (await tx.department.findUnique({ where: { id: up }, select: { parentId: true } }))?.parentId ?? null;
      if (await closesCycle(cur.id, patch.parentId, parentOf)) throw badHierarchy(cycleError(cur.id));
    }
    const changes = changesOf(patch, cur);
    if (Object.keys(changes).length > 0) {
      await tx.department.update({ where: { id: cur.id }, data: patch });
      await appendAudit(tx, {
        actor: actor.clientId,
        action: 'department_updated',
        target: `department:${cur.id}`,
        data: { changes },
      });
    }
    return loadDepartment(tx, cur.id, now);
  });
}
