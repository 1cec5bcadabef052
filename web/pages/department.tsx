/**
 * 部门: one department. Its cases, on-time rate, working days to answer, what is overdue now, the ten
 * oldest open cases, its 专人 (第二十七条), failed mail to them, and the last twelve months as a chart.
 * A department user opens only its own department (another one is "not found"; the attempt is audited,
 * 第二十四条, as the case page does).
 */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import {
  departmentFigures,
  type CaseLine,
  type DepartmentFigures,
} from '../../core/oversight/department-figures';
import { onTimeRate } from '../../core/oversight/lights';
import { LEVEL_NAME } from '../../core/registry/hierarchy';
import { Badge } from '../components/badge';
import { Chart, ChartScripts } from '../components/charts';
import { LightBadge, LightRule } from '../components/lights';
import { caseHref, CaseLinkOrDash, newNoticeHref } from '../components/links';
import { StatCard } from '../components/stat-card';
import { num, ScrollTable } from '../components/table';
import {
  chineseDate,
  chineseDateTime,
  chineseDay,
  chineseMonth,
  percent,
  procedureLabel,
  workingDaysText,
} from '../format';
import { personOf } from '../auth';
import { auditedForPerson } from '../denials';
import { sendPage } from '../render';

const ratePercent = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

/** ECharts option: received and answered per month (bars), on-time rate (line, right axis). */
export function monthlyChartOption(f: DepartmentFigures): object {
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: f.monthly.map((m) => chineseMonth(m.month)) },
    yAxis: [
      { type: 'value', name: '件数', minInterval: 1 },
      { type: 'value', name: '按时答复率', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    ],
    series: [
      { name: '受理量', type: 'bar', data: f.monthly.map((m) => m.received) },
      { name: '答复量', type: 'bar', data: f.monthly.map((m) => m.answered) },
      {
        name: '按时答复率',
        type: 'line',
        yAxisIndex: 1,
        data: f.monthly.map((m) => ratePercent(onTimeRate(m.answered, m.onTime))),
      },
    ],
  };
}

function CaseTable(props: { caption: string; rows: CaseLine[]; overdueColumn: boolean; empty: string }) {
  return (
    <ScrollTable
      caption={props.caption}
      columns={[
        '案件',
        '程序',
        '请求部门',
        '受理日期',
        '期限',
        num(props.overdueColumn ? '逾期 (工作日)' : '状态'),
      ]}
      rows={props.rows}
      empty={props.empty}
      row={(c) => (
        <tr>
          <th scope="row">
            <a href={caseHref(c.id)}>{c.id}</a>
          </th>
          <td>{c.procedure ? procedureLabel(c.procedure) : '—'}</td>
          <td>{c.requesterDepartmentId ?? '—'}</td>
          <td>{chineseDay(c.receivedAt)}</td>
          <td>
            {c.deadlineDate ? chineseDate(c.deadlineDate) : '—'}{' '}
            {c.provisional && <Badge tone="yellow">临时</Badge>}
          </td>
          <td class="num">
            {props.overdueColumn ? (
              (c.workingDaysOverdue ?? '—')
            ) : c.overdue ? (
              <Badge tone="red">逾期 {c.workingDaysOverdue ?? ''}</Badge>
            ) : (
              '办理中'
            )}
          </td>
        </tr>
      )}
    />
  );
}

