/**
 * 报送 (第三十二条): the period's reports (status, due, submitted) and one report — the figures the system
 * filled in, the narrative form for the reporting department's own people (submit, then corrections), the
 * versions with their hashes, and the .docx/.xlsx downloads. Scoped by level like everything else (第十条):
 * another 盟市's report is the same 404 page as one that does not exist.
 */
import type { Request, Response, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { sendReportFile } from '../../api/routes/reports';
import { actOnCase } from '../../core/cases/act';
import { DomainError } from '../../core/errors';
import { reportDocument } from '../../core/reports/documents';
import { figureLines, RANKING_COLUMNS } from '../../core/reports/figure-lines';
import type { DepartmentFigures, ReportFigures } from '../../core/reports/figures';
import {
  checkNarrative,
  correctReport,
  getReport,
  listReports,
  type ReportListItem,
  type ReportView,
} from '../../core/reports/reports';
import { periodLabel } from '../../procedures/report-periods';
import { personOf } from '../auth';
import { caseHref } from '../components/links';
import { num, ScrollTable } from '../components/table';
import { auditedForPerson } from '../denials';
import { chineseDate, chineseDateTime } from '../format';
import { contextOf, sendPage } from '../render';

const BASE = '/dashboard/reports';
const reportHref = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

function statusText(r: { submittedAt: Date | null; submittedLate: boolean; overdue: boolean }): string {
  if (r.submittedAt) return r.submittedLate ? '已报送 (逾期)' : '已报送';
  return r.overdue ? '逾期未报送' : '待报送';
}

function ListPage(props: { list: Awaited<ReturnType<typeof listReports>> }) {
  const { list } = props;
  return (
    <>
      <form class="list-filters" method="get" action={BASE}>
        <label>
          报送期间
          <select name="period">
            {list.periods.map((p) => (
              <option value={p} selected={p === list.period}>
                {periodLabel(p)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">查看</button>
      </form>
      <ScrollTable<ReportListItem>
        caption={list.periodLabel ? `${list.periodLabel}报送情况` : '报送情况'}
        columns={['部门', '状态', '报送期限', '报送时间', num('版本'), '案件']}
        rows={list.items}
        empty="暂无报送。每年1月1日和7月1日系统自动为各部门开启报送 (第三十二条)。"
        row={(r) => (
          <tr>
            <td>
              <a href={reportHref(r.caseId)}>{r.department.name}</a>
            </td>
            <td>{statusText(r)}</td>
            <td>{chineseDate(r.deadline)}</td>
            <td>{r.submittedAt ? chineseDateTime(r.submittedAt) : '—'}</td>
            <td class="num">{r.versions}</td>
            <td>
              <a href={caseHref(r.caseId)}>{r.caseId}</a>
            </td>
          </tr>
        )}
      />
    </>
  );
}

function FigureTable(props: { f: DepartmentFigures; caption: string }) {
  return (
    <ScrollTable
      caption={props.caption}
      columns={['类别', '指标', num('数值')]}
      rows={figureLines(props.f)}
      row={(l) => (
        <tr>
          <td>{l.group}</td>
          <td>{l.label}</td>
          <td class="num">{l.value}</td>
        </tr>
      )}
    />
  );
}

function Figures(props: { figures: ReportFigures; label: string }) {
  const { figures } = props;
  if (figures.type === 'department') return <FigureTable f={figures} caption={props.label} />;
  return (
    <>
      <FigureTable f={figures.totals} caption={`${props.label}: 全区合计`} />
      <ScrollTable
        caption="各部门情况及排名 (供第三十三条联合考核参考)"
        columns={RANKING_COLUMNS.map((c) => c.header)}
        rows={figures.departments}
        row={(r) => (
          <tr>
            {RANKING_COLUMNS.map((c) => (
              <td>{c.cell(r)}</td>
            ))}
          </tr>
        )}
      />
    </>
  );
}

function NarrativeForm(props: { v: ReportView; csrf: string; error?: string; text: string }) {
  const submitted = props.v.versions.length > 0;
  const action = `${reportHref(props.v.caseId)}/${submitted ? 'corrections' : 'submit'}`;
  return (
    <form class="card" method="post" action={action}>
      <h2>{submitted ? '更正报告 (形成新版本, 原版本保留)' : '填写说明并报送'}</h2>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <input type="hidden" name="_csrf" value={props.csrf} />
      <label>
        共享落实情况和使用效果
        <textarea name="narrative" rows={8} required maxLength={20000}>
          {props.text}
        </textarea>
      </label>
      <button type="submit">{submitted ? '提交更正' : '报送'}</button>
    </form>
  );
}

function DetailPage(props: { v: ReportView; mayAct: boolean; csrf: string; error?: string; text: string }) {
  const { v } = props;
  const current = v.versions.at(-1);
  const files = (n?: number) => {
    const q = n === undefined ? '' : `?version=${n}`;
    return (
      <>
        <a href={`${reportHref(v.caseId)}/document.docx${q}`}>Word</a> ·{' '}
        <a href={`${reportHref(v.caseId)}/figures.xlsx${q}`}>Excel</a>
      </>
    );
  };
  return (
    <div class="report">
      <dl class="facts">
        <dt>报送部门</dt>
        <dd>{v.department.name}</dd>
        <dt>报送期间</dt>
        <dd>{v.periodLabel}</dd>
        <dt>状态</dt>
        <dd>{statusText(v)}</dd>
        <dt>报送期限</dt>
        <dd>{chineseDate(v.deadline)}</dd>
        <dt>案件</dt>
        <dd>
          <a href={caseHref(v.caseId)}>{v.caseId}</a>
        </dd>
        <dt>下载</dt>
        <dd>{files()}</dd>
      </dl>
      {current ? (
        <>
          <h2>说明 (第{current.version}版)</h2>
          <p class="narrative">{current.narrative}</p>
          <Figures figures={current.figures} label={`报送数据 (第${current.version}版, 已冻结)`} />
        </>
      ) : (
        v.draft && (
          <Figures
            figures={v.draft}
            label={`系统预填数据 (草稿, 截至${chineseDateTime(new Date(v.draft.asOf))})`}
          />
        )
      )}
      {v.versions.length > 0 && (
        <ScrollTable
          caption="版本"
          columns={['版本', '报送时间', '报送方', '更正', '数据摘要 (SHA-256)', '下载']}
          rows={v.versions}
          row={(x) => (
            <tr>
              <td>第{x.version}版</td>
              <td>{chineseDateTime(x.submittedAt)}</td>
              <td>{x.submittedBy === v.department.id ? v.department.name : x.submittedBy}</td>
              <td>{x.replacesId ? `更正第${x.version - 1}版` : '—'}</td>
              <td>
                <code>{x.figuresHash.slice(0, 16)}…</code>
              </td>
              <td>{files(x.version)}</td>
            </tr>
          )}
        />
      )}
      {props.mayAct && <NarrativeForm v={v} csrf={props.csrf} error={props.error} text={props.text} />}
    </div>
  );
}

/**
 * The id as sent (the second path segment); a malformed escape is just an id that names no report (a 404 page),
 * so the routes are patterns that Express does not decode itself.
 */
function idOf(req: Request): string {
  const raw = req.path.split('/')[2] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
const route = (tail = '') => new RegExp(`^/reports/[^/]+${tail.replace(/\./g, '\\.')}/?$`);

async function renderDetail(
  deps: AppDeps,
  req: Request,
  res: Response,
  form: { error?: string; text?: string } = {},
) {
  const v = await auditedForPerson(deps, req, res, (actor) => getReport(deps, actor, idOf(req)));
  const person = personOf(res);
  const mayAct = person.role === 'DEPARTMENT' && person.departmentId === v.department.id;
  sendPage(
    req,
    res,
    `${v.department.name} ${v.periodLabel}报送`,
    <DetailPage
      v={v}
      mayAct={mayAct}
      csrf={contextOf(req, res).csrf}
      error={form.error}
      text={form.text ?? ''}
    />,
    form.error ? 400 : 200,
  );
}

export function reportPages(r: Router, deps: AppDeps): void {
  r.get('/reports', async (req, res, next) => {
    try {
      const period = typeof req.query.period === 'string' && req.query.period ? req.query.period : undefined;
      const list = await auditedForPerson(deps, req, res, (actor) => listReports(deps, actor, { period }));
      sendPage(req, res, '共享情况报送', <ListPage list={list} />);
    } catch (e) {
      next(e);
    }
  });

  r.get(route(), (req, res, next) => renderDetail(deps, req, res).catch(next));

  for (const format of ['docx', 'xlsx'] as const) {
    r.get(route(format === 'docx' ? '/document.docx' : '/figures.xlsx'), async (req, res, next) => {
      try {
        const v = await auditedForPerson(deps, req, res, (actor) => getReport(deps, actor, idOf(req)));
        const n = typeof req.query.version === 'string' ? Number(req.query.version) : undefined;
        if (n !== undefined && !(Number.isInteger(n) && n >= 1)) {
          throw new DomainError('not_found', 'report_version_not_found', '没有该版本');
        }
        await sendReportFile(res, reportDocument(v, n), format);
      } catch (e) {
        next(e);
      }
    });
  }

  const formAction = (
    path: string,
    work: (actor: Parameters<typeof getReport>[1], id: string, narrative: string) => Promise<unknown>,
  ) =>
    r.post(route(`/${path}`), async (req, res, next) => {
      const text = typeof req.body?.narrative === 'string' ? (req.body.narrative as string) : '';
      try {
        await auditedForPerson(deps, req, res, (actor) => work(actor, idOf(req), text));
        res.redirect(303, reportHref(idOf(req)));
      } catch (e) {
        // a refusal shows on the form with the text kept; not-found and forbidden are pages of their own
        if (e instanceof DomainError && !['forbidden', 'not_found'].includes(e.kind)) {
          return renderDetail(deps, req, res, { error: e.detail, text }).catch(next);
        }
        next(e);
      }
    });
  formAction('submit', async (actor, id, narrative) => {
    await getReport(deps, actor, id); // a P7 case only: other cases are not submitted from here
    return actOnCase(deps, actor, id, { type: 'submit_report', narrative: checkNarrative(narrative) });
  });
  formAction('corrections', (actor, id, narrative) => correctReport(deps, actor, id, { narrative }));
}
