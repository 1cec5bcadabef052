import type { AppDeps } from '../deps';
import { auditingDenials } from '../denials';
import type { ApiBuilder } from '../endpoint';
import { decideAndLog } from '../../core/decide-access';
import { getGrant, listGrants, revokeGrant, type GrantDeps, type GrantRecord } from '../../core/grants';
import {
  decisionBody,
  decisionView,
  grantIdParams,
  grantListQuery,
  grantPage,
  grantView,
  revokeBody,
} from './grant-schemas';
import { beijingInstant } from '../../calendar/dates';

/** Grants and access decisions over HTTP (issue 5); the rules are core/grants.ts and core/decide-access.ts. */

const iso = (d: Date | null) => (d ? beijingInstant(d) : null);

function grantJson(g: GrantRecord) {
  return {
    ...g,
    validUntil: iso(g.validUntil),
    createdAt: beijingInstant(g.createdAt),
    revokedAt: iso(g.revokedAt),
  };
}

export function registerGrantRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  // wall-clock time (no deps.now), like the audit rows these decisions are stamped on
  const grants: GrantDeps = { db };

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
    async handle({ res, principal, query }) {
      const page = await listGrants(grants, principal, query);
      res.json({ items: page.items.map(grantJson), nextCursor: page.nextCursor });
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
      const grant = await auditingDenials(db, req, principal, () => getGrant(grants, principal, params.id));
      res.json(grantJson(grant));
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
    async handle({ req, res, principal, params, body }) {
      const grant = await auditingDenials(db, req, principal, () =>
        revokeGrant(grants, principal, params.id, body.reason),
      );
      res.json(grantJson(grant));
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
    async handle({ req, res, principal, body }) {
      const d = await auditingDenials(db, req, principal, () => decideAndLog(grants, principal, body));
      res.json({
        ...d,
        grant: d.grant && grantJson(d.grant),
        decidedAt: beijingInstant(d.decidedAt),
      });
    },
  });
}
