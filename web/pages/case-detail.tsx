/**
 * 案件详情 (issue 12): what the links in every mail open. The facts, the chain (P1 → P2 → P3), the timeline,
 * the deadline with the calendar engine's day-by-day explanation, the mails and the grants (one component
 * each, under case-detail/). A case the person may not see is the same 404 as one that does not exist, and
 * the attempt is audited as the API audits it.
 */
import type { Request, Response, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { actOnCase, type ActionRequest } from '../../core/cases/act';
import { DomainError } from '../../core/errors';
import { problemOf } from '../../api/problem';
import { caseWithNotice, type NoticeCase } from '../../core/oversight/notice-views';
import type { Person } from '../../core/people/accounts';
import { personOf } from '../auth';
import { caseHref } from '../components/links';
import { auditedForPerson } from '../denials';
import { chineseDateTime } from '../format';
import { contextOf, sendPage } from '../render';
import { Chain } from './case-detail/chain';
import { Explanation } from './case-detail/explanation';
import { Facts } from './case-detail/facts';
import { Grants } from './case-detail/grants';
import { Mails } from './case-detail/mails';
import { NoticeSection, type StepError } from './case-detail/notice';
import { Timeline } from './case-detail/timeline';

function CaseView(props: { d: NoticeCase; person: Person; csrf: string; error?: StepError }) {
  const { d } = props;
  return (
    <div class="case-detail">
      <Facts d={d} />
      <NoticeSection d={d} person={props.person} csrf={props.csrf} error={props.error} />
      {/* a written notice starts no chain of requests; what it follows up is named with the notice */}
      {!d.notice && <Chain chain={d.chain} current={d.id} />}
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
  const raw = req.path.slice('/cases/'.length).split('/')[0];
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function show(deps: AppDeps, req: Request, res: Response, error?: StepError, status = 200) {
  const d = await auditedForPerson(deps, req, res, (actor) => caseWithNotice(deps, actor, rawIdOf(req)));
  const view = <CaseView d={d} person={personOf(res)} csrf={contextOf(req, res).csrf} error={error} />;
  sendPage(req, res, `案件详情 ${d.id}`, view, status);
}

const text = (body: Record<string, unknown>, k: string): string =>
  typeof body[k] === 'string' ? (body[k] as string).slice(0, 20000) : '';

/** `名称 摘要` per line; a line that is not one is refused with its number (the workflow keeps what it is given). */
function attachmentsOf(raw: string): { name: string; sha256: string }[] {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length > 50) throw new DomainError('invalid', 'invalid_attachments', '附件最多 50 个');
  return lines.map((line, i) => {
    const m = /^(.{1,200}?)\s+([0-9a-fA-F]{64})$/.exec(line);
    if (!m) {
      throw new DomainError(
        'invalid',
        'invalid_attachments',
        `附件清单第 ${i + 1} 行须为 "文件名 SHA-256 摘要" (摘要为 64 位十六进制)`,
      );
    }
    return { name: m[1].trim(), sha256: m[2].toLowerCase() };
  });
}

const STEPS: Record<
  string,
  { form: StepError['form']; action: (b: Record<string, unknown>) => ActionRequest }
> = {
  submit: {
    form: 'submit',
    action: (b) => {
      const attachments = attachmentsOf(text(b, 'attachments'));
      return {
        type: 'submit_rectification',
        report: text(b, 'report').trim(),
        ...(attachments.length > 0 ? { attachments } : {}),
      };
    },
  },
  accept: {
    form: 'accept',
    action: (b) => ({
      type: 'accept_rectification',
      ...(text(b, 'note').trim() ? { note: text(b, 'note').trim() } : {}),
    }),
  },
  'send-back': {
    form: 'send_back',
    action: (b) => ({ type: 'send_back', reasons: text(b, 'reasons').trim() }),
  },
};

export function casePage(r: Router, deps: AppDeps): void {
  // GET /cases/:id, written as a pattern so that Express does not decode (and choke on) the id itself
  r.get(/^\/cases\/[^/]+\/?$/, (req, res, next) => {
    show(deps, req, res).catch(next);
  });

  // a written notice's steps (第三十六条): each one action on the case, then back to its page
  r.post(/^\/cases\/[^/]+\/rectification\/(submit|accept|send-back)$/, async (req, res, next) => {
    const step = STEPS[req.path.split('/')[4] ?? ''];
    const body = req.body as Record<string, unknown>;
    try {
      if (!step) return next();
      const id = rawIdOf(req);
      await auditedForPerson(deps, req, res, async (actor) => actOnCase(deps, actor, id, step.action(body)));
      res.redirect(303, caseHref(id));
    } catch (e) {
      // a refused step shows on the case page; a case the person may not touch stays a 403/404 page
      if (e instanceof DomainError && step && e.kind !== 'forbidden' && e.kind !== 'not_found') {
        const values = Object.fromEntries(
          ['report', 'attachments', 'note', 'reasons'].map((k) => [k, text(body, k)]),
        );
        return show(deps, req, res, { form: step.form, detail: e.detail, values }, problemOf(e).status).catch(
          next,
        );
      }
      next(e);
    }
  });
}
