/** 案件详情: the case's events in order, each with what it recorded, in words. */
import type { ComponentChildren } from 'preact';
import type { CaseDetail, TimelineEntry } from '../../../core/oversight/case-detail';
import { CaseLink } from '../../components/links';
import { Section } from '../../components/section';
import { ScrollTable } from '../../components/table';
import { chineseDate, chineseDateTime } from '../../format';

const EVENT_LABELS: Record<string, string> = {
  received: '收件登记',
  answered: '答复',
  answered_late: '逾期后答复',
  reminder: '办理提醒',
  reminder_skipped: '提醒未发送',
  overdue: '逾期',
  negotiation_opened: '发起协商',
  negotiation_expired: '协商期满未达成一致',
  escalated_to_coordination: '转入协调',
  deadline_recomputed: '期限重新计算',
  rectification_submitted: '报送整改情况报告',
  rectification_sent_back: '整改报告被退回',
  rectification_accepted: '整改验收通过',
};

const ACTION_LABELS: Record<string, string> = {
  approve: '同意共享',
  refuse: '不予共享',
  open_negotiation: '发起协商',
  agree: '协商一致',
  fail: '协商未果',
  decide: '协调决定',
  correct: '已更正',
  confirm_correct: '经校核数据无误',
  catalog_updated: '目录已更新',
  accept_rectification: '验收通过',
};

const ACTION_FIELDS: [string, string][] = [
  ['reason', '理由'],
  ['reasons', '理由'],
  ['legalBasis', '依据'],
  ['need', '需求'],
  ['scope', '共享范围'],
  ['purpose', '用途'],
  ['explanation', '说明'],
  ['catalogVersion', '目录版本'],
  ['note', '备注'],
];

const REMINDER_LABELS: Record<string, string> = {
  half: '期限过半提醒',
  'day-before': '到期前一个工作日提醒',
};

/** Why a reminder was not sent at its time (workflows/types.ts ReminderSkipReason). */
const REMINDER_REASONS: Record<string, string> = {
  calendar_change: '日历变更',
  received_late: '补录案件, 提醒时点在登记之前',
  past_due: '提醒时点处理时已逾期',
  under_review: '整改报告审查期间',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function EventDetail(props: { e: TimelineEntry; names: Record<string, string>; current: string }) {
  const { e, names } = props;
  const d = e.data;
  const dept = (id: unknown) => (typeof id === 'string' ? (names[id] ?? id) : '');
  const items: [string, ComponentChildren][] = [];
  switch (e.type) {
    case 'received':
    case 'deadline_recomputed': {
      if (typeof d.workingDays === 'number') items.push(['期限', `${d.workingDays} 个工作日`]);
      const prev = str(d.previousDeadline);
      const next = str(d.deadlineDate) ?? str(d.deadline);
      if (prev) items.push(['原届满日', chineseDate(prev)]);
      if (next) items.push(['届满日', chineseDate(next)]);
      if (d.provisional === true) items.push(['', '暂定 (官方安排未载入)']);
      if (str(d.calendarVersion)) items.push(['日历版本', String(d.calendarVersion)]);
      break;
    }
    case 'answered':
    case 'answered_late': {
      const t = str(d.type);
      if (t) items.push(['办理', ACTION_LABELS[t] ?? t]);
      if (typeof d.share === 'boolean') items.push(['决定', d.share ? '共享' : '不予共享']);
      for (const [k, label] of ACTION_FIELDS) {
        const v = str(d[k]);
        if (v) items.push([label, v]);
      }
      if (str(d.validUntil)) items.push(['有效期至', chineseDateTime(new Date(String(d.validUntil)))]);
      break;
    }
    case 'reminder':
    case 'reminder_skipped': {
      const r = str(d.reminder);
      if (r) items.push(['提醒', REMINDER_LABELS[r] ?? r]);
      if (str(d.due)) items.push(['原定时点', chineseDateTime(new Date(String(d.due)))]);
      if (str(d.deadline)) items.push(['届满日', chineseDate(String(d.deadline))]);
      const why = str(d.reason);
      if (why) items.push(['原因', REMINDER_REASONS[why] ?? why]);
      // a reminder carrying a reason went out late: the calendar moved the deadline earlier past its time
      if (why && e.type === 'reminder') items.push(['', '期限提前, 原定提醒时点已过, 即时补发']);
      break;
    }
    case 'rectification_submitted':
    case 'rectification_sent_back':
    case 'rectification_accepted':
      // the reports and reasons themselves are in the 整改情况 section above
      if (typeof d.round === 'number') items.push(['', `第 ${d.round} 次报告`]);
      if (str(d.by)) items.push(['经办', String(d.by)]);
      items.push(['', <a href="#rectification">见整改情况</a>]);
      break;
    case 'overdue':
      if (str(d.deadline)) items.push(['届满日', chineseDate(String(d.deadline))]);
      break;
    case 'negotiation_opened':
    case 'escalated_to_coordination': {
      const child = str(d.childCaseId);
      if (child) items.push(['后续案件', <CaseLink id={child} current={props.current} />]);
      if (str(d.need)) items.push(['需求', String(d.need)]);
      if (str(d.shareAuthority)) items.push(['共享主管部门', dept(d.shareAuthority)]);
      break;
    }
  }
  if (items.length === 0) return null;
  return (
    <ul class="event-data">
      {items.map(([k, v]) => (
        <li>
          {k && <span class="muted">{k}: </span>}
          {v}
        </li>
      ))}
    </ul>
  );
}

export function Timeline(props: { d: CaseDetail }) {
  const { d } = props;
  return (
    <Section id="timeline" title="办理过程">
      <ScrollTable
        class="timeline"
        caption="本案事件 (按时间先后)"
        columns={['时间', '事件', '操作方', '内容']}
        rows={d.timeline}
        row={(e) => (
          <tr class={`event-${e.type}`}>
            <td>{chineseDateTime(e.at)}</td>
            <td>{EVENT_LABELS[e.type] ?? e.type}</td>
            <td>{e.actor ? (d.departmentNames[e.actor] ?? e.actor) : '系统'}</td>
            <td>
              <EventDetail e={e} names={d.departmentNames} current={d.id} />
            </td>
          </tr>
        )}
      />
    </Section>
  );
}
