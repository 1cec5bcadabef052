/**
 * 总览: the morning view. How many cases are open, due within 3 working days, overdue, answered late this
 * month; each department's traffic light (亮灯), red first. Department users see their own department.
 */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { LEVEL_NAME } from '../../core/registry/hierarchy';
import { actorOf } from '../../core/people/accounts';
import { overviewFigures, type DepartmentLight, type OverviewFigures } from '../../core/oversight/figures';
import { personOf } from '../auth';
import { Badge } from '../components/badge';
import { LightBadge, LightRule, StaffInPost } from '../components/lights';
import { departmentHref } from '../components/links';
import { StatCard } from '../components/stat-card';
import { num, ScrollTable } from '../components/table';
import { chineseDate, chineseMonth } from '../format';
import { sendPage } from '../render';

function DepartmentRow(props: { d: DepartmentLight }) {
  const d = props.d;
  return (
    <tr>
      <td>
        <LightBadge light={d.light} />
      </td>
      <th scope="row">
        <a href={departmentHref(d.id)}>{d.name}</a>
      </th>
      <td>{LEVEL_NAME[d.level]}</td>
      <td class="num">{d.open}</td>
      <td class="num">{d.dueSoon}</td>
      <td class="num">{d.overdue}</td>
      <td class="num">{d.maxOverdueWorkingDays ?? '—'}</td>
      <td class="num">{d.answeredLateThisMonth}</td>
      <td class="num">{d.provisional > 0 ? <Badge tone="yellow">临时 {d.provisional}</Badge> : '0'}</td>
      <td>
        <StaffInPost count={d.staffInPost} />
      </td>
    </tr>
  );
}

export function Overview(props: { f: OverviewFigures; supervisor?: boolean }) {
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
      {/* 建议再次通报 (第三十六条第 (五) 项): its own use-case, loaded by htmx; empty when there is none */}
      {props.supervisor && <div id="proposals" hx-get="/dashboard/notices/proposals" hx-trigger="load"></div>}
      {t.provisional > 0 && (
        <p class="notice" role="note">
          <Badge tone="yellow">临时期限</Badge> {t.provisional} 件在办案件的期限按临时日历推算
          (所在年度的放假安排尚未发布或加载), 安排公布后期限可能变化。
        </p>
      )}
      <h2>
        {f.scope === 'own' ? '本部门亮灯' : f.scope === 'supervised' ? '本级及下属部门亮灯' : '各部门亮灯'}
      </h2>
      <LightRule grace={f.graceWorkingDays} />
      <ScrollTable
        class="lights"
        caption="按亮灯排序: 红灯、黄灯、绿灯; 点击部门名称查看部门页"
        columns={[
          '亮灯',
          '部门',
          '层级',
          num('在办'),
          num('即将到期'),
          num('逾期'),
          num('最长逾期 (工作日)'),
          num('本月逾期答复'),
          num('临时期限'),
          '专人',
        ]}
        rows={f.departments}
        empty="没有可显示的部门。"
        row={(d) => <DepartmentRow d={d} />}
      />
    </div>
  );
}

export function overviewPage(r: Router, deps: AppDeps): void {
  r.get('/', async (req, res, next) => {
    try {
      const person = personOf(res);
      const f = await overviewFigures(deps, actorOf(person));
      sendPage(req, res, '总览', <Overview f={f} supervisor={person.role === 'SUPERVISOR'} />);
    } catch (e) {
      next(e);
    }
  });
}
