/**
 * 发出书面通报 (第三十六条): the supervisor's form. First the addressee (within its level, 第十条), then the
 * grounds, the facts, the addressee's overdue cases as evidence (all ticked: one click cites them all) and the
 * rectification period. Following an overdue rectification it starts from the proposal (ground 五). The form
 * carries an idempotency key made when it is shown, so a double submit issues one notice.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { AppDeps } from '../../../api/deps';
import { problemOf } from '../../../api/problem';
import { DomainError } from '../../../core/errors';
import { noticeForm, type NoticeForm } from '../../../core/oversight/notice-views';
import { issueNotice, MAX_RECTIFICATION_WORKING_DAYS } from '../../../core/oversight/rectification';
import {
  codeOfDbEnum,
  GROUND_NUMERALS,
  RECTIFICATION_GROUNDS,
  type RectificationGround,
} from '../../../procedures';
import { noticeDepsOf } from '../../../api/deps';
import { caseHref } from '../../components/links';
import { auditedForPerson } from '../../denials';
import { LEVEL_NAME } from '../../../core/registry/hierarchy';
import { chineseDate, chineseDateTime, procedureLabel } from '../../format';
import { contextOf, sendPage } from '../../render';

const PATH = '/dashboard/notices/new';
const DEFAULT_DAYS = 20;
const GROUNDS = Object.keys(RECTIFICATION_GROUNDS).map(Number) as RectificationGround[];

export interface FormValues {
  key: string;
  departmentId: string;
  grounds: number[];
  facts: string;
  /** null: nothing submitted yet, every evidence case is ticked */
  evidence: string[] | null;
  days: string;
  follows: string;
}

