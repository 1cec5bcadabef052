import type { Request } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { deny, recordDenied, type Principal } from '../auth';
import {
  ALL_ROLES,
  decodeTimeCursor,
  encodeCursor,
  ownDepartmentOf,
  pageOf,
  type ApiBuilder,
} from '../endpoint';
import { Problem } from '../problem';
import { CalendarInputError } from '../../calendar/errors';
import { isResourceStopped } from '../../core/registry/resource-stop';
import {
  IdempotencyKeyReused,
  ReceivedTooEarly,
  WorkflowIdConflict,
  requestFingerprint,
  startCase,
  type CaseServiceDeps,
  type StartCaseInput,
} from '../case-service';
import { Prisma } from '../../prisma/client';
import { DEFAULT_PROFILE_ID, getProfile } from '../../calendar/profiles';
import { codeOfDbEnum, PROCEDURES } from '../../procedures';
import { actUpdate } from '../../workflows/statutory-case';
import type { ActionRejection, CaseAction } from '../../workflows/types';
import {
  actionBody,
  caseIdParam,
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
  type StartCaseBody,
} from './case-schemas';

type CaseRow = Prisma.CaseGetPayload<object>;

function requireIdempotencyKey(req: Request): string {
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

function visibleTo(
  p: Principal,
  row: Pick<CaseRow, 'requesterDepartmentId' | 'responsibleDepartmentId'>,
): boolean {
  if (p.role !== 'DEPARTMENT') return true;
  return (
    !!p.departmentId &&
    (row.requesterDepartmentId === p.departmentId || row.responsibleDepartmentId === p.departmentId)
  );
}

/** Not-yours and nonexistent look the same (404), so ids do not leak; the attempt is still audited. */
async function loadVisible(deps: AppDeps, req: Request, p: Principal, rawId: string): Promise<CaseRow> {
  const notFound = new Problem(404, 'case_not_found', `案件 ${rawId} 不存在`);
  if (!caseIdParam.safeParse(rawId).success) throw notFound;
  const row = await deps.db.case.findUnique({ where: { id: rawId } });
  if (!row) throw notFound;
  if (!visibleTo(p, row)) {
    await recordDenied(deps.db, req, p, 'case of other departments', { caseId: rawId });
    throw notFound;
  }
  return row;
}

function summary(row: CaseRow) {
  return {
    id: row.id,
    procedure: codeOfDbEnum(row.procedure) ?? row.procedure,
    status: row.status,
    stage: row.stage,
    outcome: row.outcome,
    parties: { requester: row.requesterDepartmentId, responsible: row.responsibleDepartmentId },
    resourceId: row.resourceId,
    receivedAt: row.receivedAt.toISOString(),
    recordedAt: row.createdAt.toISOString(),
    backdated: row.backdated,
    backdatedWorkingDays: row.backdatedWorkingDays,
    deadline: row.deadlineDate,
    dueAt: row.dueAt.toISOString(),
    provisional: row.provisional,
    calendarVersion: row.calendarVersion,
    overdue: row.overdue,
    overdueAt: row.overdueAt?.toISOString() ?? null,
    answeredAt: row.answeredAt?.toISOString() ?? null,
    answeredLate: row.answeredLate,
    parentCaseId: row.parentCaseId,
    rootCaseId: row.rootCaseId,
    details: row.details,
  };
}

async function fullView(deps: AppDeps, p: Principal, row: CaseRow) {
  const [events, related] = await Promise.all([
    deps.db.caseEvent.findMany({ where: { caseId: row.id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    deps.db.case.findMany({
      where: {
        OR: [
          { rootCaseId: row.rootCaseId },
          { parentCaseId: row.id },
          ...(row.parentCaseId ? [{ id: row.parentCaseId }] : []),
        ],
      },
      select: { id: true, requesterDepartmentId: true, responsibleDepartmentId: true },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
    }),
  ]);
  return {
    ...summary(row),
    timeline: events.map((e) => ({ type: e.type, at: e.at.toISOString(), actor: e.actor, data: e.data })),
    chain: related.filter((c) => visibleTo(p, c)).map((c) => c.id),
  };
}

function serviceDeps(deps: AppDeps): CaseServiceDeps {
  return {
    db: deps.db,
    temporal: deps.temporal,
    calendars: deps.calendars,
    taskQueue: deps.config.taskQueue,
    now: deps.now,
  };
}

/** P4's report window (第二十一条: report within 5 working days of discovering the error). */
async function reportLateness(deps: AppDeps, discoveredAt: string, receivedAt: string) {
  const profile = getProfile(DEFAULT_PROFILE_ID);
  const limit = profile.procedures.P4.phases.find((ph) => ph.phase === 'report')?.workingDays ?? 5;
  const { calendar: counter } = await deps.calendars.forProfile(profile.id);
  if (discoveredAt.length > 10 && Date.parse(discoveredAt) > Date.parse(receivedAt)) {
    throw new Problem(422, 'discovered_after_receipt', '发现时间 (discoveredAt) 不能晚于报告受理时间');
  }
  let between: { workingDays: number; provisional: boolean };
  try {
    between = counter.workingDaysBetween(discoveredAt, receivedAt);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'invalid_range') {
      throw new Problem(422, 'discovered_after_receipt', '发现时间 (discoveredAt) 不能晚于报告受理时间');
    }
    throw new Problem(422, 'date_out_of_range', `发现时间无法计算工作日: ${(e as Error).message}`);
  }
  return {
    reportWorkingDays: between.workingDays,
    reportLimitWorkingDays: limit,
    reportedLate: between.workingDays > limit,
    reportCountProvisional: between.provisional,
  };
}

async function resourceOrFail(deps: AppDeps, resourceId: string) {
  const resource = await deps.db.resource.findUnique({ where: { id: resourceId } });
  if (!resource) throw new Problem(422, 'unknown_resource', `目录中没有信息资源 ${resourceId}`);
  // a stop notice whose time has come stops the resource even before anyone updates the stored status
  if (await isResourceStopped(deps.db, resourceId)) {
    throw new Problem(
      422,
      'resource_stopped',
      `信息资源 ${resourceId} 已停止共享 (第十八条), 不能据此发起申请`,
    );
  }
  return resource;
}

/** Turns a validated body into the case to start; refuses with a Chinese explanation what the law does not allow. */
async function caseInputOf(
  deps: AppDeps,
  req: Request,
  p: Principal,
  own: string,
  body: StartCaseBody,
  receivedAt: string,
): Promise<StartCaseInput> {
  switch (body.procedure) {
    case 'P1': {
      const r = await resourceOrFail(deps, body.resourceId);
      if (r.shareType === 'UNCONDITIONAL') {
        throw new Problem(
          422,
          'resource_unconditional',
          `${r.id}「${r.name}」为无条件共享资源 (第十三条), 无须申请, 可直接通过共享平台获取`,
          { shareType: r.shareType },
        );
      }
      if (r.shareType === 'NOT_SHARED') {
        throw new Problem(
          422,
          'resource_not_shared',
          `${r.id}「${r.name}」为不予共享资源; 因履行职责确需使用的, 应发起协商 (P2, 第十九条)`,
          { shareType: r.shareType, suggestedProcedure: 'P2' },
        );
      }
      if (r.providerDepartmentId === own) {
        throw new Problem(422, 'own_resource', '不能向本部门申请本部门提供的信息资源');
      }
      return {
        procedure: 'P1',
        requesterDepartmentId: own,
        responsibleDepartmentId: r.providerDepartmentId,
        resourceId: r.id,
        details: { purpose: body.purpose, scope: body.scope },
      };
    }
    case 'P2': {
      const r = await resourceOrFail(deps, body.resourceId);
      if (r.shareType !== 'NOT_SHARED') {
        throw new Problem(
          422,
          'resource_not_negotiable',
          r.shareType === 'CONDITIONAL'
            ? `${r.id}「${r.name}」为有条件共享资源: 应先提交共享申请 (P1); 被拒绝后方可在该申请上发起协商`
            : `${r.id}「${r.name}」为无条件共享资源, 无须协商, 可直接获取`,
          { shareType: r.shareType, suggestedProcedure: r.shareType === 'CONDITIONAL' ? 'P1' : null },
        );
      }
      if (r.providerDepartmentId === own)
        throw new Problem(422, 'own_resource', '不能与本部门就本部门的资源协商');
      return {
        procedure: 'P2',
        requesterDepartmentId: own,
        responsibleDepartmentId: r.providerDepartmentId,
        resourceId: r.id,
        details: { need: body.need },
      };
    }
    case 'P4': {
      const r = await resourceOrFail(deps, body.resourceId);
      const late = await reportLateness(deps, body.discoveredAt, receivedAt);
      return {
        procedure: 'P4',
        requesterDepartmentId: own === r.providerDepartmentId ? undefined : own,
        responsibleDepartmentId: r.providerDepartmentId,
        resourceId: r.id,
        details: {
          item: body.item,
          description: body.description,
          discoveredAt: body.discoveredAt,
          proofProvided: body.proofProvided,
          ...late,
        },
      };
    }
    case 'P5': {
      if (body.departmentId && body.departmentId !== own) {
        return deny(deps.db, req, p, '部门只能为本部门发起目录更新');
      }
      return {
        procedure: 'P5',
        responsibleDepartmentId: own,
        details: { trigger: body.trigger },
      };
    }
  }
}

async function startOnce<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    if (e instanceof CalendarInputError) {
      // e.g. a receivedAt outside the years the working-day calendar covers
      throw new Problem(422, e.code, e.detail, e.field ? { field: e.field } : {});
    }
    if (e instanceof WorkflowIdConflict) {
      throw new Problem(
        503,
        'workflow_id_conflict',
        `案件编号 ${e.caseId} 已被另一个流程占用: 数据库与 Temporal 不一致, 请联系系统管理员`,
      );
    }
    if (e instanceof ReceivedTooEarly) {
      throw new Problem(
        422,
        'received_too_early',
        `受理时间 (receivedAt) 早于登记时间 ${e.workingDays} 个工作日, 超过允许的 ${e.limit} 个工作日: ` +
          '倒签会缩短对方的法定办理时间, 请核实受理时间',
        { backdatedWorkingDays: e.workingDays, maxBackdateWorkingDays: e.limit },
      );
    }
    if (e instanceof IdempotencyKeyReused) {
      throw new Problem(
        422,
        'idempotency_key_reused',
        `该 Idempotency-Key 已用于案件 ${e.caseId}, 但本次请求内容不同: 新请求请使用新的键`,
        { caseId: e.caseId },
      );
    }
    throw e;
  }
}

const caseIdPath = z.object({ id: z.string().max(64).openapi({ example: 'GX-2026-000123' }) });

/**
 * Case API (issue 4): start P1/P2/P4/P5, act through the workflow's Update, read the Postgres projection.
 */
export function registerCaseRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
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
    responses: {
      201: { description: '案件已创建, 流程已启动', schema: caseViewSchema },
      200: { description: '同一 Idempotency-Key 的重试: 返回已创建的案件', schema: caseViewSchema },
    },
    problems: {
      422: '资源不存在、已停止共享, 或按办法不适用该程序 (如无条件共享资源无须申请); 受理时间倒签超过配置允许的工作日数 (received_too_early); 或 Idempotency-Key 已用于内容不同的请求',
      503: '案件编号已被另一个流程占用 (数据库与 Temporal 不一致, workflow_id_conflict)',
    },
    async handle({ req, res, principal: p, body }) {
      const own = await ownDepartmentOf(db, req, p, '发起案件');
      const key = requireIdempotencyKey(req);
      const now = deps.now?.() ?? new Date();
      const receivedAt = body.receivedAt ? new Date(body.receivedAt).toISOString() : now.toISOString();
      if (Date.parse(receivedAt) > now.getTime() + 5 * 60_000) {
        throw new Problem(422, 'received_in_future', '受理时间 (receivedAt) 不能晚于当前时间');
      }
      const input = await caseInputOf(deps, req, p, own, body, receivedAt);
      const { caseId, created } = await startOnce(() =>
        startCase(serviceDeps(deps), {
          ...input,
          receivedAt,
          clientId: p.clientId,
          idempotencyKey: key,
          requestHash: requestFingerprint(body),
          actor: own,
          limitBackdating: true,
          audit: { actor: p.clientId, data: { procedure: body.procedure, departmentId: own } },
        }),
      );
      const row = await db.case.findUniqueOrThrow({ where: { id: caseId } });
      res
        .status(created ? 201 : 200)
        .location(`/api/v1/cases/${caseId}`)
        .json(await fullView(deps, p, row));
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
    responses: {
      201: { description: '已为受影响部门启动目录更新案件', schema: changeEventResponse },
      200: { description: '同一 Idempotency-Key 的重试', schema: changeEventResponse },
    },
    problems: {
      422: '有部门不存在, 或 Idempotency-Key 已用于内容不同的请求',
      503: '案件编号已被另一个流程占用 (数据库与 Temporal 不一致, workflow_id_conflict)',
    },
    async handle({ req, res, principal: p, body }) {
      const key = requireIdempotencyKey(req);
      const known = await db.department.findMany({
        where: { id: { in: body.departmentIds } },
        select: { id: true },
      });
      const missing = body.departmentIds.filter((d) => !known.some((k) => k.id === d));
      if (missing.length > 0) {
        throw new Problem(422, 'unknown_department', `以下部门不存在: ${missing.join(', ')}`, {
          departmentIds: missing,
        });
      }
      const receivedAt = body.receivedAt
        ? new Date(body.receivedAt).toISOString()
        : (deps.now?.() ?? new Date()).toISOString();
      const trigger = { kind: body.kind, title: body.title, reference: body.reference };
      const cases: { departmentId: string; caseId: string; created: boolean }[] = [];
      for (const departmentId of body.departmentIds) {
        const r = await startOnce(() =>
          startCase(serviceDeps(deps), {
            procedure: 'P5',
            responsibleDepartmentId: departmentId,
            receivedAt,
            details: { trigger, changeEventKey: key },
            clientId: p.clientId,
            idempotencyKey: `${key}:${departmentId}`,
            // the trigger, not the department list: the same event may be widened to more departments later
            requestHash: requestFingerprint({ trigger, receivedAt: body.receivedAt ?? null }),
            actor: p.clientId,
            audit: {
              actor: p.clientId,
              data: { procedure: 'P5', departmentId, changeEventKey: key, trigger },
            },
          }),
        );
        cases.push({ departmentId, ...r });
      }
      const anyCreated = cases.some((c) => c.created);
      // each case's own case_started row (written with the case) carries the event key and trigger
      res.status(anyCreated ? 201 : 200).json({ eventKey: key, trigger, cases });
    },
  });

  api.add({
    method: 'post',
    path: '/cases/{id}/actions',
    operationId: 'actOnCase',
    summary: '办理案件: 批准、拒绝、协商、决定、校核答复、目录已更新等',
    description: '办理人总是调用方所属部门; 只有当前阶段的责任部门可以办理。',
    tag: 'cases',
    roles: ['DEPARTMENT'],
    params: caseIdPath,
    body: actionBody,
    responses: { 200: { description: '办理后的案件', schema: caseViewSchema } },
    problems: {
      ...caseProblems,
      409: '当前阶段不能执行该操作, 或案件已办结',
      422: '缺少办法要求的理由或范围, 或授权有效期已过',
      503: '案件流程暂不可用 (数据库与 Temporal 不一致, workflow_unavailable)',
    },
    async handle({ req, res, principal: p, params, body }) {
      const row = await loadVisible(deps, req, p, params.id);
      const own = await ownDepartmentOf(db, req, p, '办理案件');
      const action = { ...body, actorDepartmentId: own } as CaseAction;
      try {
        await deps.temporal.workflow.getHandle(row.id).executeUpdate(actUpdate, { args: [action] });
      } catch (e) {
        const problem = await problemOfUpdate(db, e, row);
        // a party acting out of turn (e.g. the requester approving its own request) is a denied attempt too
        if (problem instanceof Problem && problem.status === 403) {
          await recordDenied(db, req, p, problem.detail, { caseId: row.id, action: body.type });
        }
        throw problem;
      }
      const after = await db.case.findUniqueOrThrow({ where: { id: row.id } });
      res.json(await fullView(deps, p, after));
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
      const row = await loadVisible(deps, req, p, params.id);
      res.json(await fullView(deps, p, row));
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
      const and: Prisma.CaseWhereInput[] = [];
      if (p.role === 'DEPARTMENT') {
        const own = p.departmentId ?? '(none)';
        and.push({ OR: [{ requesterDepartmentId: own }, { responsibleDepartmentId: own }] });
      }
      if (q.department) {
        and.push({
          OR: [{ requesterDepartmentId: q.department }, { responsibleDepartmentId: q.department }],
        });
      }
      if (q.procedure) and.push({ procedure: PROCEDURES[q.procedure].dbEnum });
      if (q.status) and.push({ status: q.status });
      if (q.overdue !== undefined) and.push({ overdue: q.overdue });
      if (q.backdated !== undefined) and.push({ backdated: q.backdated });
      if (q.dueBefore) {
        // a bare date means "due before that Shanghai day begins"
        const limit =
          q.dueBefore.length <= 10 ? new Date(`${q.dueBefore}T00:00:00+08:00`) : new Date(q.dueBefore);
        and.push({ dueAt: { lt: limit } });
      }
      if (q.cursor) {
        const { at, id } = decodeTimeCursor(q.cursor);
        and.push({ OR: [{ dueAt: { gt: at } }, { dueAt: at, id: { gt: id } }] });
      }
      const rows = await db.case.findMany({
        where: { AND: and },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map(summary),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.dueAt.toISOString(), last.id]) : null,
      });
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
      const rows = await db.case.findMany({
        where: {
          procedure: 'P4_VERIFICATION',
          status: 'OPEN',
          resourceId: q.resource,
          details: { path: ['item'], equals: q.item },
        },
        orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      });
      res.json({
        resourceId: q.resource,
        item: q.item,
        underVerification: rows.length > 0,
        // whether the item is under verification is for everyone; which cases, only for their parties
        cases: rows
          .filter((r) => visibleTo(p, r))
          .map((r) => ({
            id: r.id,
            stage: r.stage,
            proofProvided: (r.details as { proofProvided?: unknown }).proofProvided === true,
            deadline: r.deadlineDate,
          })),
      });
    },
  });
}

