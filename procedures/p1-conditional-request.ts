/**
 * P1 有条件共享申请 — 第十九条: a consumer applies for a 有条件共享 resource; the provider answers within 10
 * working days, approving with scope and purpose (a grant, 第十八、二十条) or refusing with a reason. A refused
 * application lets the consumer open a negotiation (P2).
 */
import type { ProcedureModule } from './types';

export const P1: ProcedureModule = {
  code: 'P1',
  name: '有条件共享申请',
  article: '第十九条',
  dbEnum: 'P1_CONDITIONAL_REQUEST',
  idPrefix: 'GX',
  phases: [{ phase: 'answer', workingDays: 10, label: '提供部门答复' }],
  answerPhase: 'answer',
  actions: { approve: 'responsible', refuse: 'responsible', open_negotiation: 'requester' },
  outcomes: { approved: 'approved', refused: 'refused' },
  mailNote:
    '同意共享的, 请明确共享范围和使用用途; 不予共享的, 应说明理由并提供法律法规或政策依据 (第十九条)。',
};
