/**
 * 案件详情 (issue 12): what the links in every mail open. The facts, the chain (P1 → P2 → P3), the timeline,
 * the deadline with the calendar engine's day-by-day explanation, the mails and the grants. A case the person
 * may not see is the same 404 as one that does not exist, and the attempt is audited as the API audits it.
 */
import type { Request, Router } from 'express';
import type { ComponentChildren } from 'preact';
import type { AppDeps } from '../../api/deps';
import {
  caseDetail,
  type CaseDetail,
  type ChainLink,
  type DeadlinePosition,
  type TimelineEntry,
} from '../../core/oversight/case-detail';
import {
  OUTCOME_LABELS,
  PROCEDURES,
  STAGE_LABELS,
  type Outcome,
  type ProcedureCode,
  type Stage,
} from '../../procedures';
import { auditedForPerson } from '../denials';
import { chineseDate, chineseDateTime } from '../format';
import { mailKindText } from '../labels';
import { sendPage } from '../render';

export const STATUS_LABELS: Record<string, string> = { OPEN: '办理中', CLOSED: '已办结' };

const EVENT_LABELS: Record<string, string> = {
  received: '收件登记',
  answered: '答复',
  answered_late: '逾期后答复',
  reminder: '办理提醒',
  reminder_skipped: '提醒未发送',
  overdue: '逾期',
  negotiation_opened: '发起协商',
  negotiation_expired: '协商期满未达成一致',
  escalated_to_coordination: '转入协调',
  deadline_recomputed: '期限重新计算',
};

const ACTION_LABELS: Record<string, string> = {
  approve: '同意共享',
  refuse: '不予共享',
  open_negotiation: '发起协商',
  agree: '协商一致',
  fail: '协商未果',
  decide: '协调决定',
  correct: '已更正',
  confirm_correct: '经校核数据无误',
  catalog_updated: '目录已更新',
};

const ACTION_FIELDS: [string, string][] = [
  ['reason', '理由'],
  ['reasons', '理由'],
  ['legalBasis', '依据'],
  ['need', '需求'],
  ['scope', '共享范围'],
  ['purpose', '用途'],
  ['explanation', '说明'],
  ['catalogVersion', '目录版本'],
  ['note', '备注'],
];

const REMINDER_LABELS: Record<string, string> = {
  half: '期限过半提醒',
  'day-before': '到期前一个工作日提醒',
};

const MAIL_STATUS: Record<string, { label: string; badge: string }> = {
  SENT: { label: '已送达邮件服务器', badge: 'green' },
  FAILED: { label: '发送失败 (已放弃)', badge: 'red' },
  PENDING: { label: '待发送 (重试中)', badge: 'yellow' },
};

const REASON_LABELS: Record<string, string> = {
  receipt: '收件日',
  workday: '工作日',
  makeup_workday: '调休上班',
  weekend: '周末',
  holiday: '节假日',
  regional_rest: '地区休息日',
};

function procedureText(code: ProcedureCode | string): string {
  const p = PROCEDURES[code as ProcedureCode];
  return p ? `${p.name} (${p.article})` : code;
}

const stageText = (s: Stage) => STAGE_LABELS[s] ?? s;
const outcomeText = (o: Outcome | null) => (o ? (OUTCOME_LABELS[o] ?? o) : '');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function CaseLink(props: { id: string; current?: string }) {
  if (props.id === props.current) return <strong>{props.id}</strong>;
  return <a href={`/dashboard/cases/${encodeURIComponent(props.id)}`}>{props.id}</a>;
}

function PositionBadge(props: { p: DeadlinePosition | null; overdue: boolean }) {
  const p = props.p;
  if (!p) return props.overdue ? <span class="badge red">已逾期</span> : null;
  switch (p.kind) {
    case 'left':
      return p.workingDays === 0 ? (
        <span class="badge yellow">今日 24:00 届满</span>
      ) : (
        <span class="badge green">剩余 {p.workingDays} 个工作日 (不含当日)</span>
      );
    case 'overdue':
      return (
        <span class="badge red">
          {p.answered ? '逾期答复, ' : '已逾期 '}
          {p.workingDays > 0 ? `逾期 ${p.workingDays} 个工作日` : '逾期不足 1 个工作日'}
        </span>
      );
    case 'answered_on_time':
      return <span class="badge green">按时办结</span>;
    case 'expired':
      return <span class="badge yellow">期满办结</span>;
  }
}