function DepartmentChooser(props: { f: NoticeForm; selected: string }) {
  return (
    <form class="card notice-choose" method="get" action={PATH}>
      <label>
        被通报部门 (本级督促检查范围内)
        <select name="department" required>
          <option value="">请选择部门</option>
          {props.f.departments.map((d) => (
            <option value={d.id} selected={d.id === props.selected}>
              {LEVEL_NAME[d.level]} · {d.name} ({d.id})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        {props.f.chosen ? '换一个部门' : '下一步'}
      </button>
    </form>
  );
}

function Evidence(props: { f: NonNullable<NoticeForm['chosen']>; ticked: string[] | null }) {
  const { evidence } = props.f;
  if (evidence.length === 0) {
    return <p class="muted">该部门目前没有逾期的 P1–P5 案件。</p>;
  }
  return (
    <fieldset class="evidence">
      <legend>
        作为依据的逾期案件 ({evidence.length} 件, 默认全部选中){' '}
        <button type="button" class="secondary small" data-toggle-all="evidence" hidden>
          全不选
        </button>
      </legend>
      <ul>
        {evidence.map((c) => (
          <li>
            <label class="check">
              <input
                type="checkbox"
                name="evidence"
                value={c.id}
                checked={props.ticked === null || props.ticked.includes(c.id)}
              />
              <span>
                <a href={caseHref(c.id)}>{c.id}</a> {procedureLabel(codeOfDbEnum(c.procedure) ?? c.procedure)}{' '}
                · 期限 {chineseDate(c.deadline)}
                {c.overdueAt && <> · 自 {chineseDateTime(new Date(c.overdueAt))} 起逾期</>}
                {c.status === 'CLOSED' && ' · 已逾期答复'}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

export function NoticeFormView(props: { f: NoticeForm; v: FormValues; csrf: string; error?: string }) {
  const { f, v } = props;
  const chosen = f.chosen;
  return (
    <div class="notice-form">
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {f.proposal && (
        <p class="notice" role="note">
          跟进书面通报 <a href={caseHref(f.proposal.caseId)}>{f.proposal.number}</a>: 该部门未在期限 (
          {chineseDate(f.proposal.deadline)}) 内完成整改, 建议依第三十六条第 (五) 项再次通报。
        </p>
      )}
      {!f.proposal && <DepartmentChooser f={f} selected={chosen?.department.id ?? v.departmentId} />}
      {chosen && (
        <form class="card notice-issue" method="post" action={PATH}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="key" value={v.key} />
          <input type="hidden" name="department" value={chosen.department.id} />
          {v.follows && <input type="hidden" name="follows" value={v.follows} />}
          <p class="addressee">
            被通报部门: <strong>{chosen.department.name}</strong> ({chosen.department.id})
          </p>
          <fieldset class="grounds">
            <legend>通报事由 (第三十六条, 可多选)</legend>
            {GROUNDS.map((g) => (
              <label class="check">
                <input type="checkbox" name="grounds" value={String(g)} checked={v.grounds.includes(g)} />
                <span>
                  ({GROUND_NUMERALS[g]}) {RECTIFICATION_GROUNDS[g]}
                </span>
              </label>
            ))}
          </fieldset>
          <label>
            主要事实
            <textarea name="facts" rows={5} maxLength={5000} required>
              {v.facts}
            </textarea>
          </label>
          <Evidence f={chosen} ticked={v.evidence} />
          <label class="days">
            整改期限 (工作日, 1–{MAX_RECTIFICATION_WORKING_DAYS})
            <input
              type="number"
              name="days"
              min={1}
              max={MAX_RECTIFICATION_WORKING_DAYS}
              required
              value={v.days}
            />
          </label>
          <p class="muted">
            发出后即编号并通知被通报部门的共享专人, 抄送协调办公室; 期限自发出之日起按工作日计算。
          </p>
          <button type="submit">发出书面通报</button>
        </form>
      )}
      <script src="/dashboard/assets/notices.js" defer></script>
    </div>
  );
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
const one = (v: unknown): string => (typeof v === 'string' ? v : '');

function valuesOf(body: Record<string, unknown>): FormValues {
  return {
    key: one(body.key).slice(0, 100),
    departmentId: one(body.department).slice(0, 64),
    grounds: list(body.grounds).map(Number),
    facts: one(body.facts).slice(0, 5000),
    evidence: list(body.evidence).slice(0, 200),
    days: one(body.days).slice(0, 6),
    follows: one(body.follows).slice(0, 64),
  };
}

async function show(deps: AppDeps, req: Request, res: Response, v: FormValues, error?: DomainError) {
  const q = { departmentId: v.departmentId || undefined, followsCaseId: v.follows || undefined };
  const f = await auditedForPerson(deps, req, res, (actor) => noticeForm(deps, actor, q)).catch((e) => {
    // a refused addressee is told on the form; the form itself is shown without it
    if (error && e instanceof DomainError && e.kind === 'not_found')
      return auditedForPerson(deps, req, res, (actor) => noticeForm(deps, actor, {}));
    throw e;
  });
  const title = f.proposal ? '再次发出书面通报' : '发出书面通报';
  const fresh = !error;
  const values: FormValues =
    fresh && f.proposal
      ? { ...v, grounds: f.proposal.grounds, facts: f.proposal.facts, departmentId: f.proposal.departmentId }
      : v;
  const status = error ? problemOf(error).status : 200;
  sendPage(
    req,
    res,
    title,
    <NoticeFormView f={f} v={values} csrf={contextOf(req, res).csrf} error={error?.detail} />,
    status,
  );
}

export function noticeFormPage(r: Router, deps: AppDeps): void {
  r.get('/notices/new', (req, res, next) => {
    const v: FormValues = {
      key: randomUUID(),
      departmentId: one(req.query.department).slice(0, 64),
      grounds: [],
      facts: '',
      evidence: null,
      days: String(DEFAULT_DAYS),
      follows: one(req.query.follows).slice(0, 64),
    };
    show(deps, req, res, v).catch(next);
  });

  r.post('/notices/new', async (req, res, next) => {
    const v = valuesOf(req.body as Record<string, unknown>);
    try {
      if (!/^[\w-]{8,100}$/.test(v.key))
        throw new DomainError('unprocessable', 'missing_key', '表单已失效, 请重新打开发出书面通报页面');
      const days = /^\d{1,3}$/.test(v.days.trim()) ? Number(v.days.trim()) : NaN;
      const { notice } = await auditedForPerson(deps, req, res, (actor) =>
        issueNotice(noticeDepsOf(deps), actor, `web:${v.key}`, {
          departmentId: v.departmentId,
          grounds: v.grounds,
          facts: v.facts.trim(),
          evidenceCaseIds: v.evidence ?? [],
          rectificationWorkingDays: days,
          ...(v.follows ? { followsCaseId: v.follows } : {}),
        }),
      );
      res.redirect(303, caseHref(notice.caseId));
    } catch (e) {
      // this form already issued a notice and was changed since (back button): say so, and arm it afresh
      if (e instanceof DomainError && e.code === 'idempotency_key_reused') {
        const detail = `此表单已发出书面通报 (案件 ${String(e.extra.caseId)}), 之后内容又有修改; 如确需另发一份, 请核对后再次提交。`;
        const again = new DomainError(e.kind, e.code, detail);
        return show(deps, req, res, { ...v, key: randomUUID() }, again).catch(next);
      }
      // a refusal shows on the form with what was entered; "only supervisors" stays a 403 page
      if (e instanceof DomainError && e.kind !== 'forbidden') return show(deps, req, res, v, e).catch(next);
      next(e);
    }
  });
}
