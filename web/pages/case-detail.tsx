/**
 * 案件详情 (issue 12): what the links in every mail open. The facts, the chain (P1 → P2 → P3), the timeline,
 * the deadline with the calendar engine's day-by-day explanation, the mails and the grants (one component
 * each, under case-detail/). A case the person may not see is the same 404 as one that does not exist, and
 * the attempt is audited as the API audits it.
 */
import type { Request, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { caseDetail, type CaseDetail } from '../../core/oversight/case-detail';
import { auditedForPerson } from '../denials';
import { chineseDateTime } from '../format';
import { sendPage } from '../render';
import { Chain } from './case-detail/chain';
import { Explanation } from './case-detail/explanation';
import { Facts } from './case-detail/facts';
import { Grants } from './case-detail/grants';
import { Mails } from './case-detail/mails';
import { Timeline } from './case-detail/timeline';

function CaseView(props: { d: CaseDetail }) {
  const { d } = props;
  return (
    <div class="case-detail">
      <Facts d={d} />
      <Chain chain={d.chain} current={d.id} />
      <Timeline d={d} />
      <Explanation d={d} />
      <Mails d={d} />
      <Grants d={d} />
      <p class="muted as-of">数据截至 {chineseDateTime(d.asOf)} (北京时间)。</p>
    </div>
  );
}

/** The id as sent; a malformed escape is just an id that names no case (a 404 page, not Express's 400/500). */
function rawIdOf(req: Request): string {
  const raw = req.path.slice('/cases/'.length).replace(/\/$/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function casePage(r: Router, deps: AppDeps): void {
  // GET /cases/:id, written as a pattern so that Express does not decode (and choke on) the id itself
  r.get(/^\/cases\/[^/]+\/?$/, async (req, res, next) => {
    try {
      const d = await auditedForPerson(deps, req, res, (actor) => caseDetail(deps, actor, rawIdOf(req)));
      sendPage(req, res, `案件详情 ${d.id}`, <CaseView d={d} />);
    } catch (e) {
      next(e);
    }
  });
}
