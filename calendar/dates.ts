/**
 * Calendar-date arithmetic on plain day numbers (days since 1970-01-01), independent of the
 * process time zone: nothing here uses local-time Date getters.
 */
import { CalendarInputError } from './errors';

export const MS_PER_DAY = 86_400_000;
/** Asia/Shanghai has had a fixed +08:00 offset (no DST) since 1991, which covers every supported date. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant must carry an explicit offset: a bare local time would depend on the server's zone.
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

export const WEEKDAY_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

function daysInMonth(y: number, m: number): number {
  return m === 2
    ? y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(m)
      ? 30
      : 31;
}

/** Day number of a civil date (proleptic Gregorian); no validation. */
export function dayNumber(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** Strict 'YYYY-MM-DD' → day number, or null when malformed or not a real date. */
export function tryParseDate(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return dayNumber(y, mo, d);
}

/** Day number → 'YYYY-MM-DD'. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/**
 * Accepts 'YYYY-MM-DD' (already a Shanghai calendar date) or an ISO instant with offset, which is
 * converted to its Asia/Shanghai calendar date. Throws CalendarInputError otherwise.
 */
export function parseDateOrInstant(input: unknown, field = 'from'): number {
  if (typeof input !== 'string' || input.length === 0) {
    throw new CalendarInputError(
      'invalid_date',
      `${field} 缺失或不是字符串，应为 YYYY-MM-DD 日期或带时区的 ISO 时间`,
      field,
    );
  }
  const s = input.trim();
  if (s.length <= 10) {
    const day = tryParseDate(s);
    if (day === null) {
      throw new CalendarInputError('invalid_date', `${field} 不是有效日期：“${s}”，应为 YYYY-MM-DD`, field);
    }
    return day;
  }
  const m = INSTANT_RE.exec(s);
  const dateOk = m !== null && tryParseDate(`${m[1]}-${m[2]}-${m[3]}`) !== null;
  if (!m || !dateOk || +m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 59)) {
    throw new CalendarInputError(
      'invalid_instant',
      `${field} 不是有效时间：“${s}”，应为带时区的 ISO 时间，如 2026-02-12T16:30:00Z 或 2026-02-13T00:30:00+08:00`,
      field,
    );
  }
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) {
    throw new CalendarInputError('invalid_instant', `${field} 不是有效时间：“${s}”`, field);
  }
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
}

/** The Beijing (Asia/Shanghai) calendar day of an instant, `YYYY-MM-DD`. */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** How every answer of the API writes an instant: Beijing time with its offset and milliseconds. */
export const BEIJING_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/;

/**
 * An instant (a Date or any ISO string with an offset) as `2026-03-04T23:59:59.999+08:00`: the one
 * representation the API, the calendar and the mails share, so clients never see `Z` beside `+08:00`.
 */
export function beijingInstant(at: Date | string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().replace(/Z$/, '+08:00');
}

/** The exclusive instant ending a Shanghai calendar day: the next day's 00:00 at +08:00. */
export function endOfDayInstant(day: number): string {
  return `${formatDay(day + 1)}T00:00:00+08:00`;
}

/** `2026-03-04` → `2026年3月4日`, as pages, mails and documents write a day */
export function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** `2027-01-31` → `2027年1月31日（周日）` */
export function chineseDateWeekday(day: string): string {
  return `${chineseDate(day)}（${WEEKDAY_ZH[weekday(tryParseDate(day) as number)]}）`;
}

/** `2027-02-05`, `2027-02-13` → `2027年2月5日—2月13日` (the year once unless the range crosses it) */
export function chineseDateRange(from: string, to: string): string {
  if (from === to) return chineseDate(from);
  const end = chineseDate(to);
  return `${chineseDate(from)}—${from.slice(0, 4) === to.slice(0, 4) ? end.slice(5) : end}`;
}

/** An instant with its Beijing time: `2026年3月4日 09:05`. */
export function chineseDateTime(at: Date): string {
  const b = new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${chineseDate(b.slice(0, 10))} ${b.slice(11, 16)}`;
}

/** An instant as its Beijing day: `2026年3月4日`. */
export function chineseDay(at: Date): string {
  return chineseDate(beijingDay(at));
}
