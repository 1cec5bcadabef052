import { PROCEDURES, STAGE_LABELS, type Outcome, type Stage } from '../procedures';
import type { ActionRejection, CaseAction, CaseStart, CaseState } from './types';

/** Every case begins here: open, awaiting the responsible party's answer, nothing sent or started yet. */
export function initialState(start: Pick<CaseStart, 'caseId' | 'procedure'>): CaseState {
  return {
    caseId: start.caseId,
    procedure: start.procedure,
    status: 'OPEN',
    stage: 'awaiting_answer',
    overdue: false,
    answeredLate: false,
    remindersSent: [],
    childCaseIds: [],
  };
}

export function stageName(stage: Stage): string {
  return STAGE_LABELS[stage] ?? stage;
}

function blank(s: string | undefined): boolean {
  return s === undefined || s.trim() === '';
}

/** A UTF-16 lone surrogate has no UTF-8 form: Postgres (the read model) can never store such text. */
const LONE_SURROGATE = /\p{Surrogate}/u;

function unrecordableField(action: CaseAction): string | undefined {
  for (const [field, value] of Object.entries(action)) {
    if (typeof value === 'string' && (value.includes('\u0000') || LONE_SURROGATE.test(value))) return field;
  }
  return undefined;
}

/**
 * Returns why `action` may not be applied at `now` (workflow time), or undefined if it may. Whatever is
 * accepted here must be recordable: an accepted answer changes the workflow's state before its projection
 * is written, so text the database refuses would leave the two disagreeing for good.
 */
export function checkAction(
  start: CaseStart,
  state: CaseState,
  action: CaseAction,
  now: number = Number.NEGATIVE_INFINITY,
): ActionRejection | undefined {
  const bad = unrecordableField(action);
  if (bad) {
    return {
      code: 'invalid_text',
      detail: `字段 ${bad} 含有无法保存的字符 (NUL 或不成对的 UTF-16 代理字符)`,
    };
  }
  const party = PROCEDURES[start.procedure].actions[action.type];
  if (!party) {
    return { code: 'wrong_stage', detail: `${start.procedure} 案件不接受操作 "${action.type}"` };
  }
  const expected = party === 'responsible' ? start.responsibleDepartmentId : start.requesterDepartmentId;
  if (action.actorDepartmentId !== expected) {
    return {
      code: 'wrong_party',
      detail: `该操作只能由${party === 'responsible' ? '责任部门' : '申请部门'} ${expected ?? '(无)'} 执行`,
    };
  }
  if (action.type === 'open_negotiation') {
    if (state.stage !== 'refused') return { code: 'wrong_stage', detail: '只有被拒绝的共享申请才能发起协商' };
    if (state.childCaseIds.length > 0 || state.negotiationRequested)
      return { code: 'wrong_stage', detail: '该申请已发起协商' };
    if (blank(action.need)) return { code: 'missing_reason', detail: '发起协商须说明履行职责的需要' };
    return undefined;
  }
  if (state.status === 'CLOSED') {
    return { code: 'case_closed', detail: `案件已处于"${stageName(state.stage)}"阶段, 不能再执行该操作` };
  }
  // P6: the supervisor reviews only a submitted rectification report; everything else answers an open clock
  const review = action.type === 'accept_rectification' || action.type === 'send_back';
  if (state.stage !== (review ? 'under_review' : 'awaiting_answer')) {
    return review
      ? { code: 'wrong_stage', detail: '被通报部门尚未报送整改情况报告, 不能验收或退回' }
      : state.stage === 'under_review'
        ? { code: 'wrong_stage', detail: '整改情况报告已报送, 正在等待验收' }
        : { code: 'case_closed', detail: `案件已处于"${stageName(state.stage)}"阶段, 不能再执行该操作` };
  }
  switch (action.type) {
    case 'refuse':
      if (blank(action.reason)) return { code: 'missing_reason', detail: '拒绝共享必须说明理由 (第十九条)' };
      if (blank(action.legalBasis))
        return { code: 'missing_reason', detail: '拒绝共享必须提供法律法规或政策依据' };
      return undefined;
    case 'approve':
    case 'agree':
      if (blank(action.scope) || blank(action.purpose)) {
        return { code: 'missing_reason', detail: '同意共享须明确共享范围和使用用途 (第十八条)' };
      }
      // a grant that has expired before it exists would be an approval in name only
      if (action.type === 'approve' && action.validUntil && Date.parse(action.validUntil) <= now) {
        return {
          code: 'valid_until_past',
          detail: '授权有效期 (validUntil) 已过, 请给出将来的时间或不设有效期',
        };
      }
      return undefined;
    case 'fail':
      return blank(action.reason) ? { code: 'missing_reason', detail: '协商未果须说明原因' } : undefined;
    case 'decide':
      if (blank(action.reasons)) return { code: 'missing_reason', detail: '协调决定须说明理由' };
      if (action.share && (blank(action.scope) || blank(action.purpose))) {
        return { code: 'missing_reason', detail: '决定共享须明确共享范围和使用用途' };
      }
      return undefined;
    case 'correct':
    case 'confirm_correct':
      return blank(action.explanation) ? { code: 'missing_reason', detail: '校核答复须附说明' } : undefined;
    case 'catalog_updated':
      return blank(action.catalogVersion)
        ? { code: 'missing_reason', detail: '须给出更新后的目录版本' }
        : undefined;
    case 'submit_rectification':
      return blank(action.report) ? { code: 'missing_reason', detail: '须填写整改情况报告' } : undefined;
    case 'send_back':
      return blank(action.reasons) ? { code: 'missing_reason', detail: '退回整改报告须说明理由' } : undefined;
    case 'accept_rectification':
      return undefined;
    case 'submit_report':
      return blank(action.narrative)
        ? { code: 'missing_reason', detail: '须填写共享落实情况和使用效果的说明 (第三十二条)' }
        : undefined;
  }
}

