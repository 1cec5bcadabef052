/**
 * Registry (issue 5): departments and their hierarchy, responsible staff (第二十七条), the resource catalog
 * with share types and legal bases (第七、十三、十四条) and stop-sharing notices filed in advance (第十八条).
 *
 * Every change is one transaction together with its audit entry, so a refused request writes nothing.
 * Registry entries are not secret: anyone with a key may read departments and the catalog; only staff
 * lists (personal data) and stop notices of other departments are restricted.
 */
import type { Request } from 'express';
import { isUniqueViolation } from '../../core/db-errors';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { deny, type Principal } from '../auth';
import { ALL_ROLES, decodeCursor, decodeTimeCursor, pageFrom, pageOf, type ApiBuilder } from '../endpoint';
import { Problem } from '../problem';
import { effectiveStopWhere, noticeState, stopStateOf } from '../resource-stop';
import { refuseForeignNotice, refuseForeignStaff } from './registry-guards';
import { appendAudit } from '../../audit/log';
import {
  Prisma,
  type Db,
  type Department,
  type Resource,
  type Staff,
  type StopSharingNotice,
} from '../../prisma/client';
import {
  CATALOG_TYPE_NAME,
  LEVEL_NAME,
  SHARE_TYPE_NAME,
  addStaffBody,
  createDepartmentBody,
  createResourceBody,
  departmentDetail,
  departmentItem,
  departmentListQuery,
  departmentParams,
  endStaffBody,
  endStaffResponse,
  fileStopNoticeBody,
  noticeParams,
  rejectLegalBasisBody,
  resourceDetail,
  resourceItem,
  resourceListQuery,
  resourceParams,
  staffGapItem,
  staffGapQuery,
  staffItem,
  staffList,
  staffListQuery,
  staffParams,
  stopNoticeItem,
  stopNoticeListQuery,
  updateDepartmentBody,
  updateResourceBody,
} from './registry-schemas';

type Tx = Prisma.TransactionClient;
type Level = Department['level'];
type ShareType = Resource['shareType'];

/**
 * "提前报备" (第十八条) names no period; one hour is our floor so that a notice is never filed for a stop that
 * is already happening, and the management department and consumers see it before it bites.
 */
export const STOP_MIN_ADVANCE_MS = 60 * 60_000;

const TAG = 'registry';
const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

// ---- shared rules -----------------------------------------------------------------------------------------

/** 专人 in post at `now`: started, and not (yet) ended. Same rule as the mail notifier's recipients. */
function currentStaffWhere(now: Date): Prisma.StaffWhereInput {
  return { activeFrom: { lte: now }, OR: [{ activeUntil: null }, { activeUntil: { gt: now } }] };
}

function isCurrent(s: Staff, now: Date): boolean {
  return s.activeFrom <= now && (s.activeUntil === null || s.activeUntil > now);
}

function effectiveStatus(r: Resource, notices: StopSharingNotice[], now: Date): Resource['status'] {
  return stopStateOf(r, notices, now).stopped ? 'STOPPED' : 'PUBLISHED';
}

const needsLegalBasis = (t: ShareType) => t !== 'UNCONDITIONAL';

/** 第十四条: 有条件共享 and 不予共享 must name their legal basis. */
function requireLegalBasis(shareType: ShareType, legalBasis: string | null | undefined): void {
  if (needsLegalBasis(shareType) && !legalBasis) {
    throw new Problem(
      422,
      'legal_basis_required',
      `${SHARE_TYPE_NAME[shareType]}的信息资源必须提供法律、行政法规或政策依据 (第十四条)`,
      {
        errors: [{ field: 'legalBasis', code: 'required', message: '有条件共享和不予共享必须填写法律依据' }],
      },
    );
  }
}

/**
 * 自治区 departments may sit under another 自治区 unit (e.g. an office under a bureau); 盟市 report to the
 * region or stand alone; 旗县 always belong to a 盟市.
 */
function hierarchyError(level: Level, parent: Department | null): string | undefined {
  if (level === 'BANNER_COUNTY') {
    return parent?.level === 'LEAGUE_CITY' ? undefined : '旗县级部门的上级必须是盟市级部门';
  }
  if (!parent || parent.level === 'REGION') return undefined;
  return `${LEVEL_NAME[level]}级部门的上级只能是自治区级部门或没有上级`;
}

function cursorId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const [id] = decodeCursor(cursor, 1);
  if (typeof id !== 'string') throw new Problem(400, 'invalid_cursor', '分页游标 (cursor) 无效');
  return id;
}

// ---- authorization ----------------------------------------------------------------------------------------

/** The department itself (its own business system) or an admin; anyone else is an audited denial. */
async function actForDepartment(db: Db, req: Request, p: Principal, departmentId: string, what: string) {
  if (p.role === 'ADMIN') return;
  if (p.role === 'DEPARTMENT' && p.departmentId === departmentId) return;
  await deny(db, req, p, `只有部门 ${departmentId} 本部门的业务系统或管理员才能${what}`);
}

async function isManagementDept(db: Db, p: Principal): Promise<boolean> {
  if (!p.departmentId) return false;
  const d = await db.department.findUnique({
    where: { id: p.departmentId },
    select: { isManagementDept: true },
  });
  return d?.isManagementDept === true;
}

