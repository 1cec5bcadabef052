/**
 * The State Council General Office's holiday notice, as text, → the arrangement the calendar store
 * validates (calendar/arrangement.ts). A year's notice gives the whole year; an amendment (调整…/延长…)
 * is applied on top of the year's current arrangement (`base`). Pure: no I/O, no clock.
 *
 * Every derived fact is cross-checked against what the text states (共N天, bracketed weekdays, make-up
 * days on weekends, the day work resumes); a mismatch is an error quoting the sentence, never a guess.
 */
import {
  effectiveHolidays,
  validateArrangement,
  type ArrangementAmendment,
  type ArrangementSource,
  type HolidayBlock,
  type YearArrangement,
} from '../arrangement';
import { tryParseDate } from '../dates';
import { chineseMonthDay, isoRange } from './dates';
import { readHeader, type NoticeKind } from './header';
import { itemName, splitItems, splitSentences } from './items';
import { displayText, normalizeNoticeText } from './normalize';
import { readSentence, type Statement } from './sentences';

export { normalizeNoticeText, displayText } from './normalize';
export { describeCurrent, diffCalendars, type DayChange } from './diff';

export interface NoticeError {
  code: string;
  /** Chinese, quoting the sentence at fault where there is one. */
  message: string;
  /** 1-based item number, when the error belongs to an item. */
  item?: number;
}

export type SentenceEffect = Statement['kind'];

export interface ItemView {
  number: number;
  name?: string;
  sentences: { text: string; effect: SentenceEffect }[];
  /** The block this item yields (absent for items without dates, e.g. an amendment's closing items). */
  block?: HolidayBlock;
  /** How the days were derived beyond the literal dates (与周末连休, 补休, an extension). */
  derivation: string[];
}

export interface ImportOptions {
  /** The year the administrator is loading; the notice's title must name it. */
  year: number;
  /** The year's arrangement in force now, required for an amendment. */
  base?: YearArrangement;
  /** 文号 / date when the pasted reprint lacks them; refused if the text states another. */
  number?: string;
  date?: string;
}

export type NoticeImport =
  | {
      ok: true;
      kind: NoticeKind;
      year: number;
      source: ArrangementSource;
      arrangement: YearArrangement;
      items: ItemView[];
    }
  | { ok: false; errors: NoticeError[] };

const fail = (errors: NoticeError[]): NoticeImport => ({ ok: false, errors });

function pick(
  label: string,
  code: string,
  fromText: string | undefined,
  given: string | undefined,
  errors: NoticeError[],
): string | undefined {
  const g = given?.trim() || undefined;
  if (fromText && g && fromText !== g) {
    errors.push({
      code: `${code}_conflict`,
      message: `通知文本中的${label}为“${fromText}”，与填写的“${g}”不一致`,
    });
    return undefined;
  }
  if (!fromText && !g) {
    errors.push({ code: `${code}_missing`, message: `通知文本中未找到${label}，请另行填写（转载稿常省略）` });
    return undefined;
  }
  return fromText ?? g;
}

