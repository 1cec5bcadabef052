/**
 * Dates as the notices write them: `2月15日`, `2018年12月30日`, a range `12月30日至1月1日` or `1月1日至3日`,
 * each optionally followed by a bracketed note such as `（周六）`, `（星期日）` or `（农历腊月二十八、周日）`.
 */
import { dayNumber, formatDay, tryParseDate, weekday, WEEKDAY_ZH } from '../dates';

export interface DateToken {
  /** Offset in the sentence and the matched text, bracket included. */
  index: number;
  text: string;
  year?: number;
  month?: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday, when the bracket names a weekday. */
  statedWeekday?: number;
  /** Text right after the token (and its bracket). */
  end: number;
}

const DATE_RE = /(?:((?:19|20)\d{2})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?/g;
const WEEKDAY_RE = /(?:星期|周|礼拜)([日天一二三四五六])/;
const WEEKDAY_CHARS = '日一二三四五六';

export function dateTokens(sentence: string): DateToken[] {
  const out: DateToken[] = [];
  for (const m of sentence.matchAll(DATE_RE)) {
    const note = m[4];
    const wd = note ? WEEKDAY_RE.exec(note) : null;
    out.push({
      index: m.index ?? 0,
      text: m[0],
      year: m[1] ? Number(m[1]) : undefined,
      month: m[2] ? Number(m[2]) : undefined,
      day: Number(m[3]),
      statedWeekday: wd ? WEEKDAY_CHARS.indexOf(wd[1] === '天' ? '日' : wd[1]) : undefined,
      end: (m.index ?? 0) + m[0].length,
    });
  }
  return out;
}

export interface ResolvedDate {
  day: number;
  iso: string;
}

export type Resolve = { ok: true; date: ResolvedDate } | { ok: false; message: string };

/**
 * The calendar date of a token. Missing parts come from `after` (the start of a range: same year and
 * month; a smaller month means the next year) or from the notice: its year, except a December date of a
 * 元旦 block, which is the previous December (the 2019 and 2023 notices start 元旦 there).
 */
export function resolveDate(
  t: DateToken,
  ctx: { year: number; newYearBlock: boolean; after?: { year: number; month: number } },
): Resolve {
  const month = t.month ?? ctx.after?.month;
  if (month === undefined) return { ok: false, message: `“${t.text}”没有月份` };
  let year = t.year;
  if (year === undefined && ctx.after) year = month < ctx.after.month ? ctx.after.year + 1 : ctx.after.year;
  if (year === undefined) year = month === 12 && ctx.newYearBlock ? ctx.year - 1 : ctx.year;
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
  const day = tryParseDate(iso);
  if (day === null) return { ok: false, message: `“${t.text}”不是有效日期` };
  return { ok: true, date: { day, iso } };
}

/** The mismatch message when the bracket names another weekday than the date's, else null. */
export function weekdayMismatch(t: DateToken, d: ResolvedDate): string | null {
  if (t.statedWeekday === undefined || t.statedWeekday === weekday(d.day)) return null;
  return `${chineseMonthDay(d)}标注为${WEEKDAY_ZH[t.statedWeekday]}，实为${WEEKDAY_ZH[weekday(d.day)]}`;
}

export function chineseMonthDay(d: ResolvedDate): string {
  const [y, m, dd] = d.iso.split('-').map(Number);
  return `${y}年${m}月${dd}日`;
}

export function yearMonthOf(d: ResolvedDate): { year: number; month: number } {
  const [y, m] = d.iso.split('-').map(Number);
  return { year: y, month: m };
}

export function isoRange(from: number, to: number): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d++) out.push(formatDay(d));
  return out;
}

export { dayNumber };
