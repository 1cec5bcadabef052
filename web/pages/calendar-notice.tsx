/**
 * 按通知加载节假日安排 (administrators, issue 16): paste the State Council's notice, see the preview — each
 * item's sentences beside the days read from them, what changes against the arrangement in force, which
 * open cases' deadlines move — and only then confirm. Both steps call core/calendar/notice.ts.
 */
import type { Request, Response, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { beijingDay, chineseDateRange, chineseDateWeekday } from '../../calendar/dates';
import { describeCurrent } from '../../calendar/notice-import';
import { loadCalendarNotice, noticeErrorsOf, type CalendarNoticeResult } from '../../core/calendar/notice';
import { describeCalendarYear } from '../../core/calendar/reading';
import { loaderText, parseExpectedVersion } from '../../core/calendar/store';
import { DomainError } from '../../core/errors';
import { personOf } from '../auth';
import { chineseDate, chineseDateTime } from '../format';
import { contextOf, sendPage } from '../render';

const PATH = '/dashboard/admin/calendar';
const EFFECT: Record<string, string> = {
  rest: '放假',
  work: '调休上班',
  extend: '延长假期',
  advice: '倡议, 不影响日历',
  text: '不影响日历',
};

interface Form {
  year: string;
  text: string;
  number: string;
  date: string;
  /** The version in force when the preview was made (a number or none); set by the confirm form only. */
  expectedVersion: string;
}

/** Rest days are consecutive: one range; make-up days each with its weekday, to check against the text. */
function restDays(list: string[]): string {
  if (list.length === 0) return '无';
  return `${chineseDateRange(list[0], list[list.length - 1])}（${list.length}天）`;
}

function workDays(list: string[]): string {
  return list.length === 0 ? '无' : list.map(chineseDateWeekday).join('、');
}

function workingDelta(n: number): string {
  return n === 0 ? '不变' : `${n > 0 ? '多' : '少'} ${Math.abs(n)} 天`;
}

function PasteForm(props: { csrf: string; form: Form; errors?: string[] }) {
  const f = props.form;
  return (
    <form class="card notice-import" method="post" action={`${PATH}/preview`} aria-labelledby="paste">
      <h2 id="paste">粘贴通知全文</h2>
      {props.errors && (
        <div class="error" role="alert">
          <p>通知未能通过核对, 未作任何更改:</p>
          <ul>
            {props.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <input type="hidden" name="_csrf" value={props.csrf} />
      <label>
        年份
        <input name="year" required pattern="\d{4}" inputMode="numeric" value={f.year} />
      </label>
      <label>
        通知全文 (含标题、各项安排和落款日期; 全角半角、空格换行均可)
        <textarea name="text" rows={14} required maxLength={20000}>
          {f.text}
        </textarea>
      </label>
      <label>
        文号 (仅当文本中没有时填写, 如新华社转载稿)
        <input name="number" maxLength={40} value={f.number} placeholder="例: 国办发明电〔2025〕7号" />
      </label>
      <label>
        成文日期 (仅当文本没有落款日期时填写, YYYY-MM-DD)
        <input name="date" maxLength={10} value={f.date} />
      </label>
      <button type="submit">预览</button>
    </form>
  );
}

function Preview(props: { r: CalendarNoticeResult }) {
  const { r } = props;
  const n = r.notice;
  return (
    <>
      <section class="card" aria-labelledby="items">
        <h2 id="items">逐项对照: 原文与解析结果</h2>
        <div class="table-scroll">
          <table class="notice-compare">
            <thead>
              <tr>
                <th scope="col">项</th>
                <th scope="col">通知原文</th>
                <th scope="col">解析结果</th>
              </tr>
            </thead>
            <tbody>
              {n.items.map((item) => (
                <tr>
                  <th scope="row">{item.block ? `${item.number}. ${item.name ?? '—'}` : '说明文字'}</th>
                  <td>
                    {item.sentences.map((s) => (
                      <p>
                        {s.text}。 <span class="badge">{EFFECT[s.effect]}</span>
                      </p>
                    ))}
                  </td>
                  <td>
                    {item.block ? (
                      <>
                        <p>放假: {restDays(item.block.restDays)}</p>
                        <p>调休上班: {workDays(item.block.workDays)}</p>
                      </>
                    ) : (
                      <p class="muted">无日期安排</p>
                    )}
                    {item.derivation.map((d) => (
                      <p class="muted">推导: {d}</p>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="changes">
        <h2 id="changes">{r.dryRun ? '与现行安排相比' : '与加载前的安排相比'}</h2>
        <p class="muted">{describeCurrent(n.currentOrigin, r.previousVersion, !r.dryRun)}。</p>
        {n.changes.length === 0 ? (
          <p>没有任何日期变化。</p>
        ) : (
          <table class="day-changes">
            <thead>
              <tr>
                <th scope="col">日期</th>
                <th scope="col">现在</th>
                <th scope="col">加载后</th>
                <th scope="col">工作日增减</th>
              </tr>
            </thead>
            <tbody>
              {n.changes.map((c) => (
                <tr>
                  <th scope="row">
                    {chineseDateRange(c.from, c.to)}（{c.days}天）
                  </th>
                  <td>{c.before}</td>
                  <td>{c.after}</td>
                  <td>{workingDelta(c.workingDelta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="cases">
        <h2 id="cases">受影响的未结案件</h2>
        <p>
          检查 {r.effect.checked} 件, 期限移动 {r.effect.moved} 件, 仅暂定标记变化{' '}
          {r.effect.provisionalChanged} 件。
        </p>
        {r.effect.affected.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">案件</th>
                <th scope="col">现期限</th>
                <th scope="col">新期限</th>
                <th scope="col">移动</th>
              </tr>
            </thead>
            <tbody>
              {r.effect.affected.map((a) => (
                <tr>
                  <th scope="row">
                    <a href={`/dashboard/cases/${encodeURIComponent(a.caseId)}`}>{a.caseId}</a>
                  </th>
                  <td>{chineseDate(a.oldDeadline)}</td>
                  <td>{chineseDate(a.newDeadline)}</td>
                  <td>
                    {a.shiftDays === 0
                      ? `不变${a.oldProvisional && !a.newProvisional ? ', 不再暂定' : ''}`
                      : `${a.shiftDays > 0 ? '推后' : '提前'} ${Math.abs(a.shiftDays)} 天`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function ConfirmForm(props: { csrf: string; form: Form; r: CalendarNoticeResult }) {
  const { form: f, r } = props;
  return (
    <form class="card" method="post" action={`${PATH}/load`}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="year" value={f.year} />
      <input type="hidden" name="text" value={f.text} />
      <input type="hidden" name="number" value={f.number} />
      <input type="hidden" name="date" value={f.date} />
      {/* the version this preview was made against: a load by someone else in between is refused */}
      <input type="hidden" name="expectedVersion" value={String(r.previousVersion ?? 'none')} />
      {r.notice.changes.length === 0 && (
        <p class="muted">
          与现行安排没有任何日期差别, 确认只会多记录一个内容相同的版本; 若只是核对, 可以放弃。
        </p>
      )}
      <p>
        确认后保存为 {r.year} 年第 {r.version} 版
        {r.previousVersion ? ` (取代现行第 ${r.previousVersion} 版)` : ''}
        {r.effect.affected.length > 0
          ? `, 上面 ${r.effect.affected.length} 件案件随即重新计算期限。`
          : ', 没有未结案件的期限因此改变。'}
      </p>
      <button type="submit">确认加载</button>{' '}
      <button type="submit" class="secondary" formaction={`${PATH}/edit`}>
        返回修改
      </button>{' '}
      <a href={PATH}>放弃</a>
    </form>
  );
}

/** What the preview is about, before the details: year, notice, what is in force, what confirming does. */
function Summary(props: { r: CalendarNoticeResult }) {
  const { r } = props;
  const n = r.notice;
  return (
    <section class="card" aria-labelledby="summary">
      <h2 id="summary">
        {r.dryRun ? '预览 (尚未保存)' : '已保存'}: {r.year} 年节假日安排
      </h2>
      <p>
        {n.kind === 'notice' ? '年度通知' : '调整通知 (在现行安排上追加)'}: {n.source.title} (
        {n.source.number}, {chineseDate(n.source.date)})
      </p>
      <p>
        {r.dryRun
          ? `${describeCurrent(n.currentOrigin, r.previousVersion)}。确认后为第 ${r.version} 版; 与现行相比`
          : `已保存为第 ${r.version} 版${r.previousVersion ? `, 取代第 ${r.previousVersion} 版` : ''}; 与加载前相比`}
        日期变化 {n.changes.length} 段, 期限移动的未结案件 {r.effect.moved} 件。
      </p>
    </section>
  );
}

const field = (body: Record<string, unknown>, name: string): string =>
  typeof body[name] === 'string' ? (body[name] as string) : '';

function formOf(req: Request): Form {
  const body = req.body as Record<string, unknown>;
  return {
    year: field(body, 'year'),
    text: field(body, 'text'),
    number: field(body, 'number'),
    date: field(body, 'date'),
    expectedVersion: field(body, 'expectedVersion'),
  };
}

function requireAdmin(res: Response): string {
  const person = personOf(res);
  if (person.role !== 'ADMIN')
    throw new DomainError('forbidden', 'forbidden', '只有管理员可以加载节假日安排');
  return `user:${person.username}`;
}

const STATUS = { invalid: 400, conflict: 409 } as Record<string, number>;

export function calendarNoticePage(r: Router, deps: AppDeps): void {
  const storeDeps = { db: deps.db, temporal: deps.temporal, calendars: deps.calendars };
  const title = '按通知加载节假日安排';
  const notice = (form: Form, loadedBy: string, dryRun: boolean) =>
    loadCalendarNotice(storeDeps, {
      year: form.year,
      text: form.text,
      number: form.number || undefined,
      date: form.date || undefined,
      loadedBy,
      dryRun,
      expectedVersion: dryRun ? undefined : parseExpectedVersion(form.expectedVersion),
    });

  const run = async (req: Request, res: Response, dryRun: boolean) => {
    const loadedBy = requireAdmin(res);
    const form = formOf(req);
    const { csrf } = contextOf(req, res);
    try {
      const result = await notice(form, loadedBy, dryRun);
      const done = !dryRun && (
        <p class="card" role="status">
          已保存为 {result.year} 年第 {result.version} 版; 已通知 {result.signalled.length} 件案件重新计算期限
          {result.signalFailed.length > 0
            ? `, ${result.signalFailed.length} 件暂未送达, 将自动重试`
            : ''}。 <a href={PATH}>加载另一份通知</a>
        </p>
      );
      sendPage(
        req,
        res,
        title,
        <>
          {done}
          <Summary r={result} />
          <Preview r={result} />
          {dryRun && <ConfirmForm csrf={csrf} form={form} r={result} />}
        </>,
        dryRun ? 200 : 201,
      );
    } catch (e) {
      if (!(e instanceof DomainError) || e.kind === 'forbidden') throw e;
      if (e.code === 'calendar_version_changed') {
        // someone loaded the year since this preview: show what confirming would do now, against their version
        let fresh: CalendarNoticeResult;
        try {
          fresh = await notice(form, loadedBy, true);
        } catch (again) {
          if (!(again instanceof DomainError)) throw again;
          const errors = [e.detail, ...(noticeErrorsOf(again)?.map((x) => x.message) ?? [again.detail])];
          sendPage(req, res, title, <PasteForm csrf={csrf} form={form} errors={errors} />, 409);
          return;
        }
        sendPage(
          req,
          res,
          title,
          <>
            <div class="card error" role="alert">
              <p>{e.detail}</p>
              <p>下面是相对现行版本重新生成的预览。</p>
            </div>
            <Summary r={fresh} />
            <Preview r={fresh} />
            <ConfirmForm csrf={csrf} form={form} r={fresh} />
          </>,
          409,
        );
        return;
      }
      const errors = noticeErrorsOf(e)?.map((x) => x.message) ?? [e.detail];
      sendPage(req, res, title, <PasteForm csrf={csrf} form={form} errors={errors} />, STATUS[e.kind] ?? 400);
    }
  };

  r.get('/admin/calendar', async (req, res, next) => {
    try {
      requireAdmin(res);
      const next1 = String(Number(beijingDay(new Date()).slice(0, 4)) + 1);
      const { csrf } = contextOf(req, res);
      // whether next year still needs loading, before anything is pasted
      const now = await describeCalendarYear(storeDeps, next1);
      const current = now.versions.find((v) => v.current);
      const state =
        now.origin === 'loaded' && current
          ? `已加载第 ${current.version} 版 (${current.sourceNumber}, ${chineseDateTime(new Date(current.loadedAt))} 由 ${loaderText(current.loadedBy)} 加载)`
          : now.origin === 'bundled'
            ? `使用系统内置的官方安排 (${now.source?.number ?? ''})`
            : '尚未加载官方安排, 期限按法定节假日临时推算, 均为暂定';
      sendPage(
        req,
        res,
        title,
        <>
          <p class="muted">
            每年国务院办公厅发布次年的节假日安排后, 将通知全文粘贴于此:
            先预览逐项解析结果、与现行安排的差异和受影响的案件,
            确认后才保存。调整或延长假期的通知同样在此加载, 追加到该年现行安排上。
          </p>
          <p role="note">
            {next1} 年现状: {state}。
          </p>
          <PasteForm
            csrf={csrf}
            form={{ year: next1, text: '', number: '', date: '', expectedVersion: '' }}
          />
        </>,
      );
    } catch (e) {
      next(e);
    }
  });
  r.post('/admin/calendar/preview', (req, res, next) => run(req, res, true).catch(next));
  r.post('/admin/calendar/load', (req, res, next) => run(req, res, false).catch(next));
  // 返回修改: the pasted text back in the form, nothing parsed or saved
  r.post('/admin/calendar/edit', (req, res, next) => {
    try {
      requireAdmin(res);
      const { csrf } = contextOf(req, res);
      sendPage(req, res, title, <PasteForm csrf={csrf} form={formOf(req)} />);
    } catch (e) {
      next(e);
    }
  });
}
