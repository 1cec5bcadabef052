/**
 * 邮件异常 (issue 12): mail refused for good by the mail server, newest first, and departments with nobody in
 * post to receive mail (第二十七条). Supervisors and administrators; a department user's attempt is a 403 on
 * record.
 */
import type { Request, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { mailProblems, type MailProblems } from '../../core/oversight/mail-problems';
import { CaseLinkOrDash, departmentHref } from '../components/links';
import { Section } from '../components/section';
import { num, ScrollTable } from '../components/table';
import { chineseDateTime } from '../format';
import { auditedForPerson } from '../denials';
import { mailKindText } from '../labels';
import { sendPage } from '../render';

const PAGE_SIZE = 50;

function cursorOf(req: Request): string | undefined {
  const c = req.query.cursor;
  return typeof c === 'string' && c.length > 0 && c.length <= 200 ? c : undefined;
}

function FailedMailTable(props: { p: MailProblems; first: boolean }) {
  const { items, nextCursor } = props.p.failed;
  return (
    <Section id="failed" title="发送失败的邮件">
      <p class="muted">
        邮件服务器拒收、不再重试的通知 (如地址不存在)。案件照常计时, 但收件人未获通知, 请核实地址后联系对方。
      </p>
      {items.length === 0 ? (
        <p>{props.first ? '没有发送失败的邮件。' : '没有更多了。'}</p>
      ) : (
        <ScrollTable
          class="mails"
          caption="发送失败的邮件 (最新在前)"
          columns={['记录时间', '案件', '承办部门', '类别', '收件人', '主题', num('尝试次数'), '错误']}
          rows={items}
          row={(m) => (
            <tr>
              <td>{chineseDateTime(m.createdAt)}</td>
              <td>
                <CaseLinkOrDash id={m.caseId} />
              </td>
              <td>
                {m.responsibleDepartment ? (
                  <a href={departmentHref(m.responsibleDepartment.id)}>{m.responsibleDepartment.name}</a>
                ) : (
                  '—'
                )}
              </td>
              <td>{mailKindText(m.kind)}</td>
              <td>{m.recipient}</td>
              <td>{m.subject}</td>
              <td class="num">{m.attempts}</td>
              <td class="error-text">{m.lastError ?? ''}</td>
            </tr>
          )}
        />
      )}
      <nav class="pager" aria-label="分页">
        {!props.first && <a href="/dashboard/mail-problems">回到第一页</a>}
        {nextCursor && (
          <a rel="next" href={`/dashboard/mail-problems?cursor=${encodeURIComponent(nextCursor)}`}>
            下一页
          </a>
        )}
      </nav>
    </Section>
  );
}

function StaffGaps(props: { p: MailProblems }) {
  const { staffGaps, moreStaffGaps } = props.p;
  return (
    <Section id="gaps" title="无在岗专人的部门 (第二十七条)">
      <p class="muted">这些部门的案件通知无人接收, 系统改为通知督促检查人员。请督促其明确专人并更新名单。</p>
      {staffGaps.length === 0 ? (
        <p>所有部门均有在岗专人。</p>
      ) : (
        <ScrollTable
          caption="没有在岗专人的部门 (按部门编码)"
          columns={['部门', '编码', '层级', '上一位专人离任']}
          rows={staffGaps}
          row={(g) => (
            <tr>
              <td>
                <a href={departmentHref(g.id)}>{g.name}</a>
              </td>
              <td>{g.id}</td>
              <td>{g.levelName}</td>
              <td>{g.lastStaffUntil ? chineseDateTime(new Date(g.lastStaffUntil)) : '从未登记专人'}</td>
            </tr>
          )}
        />
      )}
      {moreStaffGaps && <p class="muted">部门过多, 仅列出前 {staffGaps.length} 个。</p>}
    </Section>
  );
}

export function mailProblemsPage(r: Router, deps: AppDeps): void {
  r.get('/mail-problems', async (req, res, next) => {
    try {
      const cursor = cursorOf(req);
      const p = await auditedForPerson(deps, req, res, (actor) =>
        mailProblems(deps, actor, { limit: PAGE_SIZE, cursor }),
      );
      sendPage(
        req,
        res,
        '邮件异常',
        <div class="mail-problems">
          <FailedMailTable p={p} first={!cursor} />
          <StaffGaps p={p} />
        </div>,
      );
    } catch (e) {
      next(e);
    }
  });
}