const UPDATE_STATUS: Record<ActionRejection['code'], number> = {
  invalid_text: 400,
  wrong_party: 403,
  wrong_stage: 409,
  case_closed: 409,
  missing_reason: 422,
  valid_until_past: 422,
};

async function problemOfUpdate(db: AppDeps['db'], e: unknown, row: CaseRow): Promise<unknown> {
  if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure && e.cause.type) {
    const status = UPDATE_STATUS[e.cause.type as ActionRejection['code']];
    if (status) return new Problem(status, e.cause.type, e.cause.message);
  }
  const closed = () => new Problem(409, 'case_closed', `案件 ${row.id} 已办结, 不能再执行该操作`);
  if (e instanceof WorkflowNotFoundError || (e as { name?: string })?.name === 'WorkflowNotFoundError') {
    // The workflow finished while this request waited: a concurrent answer closed the case after `row` was
    // read. Its projection is written before the workflow completes, so a fresh read tells the truth.
    const now = await db.case.findUnique({ where: { id: row.id }, select: { status: true } });
    if (now?.status === 'CLOSED') return closed();
    return new Problem(
      503,
      'workflow_unavailable',
      `案件 ${row.id} 的流程当前不可用 (数据库与 Temporal 不一致), 请稍后重试或联系系统管理员`,
    );
  }
  const msg = (e as Error)?.message ?? '';
  if (/already completed|workflow execution already completed/i.test(msg)) return closed();
  return e;
}
