import type { Request } from 'express';
import { z } from 'zod';
import { caseDepsOf, type AppDeps } from '../deps';
import { ALL_ROLES, ownDepartmentOf, pageOf, type ApiBuilder } from '../endpoint';
import { auditingDenials } from '../denials';
import { Problem } from '../problem';
import { recordChangeEvent, requestCase } from '../../core/cases/admission';
import { actOnCase } from '../../core/cases/act';
import { dataDispute, getCase, listCases } from '../../core/cases/queries';
import {
  actionBody,
  caseSummarySchema,
  caseViewSchema,
  changeEventBody,
  changeEventResponse,
  disputeQuery,
  disputeResponse,
  idempotencyHeader,
  idempotencyKey,
  listQuery,
  startCaseBody,
} from './case-schemas';

export function requireIdempotencyKey(req: Request): string {
  const raw = req.header('Idempotency-Key');
  if (raw === undefined || raw.trim() === '') {
    throw new Problem(
      400,
      'idempotency_key_required',
      '缺少 Idempotency-Key 请求头: 重试同一请求时应使用相同的值',
    );
  }
  const r = idempotencyKey.safeParse(raw);
  if (!r.success)
    throw new Problem(400, 'invalid_idempotency_key', r.error.issues[0]?.message ?? 'Idempotency-Key 无效');
  return r.data;
}

const caseIdPath = z.object({ id: z.string().max(64).openapi({ example: 'GX-2026-000123' }) });

/**
 * Case API (issue 4): start P1/P2/P4/P5, act through the workflow's Update, read the Postgres projection.
 */
export function registerCaseRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  /** An idempotent start: 201 the first time, 200 with the same answer for a retry with the same key. */
  const createdOrRetried = <S>(schema: S, created: string, retried: string) => ({
    201: { description: created, schema },
    200: { description: retried, schema },
  });
  const idConflict = '案件编号已被另一个流程占用 (数据库与 Temporal 不一致, workflow_id_conflict)';
  const caseProblems = { 404: '案件不存在或调用方不是案件当事方 (二者不作区分, 以免泄露案件编号)' };

  api.add({
    method: 'post',
    path: '/cases',
    operationId: 'startCase',
    summary: '发起法定时限案件 (P1 共享申请 / P2 协商 / P4 疑义校核 / P5 目录更新)',
    description: '只能代表本部门发起。必须带 Idempotency-Key: 用相同的键重试只会返回同一案件。',
    tag: 'cases',
    roles: ['DEPARTMENT'],
    headers: idempotencyHeader,
    body: startCaseBody,
    responses: createdOrRetried(
      caseViewSchema,
      '案件已创建, 流程已启动',
      '同一 Idempotency-Key 的重试: 返回已创建的案件',
    ),
    problems: {
      422: '资源不存在、已停止共享, 或按办法不适用该程序 (如无条件共享资源无须申请); 受理时间倒签超过配置允许的工作日数 (received_too_early); 或 Idempotency-Key 已用于内容不同的请求',
      503: idConflict,
    },
    async handle({ req, res, principal: p, body }) {
      const own = await ownDepartmentOf(db, req, p, '发起案件');
      const key = requireIdempotencyKey(req);
      const { created, view } = await auditingDenials(db, req, p, () =>
        requestCase(caseDepsOf(deps), p, own, key, body),
      );
      res
        .status(created ? 201 : 200)
        .location(`/api/v1/cases/${view.id}`)
        .json(view);
    },
  });

  api.add({
    method: 'post',
    path: '/change-events',
    operationId: 'recordChangeEvent',
    summary: '登记法律法规修订或职能调整, 为每个受影响部门启动目录更新 (P5, 第九条)',
    tag: 'cases',
    roles: ['SUPERVISOR', 'ADMIN'],
    headers: idempotencyHeader,
    body: changeEventBody,
    responses: createdOrRetried(
      changeEventResponse,
      '已为受影响部门启动目录更新案件',
      '同一 Idempotency-Key 的重试',
    ),
    problems: {
      422: '有部门不存在, 或 Idempotency-Key 已用于内容不同的请求',
      503: idConflict,
    },
    async handle({ req, res, principal: p, body }) {
      const key = requireIdempotencyKey(req);
      const { created, eventKey, trigger, cases } = await auditingDenials(db, req, p, () =>
        recordChangeEvent(caseDepsOf(deps), p, key, body),
      );
      res.status(created ? 201 : 200).json({ eventKey, trigger, cases });
    },
  });

  api.add({
    method: 'post',
    path: '/cases/{id}/actions',
    operationId: 'actOnCase',
    summary: '办理案件: 批准、拒绝、协商、决定、校核答复、目录已更新、报送整改报告、验收或退回等',
    description:
      '办理人总是调用方所属部门; 只有当前阶段的责任部门可以办理。书面通报 (P6) 的整改报告由督促检查方以发文机关名义验收 (accept_rectification) 或退回 (send_back)。',
    tag: 'cases',
    roles: ['DEPARTMENT', 'SUPERVISOR'],
    params: caseIdPath,
    body: actionBody,
    responses: { 200: { description: '办理后的案件', schema: caseViewSchema } },
    problems: {
      ...caseProblems,
      409: '当前阶段不能执行该操作, 或案件已办结',
      422: '缺少办法要求的理由或范围, 或授权有效期已过',
      503: '案件流程暂不可用 (数据库与 Temporal 不一致, workflow_unavailable) 或暂未响应 (workflow_busy, 操作可能稍后生效)',
    },
    async handle({ req, res, principal: p, params, body }) {
      res.json(await auditingDenials(db, req, p, () => actOnCase(deps, p, params.id, body)));
    },
  });

  api.add({
    method: 'get',
    path: '/cases/{id}',
    operationId: 'getCase',
    summary: '读取案件: 状态、期限、时间线和关联案件',
    tag: 'cases',
    roles: ALL_ROLES,
    params: caseIdPath,
    responses: { 200: { description: '案件', schema: caseViewSchema } },
    problems: caseProblems,
    async handle({ req, res, principal: p, params }) {
      res.json(await auditingDenials(db, req, p, () => getCase(deps, p, params.id)));
    },
  });

  api.add({
    method: 'get',
    path: '/cases',
    operationId: 'listCases',
    summary: '案件列表 (部门只看到本部门为当事方的案件), 按到期时间排序, 游标分页',
    tag: 'cases',
    roles: ALL_ROLES,
    query: listQuery,
    responses: { 200: { description: '一页案件', schema: pageOf(caseSummarySchema) } },
    async handle({ res, principal: p, query: q }) {
      res.json(await listCases(deps, p, q));
    },
  });

  api.add({
    method: 'get',
    path: '/data-disputes',
    operationId: 'getDataDispute',
    summary:
      '某数据项是否正在校核 (第二十一条: 校核期间仍应继续为群众办理); 案件列表只含调用方为当事方的案件',
    tag: 'cases',
    roles: ALL_ROLES,
    query: disputeQuery,
    responses: { 200: { description: '校核状态', schema: disputeResponse } },
    async handle({ res, principal: p, query: q }) {
      res.json(await dataDispute(deps, p, q));
    },
  });
}
