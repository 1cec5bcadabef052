/**
 * 书面通报 (第三十六条): the notices a person may see (open first), the same table as a fragment for a
 * department's page, the follow-up proposals (ground 五) as a fragment for the overview, and the notice as a
 * .docx. Whatever lies outside the person's level is absent, and a notice of it is "not found".
 */
import type { Request, Response, Router } from 'express';
import { render } from 'preact-render-to-string';
import type { VNode } from 'preact';
import type { AppDeps } from '../../../api/deps';
import { noticeList, NOTICES_LISTED, type NoticeLine } from '../../../core/oversight/notice-views';
import { noticeDocumentFor } from '../../../core/oversight/rectification';
import { rectificationProposals, type Proposal } from '../../../core/oversight/rectification-proposals';
import { DOCX_TYPE, noticeFileName } from '../../../documents/files';
import { sendDocument } from '../../../api/download';
import { noticeDocx } from '../../../documents/notice-docx';
import { personOf } from '../../auth';
import { Badge } from '../../components/badge';
import { caseHref, departmentHref, newNoticeHref } from '../../components/links';
import { ScrollTable } from '../../components/table';
import { auditedForPerson } from '../../denials';
import { chineseDate, chineseDay } from '../../format';
import { caseStageText, statusText } from '../../labels';
import { sendPage } from '../../render';

export function NoticeTable(props: { rows: NoticeLine[]; showDepartment: boolean }) {
  const columns = ['编号', ...(props.showDepartment ? ['被通报部门'] : []), '发出日期', '整改期限', '状态'];
  return (
    <ScrollTable
      class="notices"
      caption={`在办的在前, 其余按发出先后倒序${props.rows.length >= NOTICES_LISTED ? ` (最多 ${NOTICES_LISTED} 件)` : ''}`}
      columns={columns}
      rows={props.rows}
      empty="没有书面通报。"
      row={(n) => (
        <tr>
          <th scope="row">
            <a href={caseHref(n.caseId)}>{n.number}</a>
            <div class="muted small">{n.caseId}</div>
          </th>
          {props.showDepartment && (
            <td>
              <a href={departmentHref(n.departmentId)}>{n.departmentName}</a>
            </td>
          )}
          <td>{chineseDay(n.issuedAt)}</td>
          <td>
            {chineseDate(n.deadline)} {n.provisional && <Badge tone="yellow">暂定</Badge>}
          </td>
          <td>
            {n.status === 'OPEN' ? caseStageText('P6', n.stage) : statusText(n.status)}{' '}
            {n.overdue && <Badge tone="red">{n.status === 'OPEN' ? '整改逾期' : '逾期整改'}</Badge>}
          </td>
        </tr>
      )}
    />
  );
}

export function Proposals(props: { items: Proposal[] }) {
  if (props.items.length === 0) return null;
  return (
    <section class="proposals card" aria-labelledby="proposals-h">
      <h2 id="proposals-h">建议再次通报 (第三十六条第 (五) 项)</h2>
      <p class="muted">
        以下书面通报的整改期限已过而未验收, 也尚未跟进。仅为建议, 是否通报由督促检查人员决定。
      </p>
      <ScrollTable
        caption="整改逾期的书面通报"
        columns={['书面通报', '被通报部门', '整改期限', '']}
        rows={props.items}
        row={(p) => (
          <tr>
            <th scope="row">
              <a href={caseHref(p.caseId)}>{p.number}</a>
            </th>
            <td>{p.departmentName}</td>
            <td>{chineseDate(p.deadline)}</td>
            <td>
              <a class="button" href={newNoticeHref({ follows: p.caseId })}>
                拟再次通报
              </a>
            </td>
          </tr>
        )}
      />
    </section>
  );
}

/** An htmx fragment: the markup alone, no page around it. */
function sendFragment(res: Response, node: VNode | null): void {
  res.type('html').send(node ? render(node) : '');
}

const departmentQuery = (req: Request): string | undefined =>
  typeof req.query.department === 'string' && req.query.department
    ? req.query.department.slice(0, 64)
    : undefined;

function decodedOrRaw(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function noticeListPages(r: Router, deps: AppDeps): void {
  r.get('/notices', async (req, res, next) => {
    try {
      const departmentId = departmentQuery(req);
      const rows = await auditedForPerson(deps, req, res, (actor) =>
        noticeList(deps, actor, { departmentId }),
      );
      const supervisor = personOf(res).role === 'SUPERVISOR';
      sendPage(
        req,
        res,
        '书面通报',
        <div class="notices-page">
          <p class="muted">
            第三十六条: 对存在所列情形的部门予以书面通报并责令限期整改; 被通报部门在期限内报送整改情况报告,
            由督促检查人员验收或退回。
          </p>
          {supervisor && (
            <p>
              <a class="button" href={newNoticeHref({ department: departmentId })}>
                发出书面通报
              </a>
            </p>
          )}
          <NoticeTable rows={rows} showDepartment={!departmentId} />
        </div>,
      );
    } catch (e) {
      next(e);
    }
  });

  // a department page's notices, loaded into it by htmx (the page itself stays one use-case)
  r.get('/notices/table', async (req, res, next) => {
    try {
      const departmentId = departmentQuery(req);
      const rows = await auditedForPerson(deps, req, res, (actor) =>
        noticeList(deps, actor, { departmentId }),
      );
      sendFragment(res, <NoticeTable rows={rows} showDepartment={!departmentId} />);
    } catch (e) {
      next(e);
    }
  });

  // the overview's proposals, loaded into it by htmx; nothing when there are none
  r.get('/notices/proposals', async (req, res, next) => {
    try {
      if (personOf(res).role !== 'SUPERVISOR') return sendFragment(res, null);
      const items = await auditedForPerson(deps, req, res, (actor) => rectificationProposals(deps, actor));
      sendFragment(res, <Proposals items={items} />);
    } catch (e) {
      next(e);
    }
  });

  // written as a pattern so that a malformed escape in the id is a 404 like any unknown id, not Express's 400
  r.get(/^\/notices\/[^/]+\/document$/, async (req, res, next) => {
    try {
      const id = decodedOrRaw(req.path.split('/')[2] ?? '');
      const { view, document } = await auditedForPerson(deps, req, res, (actor) =>
        noticeDocumentFor(deps, actor, id),
      );
      sendDocument(res, await noticeDocx(document), DOCX_TYPE, noticeFileName(view), 'docx');
    } catch (e) {
      next(e);
    }
  });
}
