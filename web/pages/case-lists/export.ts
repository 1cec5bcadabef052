/** The case lists as a file (CSV or .xlsx): the whole filter, one row a case. */
import { beijingDay } from '../../../calendar/dates';
import type { CaseListItem } from '../../../core/oversight/case-lists';
import { LEVEL_NAME } from '../../../core/registry/hierarchy';
import type { Cell, ExportTable } from '../../export';
import { procedureLabel } from '../../format';
import { stageText } from '../../labels';
import type { KindText } from './kinds';

const EXPORT_HEADERS = (text: KindText) => [
  { header: '案件编号', width: 18 },
  { header: '程序 (条款)', width: 26 },
  { header: '申请方', width: 28 },
  { header: '责任部门', width: 28 },
  { header: '责任部门层级', width: 12 },
  { header: '专人', width: 20 },
  { header: '截止日期', width: 16 },
  { header: '期限暂定', width: 10 },
  { header: text.daysHeader, width: 12 },
  { header: '阶段', width: 12 },
  { header: '收到日期', width: 16 },
];

export function exportTable(
  text: KindText,
  items: CaseListItem[],
  truncated: boolean,
  cap: number,
): ExportTable {
  const rows: Cell[][] = items.map((c) => [
    c.id,
    procedureLabel(c.procedure),
    c.requester?.name ?? '',
    c.responsible.name,
    c.responsible.level ? LEVEL_NAME[c.responsible.level] : '',
    c.staff.length > 0 ? c.staff.join('、') : '无专人 (第二十七条)',
    { day: c.deadline },
    c.provisional ? '是' : '否',
    c.workingDays,
    stageText(c.stage),
    { day: beijingDay(c.receivedAt) },
  ]);
  return {
    columns: EXPORT_HEADERS(text),
    rows,
    note: truncated
      ? `注: 符合条件的案件超过 ${cap} 件, 本文件只含前 ${cap} 件, 请缩小筛选范围后分别导出。`
      : undefined,
  };
}
