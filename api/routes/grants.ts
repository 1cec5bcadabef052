import type { Request } from 'express';
import type { AppDeps } from '../app';
import { deny, recordDenied, type Principal } from '../auth';
import { decodeTimeCursor, encodeCursor, type ApiBuilder } from '../endpoint';
import { Problem } from '../problem';
import { sharedResourceWhere } from '../../core/registry/resource-stop';
import { decideAccess, grantStateOf, shanghaiTime, stopStateOf } from '../access-decision';
import { appendAudit } from '../../audit/log';
import type { Prisma } from '../../prisma/client';
import {
  decisionBody,
  decisionView,
  grantIdParams,
  grantListQuery,
  grantPage,
  grantView,
  revokeBody,
} from './grant-schemas';

/**
 * Grants (第十八、二十条) and the access decision over them (issue 5). Grants are written by the workflows'
 * projection when a share is approved / agreed / decided; here they are read, revoked, and asked about.
 */

/** What a grant row needs around it to be shown and judged: its resource and that resource's stop notices. */
const grantInclude = {
  resource: {
    select: {
      name: true,
      providerDepartmentId: true,
      status: true,
      stopNotices: { select: { effectiveAt: true, withdrawnAt: true, reason: true } },
    },
  },
} satisfies Prisma.GrantInclude;
type GrantRow = Prisma.GrantGetPayload<{ include: typeof grantInclude }>;

function view(g: GrantRow, now: Date) {
  const state = grantStateOf(g, stopStateOf(g.resource, g.resource.stopNotices, now).stopped, now);
  return {
    id: g.id,
    caseId: g.caseId,
    resourceId: g.resourceId,
    resourceName: g.resource.name,
    providerDepartmentId: g.resource.providerDepartmentId,
    consumerDepartmentId: g.consumerDepartmentId,
    scope: g.scope,
    purpose: g.purpose,
    validUntil: g.validUntil?.toISOString() ?? null,
    createdAt: g.createdAt.toISOString(),
    revokedAt: g.revokedAt?.toISOString() ?? null,
    revokedBy: g.revokedBy,
    revokeReason: g.revokeReason,
    active: state === 'active',
    state,
  };
}

/** A department sees the grants it uses and the grants on its own resources; supervisors and admins all. */
function visibilityOf(p: Principal): Prisma.GrantWhereInput {
  if (p.role !== 'DEPARTMENT') return {};
  const own = p.departmentId ?? '(none)';
  return { OR: [{ consumerDepartmentId: own }, { resource: { providerDepartmentId: own } }] };
}

/** The `active` filter in SQL (not after the page is cut), so pages stay full and cursors stay valid. */
function activeWhere(now: Date): Prisma.GrantWhereInput {
  return {
    revokedAt: null,
    OR: [{ validUntil: null }, { validUntil: { gt: now } }],
    resource: sharedResourceWhere(now),
  };
}

/** Not-yours and nonexistent look the same (404), so grant ids do not leak; the attempt is still audited. */
async function loadVisible(deps: AppDeps, req: Request, p: Principal, id: string): Promise<GrantRow> {
  const notFound = new Problem(404, 'grant_not_found', `共享授权 ${id} 不存在`);
  const row = await deps.db.grant.findUnique({ where: { id }, include: grantInclude });
  if (!row) throw notFound;
  const own = p.departmentId;
  const visible =
    p.role !== 'DEPARTMENT' ||
    (!!own && (row.consumerDepartmentId === own || row.resource.providerDepartmentId === own));
  if (!visible) {
    await recordDenied(deps.db, req, p, 'grant of other departments', { grantId: id });
    throw notFound;
  }
  return row;
}

function decodeGrantCursor(cursor: string): { createdAt: Date; id: string } {
  const { at: createdAt, id } = decodeTimeCursor(cursor);
  return { createdAt, id };
}

