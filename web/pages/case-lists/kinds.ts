/** The two case lists, 逾期案件 and 即将到期: their addresses and words. */
import type { CaseListKind, CaseListSort } from '../../../core/oversight/case-lists';

export interface KindText {
  path: string;
  title: string;
  /** the working-days column */
  daysHeader: string;
  ascii: string;
  sortLabels: Record<CaseListSort, string>;
  empty: string;
}

export const KINDS: Record<CaseListKind, KindText> = {
  overdue: {
    path: '/dashboard/overdue',
    title: '逾期案件',
    daysHeader: '逾期工作日',
    ascii: 'overdue-cases',
    sortLabels: {
      deadline: '截止日期最早 (逾期最久) 在前',
      deadline_desc: '截止日期最近 (新近逾期) 在前',
      received: '收到日期最早在前',
    },
    empty: '没有符合条件的逾期案件。',
  },
  'due-soon': {
    path: '/dashboard/due-soon',
    title: '即将到期',
    daysHeader: '剩余工作日',
    ascii: 'due-soon-cases',
    sortLabels: {
      deadline: '截止日期最近 (最紧迫) 在前',
      deadline_desc: '截止日期最晚在前',
      received: '收到日期最早在前',
    },
    empty: '没有符合条件的即将到期案件。',
  },
};

export function daysText(kind: CaseListKind, n: number): string {
  if (kind === 'due-soon' && n === 0) return '今日到期';
  if (kind === 'overdue' && n === 0) return '不足 1 个工作日';
  return `${n} 个工作日`;
}
