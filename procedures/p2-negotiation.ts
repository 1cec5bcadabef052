/**
 * P2 协商 — 第十九条: the consumer still needs a refused conditional resource, or any 不予共享 resource, for its
 * duties; consumer and provider settle within 10 working days. Agreement grants the share; failure, or ten
 * working days without agreement, sends the matter to coordination (P3).
 */
import type { ProcedureModule } from './types';

export const P2: ProcedureModule = {
  code: 'P2',
  name: '共享协商',
  article: '第十九条',
  dbEnum: 'P2_NEGOTIATION',
  idPrefix: 'XS',
  phases: [{ phase: 'settle', workingDays: 10, label: '使用部门与提供部门协商' }],
  answerPhase: 'settle',
  actions: { agree: 'responsible', fail: 'responsible' },
  outcomes: { agreed: 'agreed', failed: 'failed', expired: 'failed' },
  mailNote: '请与使用部门协商解决; 协商未果或期满仍未达成一致的, 由共享主管部门协调解决 (第十九条)。',
  originNote: (parent) => `本案由有条件共享申请 ${parent} 被拒绝后转入协商 (第十九条)。`,
};
