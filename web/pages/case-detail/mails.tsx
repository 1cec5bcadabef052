/** 案件详情: the mails sent for the case and how their delivery went. */
import type { CaseDetail } from '../../../core/oversight/case-detail';
import { Badge, type Tone } from '../../components/badge';
import { Section } from '../../components/section';
import { num, ScrollTable } from '../../components/table';
import { chineseDateTime } from '../../format';
import { mailKindText } from '../../labels';

const MAIL_STATUS: Record<string, { label: string; tone?: Tone }> = {
  SENT: { label: '已送达邮件服务器', tone: 'green' },
  FAILED: { label: '发送失败 (已放弃)', tone: 'red' },
  PENDING: { label: '待发送 (重试中)', tone: 'yellow' },
};

export function Mails(props: { d: CaseDetail }) {
  return (
    <Section id="mails" title="通知邮件">
      <ScrollTable
        class="mails"
        caption="为本案发出的邮件及投递状态"
        columns={['类别', '收件人', '主题', '状态', num('尝试次数'), '最近错误', '记录时间', '发送时间']}
        rows={props.d.mails}
        empty="本案尚未发出邮件。"
        row={(m) => {
          const s = MAIL_STATUS[m.status] ?? { label: m.status };
          return (
            <tr>
              <td>{mailKindText(m.kind)}</td>
              <td>{m.recipient}</td>
              <td>{m.subject}</td>
              <td>
                <Badge tone={s.tone}>{s.label}</Badge>
              </td>
              <td class="num">{m.attempts}</td>
              <td class="error-text">{m.lastError ?? ''}</td>
              <td>{chineseDateTime(m.createdAt)}</td>
              <td>{m.sentAt ? chineseDateTime(m.sentAt) : '—'}</td>
            </tr>
          );
        }}
      />
    </Section>
  );
}