/** 第十四条: legal bases are confirmed by the 政务信息资源统筹管理部门 (or an admin acting for it). */
async function actAsManagementDept(db: Db, req: Request, p: Principal): Promise<string> {
  if (p.role === 'ADMIN') return p.departmentId ?? p.clientId;
  if (p.departmentId && (await isManagementDept(db, p))) return p.departmentId;
  return deny(db, req, p, '只有政务信息资源统筹管理部门才能确认或退回法律依据 (第十四条)');
}

/** Who a record names as its author: the acting department, or the admin client when there is none. */
const actingAs = (p: Principal) => p.departmentId ?? p.clientId;

// ---- views ------------------------------------------------------------------------------------------------

type DepartmentRow = Department & { _count: { staff: number } };

function departmentView(d: DepartmentRow): z.infer<typeof departmentItem> {
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

const departmentInclude = (now: Date) =>
  ({ _count: { select: { staff: { where: currentStaffWhere(now) } } } }) satisfies Prisma.DepartmentInclude;

async function loadDepartment(tx: Tx, id: string, now: Date): Promise<z.infer<typeof departmentDetail>> {
  const d = await tx.department.findUnique({
    where: { id },
    include: { ...departmentInclude(now), children: { select: { id: true }, orderBy: { id: 'asc' } } },
  });
  if (!d) throw new Problem(404, 'department_not_found', `没有编码为 ${id} 的部门`);
  return { ...departmentView(d), childIds: d.children.map((c) => c.id), createdAt: iso(d.createdAt) };
}

function staffView(s: Staff, now: Date): z.infer<typeof staffItem> {
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

function noticeView(n: StopSharingNotice, now: Date): z.infer<typeof stopNoticeItem> {
  return {
    id: n.id,
    resourceId: n.resourceId,
    reason: n.reason,
    filedAt: iso(n.filedAt),
    filedBy: n.filedBy,
    effectiveAt: iso(n.effectiveAt),
    withdrawnAt: isoOrNull(n.withdrawnAt),
    withdrawnBy: n.withdrawnBy,
    state: noticeState(n, now),
  };
}

function legalBasisStatus(r: Resource): z.infer<typeof resourceItem>['legalBasisStatus'] {
  if (!needsLegalBasis(r.shareType)) return 'not_required';
  if (!r.legalBasis) return 'missing';
  if (r.legalBasisConfirmedAt) return 'confirmed';
  if (r.legalBasisRejectedAt) return 'rejected';
  return 'pending';
}

/** `notices` must contain at least every notice not withdrawn. */
function resourceView(r: Resource, notices: StopSharingNotice[], now: Date): z.infer<typeof resourceItem> {
  const status = effectiveStatus(r, notices, now);
  const next = notices
    .filter((n) => noticeState(n, now) === 'pending')
    .sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime())[0];
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    providerDepartmentId: r.providerDepartmentId,
    catalogType: r.catalogType,
    catalogTypeName: CATALOG_TYPE_NAME[r.catalogType],
    shareType: r.shareType,
    shareTypeName: SHARE_TYPE_NAME[r.shareType],
    classification: r.classification,
    legalBasis: r.legalBasis,
    legalBasisStatus: legalBasisStatus(r),
    legalBasisConfirmedAt: isoOrNull(r.legalBasisConfirmedAt),
    legalBasisConfirmedBy: r.legalBasisConfirmedBy,
    legalBasisRejectedAt: isoOrNull(r.legalBasisRejectedAt),
    legalBasisRejectedBy: r.legalBasisRejectedBy,
    legalBasisRejectReason: r.legalBasisRejectReason,
    catalogVersion: r.catalogVersion,
    status,
    stopsAt: status === 'PUBLISHED' && next ? iso(next.effectiveAt) : null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

const liveNotices = { stopNotices: { where: { withdrawnAt: null } } } satisfies Prisma.ResourceInclude;

async function loadResource(tx: Tx, id: string, now: Date): Promise<z.infer<typeof resourceDetail>> {
  const r = await tx.resource.findUnique({
    where: { id },
    include: { stopNotices: { orderBy: [{ filedAt: 'desc' }, { id: 'desc' }] } },
  });
  if (!r) throw new Problem(404, 'resource_not_found', `目录中没有编码为 ${id} 的信息资源`);
  return {
    ...resourceView(r, r.stopNotices, now),
    stopNotices: r.stopNotices.map((n) => noticeView(n, now)),
  };
}

async function resourceOr404(db: Db | Tx, id: string): Promise<Resource> {
  const r = await db.resource.findUnique({ where: { id } });
  if (!r) throw new Problem(404, 'resource_not_found', `目录中没有编码为 ${id} 的信息资源`);
  return r;
}

/** Row lock so concurrent changes to one resource (version bump, stop filing) serialise. */
async function lockResource(tx: Tx, id: string): Promise<Resource> {
  await tx.$queryRaw`SELECT id FROM "Resource" WHERE id = ${id} FOR UPDATE`;
  return resourceOr404(tx, id);
}

// ---- routes -----------------------------------------------------------------------------------------------

export function registerRegistryRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  registerDepartmentRoutes(api, db);
  registerStaffRoutes(api, db);
  registerResourceRoutes(api, db);
  registerStopNoticeRoutes(api, db);
}

function registerDepartmentRoutes(api: ApiBuilder, db: Db): void {
  api.add({
    method: 'get',
    path: '/departments',
    operationId: 'listDepartments',
    summary: '部门列表 (自治区/盟市/旗县), 含在岗专人数与第二十七条缺人标记',
    tag: TAG,
    roles: ALL_ROLES,
    query: departmentListQuery,
    responses: { 200: { description: '按编码排序的一页部门', schema: pageOf(departmentItem) } },
    problems: { 400: '查询参数或分页游标无效' },
    async handle({ res, query }) {
      const now = new Date();
      const after = cursorId(query.cursor);
      const rows = await db.department.findMany({
        where: {
          ...(query.level ? { level: query.level } : {}),
          ...(query.parent ? { parentId: query.parent } : {}),
          ...(after ? { id: { gt: after } } : {}),
        },
        include: departmentInclude(now),
        orderBy: { id: 'asc' },
        take: query.limit + 1,
      });
      res.json(pageFrom(rows, query.limit, (d) => [d.id], departmentView));
    },
  });

  api.add({
    method: 'get',
    path: '/departments/{id}',
    operationId: 'getDepartment',
    summary: '部门详情: 上下级、在岗专人数',
    tag: TAG,
    roles: ALL_ROLES,
    params: departmentParams,
    responses: { 200: { description: '部门', schema: departmentDetail } },
    problems: { 404: 'department_not_found: 没有该部门' },
    async handle({ res, params }) {
      res.json(await loadDepartment(db, params.id, new Date()));
    },
  });

  api.add({
    method: 'post',
    path: '/departments',
    operationId: 'createDepartment',
    summary: '新建部门 (管理员)',
    description:
      '层级规则: 旗县级的上级必须是盟市级; 盟市级和自治区级的上级只能是自治区级部门或没有上级。新部门尚无专人, 因此带第二十七条缺人标记。',
    tag: TAG,
    roles: ['ADMIN'],
    body: createDepartmentBody,
    responses: { 201: { description: '已创建', schema: departmentDetail } },
    problems: {
      409: 'department_exists: 编码已被使用',
      422: 'invalid_hierarchy: 上级部门不存在或层级不符',
    },
    async handle({ res, principal, body }) {
      const now = new Date();
      const created = await db
        .$transaction(async (tx) => {
          if (await tx.department.findUnique({ where: { id: body.id }, select: { id: true } })) {
            throw new Problem(409, 'department_exists', `部门编码 ${body.id} 已被使用`);
          }
          const parent = body.parentId
            ? await tx.department.findUnique({ where: { id: body.parentId } })
            : null;
          if (body.parentId && !parent) {
            throw new Problem(422, 'invalid_hierarchy', `上级部门 ${body.parentId} 不存在`);
          }
          const wrong = hierarchyError(body.level, parent);
          if (wrong) throw new Problem(422, 'invalid_hierarchy', wrong);
          await tx.department.create({ data: body });
          await appendAudit(tx, {
            actor: principal.clientId,
            action: 'department_created',
            target: `department:${body.id}`,
            data: { ...body },
          });
          return loadDepartment(tx, body.id, now);
        })
        .catch((e: unknown) => {
          if (isUniqueViolation(e))
            throw new Problem(409, 'department_exists', `部门编码 ${body.id} 已被使用`);
          throw e;
        });
      res.status(201).location(`/api/v1/departments/${created.id}`).json(created);
    },
  });

  api.add({
    method: 'patch',
    path: '/departments/{id}',
    operationId: 'updateDepartment',
    summary: '修改部门名称、上级或职能标记 (管理员)',
    description: '层级 (level) 不可修改。上级须符合层级规则, 且不能形成循环。',
    tag: TAG,
    roles: ['ADMIN'],
    params: departmentParams,
    body: updateDepartmentBody,
    responses: { 200: { description: '修改后的部门', schema: departmentDetail } },
    problems: {
      404: 'department_not_found: 没有该部门',
      422: 'invalid_hierarchy: 上级部门不存在、层级不符或形成循环',
    },
    async handle({ res, principal, params, body }) {
      const now = new Date();
      const updated = await db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Department" WHERE id = ${params.id} FOR UPDATE`;
        const cur = await tx.department.findUnique({ where: { id: params.id } });
        if (!cur) throw new Problem(404, 'department_not_found', `没有编码为 ${params.id} 的部门`);
        if (body.parentId !== undefined && body.parentId !== cur.parentId) {
          const parent = body.parentId
            ? await tx.department.findUnique({ where: { id: body.parentId } })
            : null;
          if (body.parentId && !parent) {
            throw new Problem(422, 'invalid_hierarchy', `上级部门 ${body.parentId} 不存在`);
          }
          const wrong = hierarchyError(cur.level, parent);
          if (wrong) throw new Problem(422, 'invalid_hierarchy', wrong);
          // walk up from the new parent: meeting this department again would close a cycle
          for (let up: string | null = body.parentId, hops = 0; up; hops++) {
            if (up === cur.id || hops > 100) {
              throw new Problem(
                422,
                'invalid_hierarchy',
                `不能把 ${cur.id} 设为其自身下级部门的下级 (形成循环)`,
              );
            }
            const a: { parentId: string | null } | null = await tx.department.findUnique({
              where: { id: up },
              select: { parentId: true },
            });
            up = a?.parentId ?? null;
          }
        }
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const k of Object.keys(body) as (keyof typeof body)[]) {
          if (body[k] !== undefined && body[k] !== cur[k]) changes[k] = { from: cur[k], to: body[k] };
        }
        if (Object.keys(changes).length > 0) {
          await tx.department.update({ where: { id: cur.id }, data: body });
          await appendAudit(tx, {
            actor: principal.clientId,
            action: 'department_updated',
            target: `department:${cur.id}`,
            data: { changes },
          });
        }
        return loadDepartment(tx, cur.id, now);
      });
      res.json(updated);
    },
  });

  api.add({
    method: 'get',
    path: '/staff-gaps',
    operationId: 'listStaffGaps',
    summary: '没有在岗专人的部门 (第二十七条), 供督促检查',
    tag: TAG,
    roles: ['SUPERVISOR', 'ADMIN'],
    query: staffGapQuery,
    responses: { 200: { description: '按编码排序的一页部门', schema: pageOf(staffGapItem) } },
    problems: { 400: '查询参数或分页游标无效' },
    async handle({ res, query }) {
      const now = new Date();
      const after = cursorId(query.cursor);
      const rows = await db.department.findMany({
        where: { staff: { none: currentStaffWhere(now) }, ...(after ? { id: { gt: after } } : {}) },
        include: {
          staff: {
            where: { activeUntil: { lte: now } },
            orderBy: { activeUntil: 'desc' },
            take: 1,
            select: { activeUntil: true },
          },
        },
        orderBy: { id: 'asc' },
        take: query.limit + 1,
      });
      res.json(
        pageFrom(
          rows,
          query.limit,
          (d) => [d.id],
          (d) => ({
            id: d.id,
            name: d.name,
            level: d.level,
            levelName: LEVEL_NAME[d.level],
            parentId: d.parentId,
            lastStaffUntil: isoOrNull(d.staff[0]?.activeUntil ?? null),
          }),
        ),
      );
    },
  });
}

