/**
 * Admission: which cases the law lets a department start, and against whom. P1 共享申请 only for 有条件共享
 * resources of another department (第十三条); P2 协商 only for 不予共享 ones (第十九条); P4 疑义校核 with its
 * five-working-day report window (第二十一条); P5 目录更新 for one's own department (第九条), or for every
 * department a law revision or change of functions touches. Every refusal is a DomainError (or AccessDenied).
 */
import { CalendarInputError } from '../../calendar/errors';
import { DEFAULT_PROFILE_ID, getProfile } from '../../calendar/profiles';
import { AccessDenied, type Actor } from '../actor';
import { DomainError } from '../errors';
import { isResourceStopped } from '../registry/resource-stop';
import { departmentInScope, scopeOf } from '../supervision-scope';
import { currentCaseView, type CaseView } from './queries';
import {
  IdempotencyKeyReused,
  ReceivedTooEarly,
  WorkflowIdConflict,
  requestFingerprint,
  startCase,
  type CaseServiceDeps,
  type StartCaseInput,
} from './start';

export type CaseDeps = CaseServiceDeps;

type Trigger = { kind: 'law_revision' | 'function_change'; title: string; reference: string };

/** What a department asks to start (the API's validated body). */
export type CaseRequest = { receivedAt?: string } & (
  | { procedure: 'P1'; resourceId: string; purpose: string; scope: string }
  | { procedure: 'P2'; resourceId: string; need: string }
  | {
      procedure: 'P4';
      resourceId: string;
      item: string;
      description: string;
      discoveredAt: string;
      proofProvided: boolean;
    }
  | { procedure: 'P5'; departmentId?: string; trigger: Trigger }
);

/** The catalog entry a case is about: it must exist and still be shared (第十八条). */
export async function resourceOrFail(deps: Pick<CaseDeps, 'db'>, resourceId: string) {
  const resource = await deps.db.resource.findUnique({ where: { id: resourceId } });
  if (!resource) {
    throw new DomainError('unprocessable', 'unknown_resource', `目录中没有信息资源 ${resourceId}`);
  }
  // a stop notice whose time has come stops the resource even before anyone updates the stored status
  if (await isResourceStopped(deps.db, resourceId)) {
    throw new DomainError(
      'unprocessable',
      'resource_stopped',
      `信息资源 ${resourceId} 已停止共享 (第十八条), 不能据此发起申请`,
    );
  }
  return resource;
}

/** P4's report window (第二十一条: report within 5 working days of discovering the error). */
export async function reportLateness(
  deps: Pick<CaseDeps, 'calendars'>,
  discoveredAt: string,
  receivedAt: string,
) {
  const profile = getProfile(DEFAULT_PROFILE_ID);
  const limit = profile.procedures.P4.phases.find((ph) => ph.phase === 'report')?.workingDays ?? 5;
  const { calendar: counter } = await deps.calendars.forProfile(profile.id);
  const afterReceipt = () =>
    new DomainError(
      'unprocessable',
      'discovered_after_receipt',
      '发现时间 (discoveredAt) 不能晚于报告受理时间',
    );
  if (discoveredAt.length > 10 && Date.parse(discoveredAt) > Date.parse(receivedAt)) throw afterReceipt();
  let between: { workingDays: number; provisional: boolean };
  try {
    between = counter.workingDaysBetween(discoveredAt, receivedAt);
  } catch (e) {
    if ((e as { code?: string }).code === 'invalid_range') throw afterReceipt();
    throw new DomainError(
      'unprocessable',
      'date_out_of_range',
      `发现时间无法计算工作日: ${(e as Error).message}`,
    );
  }
  return {
    reportWorkingDays: between.workingDays,
    reportLimitWorkingDays: limit,
    reportedLate: between.workingDays > limit,
    reportCountProvisional: between.provisional,
  };
}

/** Turns a request into the case to start; refuses with a Chinese explanation what the law does not allow. */
export async function caseInputOf(
  deps: Pick<CaseDeps, 'db' | 'calendars'>,
  own: string,
  body: CaseRequest,
  receivedAt: string,
): Promise<StartCaseInput> {
  const refuse = (code: string, detail: string, extra?: Record<string, unknown>) =>
    new DomainError('unprocessable', code, detail, extra);
  switch (body.procedure) {
    case 'P1': {
      const r = await resourceOrFail(deps, body.resourceId);
      if (r.shareType === 'UNCONDITIONAL') {
        throw refuse(
          'resource_unconditional',
          `${r.id}「${r.name}」为无条件共享资源 (第十三条), 无须申请, 可直接通过共享平台获取`,
          { shareType: r.shareType },
        );
      }
      if (r.shareType === 'NOT_SHARED') {
        throw refuse(
          'resource_not_shared',
          `${r.id}「${r.name}」为不予共享资源; 因履行职责确需使用的, 应发起协商 (P2, 第十九条)`,
          { shareType: r.shareType, suggestedProcedure: 'P2' },
        );
      }
      if (r.providerDepartmentId === own) {
        throw refuse('own_resource', '不能向本部门申请本部门提供的信息资源');
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
        throw refuse(
          'resource_not_negotiable',
          r.shareType === 'CONDITIONAL'
            ? `${r.id}「${r.name}」为有条件共享资源: 应先提交共享申请 (P1); 被拒绝后方可在该申请上发起协商`
            : `${r.id}「${r.name}」为无条件共享资源, 无须协商, 可直接获取`,
          { shareType: r.shareType, suggestedProcedure: r.shareType === 'CONDITIONAL' ? 'P1' : null },
        );
      }
      if (r.providerDepartmentId === own) throw refuse('own_resource', '不能与本部门就本部门的资源协商');
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
        throw new AccessDenied('部门只能为本部门发起目录更新');
      }
      return { procedure: 'P5', responsibleDepartmentId: own, details: { trigger: body.trigger } };
    }
  }
}

