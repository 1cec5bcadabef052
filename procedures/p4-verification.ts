/**
 * P4 疑义、错误信息校核 — 第二十一条: a consumer reports doubtful or wrong data within 5 working days of
 * discovering it; the provider verifies and answers within 10 working days. While verification runs other
 * systems can ask whether the item is under verification, and keep serving the citizen.
 */
import type { ProcedureModule } from './types';

export const P4: ProcedureModule = {
  code: 'P4',
  name: '疑义、错误信息校核',
  article: '第二十一条',
  dbEnum: 'P4_VERIFICATION',
  idPrefix: 'JH',
  phases: [
    { phase: 'report', workingDays: 5, label: '使用部门发现后报告' },
    { phase: 'answer', workingDays: 10, label: '提供部门校核并答复' },
  ],
  answerPhase: 'answer',
  actions: { correct: 'responsible', confirm_correct: 'responsible' },
  outcomes: { corrected: 'answered', data_correct: 'answered' },
  mailNote:
    '请予以处理和回复: 更正数据, 或说明数据无误。校核期间, 办事人已提供合法有效证明材料的, 受理单位应照常办理, 不得拒绝、推诿 (第二十一条)。',
};