function registerStaffRoutes(api: ApiBuilder, db: Db): void {
  api.add({
    method: 'get',
    path: '/departments/{id}/staff',
    operationId: 'listDepartmentStaff',
    summary: '部门的共享工作专人 (第二十七条)',
    description:
      '部门业务系统只能查看本部门; 督促检查组和管理员可查看任何部门。默认列出在岗和已定于将来上岗的专人; includeHistory=true 时连同已离任的。每个部门的专人名单很短, 因此不分页。',
    tag: TAG,
    roles: ALL_ROLES,
    params: departmentParams,
    query: staffListQuery,
    responses: { 200: { description: '专人名单', schema: staffList } },
    problems: { 403: '部门业务系统查看其他部门的专人名单', 404: 'department_not_found: 没有该部门' },
    async handle({ req, res, principal, params, query }) {
      if (principal.role === 'DEPARTMENT' && principal.departmentId !== params.id) {
        await deny(db, req, principal, '部门业务系统只能查看本部门的专人名单');
      }
      const now = new Date();
      const dept = await db.department.findUnique({ where: { id: params.id }, select: { id: true } });
      if (!dept) throw new Problem(404, 'department_not_found', `没有编码为 ${params.id} 的部门`);
      const rows = await db.staff.findMany({
        where: {
          departmentId: params.id,
          ...(query.includeHistory ? {} : { OR: [{ activeUntil: null }, { activeUntil: { gt: now } }] }),
        },
        orderBy: [{ activeFrom: 'asc' }, { id: 'asc' }],
      });
      res.json({
        departmentId: params.id,
        noResponsibleStaff: !rows.some((s) => isCurrent(s, now)),
        items: rows.map((s) => staffView(s, now)),
      });
    },
  });

  api.add({
    method: 'post',
    path: '/departments/{id}/staff',
    operationId: 'addDepartmentStaff',
    summary: '登记共享工作专人 (第二十七条)',
    description:
      '本部门业务系统或管理员。activeFrom 默认为现在, 也可为将来 (交接)。同一邮箱在本部门已有在岗记录时拒绝。邮箱等个人信息不写入审计日志。',
    tag: TAG,
    roles: ['DEPARTMENT', 'ADMIN'],
    params: departmentParams,
    body: addStaffBody,
    responses: { 201: { description: '已登记', schema: staffItem } },
    problems: {
      404: 'department_not_found: 没有该部门',
      409: 'staff_already_active: 该邮箱在本部门已有未离任的专人记录',
    },
    async handle({ req, res, principal, params, body }) {
      await actForDepartment(db, req, principal, params.id, '登记本部门的专人');
      const now = new Date();
      const staff = await db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Department" WHERE id = ${params.id} FOR UPDATE`;
        const dept = await tx.department.findUnique({ where: { id: params.id }, select: { id: true } });
        if (!dept) throw new Problem(404, 'department_not_found', `没有编码为 ${params.id} 的部门`);
        const same = await tx.staff.findFirst({
          where: {
            departmentId: params.id,
            email: { equals: body.email, mode: 'insensitive' },
            OR: [{ activeUntil: null }, { activeUntil: { gt: now } }],
          },
          select: { id: true },
        });
        if (same) {
          throw new Problem(409, 'staff_already_active', '该邮箱在本部门已有未离任的专人记录, 无需重复登记', {
            staffId: same.id,
          });
        }
        const s = await tx.staff.create({
          data: {
            departmentId: params.id,
            name: body.name,
            email: body.email,
            phone: body.phone,
            title: body.title,
            activeFrom: body.activeFrom ? new Date(body.activeFrom) : now,
          },
        });
        // 第二十七条 accountability needs who and since when, not contact details: no email/phone/name here
        await appendAudit(tx, {
          actor: principal.clientId,
          action: 'staff_added',
          target: `department:${params.id}`,
          data: { staffId: s.id, departmentId: params.id, activeFrom: iso(s.activeFrom) },
        });
        return s;
      });
      res.status(201).location(`/api/v1/departments/${params.id}/staff`).json(staffView(staff, now));
    },
  });

  api.add({
    method: 'post',
    path: '/departments/{id}/staff/{staffId}/end',
    operationId: 'endDepartmentStaff',
    summary: '专人离任 (第二十七条; 历史记录保留)',
    description:
      '本部门业务系统或管理员。at 默认为现在, 不得早于上岗时间。离任后部门若已无在岗专人, 响应中 noResponsibleStaff 为 true, 应尽快登记新的专人。',
    tag: TAG,
    roles: ['DEPARTMENT', 'ADMIN'],
    params: staffParams,
    body: endStaffBody,
    responses: { 200: { description: '已离任', schema: endStaffResponse } },
    problems: {
      404: 'staff_not_found: 该部门没有这条专人记录',
      409: 'staff_already_ended: 已离任',
      422: 'invalid_end_time: 离任时间早于上岗时间',
    },
    async handle({ req, res, principal, params, body }) {
      await actForDepartment(db, req, principal, params.id, '变更本部门的专人');
      const notFound = new Problem(404, 'staff_not_found', `部门 ${params.id} 没有这条专人记录`);
      await refuseForeignStaff(db, req, principal, params.id, params.staffId, notFound);
      const now = new Date();
      const out = await db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Staff" WHERE id = ${params.staffId} FOR UPDATE`;
        const s = await tx.staff.findFirst({ where: { id: params.staffId, departmentId: params.id } });
        if (!s) throw notFound;
        if (s.activeUntil) {
          throw new Problem(
            409,
            'staff_already_ended',
            `该专人已于 ${iso(s.activeUntil)} 离任; 历史记录保留, 不能再次离任 (第二十七条)`,
          );
        }
        const until = body.at ? new Date(body.at) : now;
        if (until < s.activeFrom) {
          throw new Problem(422, 'invalid_end_time', '离任时间不能早于上岗时间', {
            errors: [{ field: 'at', code: 'too_early', message: '离任时间不能早于上岗时间' }],
          });
        }
        const ended = await tx.staff.update({ where: { id: s.id }, data: { activeUntil: until } });
        const left = await tx.staff.count({ where: { departmentId: params.id, ...currentStaffWhere(now) } });
        await appendAudit(tx, {
          actor: principal.clientId,
          action: 'staff_ended',
          target: `department:${params.id}`,
          data: {
            staffId: s.id,
            departmentId: params.id,
            activeUntil: iso(until),
            noResponsibleStaff: left === 0,
          },
        });
        return { staff: staffView(ended, now), noResponsibleStaff: left === 0 };
      });
      res.json(out);
    },
  });
}