export function registerGrantRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;

  api.add({
    method: 'get',
    path: '/grants',
    operationId: 'listGrants',
    summary: '共享授权列表 (部门: 本部门使用的和本部门资源上的; 监督、管理: 全部)',
    description: '按创建时间倒序, 游标分页。',
    tag: 'grants',
    roles: ['DEPARTMENT', 'SUPERVISOR', 'ADMIN'],
    query: grantListQuery,
    responses: { 200: { description: '一页授权', schema: grantPage } },
    async handle({ res, principal, query: q }) {
      const now = new Date();
      const and: Prisma.GrantWhereInput[] = [visibilityOf(principal)];
      if (q.resource) and.push({ resourceId: q.resource });
      if (q.consumer) and.push({ consumerDepartmentId: q.consumer });
      if (q.active === true) and.push(activeWhere(now));
      if (q.active === false) and.push({ NOT: activeWhere(now) });
      if (q.cursor) {
        // newest first: the next page holds what is older than the last item shown
        const c = decodeGrantCursor(q.cursor);
        and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
      }
      const rows = await db.grant.findMany({
        where: { AND: and },
        include: grantInclude,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((g) => view(g, now)),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/grants/{id}',
    operationId: 'getGrant',
    summary: '一项共享授权',
    tag: 'grants',
    roles: ['DEPARTMENT', 'SUPERVISOR', 'ADMIN'],
    params: grantIdParams,
    responses: { 200: { description: '授权', schema: grantView } },
    problems: { 404: '授权不存在, 或不是本部门作为使用方或提供方的授权 (grant_not_found)' },
    async handle({ req, res, principal, params }) {
      res.json(view(await loadVisible(deps, req, principal, params.id), new Date()));
    },
  });

  api.add({
    method: 'post',
    path: '/grants/{id}/revoke',
    operationId: 'revokeGrant',
    summary: '撤销共享授权 (资源提供部门或管理员)',
    description: '撤销后使用部门不能再依据该授权使用资源; 撤销记入审计日志。',
    tag: 'grants',
    roles: ['DEPARTMENT', 'ADMIN'],
    params: grantIdParams,
    body: revokeBody,
    responses: { 200: { description: '已撤销的授权', schema: grantView } },
    problems: {
      404: '授权不存在, 或与本部门无关 (grant_not_found)',
      409: '授权已撤销 (grant_already_revoked)',
    },
    async handle({ req, res, principal: p, params, body }) {
      const row = await loadVisible(deps, req, p, params.id);
      if (p.role === 'DEPARTMENT' && row.resource.providerDepartmentId !== p.departmentId) {
        // the consumer sees its grant but only the provider answers for its data (第十八条)
        await deny(db, req, p, '只有信息资源的提供部门 (或系统管理员) 才能撤销共享授权');
      }
      const already = (at?: Date) =>
        new Problem(
          409,
          'grant_already_revoked',
          `共享授权 ${row.id} 已${at ? `于 ${shanghaiTime(at)} ` : ''}撤销, 不能再次撤销`,
        );
      if (row.revokedAt) throw already(row.revokedAt);
      // the acting department for a department system; the client itself for an administrator
      const revokedBy = p.role === 'DEPARTMENT' && p.departmentId ? p.departmentId : p.clientId;
      const updated = await db.$transaction(async (tx) => {
        // conditional update: of two concurrent revokes exactly one wins, the other gets 409 and writes nothing
        const now = new Date();
        const won = await tx.grant.updateMany({
          where: { id: row.id, revokedAt: null },
          data: { revokedAt: now, revokedBy, revokeReason: body.reason },
        });
        if (won.count === 0) throw already();
        await appendAudit(tx, {
          actor: p.clientId,
          action: 'grant_revoked',
          target: row.id,
          data: {
            grantId: row.id,
            caseId: row.caseId,
            resourceId: row.resourceId,
            consumerDepartmentId: row.consumerDepartmentId,
            revokedBy,
            reason: body.reason,
          },
        });
        return tx.grant.findUniqueOrThrow({ where: { id: row.id }, include: grantInclude });
      });
      res.json(view(updated, new Date()));
    },
  });

  // POST, not GET: every decision appends to the query log (第二十四条), so asking is not side-effect free,
  // and the purpose is free Chinese text that belongs in a body rather than in URLs kept by proxies.
  api.add({
    method: 'post',
    path: '/access-decisions',
    operationId: 'decideAccess',
    summary: '判定: 某部门现在能否为某用途使用某信息资源 (第十三、十八、十九、二十条)',
    description:
      '无条件共享资源直接准许; 有条件共享和不予共享资源须有该部门对该资源、用途一致的有效授权。每次判定 (准许或不准许) 都记入查询日志 (第二十四条)。',
    tag: 'grants',
    roles: ['DEPARTMENT', 'SUPERVISOR', 'ADMIN'],
    body: decisionBody,
    responses: { 200: { description: '判定结果 (已记入日志)', schema: decisionView } },
    problems: {
      403: '部门业务系统询问其他部门 (forbidden, 已记入审计日志)',
      404: '信息资源不存在 (resource_not_found) 或部门不存在 (department_not_found)',
    },
    async handle({ req, res, principal: p, body }) {
      let department = body.department;
      if (p.role === 'DEPARTMENT') {
        if (!p.departmentId) return deny(db, req, p, '该客户端未绑定部门, 不能申请判定');
        if (department && department !== p.departmentId) {
          await deny(db, req, p, '部门业务系统只能查询本部门能否使用信息资源');
        }
        department = p.departmentId;
      }
      if (!department) {
        throw new Problem(400, 'department_required', '监督和管理客户端须在 department 中指明要判定的部门');
      }
      const [dept, resource] = await Promise.all([
        db.department.findUnique({ where: { id: department }, select: { id: true } }),
        db.resource.findUnique({
          where: { id: body.resource },
          include: { stopNotices: { select: { effectiveAt: true, withdrawnAt: true, reason: true } } },
        }),
      ]);
      if (!dept) throw new Problem(404, 'department_not_found', `部门 ${department} 不存在`);
      if (!resource) throw new Problem(404, 'resource_not_found', `目录中没有信息资源 ${body.resource}`);
      const grants = await db.grant.findMany({
        where: { consumerDepartmentId: department, resourceId: resource.id },
        include: grantInclude,
      });
      const now = new Date();
      const d = decideAccess({
        departmentId: department,
        resource,
        stopNotices: resource.stopNotices,
        grants,
        purpose: body.purpose,
        now,
      });
      // The advisory lock inside appendAudit is held until this transaction commits, so the newest row
      // read here is the one just written: its id lets a department cite the log entry.
      const logId = await db.$transaction(async (tx) => {
        await appendAudit(tx, {
          actor: p.clientId,
          action: 'access_decision',
          target: resource.id,
          data: {
            departmentId: department,
            resourceId: resource.id,
            shareType: resource.shareType,
            purpose: body.purpose,
            allowed: d.allowed,
            code: d.code,
            grantId: d.basisGrantId,
            callerRole: p.role,
            decidedAt: now.toISOString(),
          },
        });
        const row = await tx.auditLog.findFirstOrThrow({ orderBy: { id: 'desc' }, select: { id: true } });
        return row.id.toString();
      });
      res.json({
        allowed: d.allowed,
        code: d.code,
        reason: d.reason,
        department,
        purpose: body.purpose,
        resource: {
          id: resource.id,
          name: resource.name,
          shareType: resource.shareType,
          providerDepartmentId: resource.providerDepartmentId,
        },
        grant: d.grant ? view(d.grant, now) : null,
        grantedPurposes: d.grantedPurposes,
        decidedAt: now.toISOString(),
        logId,
      });
    },
  });
}
