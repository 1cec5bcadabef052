/**
 * 逾期案件 / 即将到期 (issue 12): open cases past their deadline, or due within N working days, with who is
 * responsible and by how many working days. The filter form is a plain GET form (the URL is the filter, so it
 * can be shared); with htmx it swaps only the results and pushes the URL. Keyset paging ("下一页"), and the
 * current filter as CSV or .xlsx. One use-case per request: core/oversight/case-lists.ts.
 */
import type { Request, Response, Router } from 'express';
import { render } from 'preact-render-to-string';
import type { AppDeps } from '../../api/deps';
import { actorOf } from '../../core/people/accounts';
import { DomainError } from '../../core/errors';
import {
  CASE_LIST_SORTS,
  DEFAULT_WITHIN,
  DEPARTMENT_LEVELS,
  EXPORT_CAP,
  exportCaseQueue,
  listCaseQueue,
  MAX_WITHIN,
  PAGE_SIZE,
  type CaseListFilter,
  type CaseListItem,
  type CaseListKind,
  type CaseListResult,
  type CaseListSort,
  type DepartmentLevel,
  type DepartmentOption,
} from '../../core/oversight/case-lists';
import { LEVEL_NAME } from '../../core/registry/hierarchy';
import { PROCEDURE_CODES, STAGE_LABELS, type ProcedureCode } from '../../procedures';
import { personOf } from '../auth';
import { sendTable, type Cell, type ExportTable } from '../export';
import { chineseDate, chineseDateTime, procedureLabel } from '../format';
import { sendPage } from '../render';

interface KindText {
  path: string;
  title: string;
  /** the working-days column */
  daysHeader: string;
  ascii: string;
  sortLabels: Record<CaseListSort, string>;
  empty: string;
}

const KINDS: Record<CaseListKind, KindText> = {
  overdue: {
    path: '/dashboard/overdue',
    title: '逾期案件',
    daysHeader: '逾期工作日',
    ascii: 'overdue-cases',
    sortLabels: {
      deadline: '截止日期最早 (逾期最久) 在前',
      deadline_desc: '截止日期最近 (新近逾期) 在前',
      received: '收到日期最早在前',
    },
    empty: '没有符合条件的逾期案件。',
  },
  'due-soon': {
    path: '/dashboard/due-soon',
    title: '即将到期',
    daysHeader: '剩余工作日',
    ascii: 'due-soon-cases',
    sortLabels: {
      deadline: '截止日期最近 (最紧迫) 在前',
      deadline_desc: '截止日期最晚在前',
      received: '收到日期最早在前',
    },
    empty: '没有符合条件的即将到期案件。',
  },
};

const invalid = (detail: string) => new DomainError('invalid', 'invalid_filter', detail);

/** One query value: absent or empty is unset, a repeated parameter is refused. */
function one(q: Request['query'], name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(`参数 ${name} 只能出现一次`);
  return v.trim() || undefined;
}

function pick<T extends string>(
  q: Request['query'],
  name: string,
  allowed: readonly T[],
  what: string,
): T | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw invalid(`${what}无效`);
  return v as T;
}

/** The filter as the form and links write it; DomainError ('invalid') for anything else. */
export function filterOf(
  kind: CaseListKind,
  q: Request['query'],
): { filter: CaseListFilter; cursor?: string } {
  const department = one(q, 'department');
  if (department !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(department)) throw invalid('部门编码无效');
  const withinRaw = one(q, 'within');
  const within = withinRaw === undefined ? DEFAULT_WITHIN : Number(withinRaw);
  if (!/^\d{1,2}$/.test(withinRaw ?? '3') || within < 1 || within > MAX_WITHIN)
    throw invalid(`到期范围须为 1 至 ${MAX_WITHIN} 个工作日`);
  const cursor = one(q, 'cursor');
  if (cursor !== undefined && cursor.length > 200) throw invalid('分页游标 (cursor) 无效');
  return {
    filter: {
      kind,
      department,
      procedure: pick<ProcedureCode>(q, 'procedure', PROCEDURE_CODES, '程序'),
      level: pick<DepartmentLevel>(q, 'level', DEPARTMENT_LEVELS, '层级'),
      from: one(q, 'from'),
      to: one(q, 'to'),
      sort: pick<CaseListSort>(q, 'sort', CASE_LIST_SORTS, '排序方式') ?? 'deadline',
      within,
    },
    cursor,
  };
}

