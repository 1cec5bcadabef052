/**
 * Responsible staff (第二十七条): each department names the 专人 in charge of sharing and keeps the list
 * current when people change. Records are never deleted, only ended, so who was in post when stays known;
 * a department with nobody in post is flagged and listed for oversight.
 */
import { appendAudit } from '../../audit/log';
import type { Prisma, Staff } from '../../prisma/client';
import { AccessDenied, type Actor } from '../actor';
import { DomainError } from '../errors';
import { pageFrom } from '../paging';
import { requireActsFor } from './authority';
import { cursorId, iso, isoOrNull, nowOf, type IdPageQuery, type Page, type RegistryDeps } from './common';
import { LEVEL_NAME, type Level } from './hierarchy';
import { departmentInScope, scopeOf, type Scope } from '../supervision-scope';

/** 专人 in post at `now`: started, and not (yet) ended. Same rule as the mail notifier's recipients. */
export function currentStaffWhere(now: Date): Prisma.StaffWhereInput {
  return { activeFrom: { lte: now }, OR: [{ activeUntil: null }, { activeUntil: { gt: now } }] };
}

export function isCurrent(s: Pick<Staff, 'activeFrom' | 'activeUntil'>, now: Date): boolean {
  return s.activeFrom <= now && (s.activeUntil === null || s.activeUntil > now);
}

/** Not ended by `now`: in post, or due to start (a handover). */
const notEnded = (now: Date): Prisma.StaffWhereInput => ({
  OR: [{ activeUntil: null }, { activeUntil: { gt: now } }],
});

export interface StaffView {
  id: string;
  departmentId: string;
  name: string;
  email: string;
  phone: string | null;
  title: string | null;
  activeFrom: string;
  activeUntil: string | null;
  current: boolean;
}

export function staffView(s: Staff, now: Date): StaffView {
  return {
    id: s.id,
    departmentId: s.departmentId,
    name: s.name,
    email: s.email,
    phone: s.phone,
    title: s.title,
    activeFrom: iso(s.activeFrom),
    activeUntil: isoOrNull(s.activeUntil),
    current: isCurrent(s, now),
  };
}

const departmentNotFound = (id: string) =>
  new DomainError('not_found', 'department_not_found', `没有编码为 ${id} 的部门`);

/**
 * A department's list: its own system sees it, oversight and administrators see any in their scope (personal
 * data; a 盟市 supervisor: its 盟市 and 旗县, another department is answered as if it did not exist).
 */
export async function listStaff(
  deps: RegistryDeps,
  actor: Actor,
  departmentId: string,
  q: { includeHistory?: boolean },
): Promise<{ departmentId: string; noResponsibleStaff: boolean; items: StaffView[] }> {
  if (actor.role === 'DEPARTMENT' && actor.departmentId !== departmentId) {
    throw new AccessDenied('部门业务系统只能查看本部门的专人名单');
  }
  if (!departmentInScope(await scopeOf(deps.db, actor), departmentId)) {
    throw new AccessDenied(
      '不在本级督促检查范围内的部门',
      { departmentId },
      departmentNotFound(departmentId),
    );
  }
  const { db } = deps;
  const now = nowOf(deps);
  const dept = await db.department.findUnique({ where: { id: departmentId }, select: { id: true } });
  if (!dept) throw departmentNotFound(departmentId);
  const rows = await db.staff.findMany({
    where: { departmentId, ...(q.includeHistory ? {} : notEnded(now)) },
    orderBy: [{ activeFrom: 'asc' }, { id: 'asc' }],
  });
  return {
    departmentId,
    noResponsibleStaff: !rows.some((s) => isCurrent(s, now)),
    items: rows.map((s) => staffView(s, now)),
  };
}

export interface NewStaff {
  name: string;
  email: string;
  phone?: string;
  title?: string;
  /** ISO instant; now when absent, later for a handover */
  activeFrom?: string;
}

/** Names a 专人; one open record per email and department. */
export async function addStaff(
  deps: RegistryDeps,
  actor: Actor,
  departmentId: string,
  input: NewStaff,
): Promise<StaffView> {
  requireActsFor(actor, departmentId, '登记本部门的专人');
  const now = nowOf(deps);
  const staff = await deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Department" WHERE id = ${departmentId} FOR UPDATE`;
    const dept = await tx.department.findUnique({ where: { id: departmentId }, select: { id: true } });
    if (!dept) throw departmentNotFound(departmentId);
    const same = await tx.staff.findFirst({
      where: { departmentId, email: { equals: input.email, mode: 'insensitive' }, ...notEnded(now) },
      select: { id: true },
    });
    if (same) {
      throw new DomainError(
        'conflict',
        'staff_already_active',
        '该邮箱在本部门已有未离任的专人记录, 无需重复登记',
        { staffId: same.id },
      );
    }
    const s = await tx.staff.create({
      data: {
        departmentId,
        name: input.name,
        email: input.email,
        phone: input.phone,
        title: input.title,
        activeFrom: input.activeFrom ? new Date(input.activeFrom) : now,
      },
    });
    // accountability needs who and since when, not contact details: no email/phone/name in the audit log
    await appendAudit(tx, {
      actor: actor.clientId,
      action: 'staff_added',
      target: `department:${departmentId}`,
      data: { staffId: s.id, departmentId, activeFrom: iso(s.activeFrom) },
    });
    return s;
  });
  return staffView(staff, now);
}

