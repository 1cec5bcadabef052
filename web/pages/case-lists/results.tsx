/** The case lists' results: one page of cases, the export links and the pager (what htmx swaps). */
import {
  EXPORT_CAP,
  PAGE_SIZE,
  type CaseListItem,
  type CaseListKind,
  type CaseListResult,
} from '../../../core/oversight/case-lists';
import { LEVEL_NAME } from '../../../core/registry/hierarchy';
import { Badge } from '../../components/badge';
import { caseHref } from '../../components/links';
import { num, ScrollTable } from '../../components/table';
import { chineseDate, chineseDateTime, procedureLabel } from '../../format';
import { stageText } from '../../labels';
import { daysText, type KindText } from './kinds';
import { paramsOf, withQuery } from './query';

function Row(props: { item: CaseListItem; kind: CaseListKind }) {
  const c = props.item;
  return (
    <tr>
      <th scope="row">
        <a href={caseHref(c.id)}>{c.id}</a>
      </th>
      <td>{procedureLabel(c.procedure)}</td>
      <td>
        {c.requester ? c.requester.name : <span class="muted">(无申请方)</span>}
        {' → '}
        {c.responsible.name}
      </td>
      <td>
        <span class="dept">{c.responsible.name}</span>
        {c.responsible.level && <Badge>{LEVEL_NAME[c.responsible.level]}</Badge>}
        <div class="staff">
          {c.staff.length > 0 ? `专人: ${c.staff.join('、')}` : <Badge tone="red">无专人 (第二十七条)</Badge>}
        </div>
      </td>
      <td>
        <time datetime={c.deadline}>{chineseDate(c.deadline)}</time>
        {c.provisional && (
          <Badge tone="yellow" title="该年度官方节假日安排尚未载入, 期限按暂定日历计算">
            暂定
          </Badge>
        )}
      </td>
      <td class="num">{daysText(props.kind, c.workingDays)}</td>
      <td class="stage">{stageText(c.stage)}</td>
    </tr>
  );
}

export function Results(props: { result: CaseListResult; text: KindText; first: boolean }) {
  const { result, text } = props;
  const f = result.filter;
  const exportParams = paramsOf(f);
  const next = result.nextCursor ? withQuery(text.path, paramsOf(f, result.nextCursor)) : null;
  const firstPage = withQuery(text.path, paramsOf(f));
  return (
    <>
      <div class="list-meta">
        <p>
          截至 {chineseDateTime(result.asOf)} (北京时间)。
          {f.kind === 'due-soon'
            ? `截止日期在 ${f.within} 个工作日内、尚未逾期的未办结案件。`
            : '已过截止时间仍未办结的案件。'}
          工作日按案件所用日历 (含法定节假日与调休) 计算。
          {result.ownDepartmentOnly && ' 仅显示本部门作为申请方或责任部门的案件。'}
          {result.supervisedFrom &&
            ` 仅显示${result.supervisedFrom.name}及其下属部门作为申请方或责任部门的案件 (分级督促检查)。`}
        </p>
        <p class="exports">
          导出当前筛选的全部结果 (最多 {EXPORT_CAP} 行):{' '}
          <a href={withQuery(`${text.path}.csv`, exportParams)} download>
            CSV
          </a>{' '}
          <a href={withQuery(`${text.path}.xlsx`, exportParams)} download>
            Excel (.xlsx)
          </a>
        </p>
      </div>
      <ScrollTable
        class="case-list"
        caption={
          <>
            {text.title}
            {props.first ? '' : ' (续页)'}, 本页 {result.items.length} 件, 每页最多 {PAGE_SIZE} 件
          </>
        }
        columns={[
          '案件编号',
          '程序 (条款)',
          '当事方 (申请方 → 责任部门)',
          '责任部门及专人',
          '截止日期',
          num(text.daysHeader),
          '阶段',
        ]}
        rows={result.items}
        row={(item) => <Row item={item} kind={f.kind} />}
      />
      {result.items.length === 0 && <p class="empty">{text.empty}</p>}
      <nav class="pager" aria-label="分页">
        {!props.first && (
          <a href={firstPage} hx-get={firstPage} hx-target="#results" hx-push-url="true">
            回到第一页
          </a>
        )}
        {next && (
          <a rel="next" href={next} hx-get={next} hx-target="#results" hx-push-url="true">
            下一页
          </a>
        )}
      </nav>
    </>
  );
}