export function DepartmentView(props: { f: DepartmentFigures; supervisor?: boolean }) {
  const { f } = props;
  const d = f.department;
  return (
    <div class="figures">
      <p class="dept-head">
        <LightBadge light={f.light} /> <span>{d.id}</span> · <span>{LEVEL_NAME[d.level]}</span>
        {d.parentId && <span> · 上级: {d.parentId}</span>} ·{' '}
        <span class="muted">截至 {chineseDate(f.today)} (北京时间)</span>
      </p>
      <LightRule grace={f.graceWorkingDays} />
      <section class="stat-cards" aria-label="部门概况">
        <StatCard label="案件总数" value={String(f.total)} note={`在办 ${f.open} · 已办结 ${f.closed}`} />
        <StatCard
          label="按时答复率"
          value={percent(f.onTimeRate)}
          note={`已答复 ${f.answered} · 按时 ${f.onTime}`}
        />
        <StatCard
          label="答复用时 (工作日)"
          value={`中位数 ${workingDaysText(f.medianWorkingDays)}`}
          note={`平均 ${workingDaysText(f.meanWorkingDays)}`}
        />
        <StatCard
          label="当前逾期"
          value={String(f.overdue)}
          note={`即将到期 ${f.dueSoon}${f.provisional ? ` · 临时期限 ${f.provisional}` : ''}`}
        />
      </section>

      <h2>近 12 个月受理量与按时答复率</h2>
      <Chart
        id="chart-monthly"
        label={`${d.name} 近 12 个月每月受理量、答复量与按时答复率`}
        option={monthlyChartOption(f)}
      />
      <details>
        <summary>按月数据</summary>
        <ScrollTable
          caption="每月受理量、答复量与按时答复率 (按北京时间月份)"
          columns={['月份', num('受理'), num('答复'), num('按时'), num('按时答复率')]}
          rows={f.monthly}
          row={(m) => (
            <tr>
              <th scope="row">{chineseMonth(m.month)}</th>
              <td class="num">{m.received}</td>
              <td class="num">{m.answered}</td>
              <td class="num">{m.onTime}</td>
              <td class="num">{percent(onTimeRate(m.answered, m.onTime))}</td>
            </tr>
          )}
        />
      </details>

      <h2>当前逾期案件 ({f.overdue})</h2>
      <CaseTable caption="按期限先后排列" rows={f.overdueCases} overdueColumn={true} empty="没有逾期案件。" />
      {f.overdueCases.length > 0 && f.overdue > f.overdueCases.length && (
        <p>
          仅列出前 {f.overdueCases.length} 件,{' '}
          <a href={`/dashboard/overdue?department=${encodeURIComponent(d.id)}`}>查看全部逾期案件</a>
        </p>
      )}

      <h2>最早受理的在办案件</h2>
      <CaseTable
        caption={`受理最早的 ${f.oldestOpen.length} 件在办案件`}
        rows={f.oldestOpen}
        overdueColumn={false}
        empty="没有在办案件。"
      />

      <h2>书面通报 (第三十六条)</h2>
      {props.supervisor && (
        <p>
          <a class="button" href={newNoticeHref({ department: d.id })}>
            发出书面通报
          </a>
        </p>
      )}
      {/* the notices come from their own use-case; htmx loads them, the link serves without script */}
      <div
        class="dept-notices"
        hx-get={`/dashboard/notices/table?department=${encodeURIComponent(d.id)}`}
        hx-trigger="load"
      >
        <a href={`/dashboard/notices?department=${encodeURIComponent(d.id)}`}>查看对本部门的书面通报</a>
      </div>

      <h2>共享专人 (第二十七条)</h2>
      {f.noResponsibleStaff ? (
        <p class="notice" role="note">
          <Badge tone="red">无专人</Badge> 本部门目前没有在岗的共享专人, 不符合第二十七条的要求;
          催办和逾期邮件无人接收。
        </p>
      ) : (
        <ScrollTable
          caption="在岗专人"
          columns={['姓名', '职务', '电子邮箱', '电话', '在岗自']}
          rows={f.staff}
          row={(s) => (
            <tr>
              <th scope="row">{s.name}</th>
              <td>{s.title ?? '—'}</td>
              <td>{s.email}</td>
              <td>{s.phone ?? '—'}</td>
              <td>{chineseDay(s.activeFrom)}</td>
            </tr>
          )}
        />
      )}

      <h2>发送失败的邮件 ({f.failedMail.count})</h2>
      <ScrollTable
        caption={
          <>
            发给本部门专人 (含已离岗) 且已停止重试的邮件
            {f.failedMail.count > f.failedMail.items.length && `, 最近 ${f.failedMail.items.length} 封`}
          </>
        }
        columns={['时间', '收件人', '主题', '案件', num('尝试次数'), '错误']}
        rows={f.failedMail.items}
        empty="没有发给本部门专人的失败邮件。"
        row={(m) => (
          <tr>
            <td>{chineseDateTime(m.createdAt)}</td>
            <td>{m.recipient}</td>
            <th scope="row">{m.subject}</th>
            <td>
              <CaseLinkOrDash id={m.caseId} />
            </td>
            <td class="num">{m.attempts}</td>
            <td class="error-text">{m.lastError ?? '—'}</td>
          </tr>
        )}
      />
      <ChartScripts />
    </div>
  );
}

export function departmentPage(r: Router, deps: AppDeps): void {
  r.get('/departments/:id', async (req, res, next) => {
    try {
      const f = await auditedForPerson(deps, req, res, (actor) =>
        departmentFigures(deps, actor, req.params.id),
      );
      const supervisor = personOf(res).role === 'SUPERVISOR';
      sendPage(req, res, f.department.name, <DepartmentView f={f} supervisor={supervisor} />);
    } catch (e) {
      next(e);
    }
  });
}
