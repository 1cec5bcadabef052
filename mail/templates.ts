/**
 * Email texts (Simplified Chinese, HTML + plain text) for the notifications the workflows send. Pure functions:
 * the notifier gathers the facts, these only render them.
 */
import { OUTCOME_LABELS, partyLabelsOf, PROCEDURES, type Outcome, type ProcedureCode } from '../procedures';
import { groundsText } from '../procedures/p6-rectification';

export type MailKind =
  | 'new_case'
  | 'reminder'
  | 'overdue_staff'
  | 'overdue_supervisor'
  | 'outcome'
  | 'staff_gap'
  | 'submitted'
  | 'sent_back';

/** Either working days counted on the official calendar, or calendar days where no calendar was at hand. */
export interface DayCount {
  n: number;
  unit: 'working' | 'calendar';
}

export interface MailFacts {
  kind: MailKind;
  caseId: string;
  procedure: ProcedureCode;
  deadlineDate: string; // YYYY-MM-DD, Asia/Shanghai
  provisional: boolean;
  recipientName: string;
  responsibleDepartment: string;
  requesterDepartment?: string;
  resourceName?: string;
  parentCaseId?: string;
  outcome?: string;
  /** before the deadline: what remains; after it: how long it is overdue */
  daysLeft?: DayCount;
  daysOverdue?: DayCount;
  /** staff_gap: the department that has no active 专人, and the event it missed */
  gapDepartment?: string;
  gapFor?: MailKind;
  /** a supervisor's copy (抄送) of a mail addressed to a department */
  copy?: boolean;
  /** P6: the written notice */
  notice?: { number: string; issuingBody: string; grounds: number[]; facts: string };
  /** P6 steps: which rectification report, and why it was sent back */
  step?: { round: number; reasons?: string };
  link: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** `2026-03-04` → `2026年3月4日 24:00前` (the deadline is the end of that day, Beijing time). */
export function formatDeadline(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日 24:00前`;
}

function days(c: DayCount): string {
  return c.unit === 'working' ? `${c.n} 个工作日` : `${c.n} 个自然日`;
}

function chainNote(f: MailFacts): string | undefined {
  if (!f.parentCaseId) return undefined;
  return PROCEDURES[f.procedure].originNote?.(f.parentCaseId) ?? `关联案件: ${f.parentCaseId}。`;
}

function outcomeText(outcome: string | undefined): string {
  return OUTCOME_LABELS[outcome as Outcome] ?? outcome ?? '已办结';
}

function timeLine(f: MailFacts): string {
  if (f.daysOverdue) {
    return f.daysOverdue.n > 0 ? `已逾期 ${days(f.daysOverdue)}。` : '已超过办理时限, 现已逾期。';
  }
  if (f.daysLeft) return `距办理时限剩余 ${days(f.daysLeft)} (不含当日)。`;
  return '';
}

/** Subject, lead paragraph and closing line per kind; the facts table is the same for all. */
function parts(f: MailFacts): { subject: string; lead: string[]; close: string } {
  const { name: proc, article, mailNote } = PROCEDURES[f.procedure];
  const due = formatDeadline(f.deadlineDate);
  const tag = `【${proc}】${f.caseId}`;
  if (f.procedure === 'P6') {
    const p6 = rectificationParts(f, tag, due);
    if (p6) return p6;
  }
  switch (f.kind) {
    case 'new_case':
      return {
        subject: `${f.parentCaseId ? '转入案件' : '新案件'}${tag} 请于${due}办理`,
        lead: [
          `贵单位收到一件${proc}案件, 依《内蒙古自治区政务信息资源共享管理暂行办法》${article}, 须于${due}办理完毕。`,
          ...(chainNote(f) ? [chainNote(f) as string] : []),
          mailNote,
        ],
        close: '请及时登录系统办理。',
      };
    case 'reminder':
      return {
        subject: `办理提醒${tag} 截止${due}`,
        lead: [`以下案件尚未办理完毕, 办理时限为${due} (${article})。${timeLine(f)}`, mailNote],
        close: '请在时限内办理, 逾期将列入督促检查 (第三十六条)。',
      };
    case 'overdue_staff':
      return {
        subject: `逾期通知${tag} 已超过办理时限`,
        lead: [`以下案件已超过${article}规定的办理时限 (${due}), ${timeLine(f)}`],
        close: '逾期情况已报送协调办公室和统筹管理部门, 请立即办理。',
      };
    case 'overdue_supervisor':
      return {
        subject: `逾期督办${tag} ${f.responsibleDepartment}未在时限内办理`,
        lead: [
          `${f.responsibleDepartment}承办的以下案件已超过${article}规定的办理时限 (${due}), ${timeLine(f)}`,
        ],
        close: '依第三十六条, 可通报并责令限期整改。',
      };
    case 'outcome':
      return {
        subject: `办理结果${tag} ${outcomeText(f.outcome)}`,
        lead: [`贵单位提出的${proc}案件已办结, 结果: ${outcomeText(f.outcome)}。`],
        close:
          f.outcome === 'refused' && f.procedure === 'P1'
            ? '如因履行职责确需使用该资源, 可在系统中发起协商 (第十九条)。'
            : '详情请登录系统查看。',
      };
    case 'submitted':
    case 'sent_back':
      // only P6 has these steps (rectificationParts); a generic line keeps any other case readable
      return {
        subject: `案件进展${tag}`,
        lead: [`案件 ${f.caseId} 有新的办理进展。`],
        close: '详情请登录系统查看。',
      };
    case 'staff_gap':
      return {
        subject: `专人缺位${tag} ${f.gapDepartment ?? ''}无在岗专人, 通知无法送达`,
        lead: [
          `${f.gapDepartment ?? ''}未登记在岗的政务信息资源共享工作专人 (第二十七条), 以下案件的${GAP_FOR[f.gapFor ?? 'new_case']}无法送达该单位。`,
          `办理时限为${due} (${article})。${timeLine(f)}`,
        ],
        close: '请督促该单位明确专人并及时更新名单 (第二十七条)。',
      };
  }
}

/** P6 (第三十六条) has its own texts for the notice, its steps and its acceptance. */
function rectificationParts(
  f: MailFacts,
  tag: string,
  due: string,
): { subject: string; lead: string[]; close: string } | undefined {
  const number = f.notice?.number ?? f.caseId;
  const copy = f.copy ? `(抄送) ` : '';
  switch (f.kind) {
    case 'new_case':
      return {
        subject: `${copy}书面通报 ${number} 请${f.responsibleDepartment}于${due}完成整改`,
        lead: [
          `${f.copy ? `${f.responsibleDepartment}` : '贵单位'}存在下列情形, 依《内蒙古自治区政务信息资源共享管理暂行办法》第三十六条, ${f.notice?.issuingBody ?? f.requesterDepartment ?? ''}予以书面通报, 并责令限期整改 (${number}):`,
          ...(f.notice ? [groundsText(f.notice.grounds), `主要事实: ${f.notice.facts}`] : []),
          `整改期限: ${due}。请在期限内完成整改并报送整改情况报告。`,
        ],
        close: '请及时登录系统查看通报全文并报送整改情况。',
      };
    case 'submitted':
      return {
        subject: `${copy}整改报告待验收${tag} ${f.responsibleDepartment}`,
        lead: [
          `${f.responsibleDepartment}已就书面通报 ${number} 报送第 ${f.step?.round ?? 1} 次整改情况报告, 请验收或退回。`,
        ],
        close: '请登录系统查看报告并作出验收决定。',
      };
    case 'sent_back':
      return {
        subject: `${copy}整改报告退回${tag} 请继续整改`,
        lead: [
          `${f.copy ? f.responsibleDepartment : '贵单位'}就书面通报 ${number} 报送的第 ${f.step?.round ?? 1} 次整改情况报告未通过验收。`,
          `退回理由: ${f.step?.reasons ?? '(未说明)'}`,
          `整改期限不变: ${due}。${timeLine(f)}`,
        ],
        close: '请继续整改, 并在期限内重新报送整改情况报告。',
      };
    case 'outcome':
      return {
        subject: `${copy}整改验收${tag} ${f.responsibleDepartment}整改到位`,
        lead: [
          `${f.copy ? f.responsibleDepartment : '贵单位'}就书面通报 ${number} 的整改已通过验收, 本案办结。`,
        ],
        close: '详情请登录系统查看。',
      };
    case 'overdue_supervisor':
      return {
        subject: `整改逾期${tag} ${f.responsibleDepartment}未在期限内完成整改`,
        lead: [
          `${f.responsibleDepartment}未在书面通报 ${number} 规定的期限 (${due}) 内完成整改, ${timeLine(f)}`,
        ],
        close:
          '依第三十六条第 (五) 项 (对责令整改的问题未按要求整改), 可再次予以书面通报; 系统已在工作台提出建议。',
      };
    default:
      return undefined;
  }
}

const GAP_FOR: Record<MailKind, string> = {
  new_case: '新案件通知',
  reminder: '办理提醒',
  overdue_staff: '逾期通知',
  overdue_supervisor: '逾期督办',
  outcome: '办理结果通知',
  staff_gap: '通知',
  submitted: '整改报告待验收通知',
  sent_back: '整改报告退回通知',
};

export function renderMail(f: MailFacts): RenderedMail {
  const { subject, lead, close } = parts(f);
  const party = partyLabelsOf(PROCEDURES[f.procedure]);
  const rows: [string, string][] = [
    ['案件编号', f.caseId],
    ['办理事项', `${PROCEDURES[f.procedure].name} (${PROCEDURES[f.procedure].article})`],
    ...(f.notice ? [['通报编号', f.notice.number] as [string, string]] : []),
    [party.responsible, f.responsibleDepartment],
    ...(f.requesterDepartment ? [[party.requester, f.requesterDepartment] as [string, string]] : []),
    ...(f.resourceName ? [['政务信息资源', f.resourceName] as [string, string]] : []),
    ['办理时限', formatDeadline(f.deadlineDate) + (f.provisional ? ' (暂定: 该年度放假安排尚未公布)' : '')],
    ...(f.daysOverdue
      ? [['逾期', f.daysOverdue.n > 0 ? days(f.daysOverdue) : '已逾期'] as [string, string]]
      : f.daysLeft
        ? [['剩余', `${days(f.daysLeft)} (不含当日)`] as [string, string]]
        : []),
  ];
  const greeting = `${f.recipientName} 同志:`;
  const footer = '本邮件由政务信息资源共享时限监督系统自动发送 (北京时间), 请勿直接回复。';
  const text = [
    greeting,
    '',
    ...lead,
    '',
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    `查看案件: ${f.link}`,
    '',
    close,
    '',
    footer,
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>' + e(subject) + '</title></head>',
    '<body style="font-family:sans-serif;line-height:1.6">',
    `<p>${e(greeting)}</p>`,
    ...lead.map((l) => `<p>${e(l)}</p>`),
    '<table style="border-collapse:collapse">',
    ...rows.map(
      ([k, v]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0">${e(k)}</th><td>${e(v)}</td></tr>`,
    ),
    '</table>',
    `<p><a href="${e(f.link)}">查看案件 ${e(f.caseId)}</a></p>`,
    `<p>${e(close)}</p>`,
    `<p style="color:#666;font-size:12px">${e(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