function registerResourceRoutes(api: ApiBuilder, db: Db): void {
  api.add({
    method: 'get',
    path: '/resources',
    operationId: 'listResources',
    summary: '政务信息资源目录',
    description:
      '目录是共享的公开信息, 任何角色均可查看。status=STOPPED 也包括停止共享报备已到生效时间的资源 (按查询时刻计算)。',
    tag: TAG,
    roles: ALL_ROLES,
    query: resourceListQuery,
    responses: { 200: { description: '按编码排序的一页资源', schema: pageOf(resourceItem) } },
    problems: { 400: '查询参数或分页游标无效' },
    async handle({ res, query }) {
      const now = new Date();
      const after = cursorId(query.cursor);
      const stopped: Prisma.ResourceWhereInput = {
        OR: [{ status: 'STOPPED' }, { stopNotices: { some: effectiveStopWhere(now) } }],
      };
      const published: Prisma.ResourceWhereInput = {
        status: 'PUBLISHED',
        stopNotices: { none: effectiveStopWhere(now) },
      };
      const rows = await db.resource.findMany({
        where: {
          AND: [
            query.provider ? { providerDepartmentId: query.provider } : {},
            query.shareType ? { shareType: query.shareType } : {},
            query.catalogType ? { catalogType: query.catalogType } : {},
            query.classification ? { classification: query.classification } : {},
            query.status === 'STOPPED' ? stopped : query.status === 'PUBLISHED' ? published : {},
            after ? { id: { gt: after } } : {},
          ],
        },
        include: liveNotices,
        orderBy: { id: 'asc' },
        take: query.limit + 1,
      });
      res.json(
        pageFrom(
          rows,
          query.limit,
          (r) => [r.id],
          (r) => resourceView(r, r.stopNotices, now),
        ),
      );
    },
  });

  api.add({
    method: 'get',
    path: '/resources/{id}',
    operationId: 'getResource',
    summary: '信息资源详情; 停止共享报备 (含理由) 只对提供部门、统筹管理部门、监督方和管理员列出',
    description:
      '其他部门与 GET /stop-notices 一致地看不到报备记录本身, 但 status 和 stopsAt 对所有人可见: 使用部门需要知道资源何时停止。',
    tag: TAG,
    roles: ALL_ROLES,
    params: resourceParams,
    responses: { 200: { description: '资源', schema: resourceDetail } },
    problems: { 404: 'resource_not_found: 目录中没有该资源' },
    async handle({ res, params, principal }) {
      const detail = await loadResource(db, params.id, new Date());
      const seesNotices =
        principal.role !== 'DEPARTMENT' ||
        principal.departmentId === detail.providerDepartmentId ||
        (await isManagementDept(db, principal));
      res.json(seesNotices ? detail : { ...detail, stopNotices: [] });
    },
  });

  api.add({
    method: 'post',
    path: '/resources',
    operationId: 'createResource',
    summary: '登记信息资源 (第七、十三、十四条)',
    description:
      '部门业务系统登记的资源属于本部门; 管理员须指定 providerDepartmentId。有条件共享和不予共享必须提供法律依据, 登记后待统筹管理部门确认 (pending)。',
    tag: TAG,
    roles: ['DEPARTMENT', 'ADMIN'],
    body: createResourceBody,
    responses: { 201: { description: '已登记', schema: resourceDetail } },
    problems: {
      409: 'resource_exists: 资源编码已被使用',
      422: 'legal_basis_required: 缺少法律依据 (第十四条); unknown_department: 提供部门不存在',
    },
    async handle({ req, res, principal, body }) {
      let provider: string;
      if (principal.role === 'ADMIN') {
        if (!body.providerDepartmentId) {
          throw new Problem(
            400,
            'validation_failed',
            '请求参数有误: 管理员登记资源时必须指定 providerDepartmentId',
            {
              errors: [{ field: 'providerDepartmentId', code: 'required', message: '管理员登记资源时必填' }],
            },
          );
        }
        provider = body.providerDepartmentId;
      } else {
        provider = principal.departmentId ?? '';
        if (!provider || (body.providerDepartmentId && body.providerDepartmentId !== provider)) {
          await deny(db, req, principal, '部门业务系统只能登记本部门提供的信息资源');
        }
      }
      requireLegalBasis(body.shareType, body.legalBasis);
      const now = new Date();
      const created = await db
        .$transaction(async (tx) => {
          if (!(await tx.department.findUnique({ where: { id: provider }, select: { id: true } }))) {
            throw new Problem(422, 'unknown_department', `提供部门 ${provider} 不存在`, {
              errors: [{ field: 'providerDepartmentId', code: 'unknown', message: '部门不存在' }],
            });
          }
          if (await tx.resource.findUnique({ where: { id: body.id }, select: { id: true } })) {
            throw new Problem(409, 'resource_exists', `资源编码 ${body.id} 已被使用`);
          }
          await tx.resource.create({
            data: {
              id: body.id,
              name: body.name,
              description: body.description,
              providerDepartmentId: provider,
              catalogType: body.catalogType,
              shareType: body.shareType,
              classification: body.classification,
              legalBasis: body.legalBasis,
            },
          });
          await appendAudit(tx, {
            actor: principal.clientId,
            action: 'resource_created',
            target: `resource:${body.id}`,
            data: {
              providerDepartmentId: provider,
              catalogType: body.catalogType,
              shareType: body.shareType,
              classification: body.classification,
              legalBasis: body.legalBasis ?? null,
            },
          });
          return loadResource(tx, body.id, now);
        })
        .catch((e: unknown) => {
          if (isUniqueViolation(e)) throw new Problem(409, 'resource_exists', `资源编码 ${body.id} 已被使用`);
          throw e;
        });
      res.status(201).location(`/api/v1/resources/${created.id}`).json(created);
    },
  });

  api.add({
    method: 'patch',
    path: '/resources/{id}',
    operationId: 'updateResource',
    summary: '修改信息资源目录项 (提供部门或管理员)',
    description:
      '任何实际修改都使目录版本号 (catalogVersion) 加一。修改法律依据, 或把共享类型改为需要依据的类型, 会清除确认/退回标记, 重新待统筹管理部门确认 (第十四条)。没有实际变化的请求不写入任何记录。',
    tag: TAG,
    roles: ['DEPARTMENT', 'ADMIN'],
    params: resourceParams,
    body: updateResourceBody,
    responses: { 200: { description: '修改后的资源', schema: resourceDetail } },
    problems: {
      404: 'resource_not_found: 目录中没有该资源',
      422: 'legal_basis_required: 修改后缺少法律依据 (第十四条)',
    },
    async handle({ req, res, principal, params, body }) {
      const owner = (await resourceOr404(db, params.id)).providerDepartmentId;
      await actForDepartment(db, req, principal, owner, '修改本部门提供的信息资源');
      const now = new Date();
      const out = await db.$transaction(async (tx) => {
        const cur = await lockResource(tx, params.id);
        const shareType = body.shareType ?? cur.shareType;
        const legalBasis = body.legalBasis !== undefined ? body.legalBasis : cur.legalBasis;
        requireLegalBasis(shareType, legalBasis);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const k of Object.keys(body) as (keyof typeof body)[]) {
          if (body[k] !== undefined && body[k] !== cur[k]) changes[k] = { from: cur[k], to: body[k] };
        }
        if (Object.keys(changes).length === 0) return loadResource(tx, cur.id, now);
        const reconfirm = needsLegalBasis(shareType) && ('legalBasis' in changes || 'shareType' in changes);
        await tx.resource.update({
          where: { id: cur.id },
          data: {
            ...body,
            catalogVersion: { increment: 1 },
            ...(reconfirm
              ? {
                  legalBasisConfirmedAt: null,
                  legalBasisConfirmedBy: null,
                  legalBasisRejectedAt: null,
                  legalBasisRejectedBy: null,
                  legalBasisRejectReason: null,
                }
              : {}),
          },
        });
        await appendAudit(tx, {
          actor: principal.clientId,
          action: 'resource_updated',
          target: `resource:${cur.id}`,
          data: { changes, catalogVersion: cur.catalogVersion + 1, legalBasisReconfirm: reconfirm },
        });
        return loadResource(tx, cur.id, now);
      });
      res.json(out);
    },
  });

  const legalBasisProblems = {
    404: 'resource_not_found: 目录中没有该资源',
    409: 'legal_basis_not_required: 无条件共享无需依据; no_legal_basis: 尚未填写依据; legal_basis_already_confirmed / legal_basis_already_rejected: 已是该状态',
  };

  /** Shared by confirm and reject: the checks and the transaction differ only in the marks written. */
  async function decideLegalBasis(
    req: Request,
    principal: Principal,
    id: string,
    decision: { confirm: true } | { confirm: false; reason: string },
  ) {
    const by = await actAsManagementDept(db, req, principal);
    const now = new Date();
    return db.$transaction(async (tx) => {
      const r = await lockResource(tx, id);
      if (!needsLegalBasis(r.shareType)) {
        throw new Problem(
          409,
          'legal_basis_not_required',
          '无条件共享的信息资源无需法律依据, 无可确认或退回 (第十四条)',
        );
      }
      if (!r.legalBasis) throw new Problem(409, 'no_legal_basis', '该资源尚未填写法律依据, 无可确认或退回');
      const status = legalBasisStatus(r);
      if (decision.confirm && status === 'confirmed') {
        throw new Problem(409, 'legal_basis_already_confirmed', '该资源的法律依据已确认');
      }
      if (!decision.confirm && status === 'rejected') {
        throw new Problem(409, 'legal_basis_already_rejected', '该资源的法律依据已退回, 等待提供部门修改');
      }
      await tx.resource.update({
        where: { id },
        data: decision.confirm
          ? {
              legalBasisConfirmedAt: now,
              legalBasisConfirmedBy: by,
              legalBasisRejectedAt: null,
              legalBasisRejectedBy: null,
              legalBasisRejectReason: null,
            }
          : {
              legalBasisConfirmedAt: null,
              legalBasisConfirmedBy: null,
              legalBasisRejectedAt: now,
              legalBasisRejectedBy: by,
              legalBasisRejectReason: decision.reason,
            },
      });
      await appendAudit(tx, {
        actor: principal.clientId,
        action: decision.confirm ? 'legal_basis_confirmed' : 'legal_basis_rejected',
        target: `resource:${id}`,
        data: {
          by,
          legalBasis: r.legalBasis,
          previous: status,
          ...(decision.confirm ? {} : { reason: decision.reason }),
        },
      });
      return loadResource(tx, id, now);
    });
  }

  api.add({
    method: 'post',
    path: '/resources/{id}/legal-basis/confirm',
    operationId: 'confirmLegalBasis',
    summary: '统筹管理部门确认法律依据 (第十四条)',
    description:
      '限政务信息资源统筹管理部门 (isManagementDept) 的客户端或管理员; 其他调用方被拒绝并记入审计日志。',
    tag: TAG,
    roles: ALL_ROLES,
    params: resourceParams,
    responses: { 200: { description: '已确认', schema: resourceDetail } },
    problems: { 403: '调用方不是统筹管理部门', ...legalBasisProblems },
    async handle({ req, res, principal, params }) {
      res.json(await decideLegalBasis(req, principal, params.id, { confirm: true }));
    },
  });

  api.add({
    method: 'post',
    path: '/resources/{id}/legal-basis/reject',
    operationId: 'rejectLegalBasis',
    summary: '统筹管理部门退回法律依据 (第十四条)',
    description: '限统筹管理部门或管理员。退回后提供部门修改依据, 即重新待确认。',
    tag: TAG,
    roles: ALL_ROLES,
    params: resourceParams,
    body: rejectLegalBasisBody,
    responses: { 200: { description: '已退回', schema: resourceDetail } },
    problems: { 403: '调用方不是统筹管理部门', ...legalBasisProblems },
    async handle({ req, res, principal, params, body }) {
      res.json(await decideLegalBasis(req, principal, params.id, { confirm: false, reason: body.reason }));
    },
  });
}

