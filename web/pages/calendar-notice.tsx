/**
 * 按通知加载节假日安排 (administrators, issue 16): paste the State Council's notice, see the preview — each
 * item's sentences beside the days read from them, what changes against the arrangement in force, which
 * open cases' deadlines move — and only then confirm. Both steps call core/calendar/notice.ts.
 */
import type { Request, Response, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { beijingDay } from '../../calendar/dates';
import { loadCalendarNotice, noticeErrorsOf, type CalendarNoticeResult } from '../../core/calendar/notice';
import { DomainError } from '../../core/errors';
import { personOf } from '../auth';
import { chineseDate } from '../format';
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
}

function days(list: string[]): string {
  if (list.length === 0) return '无';
  if (list.length > 2)
    return `${chineseDate(list[0])} 至 ${chineseDate(list[list.length - 1])}, 共 ${list.length} 天`;
  return list.map(chineseDate).join('、');
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
        <input name="number" maxLength={40} value={f.number} placeholder="国办发明电〔2026〕9号" />
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
        <p>
          {n.kind === 'notice' ? '年度通知' : '调整通知 (在现行安排上追加)'}: {n.source.title} (
          {n.source.number}, {chineseDate(n.source.date)})
        </p>
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
                  <th scope="row">
                    {item.number}. {item.name ?? '—'}
                  </th>
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
                        <p>放假: {days(item.block.restDays)}</p>
                        <p>调休上班: {days(item.block.workDays)}</p>
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
        <h2 id="changes">与现行安排相比</h2>
        {n.changes.length === 0 ? (
          <p>没有任何日期变化。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">日期</th>
                <th scope="col">现行</th>
                <th scope="col">加载后</th>
              </tr>
            </thead>
            <tbody>
              {n.changes.map((c) => (
                <tr>
                  <th scope="row">{chineseDate(c.date)}</th>
                  <td>{c.before ?? '普通日'}</td>
                  <td>{c.after ?? '普通日'}</td>
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

function ConfirmForm(props: { csrf: string; form: Form; version: number }) {
  const f = props.form;
  return (
    <form class="card" method="post" action={`${PATH}/load`}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="year" value={f.year} />
      <input type="hidden" name="text" value={f.text} />
      <input type="hidden" name="number" value={f.number} />
      <input type="hidden" name="date" value={f.date} />
      <p>
        确认后保存为 {f.year} 年第 {props.version} 版, 受影响的案件随即重新计算期限。
      </p>
      <button type="submit">确认加载</button> <a href={PATH}>放弃</a>
    </form>
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
  };
}

function requireAdmin(res: Response): string {
  const person = personOf(res);
  if (person.role !== 'ADMIN')
    throw new DomainError('forbidden', 'forbidden', '只有管理员可以加载节假日安排');
  return `user:${person.username}`;
}

export function calendarNoticePage(r: Router, deps: AppDeps): void {
  const storeDeps = { db: deps.db, temporal: deps.temporal, calendars: deps.calendars };
  const title = '按通知加载节假日安排';

  const run = async (req: Request, res: Response, dryRun: boolean) => {
    const loadedBy = requireAdmin(res);
    const form = formOf(req);
    const { csrf } = contextOf(req, res);
    try {
      const result = await loadCalendarNotice(storeDeps, {
        year: form.year,
        text: form.text,
        number: form.number || undefined,
        date: form.date || undefined,
        loadedBy,
        dryRun,
      });
      const done = !dryRun && (
        <p class="card" role="status">
          已保存为 {result.year} 年第 {result.version} 版; 已通知 {result.signalled.length}{' '}
          件案件重新计算期限。
        </p>
      );
      sendPage(
        req,
        res,
        title,
        <>
          {done}
          <Preview r={result} />
          {dryRun && <ConfirmForm csrf={csrf} form={form} version={result.version} />}
        </>,
        dryRun ? 200 : 201,
      );
    } catch (e) {
      if (!(e instanceof DomainError) || e.kind === 'forbidden') throw e;
      const errors = noticeErrorsOf(e)?.map((x) => x.message) ?? [e.detail];
      sendPage(req, res, title, <PasteForm csrf={csrf} form={form} errors={errors} />, 400);
    }
  };

  r.get('/admin/calendar', (req, res, next) => {
    try {
      requireAdmin(res);
      const next1 = String(Number(beijingDay(new Date()).slice(0, 4)) + 1);
      const { csrf } = contextOf(req, res);
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
          <PasteForm csrf={csrf} form={{ year: next1, text: '', number: '', date: '' }} />
        </>,
      );
    } catch (e) {
      next(e);
    }
  });
  r.post('/admin/calendar/preview', (req, res, next) => run(req, res, true).catch(next));
  r.post('/admin/calendar/load', (req, res, next) => run(req, res, false).catch(next));
}
