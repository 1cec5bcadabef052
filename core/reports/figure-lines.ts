/**
 * The report figures as people read them (page, .docx, .xlsx): one line per figure with its Chinese group and
 * label, in the order of 第三十二条's report (落实情况 first, then 使用效果). The definitions are in figures.ts.
 */
import type { DepartmentFigures, RankedDepartment } from './figures';

export interface FigureLine {
  group: string;
  label: string;
  /** a count, or text for a rate or a median ('—' when there is none) */
  value: number | string;
}

export const rateText = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
export const daysText = (n: number | null): string =>
  n === null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(1);

export function figureLines(f: DepartmentFigures): FigureLine[] {
  const q = f.requests;
  const d = f.disputes;
  const line = (group: string, label: string, value: number | string): FigureLine => ({
    group,
    label,
    value,
  });
  return [
    line('共享请求办理', '本期收到的共享请求 (件)', q.received),
    line('共享请求办理', '已答复', q.answered),
    line('共享请求办理', '其中按时答复', q.answeredOnTime),
    line('共享请求办理', '其中逾期答复', q.answeredLate),
    line('共享请求办理', '尚未办结', q.open),
    line('共享请求办理', '超过期限 (含逾期后答复)', q.overdue),
    line('共享请求办理', '按时答复率', rateText(q.onTimeRate)),
    line('共享请求办理', '答复用时中位数 (工作日)', daysText(q.medianWorkingDays)),
    line(
      '争议处理',
      '协商 (第十九条): 发起或参与 / 达成一致',
      `${d.negotiation.raised} / ${d.negotiation.resolved}`,
    ),
    line(
      '争议处理',
      '协调 (第十九条): 涉及 / 已决定',
      `${d.coordination.raised} / ${d.coordination.resolved}`,
    ),
    line(
      '争议处理',
      '疑义、错误信息校核 (第二十一条): 被提出 / 已办结',
      `${d.verification.raised} / ${d.verification.resolved}`,
    ),
    line('争议处理', '争议合计: 发生 / 解决', `${d.raised} / ${d.resolved}`),
    line('目录更新 (第九条)', '应更新', f.catalogUpdates.due),
    line('目录更新 (第九条)', '按时更新', f.catalogUpdates.onTime),
    line('目录更新 (第九条)', '逾期更新', f.catalogUpdates.late),
    line('目录更新 (第九条)', '尚未更新', f.catalogUpdates.open),
    line('共享授权', '期末有效授权: 作为提供部门', f.grants.asProvider),
    line('共享授权', '期末有效授权: 作为使用部门', f.grants.asConsumer),
    line('使用判定 (第二十条)', '本部门申请判定', f.accessDecisions.asked),
    line('使用判定 (第二十条)', '其中允许使用', f.accessDecisions.allowed),
    line('使用判定 (第二十条)', '其中不予使用', f.accessDecisions.refused),
    line('使用判定 (第二十条)', '涉及本部门提供的资源', f.accessDecisions.onOwnResources),
    line('书面通报 (第三十六条)', '收到书面通报', f.rectification.received),
    line('书面通报 (第三十六条)', '已整改并验收', f.rectification.rectified),
  ];
}

/** The yearly ranking's columns (第三十三条 joint assessment): header and the cell of one body. */
export const RANKING_COLUMNS: {
  header: string;
  width: number;
  cell: (r: RankedDepartment) => number | string;
}[] = [
  { header: '排名', width: 6, cell: (r) => r.rank },
  { header: '部门', width: 30, cell: (r) => r.departmentName },
  { header: '收到请求', width: 10, cell: (r) => r.requests.received },
  { header: '已答复', width: 10, cell: (r) => r.requests.answered },
  { header: '按时答复率', width: 12, cell: (r) => rateText(r.requests.onTimeRate) },
  { header: '用时中位数(工作日)', width: 16, cell: (r) => daysText(r.requests.medianWorkingDays) },
  { header: '超过期限', width: 10, cell: (r) => r.requests.overdue },
  { header: '争议发生/解决', width: 14, cell: (r) => `${r.disputes.raised}/${r.disputes.resolved}` },
  { header: '目录逾期更新', width: 12, cell: (r) => r.catalogUpdates.late },
  { header: '有效授权(提供/使用)', width: 18, cell: (r) => `${r.grants.asProvider}/${r.grants.asConsumer}` },
  { header: '使用判定', width: 10, cell: (r) => r.accessDecisions.asked },
  {
    header: '书面通报(收到/整改)',
    width: 18,
    cell: (r) => `${r.rectification.received}/${r.rectification.rectified}`,
  },
];
