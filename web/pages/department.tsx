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
import { PROCEDURES } from '../../procedures';
import { chineseDate, chineseDateTime, chineseDay, percent } from '../format';
import { auditedForPerson } from '../denials';
import { sendPage } from '../render';
import { Chart, ChartScripts, chineseMonth, LightBadge, LightRule, workingDaysText } from './overview';

const caseHref = (id: string) => `/dashboard/cases/${encodeURIComponent(id)}`;

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

function procedureText(c: CaseLine): string {
  return c.procedure ? `${PROCEDURES[c.procedure].name} (${PROCEDURES[c.procedure].article})` : '—';
}

function CaseTable(props: { caption: string; rows: CaseLine[]; overdueColumn: boolean }) {
  return (
    <div class="table-scroll">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">案件</th>
            <th scope="col">程序</th>
            <th scope="col">请求部门</th>
            <th scope="col">受理日期</th>
            <th scope="col">期限</th>
            <th scope="col" class="num">
              {props.overdueColumn ? '逾期 (工作日)' : '状态'}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((c) => (
            <tr>
              <th scope="row">
                <a href={caseHref(c.id)}>{c.id}</a>
              </th>
              <td>{procedureText(c)}</td>
              <td>{c.requesterDepartmentId ?? '—'}</td>
              <td>{chineseDay(c.receivedAt)}</td>
              <td>
                {c.deadlineDate ? chineseDate(c.deadlineDate) : '—'}{' '}
                {c.provisional && <span class="badge yellow">临时</span>}
              </td>
              <td class="num">
                {props.overdueColumn ? (
                  (c.workingDaysOverdue ?? '—')
                ) : c.overdue ? (
                  <span class="badge red">逾期 {c.workingDaysOverdue ?? ''}</span>
                ) : (
                  '办理中'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Figure(props: { label: string; value: string; note?: string }) {
  return (
    <div class="stat card">
      <span class="stat-label">{props.label}</span>
      <span class="stat-value">{props.value}</span>
      {props.note && <span class="stat-note">{props.note}</span>}
    </div>
  );
}

export function DepartmentView(props: { f: DepartmentFigures }) {
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
        <Figure label="案件总数" value={String(f.total)} note={`在办 ${f.open} · 已办结 ${f.closed}`} />
        <Figure
          label="按时答复率"
          value={percent(f.onTimeRate)}
          note={`已答复 ${f.answered} · 按时 ${f.onTime}`}
        />
        <Figure
          label="答复用时 (工作日)"
          value={`中位数 ${workingDaysText(f.medianWorkingDays)}`}
          note={`平均 ${workingDaysText(f.meanWorkingDays)}`}
        />
        <Figure
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
        <div class="table-scroll">
          <table>
            <caption>每月受理量、答复量与按时答复率 (按北京时间月份)</caption>
            <thead>
              <tr>
                <th scope="col">月份</th>
                <th scope="col" class="num">
                  受理
                </th>
                <th scope="col" class="num">
                  答复
                </th>
                <th scope="col" class="num">
                  按时
                </th>
                <th scope="col" class="num">
                  按时答复率
                </th>
              </tr>
            </thead>
            <tbody>
              {f.monthly.map((m) => (
                <tr>
                  <th scope="row">{chineseMonth(m.month)}</th>
                  <td class="num">{m.received}</td>
                  <td class="num">{m.answered}</td>
                  <td class="num">{m.onTime}</td>
                  <td class="num">{percent(onTimeRate(m.answered, m.onTime))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>

      <h2>当前逾期案件 ({f.overdue})</h2>
      {f.overdueCases.length === 0 ? (
        <p class="muted">没有逾期案件。</p>
      ) : (
        <>
          <CaseTable caption="按期限先后排列" rows={f.overdueCases} overdueColumn={true} />
          {f.overdue > f.overdueCases.length && (
            <p>
              仅列出前 {f.overdueCases.length} 件,{' '}
              <a href={`/dashboard/overdue?department=${encodeURIComponent(d.id)}`}>查看全部逾期案件</a>
            </p>
          )}
        </>
      )}

      <h2>最早受理的在办案件</h2>
      {f.oldestOpen.length === 0 ? (
        <p class="muted">没有在办案件。</p>
      ) : (
        <CaseTable
          caption={`受理最早的 ${f.oldestOpen.length} 件在办案件`}
          rows={f.oldestOpen}
          overdueColumn={false}
        />
      )}

      <h2>共享专人 (第二十七条)</h2>
      {f.noResponsibleStaff ? (
        <p class="notice" role="note">
          <span class="badge red">无专人</span> 本部门目前没有在岗的共享专人, 不符合第二十七条的要求;
          催办和逾期邮件无人接收。
        </p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>在岗专人</caption>
            <thead>
              <tr>
                <th scope="col">姓名</th>
                <th scope="col">职务</th>
                <th scope="col">电子邮箱</th>
                <th scope="col">电话</th>
                <th scope="col">在岗自</th>
              </tr>
            </thead>
            <tbody>
              {f.staff.map((s) => (
                <tr>
                  <th scope="row">{s.name}</th>
                  <td>{s.title ?? '—'}</td>
                  <td>{s.email}</td>
                  <td>{s.phone ?? '—'}</td>
                  <td>{chineseDay(s.activeFrom)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>发送失败的邮件 ({f.failedMail.count})</h2>
      {f.failedMail.items.length === 0 ? (
        <p class="muted">没有发给本部门专人的失败邮件。</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>
              发给本部门专人 (含已离岗) 且已停止重试的邮件
              {f.failedMail.count > f.failedMail.items.length && `, 最近 ${f.failedMail.items.length} 封`}
            </caption>
            <thead>
              <tr>
                <th scope="col">时间</th>
                <th scope="col">收件人</th>
                <th scope="col">主题</th>
                <th scope="col">案件</th>
                <th scope="col" class="num">
                  尝试次数
                </th>
                <th scope="col">错误</th>
              </tr>
            </thead>
            <tbody>
              {f.failedMail.items.map((m) => (
                <tr>
                  <td>{chineseDateTime(m.createdAt)}</td>
                  <td>{m.recipient}</td>
                  <th scope="row">{m.subject}</th>
                  <td>{m.caseId ? <a href={caseHref(m.caseId)}>{m.caseId}</a> : '—'}</td>
                  <td class="num">{m.attempts}</td>
                  <td class="error-text">{m.lastError ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
      sendPage(req, res, f.department.name, <DepartmentView f={f} />);
    } catch (e) {
      next(e);
    }
  });
}