function registerStopNoticeRoutes(api: ApiBuilder, db: Db): void {
  api.add({
    method: 'post',
    path: '/resources/{id}/stop-notices',
    operationId: 'fileStopNotice',
    summary: '报备停止共享 (第十八条: 说明正当理由并提前报备)',
    description: `提供部门或管理员。effectiveAt 须至少在 ${STOP_MIN_ADVANCE_MS / 60_000} 分钟之后; 同一资源同时只能有一份未生效的报备 (如需改期, 先撤回再重新报备)。到 effectiveAt 时资源即视为已停止共享 (STOPPED)。`,
    tag: TAG,
    roles: ['DEPARTMENT', 'ADMIN'],
    params: resourceParams,
    body: fileStopNoticeBody,
    responses: { 201: { description: '已报备', schema: stopNoticeItem } },
    problems: {
      404: 'resource_not_found: 目录中没有该资源',
      409: 'resource_already_stopped: 资源已停止共享; stop_notice_pending: 已有未生效的报备',
      422: 'stop_not_in_advance: 生效时间没有提前足够时间',
    },
    async handle({ req, res, principal, params, body }) {
      const owner = (await resourceOr404(db, params.id)).providerDepartmentId;
      await actForDepartment(db, req, principal, owner, '报备停止共享本部门提供的信息资源');
      const now = new Date();
      const effectiveAt = new Date(body.effectiveAt);
      const earliest = new Date(now.getTime() + STOP_MIN_ADVANCE_MS);
      if (effectiveAt < earliest) {
        throw new Problem(
          422,
          'stop_not_in_advance',
          `停止共享须提前报备 (第十八条): 生效时间不得早于 ${STOP_MIN_ADVANCE_MS / 60_000} 分钟之后 (${iso(earliest)})`,
          {
            earliestEffectiveAt: iso(earliest),
            errors: [{ field: 'effectiveAt', code: 'too_soon', message: '生效时间须至少提前 1 小时' }],
          },
        );
      }
      const notice = await db.$transaction(async (tx) => {
        const r = await lockResource(tx, params.id);
        const live = await tx.stopSharingNotice.findMany({ where: { resourceId: r.id, withdrawnAt: null } });
        if (effectiveStatus(r, live, now) === 'STOPPED') {
          throw new Problem(409, 'resource_already_stopped', `信息资源 ${r.id} 已停止共享`);
        }
        const pending = live.find((n) => noticeState(n, now) === 'pending');
        if (pending) {
          throw new Problem(
            409,
            'stop_notice_pending',
            `信息资源 ${r.id} 已有一份将于 ${iso(pending.effectiveAt)} 生效的停止共享报备; 如需改期请先撤回`,
            { noticeId: pending.id },
          );
        }
        const n = await tx.stopSharingNotice.create({
          data: {
            resourceId: r.id,
            reason: body.reason,
            effectiveAt,
            filedAt: now,
            filedBy: actingAs(principal),
          },
        });
        await appendAudit(tx, {
          actor: principal.clientId,
          action: 'stop_notice_filed',
          target: `resource:${r.id}`,
          data: { noticeId: n.id, effectiveAt: iso(effectiveAt), reason: body.reason },
        });
        return n;
      });
      res.status(201).location(`/api/v1/resources/${params.id}`).json(noticeView(notice, now));
    },
  });

  api.add({
    method: 'post',
    path: '/resources/{id}/stop-notices/{noticeId}/withdraw',
    operationId: 'withdrawStopNotice',
    summary: '撤回尚未生效的停止共享报备',
    tag: TAG,
    roles: ['DEPARTMENT', 'ADMIN'],
    params: noticeParams,
    responses: { 200: { description: '已撤回', schema: stopNoticeItem } },
    problems: {
      404: 'resource_not_found / notice_not_found',
      409: 'stop_already_effective: 已生效, 不能撤回; notice_already_withdrawn: 已撤回',
    },
    async handle({ req, res, principal, params }) {
      const owner = (await resourceOr404(db, params.id)).providerDepartmentId;
      await actForDepartment(db, req, principal, owner, '撤回本部门的停止共享报备');
      const notFound = new Problem(404, 'notice_not_found', `信息资源 ${params.id} 没有这份停止共享报备`);
      await refuseForeignNotice(db, req, principal, params.id, params.noticeId, notFound);
      const now = new Date();
      const notice = await db.$transaction(async (tx) => {
        await lockResource(tx, params.id);
        const n = await tx.stopSharingNotice.findFirst({
          where: { id: params.noticeId, resourceId: params.id },
        });
        if (!n) throw notFound;
        if (n.withdrawnAt) throw new Problem(409, 'notice_already_withdrawn', '这份报备已撤回');
        if (n.effectiveAt <= now) {
          throw new Problem(
            409,
            'stop_already_effective',
            `这份报备已于 ${iso(n.effectiveAt)} 生效, 不能撤回`,
          );
        }
        const w = await tx.stopSharingNotice.update({
          where: { id: n.id },
          data: { withdrawnAt: now, withdrawnBy: actingAs(principal) },
        });
        await appendAudit(tx, {
          actor: principal.clientId,
          action: 'stop_notice_withdrawn',
          target: `resource:${params.id}`,
          data: { noticeId: n.id, effectiveAt: iso(n.effectiveAt) },
        });
        return w;
      });
      res.json(noticeView(notice, now));
    },
  });

  api.add({
    method: 'get',
    path: '/stop-notices',
    operationId: 'listStopNotices',
    summary: '停止共享报备 (第十八条)',
    description:
      '督促检查组、管理员和统筹管理部门 (报备的接收方) 看到全部; 其他部门只看到本部门资源的报备。按报备时间倒序。',
    tag: TAG,
    roles: ALL_ROLES,
    query: stopNoticeListQuery,
    responses: { 200: { description: '一页报备', schema: pageOf(stopNoticeItem) } },
    problems: { 400: '查询参数或分页游标无效' },
    async handle({ res, principal, query }) {
      const now = new Date();
      const seesAll = principal.role !== 'DEPARTMENT' || (await isManagementDept(db, principal));
      let after: Prisma.StopSharingNoticeWhereInput = {};
      if (query.cursor) {
        const { at: filedAt, id } = decodeTimeCursor(query.cursor);
        after = { OR: [{ filedAt: { lt: filedAt } }, { filedAt, id: { lt: id } }] };
      }
      const pending: Prisma.StopSharingNoticeWhereInput = { withdrawnAt: null, effectiveAt: { gt: now } };
      const rows = await db.stopSharingNotice.findMany({
        where: {
          AND: [
            seesAll ? {} : { resource: { providerDepartmentId: principal.departmentId ?? '' } },
            query.pending === true ? pending : query.pending === false ? { NOT: pending } : {},
            query.resource ? { resourceId: query.resource } : {},
            after,
          ],
        },
        orderBy: [{ filedAt: 'desc' }, { id: 'desc' }],
        take: query.limit + 1,
      });
      res.json(
        pageFrom(
          rows,
          query.limit,
          (n) => [n.filedAt.getTime(), n.id],
          (n) => noticeView(n, now),
        ),
      );
    },
  });
}
