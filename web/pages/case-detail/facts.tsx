/** 案件详情: the facts list at the top, with where the case stands against its deadline. */
import type { ComponentChildren } from 'preact';
import type { CaseDetail, DeadlinePosition } from '../../../core/oversight/case-detail';
import { Badge } from '../../components/badge';
import { chineseDate, chineseDateTime, procedureLabel } from '../../format';
import { caseStageText, outcomeText, statusText } from '../../labels';
import { partyLabelsOf, PROCEDURES, type ProcedureCode } from '../../../procedures';

function PositionBadge(props: { p: DeadlinePosition | null; overdue: boolean }) {
  const p = props.p;
  if (!p) return props.overdue ? <Badge tone="red">已逾期</Badge> : null;
  switch (p.kind) {
    case 'left':
      return p.workingDays === 0 ? (
        <Badge tone="yellow">今日 24:00 届满</Badge>
      ) : (
        <Badge tone="green">剩余 {p.workingDays} 个工作日 (不含当日)</Badge>
      );
    case 'overdue':
      return (
        <Badge tone="red">
          {p.answered ? '逾期答复, ' : '已逾期 '}
          {p.workingDays > 0 ? `逾期 ${p.workingDays} 个工作日` : '逾期不足 1 个工作日'}
        </Badge>
      );
    case 'answered_on_time':
      return <Badge tone="green">按时办结</Badge>;
    case 'expired':
      return <Badge tone="yellow">期满办结</Badge>;
  }
}

function Fact(props: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

export function Facts(props: { d: CaseDetail }) {
  const d = props.d;
  const p = PROCEDURES[d.procedure as ProcedureCode];
  const party = partyLabelsOf(p ?? {});
  return (
    <dl class="facts card">
      <Fact term="案件编号">{d.id}</Fact>
      <Fact term="程序">{procedureLabel(d.procedure)}</Fact>
      <Fact term="状态">
        {statusText(d.status)} · {caseStageText(d.procedure, d.stage)}
        {d.outcome && <> · 结果: {outcomeText(d.outcome)}</>}
      </Fact>
      <Fact term={`${party.requester} → ${party.responsible}`}>
        {d.requester ? d.requester.name : '—'} → {d.responsible.name}
      </Fact>
      {d.resource && (
        <Fact term="信息资源">
          {d.resource.name ? `${d.resource.name} (${d.resource.id})` : d.resource.id}
        </Fact>
      )}
      <Fact term="收件时间">
        {chineseDateTime(d.receivedAt)}
        {d.backdated && (
          <>
            {' '}
            <Badge tone="yellow">补录</Badge>{' '}
            <span class="muted">
              系统于 {chineseDateTime(d.recordedAt)} 登记
              {d.backdatedWorkingDays !== null && `, 晚于所称收件 ${d.backdatedWorkingDays} 个工作日`}
            </span>
          </>
        )}
      </Fact>
      <Fact term="办理期限">
        {d.workingDays} 个工作日, {chineseDate(d.deadlineDate)} 24:00 前
        {d.provisional && (
          <>
            {' '}
            <Badge tone="yellow" title="当年官方节假日安排未载入, 按法定节假日推算">
              暂定
            </Badge>
          </>
        )}
      </Fact>
      <Fact term="时限情况">
        {d.stage === 'under_review' ? (
          // the department's clock pauses while its rectification report is reviewed (第三十六条)
          <Badge tone="green">整改报告待验收, 期限暂停计算</Badge>
        ) : (
          <PositionBadge p={d.position} overdue={d.overdue} />
        )}
        {d.overdue && d.overdueAt && <span class="muted"> 自 {chineseDateTime(d.overdueAt)} 起逾期</span>}
        {d.answeredLate && (
          <>
            {' '}
            <Badge tone="red">逾期答复</Badge>
          </>
        )}
      </Fact>
      {d.answeredAt && <Fact term="答复时间">{chineseDateTime(d.answeredAt)}</Fact>}
      {d.closedAt && <Fact term="办结时间">{chineseDateTime(d.closedAt)}</Fact>}
    </dl>
  );
}
