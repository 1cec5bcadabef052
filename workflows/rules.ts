import type { ActionRejection, CaseAction, CaseStart, CaseState, ProcedureCode } from './types';

/** Which actions each procedure accepts, and from which party. Pure: used by the Update validator and tests. */
const ACTIONS: Record<ProcedureCode, Partial<Record<CaseAction['type'], 'responsible' | 'requester'>>> = {
  P1: { approve: 'responsible', refuse: 'responsible', open_negotiation: 'requester' },
  P2: { agree: 'responsible', fail: 'responsible' },
  P3: { decide: 'responsible' },
  P4: { correct: 'responsible', confirm_correct: 'responsible' },
  P5: { catalog_updated: 'responsible' },
};

const STAGE_NAMES: Record<string, string> = {
  awaiting_answer: '等待答复',
  approved: '已同意共享',
  refused: '已拒绝',
  negotiating: '协商中',
  agreed: '协商一致',
  failed: '协商未果',
  decided: '已协调决定',
  answered: '已处理',
  updated: '目录已更新',
};

export function stageName(stage: string): string {
  return STAGE_NAMES[stage] ?? stage;
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
  const party = ACTIONS[start.procedure][action.type];
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
  if (state.status === 'CLOSED' || state.stage !== 'awaiting_answer') {
    return { code: 'case_closed', detail: `案件已处于"${stageName(state.stage)}"阶段, 不能再执行该操作` };
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
  }
}

/**
 * Whether an answer at `answeredAtMs` is late for a case due at `dueAt` (24:00 Beijing time of the deadline
 * day, i.e. 00:00 of the next day): 23:59:59.999 is on time, 24:00:00.000 is late.
 */
export function isLate(answeredAtMs: number, dueAt: string | undefined): boolean {
  return dueAt !== undefined && answeredAtMs >= Date.parse(dueAt);
}

/** The stage and outcome an accepted answer leads to. */
export function outcomeOf(action: CaseAction): { stage: string; outcome: string } {
  switch (action.type) {
    case 'approve':
      return { stage: 'approved', outcome: 'approved' };
    case 'refuse':
      return { stage: 'refused', outcome: 'refused' };
    case 'agree':
      return { stage: 'agreed', outcome: 'agreed' };
    case 'fail':
      return { stage: 'failed', outcome: 'failed' };
    case 'decide':
      return { stage: 'decided', outcome: action.share ? 'share' : 'not_share' };
    case 'correct':
      return { stage: 'answered', outcome: 'corrected' };
    case 'confirm_correct':
      return { stage: 'answered', outcome: 'data_correct' };
    case 'catalog_updated':
      return { stage: 'updated', outcome: 'catalog_updated' };
    case 'open_negotiation':
      return { stage: 'refused', outcome: 'refused' };
  }
}