export function importNotice(text: string, opts: ImportOptions): NoticeImport {
  const norm = normalizeNoticeText(text ?? '');
  if (norm.length === 0) return fail([{ code: 'notice_empty', message: '通知文本为空' }]);
  const header = readHeader(norm);
  const errors: NoticeError[] = [];
  if (!header.title || !header.kind || header.year === undefined) {
    return fail([
      {
        code: 'notice_title_missing',
        message:
          '未找到通知标题：应包含“国务院办公厅关于XXXX年部分节假日安排的通知”或“国务院办公厅关于调整/延长XXXX年…假期…的通知”',
      },
    ]);
  }
  if (header.year !== opts.year) {
    return fail([
      {
        code: 'notice_year_mismatch',
        message: `通知标题“${header.title}”是 ${header.year} 年的，与要加载的 ${opts.year} 年不一致`,
      },
    ]);
  }
  const number = pick('文号', 'notice_number', header.number, opts.number, errors);
  const date = pick('成文日期', 'notice_date', header.date, opts.date, errors);
  if (date && tryParseDate(date) === null)
    errors.push({ code: 'notice_date_invalid', message: `成文日期无效：${date}（应为 YYYY-MM-DD）` });
  if (header.kind === 'amendment' && !opts.base)
    errors.push({
      code: 'amendment_without_base',
      message: `${opts.year} 年尚无节假日安排，调整通知无从适用，请先加载该年的通知`,
    });

  const body = norm.slice(0, header.signatureAt ?? norm.length);
  const items = splitItems(body);
  if (items.length === 0) errors.push({ code: 'notice_no_items', message: '未找到编号条目（一、二、…）' });

  const baseBlocks = opts.base ? effectiveHolidays(opts.base) : [];
  const views: ItemView[] = [];
  const blocks: HolidayBlock[] = [];
  const advice: string[] = [];
  for (const item of items) {
    const { name: own, rest } = itemName(item.text);
    const name = own ?? (header.kind === 'amendment' ? header.amendedHoliday : undefined);
    const view: ItemView = { number: item.number, name, sentences: [], derivation: [] };
    views.push(view);
    let restDays: string[] | undefined;
    const workDays: string[] = [];
    let dated = false;
    for (const s of splitSentences(rest)) {
      const r = readSentence(s, { year: opts.year, name });
      if (!r.ok) {
        for (const p of r.problems)
          errors.push({ ...p, item: item.number, message: `第${item.marker.slice(0, -1)}项：${p.message}` });
        view.sentences.push({ text: displayText(s), effect: 'text' });
        dated = true;
        continue;
      }
      const st = r.statement;
      view.sentences.push({ text: displayText(s), effect: st.kind });
      if (st.kind === 'advice') advice.push(displayText(s));
      if (st.kind === 'text' || st.kind === 'advice') continue;
      dated = true;
      if (st.kind === 'work') workDays.push(...st.workDays);
      else if (st.kind === 'rest') {
        if (restDays)
          errors.push({
            code: 'two_rest_statements',
            item: item.number,
            message: `第${item.marker.slice(0, -1)}项有两处放假表述：“${displayText(s)}”`,
          });
        restDays = st.restDays;
        view.derivation.push(...st.derivation);
      } else if (st.kind === 'extend') {
        if (header.kind !== 'amendment') {
          errors.push({
            code: 'extension_in_notice',
            item: item.number,
            message: `延长假期只能出现在调整通知中：“${displayText(s)}”`,
          });
          continue;
        }
        const target = baseBlocks.find((b) => b.name === st.holiday);
        if (!target) {
          errors.push({
            code: 'extension_unknown_holiday',
            item: item.number,
            message: `现行安排中没有“${st.holiday}”，无法延长：“${displayText(s)}”`,
          });
          continue;
        }
        const first = tryParseDate(target.restDays[0]) as number;
        const last = tryParseDate(target.restDays[target.restDays.length - 1]) as number;
        if (st.until.day <= last) {
          errors.push({
            code: 'extension_not_later',
            item: item.number,
            message: `延长至${chineseMonthDay(st.until)}，不晚于现行假期的最后一天：“${displayText(s)}”`,
          });
          continue;
        }
        view.name = st.holiday;
        restDays = isoRange(first, st.until.day);
        const inside = new Set(restDays);
        for (const w of target.workDays) {
          if (inside.has(w)) view.derivation.push(`原定 ${w} 调休上班取消（落入延长后的假期）`);
          else workDays.push(w);
        }
        view.derivation.push(
          `延长：${target.restDays[0]} 至 ${st.until.iso}（原至 ${target.restDays[target.restDays.length - 1]}）`,
        );
      }
    }
    if (!dated) continue;
    if (!restDays) {
      if (!errors.some((e) => e.item === item.number))
        errors.push({
          code: 'item_without_rest',
          item: item.number,
          message: `第${item.marker.slice(0, -1)}项没有放假日期：“${displayText(item.text)}”`,
        });
      continue;
    }
    if (!view.name) {
      errors.push({
        code: 'item_without_name',
        item: item.number,
        message: `第${item.marker.slice(0, -1)}项没有假日名称：“${displayText(item.text)}”`,
      });
      continue;
    }
    view.block = { name: view.name, restDays, workDays: [...new Set(workDays)].sort() };
    blocks.push(view.block);
  }
  if (errors.length > 0) return fail(errors);
  if (blocks.length === 0) return fail([{ code: 'notice_no_blocks', message: '通知中没有任何放假安排' }]);

  const source: ArrangementSource = { title: header.title, number: number as string, date: date as string };
  let arrangement: YearArrangement;
  if (header.kind === 'notice') {
    arrangement = { year: opts.year, source, holidays: blocks };
    if (advice.length > 0) arrangement.notes = `通知另述（不影响日历）：${advice.join('。')}。`;
  } else {
    const base = opts.base as YearArrangement;
    const amendment: ArrangementAmendment = {
      source,
      note: `由通知原文导入：${views.flatMap((v) => (v.block ? v.sentences.map((s) => s.text) : [])).join('。')}。`,
      holidays: blocks,
    };
    const kept = (base.amendments ?? []).filter((a) => a.source.number !== source.number);
    arrangement = { ...base, amendments: [...kept, amendment] };
  }
  const v = validateArrangement(arrangement, opts.year);
  if (!v.ok) return fail(v.errors.map((e) => ({ code: e.code, message: `${e.path}：${e.message}` })));
  return { ok: true, kind: header.kind, year: opts.year, source, arrangement: v.value, items: views };
}
