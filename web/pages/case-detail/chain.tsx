/** 案件详情: the chain of cases one request led to (P1 → P2 → P3). */
import type { ChainLink } from '../../../core/oversight/case-detail';
import { Badge } from '../../components/badge';
import { CaseLink } from '../../components/links';
import { Section } from '../../components/section';
import { chineseDate, chineseDateTime, procedureLabel } from '../../format';
import { caseStageText, outcomeText, statusText } from '../../labels';

export function Chain(props: { chain: ChainLink[]; current: string }) {
  return (
    <Section id="chain" title="案件链">
      <p class="muted">同一申请引起的全部案件 (有条件共享 → 协商 → 协调), 按收件先后排列。</p>
      <ol class="chain">
        {props.chain.map((c) => (
          <li aria-current={c.current ? 'page' : undefined} class={c.current ? 'current' : undefined}>
            <CaseLink id={c.id} current={props.current} /> <span>{procedureLabel(c.procedure)}</span>
            <span class="muted">
              {' '}
              · {statusText(c.status)} · {caseStageText(c.procedure, c.stage)}
              {c.outcome && ` · ${outcomeText(c.outcome)}`} · 收件 {chineseDateTime(c.receivedAt)} · 期限{' '}
              {chineseDate(c.deadlineDate)}
            </span>
            {c.overdue && (
              <>
                {' '}
                <Badge tone="red">逾期</Badge>
              </>
            )}
            {c.current && <Badge>本案</Badge>}
          </li>
        ))}
      </ol>
    </Section>
  );
}