/** startCase, with what it refuses as DomainErrors. */
export async function admit(
  deps: CaseDeps,
  input: StartCaseInput,
): Promise<{ caseId: string; created: boolean }> {
  try {
    return await startCase(deps, input);
  } catch (e) {
    if (e instanceof CalendarInputError) {
      // e.g. a receivedAt outside the years the working-day calendar covers
      throw new DomainError('unprocessable', e.code, e.detail, e.field ? { field: e.field } : {});
    }
    if (e instanceof WorkflowIdConflict) {
      throw new DomainError(
        'unavailable',
        'workflow_id_conflict',
        `案件编号 ${e.caseId} 已被另一个流程占用: 数据库与 Temporal 不一致, 请联系系统管理员`,
      );
    }
    if (e instanceof ReceivedTooEarly) {
      throw new DomainError(
        'unprocessable',
        'received_too_early',
        `受理时间 (receivedAt) 早于登记时间 ${e.workingDays} 个工作日, 超过允许的 ${e.limit} 个工作日: ` +
          '倒签会缩短对方的法定办理时间, 请核实受理时间',
        { backdatedWorkingDays: e.workingDays, maxBackdateWorkingDays: e.limit },
      );
    }
    if (e instanceof IdempotencyKeyReused) {
      throw new DomainError(
        'unprocessable',
        'idempotency_key_reused',
        `该 Idempotency-Key 已用于案件 ${e.caseId}, 但本次请求内容不同: 新请求请使用新的键`,
        { caseId: e.caseId },
      );
    }
    throw e;
  }
}

/**
 * A department starts a case for itself (`own`, its department), idempotently under `key`. Answers the case
 * as it now stands and whether this request created it.
 */
export async function requestCase(
  deps: CaseDeps,
  actor: Actor,
  own: string,
  key: string,
  body: CaseRequest,
): Promise<{ created: boolean; view: CaseView }> {
  const now = deps.now?.() ?? new Date();
  const receivedAt = body.receivedAt ? new Date(body.receivedAt).toISOString() : now.toISOString();
  if (Date.parse(receivedAt) > now.getTime() + 5 * 60_000) {
    throw new DomainError('unprocessable', 'received_in_future', '受理时间 (receivedAt) 不能晚于当前时间');
  }
  const input = await caseInputOf(deps, own, body, receivedAt);
  const { caseId, created } = await admit(deps, {
    ...input,
    receivedAt,
    clientId: actor.clientId,
    idempotencyKey: key,
    requestHash: requestFingerprint(body),
    actor: own,
    limitBackdating: true,
    audit: { actor: actor.clientId, data: { procedure: body.procedure, departmentId: own } },
  });
  return { created, view: await currentCaseView(deps, actor, caseId) };
}

export interface ChangeEvent extends Trigger {
  departmentIds: string[];
  receivedAt?: string;
}

/**
 * A law revision or change of functions (第九条): one P5 case per department it touches. A 盟市 supervisor names
 * only departments in its scope (第十条, core/supervision-scope.ts): another one is answered as if it did not
 * exist, and the attempt is on record.
 */
export async function recordChangeEvent(deps: CaseDeps, actor: Actor, key: string, event: ChangeEvent) {
  const [known, scope] = await Promise.all([
    deps.db.department.findMany({ where: { id: { in: event.departmentIds } }, select: { id: true } }),
    scopeOf(deps.db, actor),
  ]);
  const missing = event.departmentIds.filter((d) => !known.some((k) => k.id === d));
  const outside = event.departmentIds.filter((d) => !missing.includes(d) && !departmentInScope(scope, d));
  const unknown = (ids: string[]) =>
    new DomainError('unprocessable', 'unknown_department', `以下部门不存在: ${ids.join(', ')}`, {
      departmentIds: ids,
    });
  if (outside.length > 0) {
    throw new AccessDenied(
      '不在本级督促检查范围内的部门',
      { departmentIds: outside },
      unknown(event.departmentIds.filter((d) => missing.includes(d) || outside.includes(d))),
    );
  }
  if (missing.length > 0) throw unknown(missing);
  const receivedAt = event.receivedAt
    ? new Date(event.receivedAt).toISOString()
    : (deps.now?.() ?? new Date()).toISOString();
  const trigger = { kind: event.kind, title: event.title, reference: event.reference };
  const cases: { departmentId: string; caseId: string; created: boolean }[] = [];
  for (const departmentId of event.departmentIds) {
    const r = await admit(deps, {
      procedure: 'P5',
      responsibleDepartmentId: departmentId,
      receivedAt,
      details: { trigger, changeEventKey: key },
      clientId: actor.clientId,
      idempotencyKey: `${key}:${departmentId}`,
      // the trigger, not the department list: the same event may be widened to more departments later
      requestHash: requestFingerprint({ trigger, receivedAt: event.receivedAt ?? null }),
      actor: actor.clientId,
      audit: {
        actor: actor.clientId,
        data: { procedure: 'P5', departmentId, changeEventKey: key, trigger },
      },
    });
    cases.push({ departmentId, ...r });
  }
  // each case's own case_started row (written with the case) carries the event key and trigger
  return { created: cases.some((c) => c.created), eventKey: key, trigger, cases };
}
