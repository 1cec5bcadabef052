/** 案件详情: how the deadline was counted, day by day from the calendar engine. */
import type { CaseDetail } from '../../../core/oversight/case-detail';
import { Section } from '../../components/section';
import { num, ScrollTable } from '../../components/table';
import { chineseDate, chineseDateTime } from '../../format';

const REASON_LABELS: Record<string, string> = {
  receipt: '收件日',
  workday: '工作日',
  makeup_workday: '调休上班',
  weekend: '周末',
  holiday: '节假日',
  regional_rest: '地区休息日',
};

export function Explanation(props: { d: CaseDetail }) {
  const { d } = props;
  const x = d.explanation;
  return (
    <Section id="deadline" title="期限计算">
      <p>
        自 {chineseDateTime(d.receivedAt)} 收件起 {d.workingDays} 个工作日 (收件日不计), 届满日为{' '}
        <strong>{chineseDate(d.deadlineDate)}</strong>, 当日 24:00 (北京时间) 前办理。
        {d.provisional && ' 期限跨越尚未公布官方安排的年份, 为暂定期限, 公布后自动重算。'}
      </p>
      {!x && <p class="muted">该期限超出日历范围, 无法逐日说明。</p>}
      {x && !x.matchesCase && (
        <p class="error" role="note">
          按现行日历 (版本 {x.calendarVersion}) 推算的届满日为 {chineseDate(x.deadline)},
          与本案记录的届满日不同 (本案按日历版本 {d.calendarVersion} 计算; 在办案件将随日历变更重新计算)。
        </p>
      )}
      {x && (
        <details class="explain">
          <summary>
            逐日说明: 共 {x.days.length} 天, 计入 {x.days.filter((e) => e.counted).length} 个工作日, 跳过{' '}
            {x.days.filter((e) => !e.counted && e.reason !== 'receipt').length} 天
          </summary>
          <ScrollTable
            caption={`从收件日到届满日的每一天 (日历版本 ${x.calendarVersion})`}
            columns={['日期', '星期', '类别', num('第几个工作日'), '说明']}
            rows={x.days}
            row={(e) => (
              <tr class={e.counted ? 'counted' : 'skipped'}>
                <td>{chineseDate(e.date)}</td>
                <td>{e.weekday}</td>
                <td>
                  {REASON_LABELS[e.reason] ?? e.reason}
                  {e.holidayName && e.reason !== 'receipt' ? ` (${e.holidayName})` : ''}
                </td>
                <td class="num">{e.workingDay ?? ''}</td>
                <td>{e.label}</td>
              </tr>
            )}
          />
        </details>
      )}
    </Section>
  );
}
