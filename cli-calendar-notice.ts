/**
 * `calendar notice`: load a year from the State Council's notice text (issue 16), registered in cli.ts.
 * Always prints the dry run first (each item's sentences beside what was read from them, the day-by-day
 * difference from the arrangement in force, the open cases whose deadlines move); loads only with --apply.
 */
import fs from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { chineseDate } from './calendar/dates';
import { CalendarInputError } from './calendar/errors';
import { CliText } from './cli-text';
import { loadCalendarNotice, type CalendarNoticeResult } from './core/calendar/notice';
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

const days = (list: string[]) =>
  list.length === 0
    ? '无'
    : list.length > 2 &&
        list.every((d, i) => i === 0 || Date.parse(d) - Date.parse(list[i - 1]) === 86_400_000)
      ? `${chineseDate(list[0])}至${chineseDate(list[list.length - 1])}（${list.length}天）`
      : list.map(chineseDate).join('、');

/** The preview as plain text, in the order an administrator checks it. */
export function renderNoticePreview(r: CalendarNoticeResult): string {
  const n = r.notice;
  const out: string[] = [];
  out.push(
    `${n.kind === 'notice' ? '年度通知' : '调整通知'}：${n.source.title}（${n.source.number}，${chineseDate(n.source.date)}）`,
  );
  out.push(
    `年份 ${r.year}：${r.dryRun ? '预演，未保存' : '已保存'}为版本 ${r.version}${r.previousVersion ? `（取代版本 ${r.previousVersion}）` : ''}`,
  );
  out.push('', '逐项对照（原文 → 解析结果）：');
  for (const item of n.items) {
    out.push(`  ${item.number}. ${item.name ?? '（无假日名称）'}`);
    for (const s of item.sentences) out.push(`     原文：${s.text}  [${EFFECT[s.effect]}]`);
    if (item.block) {
      out.push(`     放假：${days(item.block.restDays)}`);
      out.push(`     调休上班：${days(item.block.workDays)}`);
    }
    for (const d of item.derivation) out.push(`     推导：${d}`);
  }
  out.push(
    '',
    `与现行安排（${{ loaded: '已加载版本', bundled: '内置官方数据', none: '无，临时推算' }[n.currentOrigin]}）相比：`,
  );
  if (n.changes.length === 0) out.push('  没有任何日期变化');
  for (const c of n.changes)
    out.push(`  ${chineseDate(c.date)}：${c.before ?? '普通日'} → ${c.after ?? '普通日'}`);
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
  if (!r.dryRun)
    out.push(
      '',
      `已通知重算：${r.signalled.length} 件${r.signalFailed.length ? `，失败 ${r.signalFailed.length} 件（将重试）` : ''}`,
    );
  return out.join('\n') + '\n';
}

export const CALENDAR_NOTICE_COMMANDS: Record<string, Command> = {
  'calendar notice': {
    summary: '按国务院办公厅通知原文加载某年的节假日安排：默认只预演，--apply 才保存',
    usage:
      'calendar notice --year <YYYY> --file <通知文本> [--number <文号>] [--date <YYYY-MM-DD>] [--apply] [--by <姓名>]',
    options: {
      year: { type: 'string' },
      file: { type: 'string' },
      number: { type: 'string' },
      date: { type: 'string' },
      apply: { type: 'boolean' },
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
      const preview = await loadCalendarNotice({ db }, { ...input, dryRun: true });
      let shown = renderNoticePreview(preview);
      if (v.apply !== true) return new CliText(`${shown}\n这是预演。确认无误后加 --apply 保存。\n`);
      let temporal: Client | undefined;
      const address = ctx.env.TEMPORAL_ADDRESS;
      if (address) {
        const connection = await Connection.connect({ address });
        ctx.onClose(() => connection.close());
        temporal = new Client({ connection, namespace: ctx.env.TEMPORAL_NAMESPACE || 'default' });
      }
      const done = await loadCalendarNotice({ db, temporal }, { ...input, dryRun: false });
      shown += `\n${renderNoticePreview(done)}`;
      if (!temporal) shown += '警告：未设置 TEMPORAL_ADDRESS：未通知未结案件重新计算期限\n';
      return new CliText(shown);
    },
  },
};