/** The filter as URL parameters (defaults left out), so a link or a pushed URL reproduces it. */
function paramsOf(f: CaseListFilter, cursor?: string | null): URLSearchParams {
  const p = new URLSearchParams();
  if (f.department) p.set('department', f.department);
  if (f.procedure) p.set('procedure', f.procedure);
  if (f.level) p.set('level', f.level);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.kind === 'due-soon' && f.within !== DEFAULT_WITHIN) p.set('within', String(f.within));
  if (f.sort !== 'deadline') p.set('sort', f.sort);
  if (cursor) p.set('cursor', cursor);
  return p;
}

const withQuery = (path: string, p: URLSearchParams) => (p.size > 0 ? `${path}?${p}` : path);

function daysText(kind: CaseListKind, n: number): string {
  if (kind === 'due-soon' && n === 0) return '今日到期';
  if (kind === 'overdue' && n === 0) return '不足 1 个工作日';
  return `${n} 个工作日`;
}

function Filters(props: { result: CaseListResult; text: KindText }) {
  const { filter: f, departments } = props.result;
  const byLevel = DEPARTMENT_LEVELS.map((level) => ({
    level,
    items: departments.filter((d: DepartmentOption) => d.level === level),
  })).filter((g) => g.items.length > 0);
  return (
    <form
      class="list-filters"
      method="get"
      action={props.text.path}
      hx-get={props.text.path}
      hx-target="#results"
      hx-push-url="true"
      aria-label="筛选"
    >
      <label>
        责任部门
        <select name="department">
          <option value="">全部部门</option>
          {byLevel.map((g) => (
            <optgroup label={LEVEL_NAME[g.level]}>
              {g.items.map((d) => (
                <option value={d.id} selected={d.id === f.department}>
                  {d.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        程序
        <select name="procedure">
          <option value="">全部程序</option>
          {PROCEDURE_CODES.map((code) => (
            <option value={code} selected={code === f.procedure}>
              {procedureLabel(code)}
            </option>
          ))}
        </select>
      </label>
      <label>
        责任部门层级
        <select name="level">
          <option value="">全部层级</option>
          {DEPARTMENT_LEVELS.map((l) => (
            <option value={l} selected={l === f.level}>
              {LEVEL_NAME[l]}
            </option>
          ))}
        </select>
      </label>
      <label>
        截止日期从
        <input type="date" name="from" value={f.from ?? ''} />
      </label>
      <label>
        截止日期到
        <input type="date" name="to" value={f.to ?? ''} />
      </label>
      {f.kind === 'due-soon' && (
        <label>
          到期范围
          <select name="within">
            {Array.from({ length: MAX_WITHIN }, (_, i) => i + 1).map((n) => (
              <option value={String(n)} selected={n === f.within}>
                {n} 个工作日内
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        排序
        <select name="sort">
          {CASE_LIST_SORTS.map((s) => (
            <option value={s} selected={s === f.sort}>
              {props.text.sortLabels[s]}
            </option>
          ))}
        </select>
      </label>
      <div class="filter-actions">
        <button type="submit">筛选</button>
        <a class="button secondary" href={props.text.path}>
          清除条件
        </a>
      </div>
    </form>
  );
}

function Row(props: { item: CaseListItem; kind: CaseListKind }) {
  const c = props.item;
  return (
    <tr>
      <th scope="row">
        <a href={`/dashboard/cases/${encodeURIComponent(c.id)}`}>{c.id}</a>
      </th>
      <td>{procedureLabel(c.procedure)}</td>
      <td>
        {c.requester ? c.requester.name : <span class="muted">(无申请方)</span>}
        {' → '}
        {c.responsible.name}
      </td>
      <td>
        <span class="dept">{c.responsible.name}</span>
        {c.responsible.level && <span class="badge">{LEVEL_NAME[c.responsible.level]}</span>}
        <div class="staff">
          {c.staff.length > 0 ? (
            `专人: ${c.staff.join('、')}`
          ) : (
            <span class="badge red">无专人 (第二十七条)</span>
          )}
        </div>
      </td>
      <td>
        <time datetime={c.deadline}>{chineseDate(c.deadline)}</time>
        {c.provisional && (
          <span class="badge yellow" title="该年度官方节假日安排尚未载入, 期限按暂定日历计算">
            暂定
          </span>
        )}
      </td>
      <td class="num">{daysText(props.kind, c.workingDays)}</td>
      <td class="stage">{STAGE_LABELS[c.stage] ?? c.stage}</td>
    </tr>
  );
}

function Results(props: { result: CaseListResult; text: KindText; first: boolean }) {
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
      <div class="table-scroll">
        <table class="case-list">
          <caption>
            {text.title}
            {props.first ? '' : ' (续页)'}, 本页 {result.items.length} 件, 每页最多 {PAGE_SIZE} 件
          </caption>
          <thead>
            <tr>
              <th scope="col">案件编号</th>
              <th scope="col">程序 (条款)</th>
              <th scope="col">当事方 (申请方 → 责任部门)</th>
              <th scope="col">责任部门及专人</th>
              <th scope="col">截止日期</th>
              <th scope="col" class="num">
                {text.daysHeader}
              </th>
              <th scope="col">阶段</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((item) => (
              <Row item={item} kind={f.kind} />
            ))}
          </tbody>
        </table>
      </div>
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

const EXPORT_HEADERS = (text: KindText) => [
  { header: '案件编号', width: 18 },
  { header: '程序 (条款)', width: 26 },
  { header: '申请方', width: 28 },
  { header: '责任部门', width: 28 },
  { header: '责任部门层级', width: 12 },
  { header: '专人', width: 20 },
  { header: '截止日期', width: 16 },
  { header: '期限暂定', width: 10 },
  { header: text.daysHeader, width: 12 },
  { header: '阶段', width: 12 },
  { header: '收到日期', width: 16 },
];

function exportTable(text: KindText, items: CaseListItem[], truncated: boolean, cap: number): ExportTable {
  const rows: Cell[][] = items.map((c) => [
    c.id,
    procedureLabel(c.procedure),
    c.requester?.name ?? '',
    c.responsible.name,
    c.responsible.level ? LEVEL_NAME[c.responsible.level] : '',
    c.staff.length > 0 ? c.staff.join('、') : '无专人 (第二十七条)',
    { day: c.deadline },
    c.provisional ? '是' : '否',
    c.workingDays,
    STAGE_LABELS[c.stage] ?? c.stage,
    { day: new Date(c.receivedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) },
  ]);
  return {
    columns: EXPORT_HEADERS(text),
    rows,
    note: truncated
      ? `注: 符合条件的案件超过 ${cap} 件, 本文件只含前 ${cap} 件, 请缩小筛选范围后分别导出。`
      : undefined,
  };
}

export function caseListPages(r: Router, deps: AppDeps): void {
  const page = (kind: CaseListKind) => async (req: Request, res: Response) => {
    const text = KINDS[kind];
    const format = one(req.query, 'format');
    if (format === 'csv' || format === 'xlsx') return sendExport(kind, format, req, res);
    if (format !== undefined && format !== 'html') throw invalid('导出格式只能是 csv 或 xlsx');
    const { filter, cursor } = filterOf(kind, req.query);
    const result = await listCaseQueue(deps, actorOf(personOf(res)), filter, cursor);
    const results = <Results result={result} text={text} first={!cursor} />;
    res.setHeader('Vary', 'HX-Request');
    // htmx swaps only the results; a history restore (no cached page) needs the whole page
    if (req.get('HX-Request') === 'true' && req.get('HX-History-Restore-Request') !== 'true') {
      res.status(200).type('html').send(render(results));
      return;
    }
    sendPage(
      req,
      res,
      text.title,
      <section class="case-lists">
        <nav class="list-switch" aria-label="列表">
          <a href={KINDS.overdue.path} aria-current={kind === 'overdue' ? 'page' : undefined}>
            逾期案件
          </a>
          <a href={KINDS['due-soon'].path} aria-current={kind === 'due-soon' ? 'page' : undefined}>
            即将到期
          </a>
        </nav>
        <Filters result={result} text={text} />
        <div id="results" aria-live="polite">
          {results}
        </div>
      </section>,
    );
  };

  async function sendExport(kind: CaseListKind, format: 'csv' | 'xlsx', req: Request, res: Response) {
    const text = KINDS[kind];
    const { filter } = filterOf(kind, req.query);
    const data = await exportCaseQueue(deps, actorOf(personOf(res)), filter);
    const table = exportTable(text, data.items, data.truncated, data.cap);
    if (data.truncated) res.setHeader('X-Export-Truncated', String(data.cap));
    await sendTable(
      res,
      format,
      { chinese: `${text.title}-${chineseDate(data.today)}`, ascii: `${text.ascii}-${data.today}` },
      text.title,
      table,
    );
  }

  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: (e?: unknown) => void) => {
      fn(req, res).catch(next);
    };

  for (const kind of ['overdue', 'due-soon'] as const) {
    r.get(`/${kind}`, handle(page(kind)));
    for (const format of ['csv', 'xlsx'] as const) {
      r.get(
        `/${kind}.${format}`,
        handle((req, res) => sendExport(kind, format, req, res)),
      );
    }
  }
}
