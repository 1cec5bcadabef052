/**
 * 总览: the morning view. How many cases are open, due within 3 working days, overdue, answered late this
 * month; each department's traffic light (亮灯), red first. Department users see their own department.
 * Also the parts the department and statistics pages share (light badge, chart data, chart scripts).
 */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { LEVEL_NAME } from '../../core/registry/hierarchy';
import { actorOf } from '../../core/people/accounts';
import { overviewFigures, type DepartmentLight, type OverviewFigures } from '../../core/oversight/figures';
import { LIGHT_LABEL, type Light } from '../../core/oversight/lights';
import { personOf } from '../auth';
import { chineseDate } from '../format';
import { sendPage } from '../render';

export function LightBadge(props: { light: Light }) {
  return <span class={`badge light ${props.light}`}>{LIGHT_LABEL[props.light]}</span>;
}

/** `2026-10` → `2026年10月` */
export function chineseMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${y}年${m}月`;
}

/** A number of working days for people: `2.5`, `—` when there is none. */
export function workingDaysText(n: number | null): string {
  if (n === null) return '—';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * A chart: its container and its ECharts option as JSON for assets/charts.js (no inline script). The text
 * is escaped like any other (preact), so charts.js decodes the entities before JSON.parse. `rows`: one bar
 * per row in a horizontal chart, which charts.js makes tall enough for.
 */
export function Chart(props: { id: string; label: string; option: object; rows?: number }) {
  return (
    <figure class="chart-figure">
      <div
        id={props.id}
        class="chart"
        role="img"
        aria-label={props.label}
        data-rows={props.rows === undefined ? undefined : String(props.rows)}
      ></div>
      <figcaption>{props.label}</figcaption>
      <script type="application/json" class="chart-data" data-for={props.id}>
        {JSON.stringify(props.option)}
      </script>
    </figure>
  );
}

export function ChartScripts() {
  return (
    <>
      <script src="/dashboard/assets/echarts.min.js" defer></script>
      <script src="/dashboard/assets/charts.js" defer></script>
    </>
  );
}

function StatCard(props: { label: string; value: number; href?: string; tone?: string; note?: string }) {
  const body = (
    <>
      <span class="stat-label">{props.label}</span>
      <span class="stat-value">{props.value}</span>
      {props.note && <span class="stat-note">{props.note}</span>}
    </>
  );
  const cls = `stat card${props.tone && props.value > 0 ? ` ${props.tone}` : ''}`;
  return props.href ? (
    <a class={cls} href={props.href}>
      {body}
    </a>
  ) : (
    <div class={cls}>{body}</div>
  );
}

export function LightRule(props: { grace: number }) {
  return (
    <p class="muted light-rule">
      绿灯: 无逾期案件; 黄灯: 有逾期案件; 红灯: 有案件逾期超过 {props.grace} 个工作日 (督办宽限期)
      或整改通知逾期。
    </p>
  );
}

function DepartmentRow(props: { d: DepartmentLight }) {
  const d = props.d;
  return (
    <tr>
      <td>
        <LightBadge light={d.light} />
      </td>
      <th scope="row">
        <a href={`/dashboard/departments/${encodeURIComponent(d.id)}`}>{d.name}</a>
      </th>
      <td>{LEVEL_NAME[d.level]}</td>
      <td class="num">{d.open}</td>
      <td class="num">{d.dueSoon}</td>
      <td class="num">{d.overdue}</td>
      <td class="num">{d.maxOverdueWorkingDays ?? '—'}</td>
      <td class="num">{d.answeredLateThisMonth}</td>
      <td class="num">{d.provisional > 0 ? <span class="badge yellow">临时 {d.provisional}</span> : '0'}</td>
      <td>{d.staffInPost > 0 ? `${d.staffInPost} 人` : <span class="badge red">无专人</span>}</td>
    </tr>
  );
}

export function Overview(props: { f: OverviewFigures }) {
  const { f } = props;
  const t = f.totals;
  // a department user's queues list the cases it asked for as well: the cards count what it must answer
  const own =
    f.scope === 'own' && f.departments[0] ? `?department=${encodeURIComponent(f.departments[0].id)}` : '';
  return (
    <div class="figures">
      <p class="muted">截至 {chineseDate(f.today)} (北京时间)</p>
      <section class="stat-cards" aria-label="案件概况">
        <StatCard label="在办案件" value={t.open} />
        <StatCard
          label={`${f.dueSoonWorkingDays} 个工作日内到期`}
          value={t.dueSoon}
          href={`/dashboard/due-soon${own}`}
          tone="yellow"
        />
        <StatCard label="已逾期" value={t.overdue} href={`/dashboard/overdue${own}`} tone="red" />
        <StatCard
          label="本月逾期答复"
          value={t.answeredLateThisMonth}
          note={chineseMonth(f.month)}
          tone="red"
        />
      </section>
      {t.provisional > 0 && (
        <p class="notice" role="note">
          <span class="badge yellow">临时期限</span> {t.provisional} 件在办案件的期限按临时日历推算
          (所在年度的放假安排尚未发布或加载), 安排公布后期限可能变化。
        </p>
      )}
      <h2>{f.scope === 'own' ? '本部门亮灯' : '各部门亮灯'}</h2>
      <LightRule grace={f.graceWorkingDays} />
      {f.departments.length === 0 ? (
        <p class="muted">没有可显示的部门。</p>
      ) : (
        <div class="table-scroll">
          <table class="lights">
            <caption>按亮灯排序: 红灯、黄灯、绿灯; 点击部门名称查看部门页</caption>
            <thead>
              <tr>
                <th scope="col">亮灯</th>
                <th scope="col">部门</th>
                <th scope="col">层级</th>
                <th scope="col" class="num">
                  在办
                </th>
                <th scope="col" class="num">
                  即将到期
                </th>
                <th scope="col" class="num">
                  逾期
                </th>
                <th scope="col" class="num">
                  最长逾期 (工作日)
                </th>
                <th scope="col" class="num">
                  本月逾期答复
                </th>
                <th scope="col" class="num">
                  临时期限
                </th>
                <th scope="col">专人</th>
              </tr>
            </thead>
            <tbody>
              {f.departments.map((d) => (
                <DepartmentRow d={d} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function overviewPage(r: Router, deps: AppDeps): void {
  r.get('/', async (req, res, next) => {
    try {
      const f = await overviewFigures(deps, actorOf(personOf(res)));
      sendPage(req, res, '总览', <Overview f={f} />);
    } catch (e) {
      next(e);
    }
  });
}
