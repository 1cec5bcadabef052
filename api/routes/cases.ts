import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { ZodType, ZodTypeDef } from 'zod';
import type { AppDeps } from '../app';
import { deny, principalOf, requireRole, type Principal } from '../auth';
import { Problem, fromZod } from '../problem';
import { startCase, type CaseServiceDeps, type StartCaseInput } from '../case-service';
import { appendAudit } from '../../audit/log';
import { Prisma } from '../../prisma/client';
import { DEFAULT_PROFILE_ID, getProfile } from '../../calendar/profiles';
import { actUpdate } from '../../workflows/statutory-case';
import { PROCEDURE_ENUM, type CaseAction, type ProcedureCode } from '../../workflows/types';
import {
  actionBody,
  caseIdParam,
  changeEventBody,
  disputeQuery,
  idempotencyKey,
  listQuery,
  startCaseBody,
  type StartCaseBody,
} from './case-schemas';

type CaseRow = Prisma.CaseGetPayload<object>;

const CODE_OF = Object.fromEntries(Object.entries(PROCEDURE_ENUM).map(([c, e]) => [e, c])) as Record<
  string,
  ProcedureCode | undefined
>;

function parse<O>(schema: ZodType<O, ZodTypeDef, unknown>, input: unknown): O {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

function wrap(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

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

async function ownDepartment(deps: AppDeps, req: Request, p: Principal, what: string): Promise<string> {
  if (p.role !== 'DEPARTMENT' || !p.departmentId) {
    return deny(deps.db, req, p, `只有部门业务系统才能${what}, 且只能代表本部门`);
  }
  return p.departmentId;
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
    await appendAudit(deps.db, {
      actor: p.clientId,
      action: 'access_denied',
      target: `${req.method} ${req.originalUrl.split('?')[0]}`,
      data: {
        role: p.role,
        departmentId: p.departmentId ?? null,
        detail: 'case of other departments',
        caseId: rawId,
      },
    });
    throw notFound;
  }
  return row;
}

function summary(row: CaseRow) {
  return {
    id: row.id,
    procedure: CODE_OF[row.procedure] ?? row.procedure,
    status: row.status,
    stage: row.stage,
    outcome: row.outcome,
    parties: { requester: row.requesterDepartmentId, responsible: row.responsibleDepartmentId },
    resourceId: row.resourceId,
    receivedAt: row.receivedAt.toISOString(),
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
  };
}

function isDateLike(s: string): boolean {
  return !Number.isNaN(Date.parse(s));
}

interface WorkingDaysCounter {
  workingDaysBetween(from: string, to: string): { workingDays: number; provisional: boolean };
}

/** P4's report window (第二十一条: report within 5 working days of discovering the error). */
async function reportLateness(deps: AppDeps, discoveredAt: string, receivedAt: string) {
  const profile = getProfile(DEFAULT_PROFILE_ID);
  const limit = profile.procedures.P4.phases.find((ph) => ph.phase === 'report')?.workingDays ?? 5;
  const { calendar } = await deps.calendars.forProfile(profile.id);
  const counter = calendar as unknown as Partial<WorkingDaysCounter>;
  if (typeof counter.workingDaysBetween !== 'function') throw new Error('calendar cannot count working days');
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
  if (resource.status === 'STOPPED') {
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

/**
 * Case API (issue 4): start P1/P2/P4/P5, act through the workflow's Update, read the Postgres projection.
 */
export function caseRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;

  router.post(
    '/cases',
    wrap(async (req, res) => {
      const p = principalOf(res);
      const own = await ownDepartment(deps, req, p, '发起案件');
      const key = requireIdempotencyKey(req);
      const body = parse(startCaseBody, req.body);
      const receivedAt = body.receivedAt ? new Date(body.receivedAt).toISOString() : new Date().toISOString();
      if (Date.parse(receivedAt) > Date.now() + 5 * 60_000) {
        throw new Problem(422, 'received_in_future', '受理时间 (receivedAt) 不能晚于当前时间');
      }
      const input = await caseInputOf(deps, req, p, own, body, receivedAt);
      const { caseId, created } = await startCase(serviceDeps(deps), {
        ...input,
        receivedAt,
        clientId: p.clientId,
        idempotencyKey: key,
        actor: own,
      });
      if (created) {
        await appendAudit(db, {
          actor: p.clientId,
          action: 'case_started',
          target: caseId,
          data: { procedure: body.procedure, departmentId: own },
        });
      }
      const row = await db.case.findUniqueOrThrow({ where: { id: caseId } });
      res
        .status(created ? 201 : 200)
        .location(`/api/v1/cases/${caseId}`)
        .json(await fullView(deps, p, row));
    }),
  );

  router.post(
    '/change-events',
    requireRole(db, 'SUPERVISOR', 'ADMIN'),
    wrap(async (req, res) => {
      const p = principalOf(res);
      const key = requireIdempotencyKey(req);
      const body = parse(changeEventBody, req.body);
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
      const receivedAt = body.receivedAt ? new Date(body.receivedAt).toISOString() : new Date().toISOString();
      const trigger = { kind: body.kind, title: body.title, reference: body.reference };
      const cases: { departmentId: string; caseId: string; created: boolean }[] = [];
      for (const departmentId of body.departmentIds) {
        const r = await startCase(serviceDeps(deps), {
          procedure: 'P5',
          responsibleDepartmentId: departmentId,
          receivedAt,
          details: { trigger, changeEventKey: key },
          clientId: p.clientId,
          idempotencyKey: `${key}:${departmentId}`,
          actor: p.clientId,
        });
        cases.push({ departmentId, ...r });
      }
      const anyCreated = cases.some((c) => c.created);
      if (anyCreated) {
        await appendAudit(db, {
          actor: p.clientId,
          action: 'change_event',
          target: key,
          data: { trigger, cases: cases.filter((c) => c.created).map((c) => c.caseId) },
        });
      }
      res.status(anyCreated ? 201 : 200).json({ eventKey: key, trigger, cases });
    }),
  );

  router.post(
    '/cases/:id/actions',
    wrap(async (req, res) => {
      const p = principalOf(res);
      const row = await loadVisible(deps, req, p, req.params.id);
      const own = await ownDepartment(deps, req, p, '办理案件');
      const body = parse(actionBody, req.body);
      const action = { ...body, actorDepartmentId: own } as CaseAction;
      try {
        await deps.temporal.workflow.getHandle(row.id).executeUpdate(actUpdate, { args: [action] });
      } catch (e) {
        throw problemOfUpdate(e, row);
      }
      const after = await db.case.findUniqueOrThrow({ where: { id: row.id } });
      res.json(await fullView(deps, p, after));
    }),
  );

  router.get(
    '/cases/:id',
    wrap(async (req, res) => {
      const p = principalOf(res);
      const row = await loadVisible(deps, req, p, req.params.id);
      res.json(await fullView(deps, p, row));
    }),
  );

  router.get(
    '/cases',
    wrap(async (req, res) => {
      const p = principalOf(res);
      const q = parse(listQuery, req.query);
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
      if (q.procedure) and.push({ procedure: PROCEDURE_ENUM[q.procedure] });
      if (q.status) and.push({ status: q.status });
      if (q.overdue !== undefined) and.push({ overdue: q.overdue });
      if (q.dueBefore) {
        // a bare date means "due before that Shanghai day begins"
        const limit =
          q.dueBefore.length <= 10 ? new Date(`${q.dueBefore}T00:00:00+08:00`) : new Date(q.dueBefore);
        and.push({ dueAt: { lt: limit } });
      }
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        and.push({ OR: [{ dueAt: { gt: c.dueAt } }, { dueAt: c.dueAt, id: { gt: c.id } }] });
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
        nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
      });
    }),
  );

  router.get(
    '/data-disputes',
    wrap(async (req, res) => {
      principalOf(res);
      const q = parse(disputeQuery, req.query);
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
        cases: rows.map((r) => ({
          id: r.id,
          stage: r.stage,
          proofProvided: (r.details as { proofProvided?: unknown }).proofProvided === true,
          deadline: r.deadlineDate,
        })),
      });
    }),
  );

  return router;
}

