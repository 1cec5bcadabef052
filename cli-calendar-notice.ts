/**
 * `calendar notice`: load a year from the State Council's notice text (issue 16), registered in cli.ts.
 * Always prints the dry run first (each item's sentences beside what was read from them, the day-by-day
 * difference from the arrangement in force, the open cases whose deadlines move); loads only with --apply.
 */
import fs from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { chineseDate, chineseDateRange, chineseDateWeekday } from './calendar/dates';
import { describeCurrent, type DayChange } from './calendar/notice-import';
import { CalendarInputError } from './calendar/errors';
import { CliText } from './cli-text';
import { loadCalendarNotice, type CalendarNoticeResult } from './core/calendar/notice';
import { parseExpectedVersion } from './core/calendar/store';
import type { Db } from './prisma/client';

interface Ctx {
  env: NodeJS.ProcessEnv;
  database(): Db | undefined;
  onClose(fn: () => Promise<unknown>): void;
}

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, ctx: Ctx): unknown;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

const EFFECT: Record<string, string> = {
  rest: '放假',
  work: '调休上班',
  extend: '延长假期',
  advice: '倡议，不影响日历',
  text: '无日期，不影响日历',
};

/** Rest days as one range (they are consecutive), make-up days each with its weekday to check against the text. */
const restDays = (list: string[]) =>
  list.length === 0 ? '无' : `${chineseDateRange(list[0], list[list.length - 1])}（${list.length}天）`;
const workDays = (list: string[]) => (list.length === 0 ? '无' : list.map(chineseDateWeekday).join('、'));

function changeLine(c: DayChange): string {
  const when = `${chineseDateRange(c.from, c.to)}（${c.days}天）`;
  const working =
    c.workingDelta === 0 ? '' : `，工作日${c.workingDelta > 0 ? '多' : '少'} ${Math.abs(c.workingDelta)} 天`;
  return `${when}  ${c.before} → ${c.after}${working}`;
}

/** The preview as plain text, in the order an administrator checks it. */
export function renderNoticePreview(r: CalendarNoticeResult): string {
  const n = r.notice;
  const out: string[] = [];
  out.push(
    `${n.kind === 'notice' ? '年度通知' : '调整通知'}：${n.source.title}（${n.source.number}，${chineseDate(n.source.date)}）`,
  );
  const replaces = r.previousVersion ? `，取代现行第 ${r.previousVersion} 版` : '';
  out.push(`${r.year} 年：预演，未保存；确认后保存为第 ${r.version} 版${replaces}`);
  out.push('', '逐项对照（原文 → 解析结果）：');
  for (const item of n.items) {
    // a paragraph without dates (e.g. an amendment's closing words) is no holiday item, whatever it mentions
    out.push(item.block ? `  ${item.number}. ${item.name ?? '（无假日名称）'}` : '  （说明文字）');
    for (const s of item.sentences) out.push(`     原文：${s.text}  [${EFFECT[s.effect]}]`);
    if (item.block) {
      out.push(`     放假：${restDays(item.block.restDays)}`);
      out.push(`     调休上班：${workDays(item.block.workDays)}`);
    }
    for (const d of item.derivation) out.push(`     推导：${d}`);
  }
  out.push('', `与现行安排相比（${describeCurrent(n.currentOrigin, r.previousVersion)}）：`);
  if (n.changes.length === 0) out.push('  没有任何日期变化');
  for (const c of n.changes) out.push(`  ${changeLine(c)}`);
  const e = r.effect;
  out.push(
    '',
    `未结案件：检查 ${e.checked} 件，期限移动 ${e.moved} 件，仅暂定标记变化 ${e.provisionalChanged} 件`,
  );
  for (const a of e.affected) {
    const shift =
      a.shiftDays === 0 ? '期限不变' : `${a.shiftDays > 0 ? '推后' : '提前'} ${Math.abs(a.shiftDays)} 天`;
    out.push(
      `  ${a.caseId}：${chineseDate(a.oldDeadline)} → ${chineseDate(a.newDeadline)}（${shift}${a.oldProvisional !== a.newProvisional ? `，${a.newProvisional ? '变为暂定' : '不再暂定'}` : ''}）`,
    );
  }
  for (const x of e.errors) out.push(`  ${x.caseId}：无法计算（${x.detail}）`);
  return out.join('\n') + '\n';
}

