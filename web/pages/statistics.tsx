/**
 * 统计: every department's figures side by side, ranked by on-time rate and then by fewer overdue cases,
 * with charts (on-time rate per department; volume per department stacked by procedure). Oversight and
 * administrators only; a department user gets a 403 page (the attempt audited, 第二十四条).
 */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import {
  statisticsFigures,
  type DepartmentStats,
  type StatisticsFigures,
} from '../../core/oversight/figures';
import { LEVEL_NAME } from '../../core/registry/hierarchy';
import { PROCEDURES } from '../../procedures';
import { LightBadge, LightRule, StaffInPost } from '../components/lights';
import { Chart, ChartScripts } from '../components/charts';
import { departmentHref } from '../components/links';
import { Empty, num, ScrollTable } from '../components/table';
import { chineseDate, percent, workingDaysText } from '../format';
import { auditedForPerson } from '../denials';
import { sendPage } from '../render';

/** Chart labels: the region's prefix says nothing when every department has it. */
const shortName = (name: string) => name.replace(/^内蒙古自治区/, '') || name;

/** Horizontal bars: on-time rate per department, in rank order; departments with no answers are left out. */
export function onTimeChartOption(f: StatisticsFigures): object {
  const rated = f.departments.filter((d) => d.onTimeRate !== null);
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 48, top: 16, bottom: 24, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: rated.map((d) => shortName(d.name)) },
    series: [
      {
        name: '按时答复率',
        type: 'bar',
        data: rated.map((d) => Math.round((d.onTimeRate as number) * 1000) / 10),
        label: { show: true, position: 'right', formatter: '{c}%' },
      },
    ],
  };
}

/** Horizontal bars per department, stacked by procedure. */
export function volumeChartOption(f: StatisticsFigures): object {
  const depts = f.departments.filter((d) => d.total > 0);
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 24, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: depts.map((d) => shortName(d.name)) },
    series: f.procedures.map((code) => ({
      name: `${PROCEDURES[code].name}`,
      type: 'bar',
      stack: 'volume',
      data: depts.map((d) => d.volume[code]),
    })),
  };
}

function StatsRow(props: { d: DepartmentStats; rank: number }) {
  const d = props.d;
  return (
    <tr>
      <td class="num">{props.rank}</td>
      <th scope="row">
        <a href={departmentHref(d.id)}>{d.name}</a>
      </th>
      <td class="nowrap">{LEVEL_NAME[d.level]}</td>
      <td>
        <LightBadge light={d.light} />
      </td>
      <td class="num">{d.total}</td>
      <td class="num">{d.open}</td>
      <td class="num">{d.closed}</td>
      <td class="num">{d.answered}</td>
      <td class="num">{percent(d.onTimeRate)}</td>
      <td class="num">{workingDaysText(d.medianWorkingDays)}</td>
      <td class="num">{workingDaysText(d.meanWorkingDays)}</td>
      <td class="num">{d.overdue}</td>
      <td class="num">{d.maxOverdueWorkingDays ?? '—'}</td>
      <td>
        <StaffInPost count={d.staffInPost} />
      </td>
    </tr>
  );
}

export function StatisticsView(props: { f: StatisticsFigures }) {
  const { f } = props;
  const rated = f.departments.filter((d) => d.onTimeRate !== null).length;
  const withCases = f.departments.filter((d) => d.total > 0).length;
  return (
    <div class="figures">
      <p class="muted">
        截至 {chineseDate(f.today)} (北京时间)。全部案件按承办 (应答复) 部门统计;
        答复用时为收件日至答复日之间的 工作日数 (按各案件所用辖区配置的工作日历)。
      </p>
      <LightRule grace={f.graceWorkingDays} />
      <ScrollTable
        class="stats"
        caption="各部门时限情况, 按按时答复率 (高者在前, 无答复者在后)、再按逾期件数 (少者在前) 排名"
        columns={[
          num('排名'),
          '部门',
          '层级',
          '亮灯',
          num('案件'),
          num('在办'),
          num('已办结'),
          num('已答复'),
          num('按时答复率'),
          num('用时中位数 (工作日)'),
          num('平均用时 (工作日)'),
          num('当前逾期'),
          num('最长逾期 (工作日)'),
          '专人',
        ]}
        rows={f.departments}
        row={(d, i) => <StatsRow d={d} rank={i + 1} />}
      />
      <div class="chart-grid">
        <section>
          <h2>各部门按时答复率</h2>
          {rated === 0 ? (
            <Empty>尚无已答复的案件。</Empty>
          ) : (
            <Chart
              id="chart-on-time"
              label="各部门按时答复率 (按排名)"
              option={onTimeChartOption(f)}
              rows={rated}
            />
          )}
        </section>
        <section>
          <h2>各部门案件量 (按程序)</h2>
          {withCases === 0 ? (
            <Empty>尚无案件。</Empty>
          ) : (
            <Chart
              id="chart-volume"
              label="各部门案件量, 按程序堆叠"
              option={volumeChartOption(f)}
              rows={withCases}
            />
          )}
        </section>
      </div>
      <ChartScripts />
    </div>
  );
}

export function statisticsPage(r: Router, deps: AppDeps): void {
  r.get('/statistics', async (req, res, next) => {
    try {
      const f = await auditedForPerson(deps, req, res, (actor) => statisticsFigures(deps, actor));
      sendPage(req, res, '统计', <StatisticsView f={f} />);
    } catch (e) {
      next(e);
    }
  });
}