/** P6's intermediate steps: they move the case between 整改中 and 待验收 without closing it. */
export type StepAction = Extract<CaseAction, { type: 'submit_rectification' | 'send_back' }>;

export const isStepAction = (action: CaseAction): action is StepAction =>
  action.type === 'submit_rectification' || action.type === 'send_back';

/**
 * Whether an answer at `answeredAtMs` is late for a case due at `dueAt` (24:00 Beijing time of the deadline
 * day, i.e. 00:00 of the next day): 23:59:59.999 is on time, 24:00:00.000 is late.
 */
export function isLate(answeredAtMs: number, dueAt: string | undefined): boolean {
  return dueAt !== undefined && answeredAtMs >= Date.parse(dueAt);
}

/** The outcome an accepted answer records; its stage is the procedure module's. */
function outcomeOfAction(action: Exclude<CaseAction, StepAction>): Outcome {
  switch (action.type) {
    case 'approve':
      return 'approved';
    case 'refuse':
    case 'open_negotiation':
      return 'refused';
    case 'agree':
      return 'agreed';
    case 'fail':
      return 'failed';
    case 'decide':
      return action.share ? 'share' : 'not_share';
    case 'correct':
      return 'corrected';
    case 'confirm_correct':
      return 'data_correct';
    case 'catalog_updated':
      return 'catalog_updated';
    case 'accept_rectification':
      return 'rectified';
    case 'submit_report':
      return 'report_submitted';
  }
}

/** The stage and outcome an accepted answer leads to. */
export function outcomeOf(
  start: Pick<CaseStart, 'procedure'>,
  action: Exclude<CaseAction, StepAction>,
): { stage: Stage; outcome: Outcome } {
  const outcome = outcomeOfAction(action);
  const stage = PROCEDURES[start.procedure].outcomes[outcome];
  if (!stage) throw new Error(`${start.procedure} has no outcome ${outcome}`);
  return { stage, outcome };
}

/** The share an accepted answer grants (第十八、二十条): scope and purpose, to the requesting consumer. */
export function grantOf(start: CaseStart, action: CaseAction) {
  const consumer = start.requesterDepartmentId;
  if (!consumer || !start.resourceId) return undefined;
  const base = {
    caseId: start.caseId,
    resourceId: start.resourceId,
    consumerDepartmentId: consumer,
    grantedBy: action.actorDepartmentId,
  };
  if (action.type === 'approve')
    return { ...base, scope: action.scope, purpose: action.purpose, validUntil: action.validUntil };
  if (action.type === 'agree') return { ...base, scope: action.scope, purpose: action.purpose };
  if (action.type === 'decide' && action.share && action.scope && action.purpose) {
    return { ...base, scope: action.scope, purpose: action.purpose };
  }
  return undefined;
}
