/**
 * Acting on a case: only the department responsible at the current stage may act, always as itself. The
 * workflow decides (its `act` Update); its refusals come back as DomainErrors, a party acting out of turn
 * as AccessDenied (an attempt that goes on record).
 */
import {
  WORKFLOW_MESSAGES,
  type ActionRejection,
  type CaseAction,
  type CaseState,
} from '../../workflows/types';
import { AccessDenied, type Actor } from '../actor';
import { DomainError, type DomainErrorKind } from '../errors';
import { currentCaseView, loadVisibleCase, type CaseRow, type CaseView } from './queries';
import { isSdkError } from './sdk-errors';
import type { CaseServiceDeps } from './start';

export type ActDeps = Pick<CaseServiceDeps, 'db' | 'temporal'>;

/** An action as the caller sends it: the acting department is always the caller's own. */
export type ActionRequest = CaseAction extends infer A
  ? A extends CaseAction
    ? Omit<A, 'actorDepartmentId'>
    : never
  : never;

const REJECTION_KIND: Record<ActionRejection['code'], DomainErrorKind> = {
  invalid_text: 'invalid',
  wrong_party: 'forbidden',
  wrong_stage: 'conflict',
  case_closed: 'conflict',
  missing_reason: 'unprocessable',
  valid_until_past: 'unprocessable',
};

export async function actOnCase(
  deps: ActDeps,
  actor: Actor,
  caseId: string,
  body: ActionRequest,
): Promise<CaseView> {
  const row = await loadVisibleCase(deps, actor, caseId);
  const actorDepartmentId = actingDepartmentOf(actor, row, body);
  // a supervisor acts in the issuing body's name: who it was stays on the record
  const by = actor.role === 'SUPERVISOR' ? { by: actor.clientId } : {};
  const action = { ...body, actorDepartmentId, ...by } as CaseAction;
  try {
    await deps.temporal.workflow
      .getHandle(row.id)
      .executeUpdate<CaseState, [CaseAction]>(WORKFLOW_MESSAGES.act, { args: [action] });
  } catch (e) {
    const refusal = await refusalOf(deps, e, row);
    // a party acting out of turn (e.g. the requester approving its own request) is a denied attempt too
    if (refusal instanceof DomainError && refusal.kind === 'forbidden') {
      throw new AccessDenied(refusal.detail, { caseId: row.id, action: body.type }, refusal);
    }
    throw refusal;
  }
  return currentCaseView(deps, actor, row.id);
}

/**
 * The department an action is taken as: a department always acts as itself; a supervisor reviews a
 * rectification report (P6, 第三十六条) in the name of the body that issued the notice, and does nothing else
 * here. The person or system is kept on the action (`by`) and so on the case's timeline.
 */
function actingDepartmentOf(actor: Actor, row: CaseRow, body: ActionRequest): string {
  if (actor.role === 'DEPARTMENT' && actor.departmentId) return actor.departmentId;
  const review = body.type === 'accept_rectification' || body.type === 'send_back';
  if (
    actor.role === 'SUPERVISOR' &&
    review &&
    row.procedure === 'P6_RECTIFICATION' &&
    row.requesterDepartmentId
  ) {
    return row.requesterDepartmentId;
  }
  throw new AccessDenied(
    actor.role === 'SUPERVISOR'
      ? '督促检查人员只能验收或退回整改情况报告 (第三十六条); 其他办理由部门业务系统进行'
      : '只有部门业务系统才能办理案件, 且只能代表本部门',
  );
}

async function refusalOf(deps: ActDeps, e: unknown, row: CaseRow): Promise<unknown> {
  const cause = (e as { cause?: { type?: unknown; message?: string } })?.cause;
  if (isSdkError(e, 'WorkflowUpdateFailedError') && isSdkError(cause, 'ApplicationFailure') && cause?.type) {
    const type = cause.type as ActionRejection['code'];
    const kind = REJECTION_KIND[type];
    if (kind) return new DomainError(kind, type, cause.message ?? '');
  }
  const closed = () => new DomainError('conflict', 'case_closed', `案件 ${row.id} 已办结, 不能再执行该操作`);
  if (isSdkError(e, 'WorkflowNotFoundError') || (e as { name?: string })?.name === 'WorkflowNotFoundError') {
    // The workflow finished while this request waited: a concurrent answer closed the case after `row` was
    // read. Its projection is written before the workflow completes, so a fresh read tells the truth.
    const now = await deps.db.case.findUnique({ where: { id: row.id }, select: { status: true } });
    if (now?.status === 'CLOSED') return closed();
    return new DomainError(
      'unavailable',
      'workflow_unavailable',
      `案件 ${row.id} 的流程当前不可用 (数据库与 Temporal 不一致), 请稍后重试或联系系统管理员`,
    );
  }
  if (isSdkError(e, 'WorkflowUpdateRPCTimeoutOrCancelledError')) {
    // the workflow did not answer in time (a busy or restarting worker): the action may still be applied, so the
    // client reads the case before retrying; a retry of an applied answer is a 409 (the load drill, issue 14)
    return new DomainError(
      'unavailable',
      'workflow_busy',
      `案件 ${row.id} 的流程暂未响应, 操作可能稍后生效; 请先查询案件状态再决定是否重试`,
    );
  }
  const msg = (e as Error)?.message ?? '';
  if (/already completed|workflow execution already completed/i.test(msg)) return closed();
  return e;
}