/**
 * Another department's staff id under one's own path: answered like an unknown id (ids do not leak) but on
 * record as an attempt. Checked before the transaction, whose rollback would take the record with it; a
 * staff record never changes department, so the check cannot go stale.
 */
async function refuseForeignStaff(deps: RegistryDeps, actor: Actor, departmentId: string, staffId: string) {
  if (actor.role === 'ADMIN') return; // acts for every department: a mismatched path is a mistake, not an attempt
  const s = await deps.db.staff.findUnique({ where: { id: staffId }, select: { departmentId: true } });
  if (!s || s.departmentId === departmentId) return;
  throw new AccessDenied(
    '专人记录属于其他部门, 只能变更本部门的专人',
    { staffId, ownerDepartmentId: s.departmentId },
    staffNotFound(departmentId),
  );
}

const staffNotFound = (departmentId: string) =>
  new DomainError('not_found', 'staff_not_found', `部门 ${departmentId} 没有这条专人记录`);

/** Ends a 专人's term (kept as history); says whether the department is left with nobody in post. */
export async function endStaff(
  deps: RegistryDeps,
  actor: Actor,
  departmentId: string,
  staffId: string,
  input: { at?: string },
): Promise<{ staff: StaffView; noResponsibleStaff: boolean }> {
  requireActsFor(actor, departmentId, '变更本部门的专人');
  await refuseForeignStaff(deps, actor, departmentId, staffId);
  const now = nowOf(deps);
  return deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Staff" WHERE id = ${staffId} FOR UPDATE`;
    const s = await tx.staff.findFirst({ where: { id: staffId, departmentId } });
    if (!s) throw staffNotFound(departmentId);
    if (s.activeUntil) {
      throw new DomainError(
        'conflict',
        'staff_already_ended',
        `该专人已于 ${iso(s.activeUntil)} 离任; 历史记录保留, 不能再次离任 (第二十七条)`,
      );
    }
    const until = input.at ? new Date(input.at) : now;
    if (until < s.activeFrom) {
      throw new DomainError('unprocessable', 'invalid_end_time', '离任时间不能早于上岗时间', {
        errors: [{ field: 'at', code: 'too_early', message: '离任时间不能早于上岗时间' }],
      });
    }
    const ended = await tx.staff.update({ where: { id: s.id }, data: { activeUntil: until } });
    const left = await tx.staff.count({ where: { departmentId, ...currentStaffWhere(now) } });
    await appendAudit(tx, {
      actor: actor.clientId,
      action: 'staff_ended',
      target: `department:${departmentId}`,
      data: { staffId: s.id, departmentId, activeUntil: iso(until), noResponsibleStaff: left === 0 },
    });
    return { staff: staffView(ended, now), noResponsibleStaff: left === 0 };
  });
}

export interface StaffGapView {
  id: string;
  name: string;
  level: Level;
  levelName: (typeof LEVEL_NAME)[Level];
  parentId: string | null;
  lastStaffUntil: string | null;
}

/**
 * Departments with nobody in post, for oversight, with when their last 专人 left (null: never had one); those
 * of the actor's scope (`scope`: the actor's, when the caller has already asked for it).
 */
export async function listStaffGaps(
  deps: RegistryDeps,
  actor: Actor,
  q: IdPageQuery,
  scope?: Scope,
): Promise<Page<StaffGapView>> {
  const now = nowOf(deps);
  const after = cursorId(q.cursor);
  const s = scope ?? (await scopeOf(deps.db, actor));
  const rows = await deps.db.department.findMany({
    where: {
      staff: { none: currentStaffWhere(now) },
      ...(after ? { id: { gt: after } } : {}),
      ...(s === 'all' ? {} : { id: { in: [...s], ...(after ? { gt: after } : {}) } }),
    },
    include: {
      staff: {
        where: { activeUntil: { lte: now } },
        orderBy: { activeUntil: 'desc' },
        take: 1,
        select: { activeUntil: true },
      },
    },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  return pageFrom(
    rows,
    q.limit,
    (d) => [d.id],
    (d) => ({
      id: d.id,
      name: d.name,
      level: d.level,
      levelName: LEVEL_NAME[d.level],
      parentId: d.parentId,
      lastStaffUntil: isoOrNull(d.staff[0]?.activeUntil ?? null),
    }),
  );
}
