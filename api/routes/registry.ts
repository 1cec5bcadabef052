/**
 * Registry routes (issue 5): departments and their hierarchy, responsible staff and the gaps in it; the
 * catalog and stop notices are in registry-resources.ts. Each route parses, lets the role through and calls
 * one use-case of core/registry, whose rules these are; refusals it makes are audited (registry-guards.ts).
 *
 * Registry entries are not secret: anyone with a key may read departments and the catalog; only staff lists
 * (personal data) and stop notices of other departments are restricted.
 */
import type { AppDeps } from '../deps';
import { ALL_ROLES, pageOf, type ApiBuilder } from '../endpoint';
import type { RegistryDeps } from '../../core/registry/common';
import {
  createDepartment,
  getDepartment,
  listDepartments,
  updateDepartment,
} from '../../core/registry/departments';
import { addStaff, endStaff, listStaff, listStaffGaps } from '../../core/registry/staff';
import { answer, auditedApi, TAG, type AuditedApi } from './registry-guards';
import { registerResourceRoutes, registerStopNoticeRoutes } from './registry-resources';
import {
  addStaffBody,
  createDepartmentBody,
  departmentDetail,
  departmentItem,
  departmentListQuery,
  departmentParams,
  endStaffBody,
  endStaffResponse,
  staffGapItem,
  staffGapQuery,
  staffItem,
  staffList,
  staffListQuery,
  staffParams,
  updateDepartmentBody,
} from './registry-schemas';

export function registerRegistryRoutes(api: ApiBuilder, deps: AppDeps): void {
  // the registry has always judged by the wall clock, not by AppDeps.now (the cases' clock)
  const core: RegistryDeps = { db: deps.db };
  const audited = auditedApi(api, deps.db);
  registerDepartmentRoutes(audited, core);
  registerStaffRoutes(audited, core);
  registerResourceRoutes(audited, core);
  registerStopNoticeRoutes(audited, core);
}

function registerDepartmentRoutes(api: AuditedApi, core: RegistryDeps): void {
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
      res.json(answer(pageOf(departmentItem), await listDepartments(core, query)));
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
      res.json(answer(departmentDetail, await getDepartment(core, params.id)));
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
      const created = answer(departmentDetail, await createDepartment(core, principal, body));
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
      res.json(answer(departmentDetail, await updateDepartment(core, principal, params.id, body)));
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
    async handle({ res, principal, query }) {
      res.json(answer(pageOf(staffGapItem), await listStaffGaps(core, principal, query)));
    },
  });
}

function registerStaffRoutes(api: AuditedApi, core: RegistryDeps): void {
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
    async handle({ res, principal, params, query }) {
      res.json(answer(staffList, await listStaff(core, principal, params.id, query)));
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
    async handle({ res, principal, params, body }) {
      const staff = answer(staffItem, await addStaff(core, principal, params.id, body));
      res.status(201).location(`/api/v1/departments/${params.id}/staff`).json(staff);
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
    async handle({ res, principal, params, body }) {
      res.json(answer(endStaffResponse, await endStaff(core, principal, params.id, params.staffId, body)));
    },
  });
}
