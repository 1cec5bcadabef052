/**
 * 案件详情 of a written notice (P6, 第三十六条): the notice as issued (the same text model as the .docx), its
 * download, the rectification reports and send-backs from the timeline, and the step that is the reader's to
 * take — the notified department's people report; supervisors accept or send back a report under review.
 */
import type { NoticeCase } from '../../../core/oversight/notice-views';
import type { Person } from '../../../core/people/accounts';
import type { TimelineEntry } from '../../../core/oversight/case-detail';
import { Badge } from '../../components/badge';
import { caseHref, noticeDocumentHref } from '../../components/links';
import { Section } from '../../components/section';
import { chineseDateTime } from '../../format';

type Notice = NonNullable<NoticeCase['notice']>;

/** What the page shows next to a form after a refused step: the words, and what was typed. */
export interface StepError {
  form: 'submit' | 'accept' | 'send_back';
  detail: string;
  values: Record<string, string>;
}

export const rectificationHref = (id: string, step: 'submit' | 'accept' | 'send-back') =>
  `${caseHref(id)}/rectification/${step}`;

export function NoticeText(props: { n: Notice }) {
  const d = props.n.document;
  return (
    <article class="official" aria-label="书面通报全文">
      <p class="banner">{d.banner}</p>
      <p class="number">{d.number}</p>
      <hr />
      <h3 class="title">{d.title}</h3>
      <p class="addressee">{d.addressee}</p>
      <p class="body">{d.opening}</p>
      {d.grounds.map((g) => (
        <p class="body ground">{g}</p>
      ))}
      {d.paragraphs.map((p) => (
        <p class="body">{p}</p>
      ))}
      {d.evidence.length > 0 && (
        <>
          {/* as the .docx prints it (documents/notice-docx.ts), the ids linking to their cases */}
          <p class="body evidence-head">附件：逾期案件清单（{d.evidence.length} 件）</p>
          <p class="body evidence">
            {d.evidence.map((id, i) => (
              <>
                {i > 0 && '、'}
                <a href={caseHref(id)}>{id}</a>
              </>
            ))}
          </p>
        </>
      )}
      <p class="signature">{d.signature}</p>
      <p class="signature">{d.date}</p>
      {d.copyTo && <p class="copy">{d.copyTo}</p>}
    </article>
  );
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

interface Attachment {
  name: string;
  sha256: string;
}

const attachmentsOf = (v: unknown): Attachment[] =>
  Array.isArray(v)
    ? v.filter(
        (a): a is Attachment =>
          !!a && typeof a === 'object' && typeof a.name === 'string' && typeof a.sha256 === 'string',
      )
    : [];

const STEP_TYPES = ['rectification_submitted', 'rectification_sent_back', 'rectification_accepted'];

function Step(props: { e: TimelineEntry; names: Record<string, string> }) {
  const { e } = props;
  const d = e.data;
  const who = e.actor ? (props.names[e.actor] ?? e.actor) : '系统';
  const round = typeof d.round === 'number' ? `第 ${d.round} 次` : '';
  if (e.type === 'rectification_submitted') {
    const files = attachmentsOf(d.attachments);
    return (
      <li class="step submitted">
        <p class="step-head">
          <strong>{round}整改情况报告</strong> · {who} · {chineseDateTime(e.at)}{' '}
          {d.late === true && <Badge tone="red">逾期报送</Badge>}
        </p>
        <p class="report">{str(d.report)}</p>
        {files.length > 0 && (
          <ul class="attachments" aria-label="附件 (文件由部门留存, 此处为名称与 SHA-256 摘要)">
            {files.map((f) => (
              <li>
                {f.name} <code>SHA-256 {f.sha256}</code>
              </li>
            ))}
          </ul>
        )}
      </li>
    );
  }
  const by = str(d.by);
  if (e.type === 'rectification_sent_back') {
    return (
      <li class="step sent-back">
        <p class="step-head">
          <strong>退回{round}报告</strong> · {who}
          {by && <span class="muted"> ({by})</span>} · {chineseDateTime(e.at)}
        </p>
        <p class="report">退回理由: {str(d.reasons)}</p>
      </li>
    );
  }
  return (
    <li class="step accepted">
      <p class="step-head">
        <strong>整改验收通过</strong> · {who}
        {by && <span class="muted"> ({by})</span>} · {chineseDateTime(e.at)}
      </p>
      {str(d.note) && <p class="report">验收意见: {str(d.note)}</p>}
    </li>
  );
}

function ErrorLine(props: { error?: StepError; form: StepError['form'] }) {
  if (props.error?.form !== props.form) return null;
  return (
    <p class="error" role="alert">
      {props.error.detail}
    </p>
  );
}

function SubmitForm(props: { id: string; csrf: string; error?: StepError }) {
  const v = props.error?.form === 'submit' ? props.error.values : {};
  return (
    <form class="card step-form" method="post" action={rectificationHref(props.id, 'submit')}>
      <h3>报送整改情况报告</h3>
      <ErrorLine error={props.error} form="submit" />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <label>
        整改情况报告
        <textarea name="report" rows={6} maxLength={20000} required>
          {v.report ?? ''}
        </textarea>
      </label>
      <label>
        附件清单 (可选; 每行一个: 文件名 SHA-256 摘要。文件由本部门留存, 系统只记录摘要)
        <textarea name="attachments" rows={3} class="mono" data-attachments>
          {v.attachments ?? ''}
        </textarea>
      </label>
      <label class="pick" hidden data-pick-files>
        选择本地文件计算摘要 (文件不上传)
        <input type="file" multiple />
      </label>
      <button type="submit">报送</button>
    </form>
  );
}

function ReviewForms(props: { id: string; csrf: string; error?: StepError }) {
  const v = props.error?.values ?? {};
  return (
    <div class="review-forms">
      <form class="card step-form" method="post" action={rectificationHref(props.id, 'accept')}>
        <h3>验收通过</h3>
        <ErrorLine error={props.error} form="accept" />
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>
          验收意见 (可选)
          <textarea name="note" rows={3} maxLength={2000}>
            {props.error?.form === 'accept' ? (v.note ?? '') : ''}
          </textarea>
        </label>
        <button type="submit">验收通过, 办结</button>
      </form>
      <form class="card step-form" method="post" action={rectificationHref(props.id, 'send-back')}>
        <h3>退回继续整改</h3>
        <ErrorLine error={props.error} form="send_back" />
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>
          退回理由 (必填)
          <textarea name="reasons" rows={3} maxLength={2000} required>
            {props.error?.form === 'send_back' ? (v.reasons ?? '') : ''}
          </textarea>
        </label>
        <button type="submit" class="secondary">
          退回 (整改期限不变)
        </button>
      </form>
    </div>
  );
}

export function NoticeSection(props: { d: NoticeCase; person: Person; csrf: string; error?: StepError }) {
  const { d, person } = props;
  const n = props.d.notice;
  if (!n) return null;
  const steps = d.timeline.filter((e) => STEP_TYPES.includes(e.type));
  const mayReport =
    d.status === 'OPEN' &&
    d.stage === 'awaiting_answer' &&
    person.role === 'DEPARTMENT' &&
    person.departmentId === d.responsible.id;
  const mayReview = d.status === 'OPEN' && d.stage === 'under_review' && person.role === 'SUPERVISOR';
  return (
    <>
      <Section id="notice" title={`书面通报 ${n.view.number}`}>
        <p>
          <a class="button secondary" href={noticeDocumentHref(d.id)} download>
            下载通报 (.docx)
          </a>
          {n.view.followsCaseId && (
            <>
              {' '}
              跟进的书面通报: <a href={caseHref(n.view.followsCaseId)}>{n.view.followsCaseId}</a>
            </>
          )}
        </p>
        <NoticeText n={n} />
      </Section>
      <Section id="rectification" title="整改情况">
        {steps.length === 0 ? (
          <p class="muted">尚未报送整改情况报告。</p>
        ) : (
          <ol class="steps">
            {steps.map((e) => (
              <Step e={e} names={d.departmentNames} />
            ))}
          </ol>
        )}
        {props.error && !mayReport && !mayReview && (
          <p class="error" role="alert">
            {props.error.detail}
          </p>
        )}
        {mayReport && <SubmitForm id={d.id} csrf={props.csrf} error={props.error} />}
        {mayReview && <ReviewForms id={d.id} csrf={props.csrf} error={props.error} />}
      </Section>
      <script src="/dashboard/assets/notices.js" defer></script>
    </>
  );
}