function Facts(props: { d: CaseDetail }) {
  const d = props.d;
  return (
    <dl class="facts card">
      <div>
        <dt>案件编号</dt>
        <dd>{d.id}</dd>
      </div>
      <div>
        <dt>程序</dt>
        <dd>{procedureText(d.procedure)}</dd>
      </div>
      <div>
        <dt>状态</dt>
        <dd>
          {STATUS_LABELS[d.status] ?? d.status} · {stageText(d.stage)}
          {d.outcome && <> · 结果: {outcomeText(d.outcome)}</>}
        </dd>
      </div>
      <div>
        <dt>提出部门 → 承办部门</dt>
        <dd>
          {d.requester ? d.requester.name : '—'} → {d.responsible.name}
        </dd>
      </div>
      {d.resource && (
        <div>
          <dt>信息资源</dt>
          <dd>{d.resource.name ? `${d.resource.name} (${d.resource.id})` : d.resource.id}</dd>
        </div>
      )}
      <div>
        <dt>收件时间</dt>
        <dd>
          {chineseDateTime(d.receivedAt)}
          {d.backdated && (
            <>
              {' '}
              <span class="badge yellow">补录</span>{' '}
              <span class="muted">
                系统于 {chineseDateTime(d.recordedAt)} 登记
                {d.backdatedWorkingDays !== null && `, 晚于所称收件 ${d.backdatedWorkingDays} 个工作日`}
              </span>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>办理期限</dt>
        <dd>
          {d.workingDays} 个工作日, {chineseDate(d.deadlineDate)} 24:00 前
          {d.provisional && (
            <>
              {' '}
              <span class="badge yellow" title="当年官方节假日安排未载入, 按法定节假日推算">
                暂定
              </span>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>时限情况</dt>
        <dd>
          <PositionBadge p={d.position} overdue={d.overdue} />
          {d.overdue && d.overdueAt && <span class="muted"> 自 {chineseDateTime(d.overdueAt)} 起逾期</span>}
          {d.answeredLate && (
            <>
              {' '}
              <span class="badge red">逾期答复</span>
            </>
          )}
        </dd>
      </div>
      {d.answeredAt && (
        <div>
          <dt>答复时间</dt>
          <dd>{chineseDateTime(d.answeredAt)}</dd>
        </div>
      )}
      {d.closedAt && (
        <div>
          <dt>办结时间</dt>
          <dd>{chineseDateTime(d.closedAt)}</dd>
        </div>
      )}
    </dl>
  );
}

function Chain(props: { chain: ChainLink[]; current: string }) {
  return (
    <section aria-labelledby="chain-h">
      <h2 id="chain-h">案件链</h2>
      <p class="muted">同一申请引起的全部案件 (有条件共享 → 协商 → 协调), 按收件先后排列。</p>
      <ol class="chain">
        {props.chain.map((c) => (
          <li aria-current={c.current ? 'page' : undefined} class={c.current ? 'current' : undefined}>
            <CaseLink id={c.id} current={props.current} /> <span>{procedureText(c.procedure)}</span>
            <span class="muted">
              {' '}
              · {STATUS_LABELS[c.status] ?? c.status} · {stageText(c.stage)}
              {c.outcome && ` · ${outcomeText(c.outcome)}`} · 收件 {chineseDateTime(c.receivedAt)} · 期限{' '}
              {chineseDate(c.deadlineDate)}
            </span>
            {c.overdue && (
              <>
                {' '}
                <span class="badge red">逾期</span>
              </>
            )}
            {c.current && <span class="badge">本案</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function EventDetail(props: { e: TimelineEntry; names: Record<string, string>; current: string }) {
  const { e, names } = props;
  const d = e.data;
  const dept = (id: unknown) => (typeof id === 'string' ? (names[id] ?? id) : '');
  const items: [string, ComponentChildren][] = [];
  switch (e.type) {
    case 'received':
    case 'deadline_recomputed': {
      if (typeof d.workingDays === 'number') items.push(['期限', `${d.workingDays} 个工作日`]);
      const prev = str(d.previousDeadline);
      const next = str(d.deadlineDate) ?? str(d.deadline);
      if (prev) items.push(['原届满日', chineseDate(prev)]);
      if (next) items.push(['届满日', chineseDate(next)]);
      if (d.provisional === true) items.push(['', '暂定 (官方安排未载入)']);
      if (str(d.calendarVersion)) items.push(['日历版本', String(d.calendarVersion)]);
      break;
    }
    case 'answered':
    case 'answered_late': {
      const t = str(d.type);
      if (t) items.push(['办理', ACTION_LABELS[t] ?? t]);
      if (typeof d.share === 'boolean') items.push(['决定', d.share ? '共享' : '不予共享']);
      for (const [k, label] of ACTION_FIELDS) {
        const v = str(d[k]);
        if (v) items.push([label, v]);
      }
      if (str(d.validUntil)) items.push(['有效期至', chineseDateTime(new Date(String(d.validUntil)))]);
      break;
    }
    case 'reminder':
    case 'reminder_skipped': {
      const r = str(d.reminder);
      if (r) items.push(['提醒', REMINDER_LABELS[r] ?? r]);
      if (str(d.due)) items.push(['原定时点', chineseDateTime(new Date(String(d.due)))]);
      if (str(d.deadline)) items.push(['届满日', chineseDate(String(d.deadline))]);
      break;
    }
    case 'overdue':
      if (str(d.deadline)) items.push(['届满日', chineseDate(String(d.deadline))]);
      break;
    case 'negotiation_opened':
    case 'escalated_to_coordination': {
      const child = str(d.childCaseId);
      if (child) items.push(['后续案件', <CaseLink id={child} current={props.current} />]);
      if (str(d.need)) items.push(['需求', String(d.need)]);
      if (str(d.shareAuthority)) items.push(['共享主管部门', dept(d.shareAuthority)]);
      break;
    }
  }
  if (items.length === 0) return null;
  return (
    <ul class="event-data">
      {items.map(([k, v]) => (
        <li>
          {k && <span class="muted">{k}: </span>}
          {v}
        </li>
      ))}
    </ul>
  );
}

function Timeline(props: { d: CaseDetail }) {
  const { d } = props;
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">办理过程</h2>
      <div class="table-scroll">
        <table class="timeline">
          <caption>本案事件 (按时间先后)</caption>
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">事件</th>
              <th scope="col">操作方</th>
              <th scope="col">内容</th>
            </tr>
          </thead>
          <tbody>
            {d.timeline.map((e) => (
              <tr class={`event-${e.type}`}>
                <td>{chineseDateTime(e.at)}</td>
                <td>{EVENT_LABELS[e.type] ?? e.type}</td>
                <td>{e.actor ? (d.departmentNames[e.actor] ?? e.actor) : '系统'}</td>
                <td>
                  <EventDetail e={e} names={d.departmentNames} current={d.id} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Explanation(props: { d: CaseDetail }) {
  const { d } = props;
  const x = d.explanation;
  return (
    <section aria-labelledby="deadline-h">
      <h2 id="deadline-h">期限计算</h2>
      <p>
        自 {chineseDateTime(d.receivedAt)} 收件起 {d.workingDays} 个工作日 (收件日不计), 届满日为{' '}
        <strong>{chineseDate(d.deadlineDate)}</strong>, 当日 24:00 (北京时间) 前办理。
        {d.provisional && ' 期限跨越尚未公布官方安排的年份, 为暂定期限, 公布后自动重算。'}
      </p>
      {!x && <p class="muted">该期限超出日历范围, 无法逐日说明。</p>}
      {x && !x.matchesCase && (
        <p class="error" role="note">
          按现行日历 (版本 {x.calendarVersion}) 推算的届满日为 {chineseDate(x.deadline)},
          与本案记录的届满日不同 (本案按日历版本 {d.calendarVersion} 计算; 在办案件将随日历变更重新计算)。
        </p>
      )}
      {x && (
        <details class="explain">
          <summary>
            逐日说明: 共 {x.days.length} 天, 计入 {x.days.filter((e) => e.counted).length} 个工作日, 跳过{' '}
            {x.days.filter((e) => !e.counted && e.reason !== 'receipt').length} 天
          </summary>
          <div class="table-scroll">
            <table>
              <caption>从收件日到届满日的每一天 (日历版本 {x.calendarVersion})</caption>
              <thead>
                <tr>
                  <th scope="col">日期</th>
                  <th scope="col">星期</th>
                  <th scope="col">类别</th>
                  <th scope="col" class="num">
                    第几个工作日
                  </th>
                  <th scope="col">说明</th>
                </tr>
              </thead>
              <tbody>
                {x.days.map((e) => (
                  <tr class={e.counted ? 'counted' : 'skipped'}>
                    <td>{chineseDate(e.date)}</td>
                    <td>{e.weekday}</td>
                    <td>
                      {REASON_LABELS[e.reason] ?? e.reason}
                      {e.holidayName && e.reason !== 'receipt' ? ` (${e.holidayName})` : ''}
                    </td>
                    <td class="num">{e.workingDay ?? ''}</td>
                    <td>{e.label}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}

function Mails(props: { d: CaseDetail }) {
  const { mails } = props.d;
  return (
    <section aria-labelledby="mails-h">
      <h2 id="mails-h">通知邮件</h2>
      {mails.length === 0 ? (
        <p class="muted">本案尚未发出邮件。</p>
      ) : (
        <div class="table-scroll">
          <table class="mails">
            <caption>为本案发出的邮件及投递状态</caption>
            <thead>
              <tr>
                <th scope="col">类别</th>
                <th scope="col">收件人</th>
                <th scope="col">主题</th>
                <th scope="col">状态</th>
                <th scope="col" class="num">
                  尝试次数
                </th>
                <th scope="col">最近错误</th>
                <th scope="col">记录时间</th>
                <th scope="col">发送时间</th>
              </tr>
            </thead>
            <tbody>
              {mails.map((m) => {
                const s = MAIL_STATUS[m.status] ?? { label: m.status, badge: '' };
                return (
                  <tr>
                    <td>{mailKindText(m.kind)}</td>
                    <td>{m.recipient}</td>
                    <td>{m.subject}</td>
                    <td>
                      <span class={`badge ${s.badge}`}>{s.label}</span>
                    </td>
                    <td class="num">{m.attempts}</td>
                    <td class="error-text">{m.lastError ?? ''}</td>
                    <td>{chineseDateTime(m.createdAt)}</td>
                    <td>{m.sentAt ? chineseDateTime(m.sentAt) : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Grants(props: { d: CaseDetail }) {
  const { grants, departmentNames } = props.d;
  return (
    <section aria-labelledby="grants-h">
      <h2 id="grants-h">共享授权</h2>
      {grants.length === 0 ? (
        <p class="muted">本案未产生共享授权。</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>本案同意共享后产生的授权 (第二十条)</caption>
            <thead>
              <tr>
                <th scope="col">信息资源</th>
                <th scope="col">使用部门</th>
                <th scope="col">范围</th>
                <th scope="col">用途</th>
                <th scope="col">有效期至</th>
                <th scope="col">授权时间</th>
                <th scope="col">状态</th>
              </tr>
            </thead>
            <tbody>
              {grants.map((g) => (
                <tr>
                  <td>{g.resourceId}</td>
                  <td>{departmentNames[g.consumerDepartmentId] ?? g.consumerDepartmentId}</td>
                  <td>{g.scope}</td>
                  <td>{g.purpose}</td>
                  <td>{g.validUntil ? chineseDateTime(g.validUntil) : '长期'}</td>
                  <td>{chineseDateTime(g.createdAt)}</td>
                  <td>
                    {g.revokedAt ? (
                      <span class="badge red">
                        已于 {chineseDateTime(g.revokedAt)} 撤销{g.revokeReason ? `: ${g.revokeReason}` : ''}
                      </span>
                    ) : (
                      <span class="badge green">有效</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

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
