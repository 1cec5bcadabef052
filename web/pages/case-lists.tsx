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
import { exportCaseQueue, listCaseQueue, type CaseListKind } from '../../core/oversight/case-lists';
import { personOf } from '../auth';
import { sendTable } from '../export';
import { chineseDate } from '../format';
import { sendPage } from '../render';
import { exportTable } from './case-lists/export';
import { Filters } from './case-lists/filters';
import { KINDS } from './case-lists/kinds';
import { filterOf, invalid, one } from './case-lists/query';
import { Results } from './case-lists/results';

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
