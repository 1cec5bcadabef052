/**
 * Catalog routes (issue 5): resources with their legal-basis review and stop-sharing notices. Each route
 * parses, lets the role through and calls one use-case of core/registry; see registry.ts.
 */
import { ALL_ROLES, pageOf } from '../endpoint';
import type { RegistryDeps } from '../../core/registry/common';
import { STOP_MIN_ADVANCE_MS } from '../../core/registry/resource-stop';
import {
  createResource,
  getResource,
  listResources,
  reviewLegalBasis,
  updateResource,
} from '../../core/registry/resources';
import { fileStopNotice, listStopNotices, withdrawStopNotice } from '../../core/registry/stop-notices';
import { answer, TAG, type AuditedApi } from './registry-guards';
import {
  createResourceBody,
  fileStopNoticeBody,
  noticeParams,
  rejectLegalBasisBody,
  resourceDetail,
  resourceItem,
  resourceListQuery,
  resourceParams,
  stopNoticeItem,
  stopNoticeListQuery,
  updateResourceBody,
} from './registry-schemas';

export function registerResourceRoutes(api: AuditedApi, core: RegistryDeps): void {
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
      res.json(answer(pageOf(resourceItem), await listResources(core, query)));
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
      res.json(answer(resourceDetail, await getResource(core, principal, params.id)));
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
    async handle({ res, principal, body }) {
      const created = answer(resourceDetail, await createResource(core, principal, body));
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
    async handle({ res, principal, params, body }) {
      res.json(answer(resourceDetail, await updateResource(core, principal, params.id, body)));
    },
  });

  const legalBasisProblems = {
    404: 'resource_not_found: 目录中没有该资源',
    409: 'legal_basis_not_required: 无条件共享无需依据; no_legal_basis: 尚未填写依据; legal_basis_already_confirmed / legal_basis_already_rejected: 已是该状态',
  };

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
    async handle({ res, principal, params }) {
      res.json(answer(resourceDetail, await reviewLegalBasis(core, principal, params.id, { confirm: true })));
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
    async handle({ res, principal, params, body }) {
      const decision = { confirm: false, reason: body.reason } as const;
      res.json(answer(resourceDetail, await reviewLegalBasis(core, principal, params.id, decision)));
    },
  });
}

export function registerStopNoticeRoutes(api: AuditedApi, core: RegistryDeps): void {
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
    async handle({ res, principal, params, body }) {
      const notice = answer(stopNoticeItem, await fileStopNotice(core, principal, params.id, body));
      res.status(201).location(`/api/v1/resources/${params.id}`).json(notice);
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
    async handle({ res, principal, params }) {
      const notice = await withdrawStopNotice(core, principal, params.id, params.noticeId);
      res.json(answer(stopNoticeItem, notice));
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
      res.json(answer(pageOf(stopNoticeItem), await listStopNotices(core, principal, query)));
    },
  });
}
