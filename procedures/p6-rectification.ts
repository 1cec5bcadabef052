/**
 * P6 书面通报、限期整改 — 第三十六条: the share authority (主管部门) issues a written notice to a department or a
 * 盟市 government on one or more of the article's six grounds and orders rectification within a deadline the
 * supervisor sets. The department rectifies and reports; the supervisor accepts the report or sends it back
 * (same deadline). A rectification that runs out is itself ground (五): the workbench proposes a new notice.
 */
import type { ProcedureModule } from './types';

export const P6: ProcedureModule = {
  code: 'P6',
  name: '书面通报、限期整改',
  article: '第三十六条',
  dbEnum: 'P6_RECTIFICATION',
  idPrefix: 'ZG',
  // the regulation leaves the period to the supervisor; this is the form's default (about a calendar month)
  phases: [{ phase: 'rectify', workingDays: 20, label: '被通报部门限期整改' }],
  answerPhase: 'rectify',
  actions: {
    submit_rectification: 'responsible',
    accept_rectification: 'requester',
    send_back: 'requester',
  },
  outcomes: { rectified: 'rectified' },
  mailNote: '请按书面通报要求限期整改, 并在期限内报送整改情况报告 (第三十六条)。',
  partyLabels: { responsible: '被通报单位', requester: '通报机关' },
};

/** 第三十六条's grounds, numbered as the article numbers them. */
export const RECTIFICATION_GROUNDS = {
  1: '未按照要求编制或更新部门政务信息资源目录',
  2: '不按照规定将本部门政务信息资源目录和掌握的政务信息资源提供给其他部门共享',
  3: '故意提供不真实、不准确、不全面的部门政务信息资源目录和政务信息资源, 未及时更新数据或提供的数据不符合有关规范、无法使用',
  4: '对获取的共享信息资源管理失控, 将共享信息用于履行本单位职责需要以外目的',
  5: '对监督检查机关责令整改的问题, 未按要求进行整改',
  6: '违反本办法规定的其他行为',
} as const;

export type RectificationGround = keyof typeof RECTIFICATION_GROUNDS;

export const GROUND_NUMERALS: Record<RectificationGround, string> = {
  1: '一',
  2: '二',
  3: '三',
  4: '四',
  5: '五',
  6: '六',
};

/** Ground (五): not rectifying as ordered — what an overdue P6 proposes for the next notice. */
export const GROUND_NOT_RECTIFIED: RectificationGround = 5;

export const isRectificationGround = (n: number): n is RectificationGround =>
  Number.isInteger(n) && n >= 1 && n <= 6;

/** `(一) 未按照…; (五) 对监督检查机关…`: the grounds as an official text cites them. */
export function groundsText(grounds: readonly number[]): string {
  return grounds
    .filter(isRectificationGround)
    .map((g) => `(${GROUND_NUMERALS[g]}) ${RECTIFICATION_GROUNDS[g]}`)
    .join('; ');
}
