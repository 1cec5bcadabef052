/**
 * P3 协调 — 第十九条: negotiation failed or ran out; the share authority (共享主管部门) decides within 30 working
 * days whether to share, with reasons.
 */
import type { ProcedureModule } from './types';

export const P3: ProcedureModule = {
  code: 'P3',
  name: '共享协调',
  article: '第十九条',
  dbEnum: 'P3_COORDINATION',
  idPrefix: 'XT',
  phases: [{ phase: 'decide', workingDays: 30, label: '共享主管部门协调决定' }],
  answerPhase: 'decide',
  actions: { decide: 'responsible' },
  outcomes: { share: 'decided', not_share: 'decided' },
  mailNote: '请作出是否共享的协调决定并说明理由; 决定共享的, 应明确共享范围和使用用途 (第十九条)。',
  originNote: (parent) => `本案由协商案件 ${parent} 协商未果转入协调, 由共享主管部门作出决定 (第十九条)。`,
};