/** After --apply: what was saved and which cases were told to recompute (the preview was printed above). */
export function renderLoaded(r: CalendarNoticeResult): string {
  const replaces = r.previousVersion ? `，取代第 ${r.previousVersion} 版` : '';
  const failed = r.signalFailed.length ? `，失败 ${r.signalFailed.length} 件（将自动重试）` : '';
  return `已保存：${r.year} 年第 ${r.version} 版${replaces}。期限移动 ${r.effect.moved} 件；已通知重算 ${r.signalled.length} 件${failed}。\n`;
}

export const CALENDAR_NOTICE_COMMANDS: Record<string, Command> = {
  'calendar notice': {
    summary: '按国务院办公厅通知原文加载某年的节假日安排：默认只预演，--apply 才保存',
    usage:
      'calendar notice --year <YYYY> --file <通知文本> [--number <文号>] [--date <YYYY-MM-DD>] [--apply [--expected-version <预演时的现行版本|none>]] [--by <姓名>]',
    options: {
      year: { type: 'string' },
      file: { type: 'string' },
      number: { type: 'string' },
      date: { type: 'string' },
      apply: { type: 'boolean' },
      'expected-version': { type: 'string' },
      by: { type: 'string' },
    },
    async run(v, ctx) {
      const file = str(v.file);
      if (!file) throw new CalendarInputError('missing_file', '缺少 --file：通知全文的文本文件路径', 'file');
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new CalendarInputError('invalid_file', `无法读取：${file}（${(e as Error).message}）`, 'file');
      }
      const db = ctx.database();
      if (!db)
        throw new CalendarInputError(
          'database_not_configured',
          '未设置 DATABASE_URL，无法读取现行安排和未结案件',
        );
      const input = {
        year: str(v.year),
        text,
        number: str(v.number),
        date: str(v.date),
        loadedBy: `cli:${str(v.by) ?? (ctx.env.USER || 'unknown')}`,
      };
      // the dry run is always shown, also right before an --apply
      // a version given from an earlier dry run is checked already here; else the load is pinned to this dry run
      const given = parseExpectedVersion(str(v['expected-version']));
      const preview = await loadCalendarNotice({ db }, { ...input, dryRun: true, expectedVersion: given });
      const expectedVersion = given ?? preview.previousVersion ?? 'none';
      let shown = renderNoticePreview(preview);
      if (v.apply !== true)
        return new CliText(
          `${shown}\n这是预演，未保存。核对无误后，加 --apply --expected-version ${expectedVersion} 再运行一次即保存；若其间有人加载了 ${preview.year} 年的新版本，保存会被拒绝，不会覆盖。\n`,
        );
      let temporal: Client | undefined;
      const address = ctx.env.TEMPORAL_ADDRESS;
      if (address) {
        const connection = await Connection.connect({ address });
        ctx.onClose(() => connection.close());
        temporal = new Client({ connection, namespace: ctx.env.TEMPORAL_NAMESPACE || 'default' });
      }
      const done = await loadCalendarNotice({ db, temporal }, { ...input, dryRun: false, expectedVersion });
      shown += `\n${renderLoaded(done)}`;
      // the signals were queued with the version (core/calendar/recompute-signals.ts): the worker's sweep sends them
      if (!temporal)
        shown +=
          '注意：未设置 TEMPORAL_ADDRESS，没有当场通知案件；重算通知已随新版本记入待发队列，由 worker 稍后送达\n';
      return new CliText(shown);
    },
  },
};