function encodeCursor(row: CaseRow): string {
  return Buffer.from(JSON.stringify([row.dueAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { dueAt: Date; id: string } {
  const bad = new Problem(400, 'invalid_cursor', '分页游标 (cursor) 无效');
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      !Array.isArray(v) ||
      v.length !== 2 ||
      typeof v[0] !== 'string' ||
      typeof v[1] !== 'string' ||
      !isDateLike(v[0])
    ) {
      throw bad;
    }
    return { dueAt: new Date(v[0]), id: v[1] };
  } catch {
    throw bad;
  }
}

const UPDATE_STATUS: Record<string, number> = {
  wrong_party: 403,
  wrong_stage: 409,
  case_closed: 409,
  missing_reason: 422,
};

function problemOfUpdate(e: unknown, row: CaseRow): unknown {
  if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure && e.cause.type) {
    const status = UPDATE_STATUS[e.cause.type];
    if (status) return new Problem(status, e.cause.type, e.cause.message);
  }
  if (e instanceof WorkflowNotFoundError || (e as { name?: string })?.name === 'WorkflowNotFoundError') {
    // the workflow has finished (or is gone): nothing more can be done on this case
    return row.status === 'CLOSED'
      ? new Problem(409, 'case_closed', `案件 ${row.id} 已办结, 不能再执行该操作`)
      : new Problem(404, 'case_not_found', `案件 ${row.id} 的流程不存在`);
  }
  const msg = (e as Error)?.message ?? '';
  if (/already completed|workflow execution already completed/i.test(msg)) {
    return new Problem(409, 'case_closed', `案件 ${row.id} 已办结, 不能再执行该操作`);
  }
  return e;
}
