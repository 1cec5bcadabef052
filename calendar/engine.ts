/**
 * Working-day calendar with a precomputed index, so a deadline is two array reads rather than a
 * day-by-day loop. Official arrangements win over the provisional fallback; regional rest days
 * win over both.
 */
import { createHash } from 'node:crypto';
import { effectiveHolidays, validateArrangement, type YearArrangement } from './arrangement';
import { formatDay, isWeekend, parseDateOrInstant, tryParseDate, weekday, WEEKDAY_ZH, yearOf } from './dates';
import { CalendarInputError } from './errors';
import { FALLBACK_SOURCE, fallbackHolidays } from './fallback';

export type DayReason = 'workday' | 'weekend' | 'holiday' | 'makeup_workday' | 'regional_rest';

export interface RegionalRestDay {
  date: string;
  name: string;
}

export interface CalendarOptions {
  arrangements: YearArrangement[];
  regionalRestDays?: RegionalRestDay[];
  /** Profile the regional rest days came from; lets callers check they use the right calendar. */
  profileId?: string;
}

export interface DayInfo {
  date: string;
  working: boolean;
  reason: DayReason;
  holidayName?: string;
  provisional: boolean;
}

export interface DeadlineResult {
  deadline: string;
  dueAt: string;
  provisional: boolean;
  calendarVersion: string;
}

export interface WorkingDayEnd {
  /** Calendar date of working day k. */
  date: string;
  /** Exclusive end instant of that day: next day 00:00 +08:00. */
  endsAt: string;
  provisional: boolean;
}

export interface ExplanationEntry {
  date: string;
  weekday: string;
  counted: boolean;
  /** 1-based working-day number, for counted days only. */
  workingDay?: number;
  reason: DayReason | 'receipt';
  holidayName?: string;
  provisional: boolean;
  /** Chinese, for people. */
  label: string;
}

/** Fixed index range: wide enough for any open case, small enough to build in milliseconds. */
export const RANGE_FIRST = '2015-01-01';
export const RANGE_LAST = '2040-12-31';

const R_WORKDAY = 0;
const R_WEEKEND = 1;
const R_HOLIDAY = 2;
const R_MAKEUP = 3;
const R_REGIONAL = 4;
const REASONS: readonly DayReason[] = ['workday', 'weekend', 'holiday', 'makeup_workday', 'regional_rest'];

/** Recursively key-sorted JSON, so the version hash does not depend on property order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** [2018,2019,2020,2022] → '2018-2020,2022' */
function yearSpans(years: number[]): string {
  if (years.length === 0) return 'none';
  const out: string[] = [];
  let a = years[0];
  let b = a;
  for (const y of years.slice(1).concat([NaN])) {
    if (y === b + 1) b = y;
    else {
      out.push(a === b ? `${a}` : `${a}-${b}`);
      a = b = y;
    }
  }
  return out.join(',');
}

export class WorkingDayCalendar {
  readonly calendarVersion: string;
  readonly officialYears: readonly number[];
  /** Years of the index range served by the provisional fallback. */
  readonly fallbackYears: readonly number[];
  readonly profileId?: string;
  readonly rangeFirst = RANGE_FIRST;
  readonly rangeLast = RANGE_LAST;
  /** Source notices (number → title) the calendar was built from, base notices and amendments. */
  readonly sources: readonly { year: number; number: string; title: string; date: string }[];

  private readonly first: number;
  private readonly len: number;
  private readonly reason: Uint8Array;
  private readonly provisional: Uint8Array;
  private readonly names = new Map<number, string>();
  /** workingBefore[i] = working days among indices < i. */
  private readonly workingBefore: Int32Array;
  /** Indices of working days in order: the k-th working day overall is workList[k-1]. */
  private readonly workList: Int32Array;
  private readonly provisionalBefore: Int32Array;
  private readonly dateStr: string[];

  constructor(options: CalendarOptions) {
    this.first = tryParseDate(RANGE_FIRST) as number;
    const last = tryParseDate(RANGE_LAST) as number;
    const len = (this.len = last - this.first + 1);
    const firstYear = yearOf(this.first);
    const lastYear = yearOf(last);

    const arrangements = [...options.arrangements].sort((a, b) => a.year - b.year);
    const byYear = new Map<number, YearArrangement>();
    for (const raw of arrangements) {
      const res = validateArrangement(raw, raw.year);
      if (!res.ok) {
        const list = res.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`);
        throw new CalendarInputError(
          'invalid_arrangement',
          `${raw.year} 年节假日安排无效：${list.join('；')}`,
          'arrangements',
        );
      }
      if (byYear.has(raw.year)) {
        throw new CalendarInputError(
          'duplicate_arrangement',
          `${raw.year} 年节假日安排重复加载`,
          'arrangements',
        );
      }
      byYear.set(raw.year, res.value);
    }
    this.officialYears = [...byYear.keys()];
    const fallbackYears: number[] = [];
    for (let y = firstYear; y <= lastYear; y++) if (!byYear.has(y)) fallbackYears.push(y);
    this.fallbackYears = fallbackYears;
    this.profileId = options.profileId;

    const reason = (this.reason = new Uint8Array(len));
    const provisional = (this.provisional = new Uint8Array(len));
    for (let i = 0; i < len; i++) {
      const d = this.first + i;
      reason[i] = isWeekend(d) ? R_WEEKEND : R_WORKDAY;
      provisional[i] = byYear.has(yearOf(d)) ? 0 : 1;
    }
    const set = (day: number, r: number, name?: string) => {
      const i = day - this.first;
      if (i < 0 || i >= len) return;
      reason[i] = r;
      if (name !== undefined) this.names.set(i, name);
      else this.names.delete(i);
    };

    for (const y of fallbackYears) {
      for (const h of fallbackHolidays(y)) set(tryParseDate(h.date) as number, R_HOLIDAY, h.name);
    }

    // A date may be stated by two notices (e.g. late December by next year's 元旦 block);
    // they must agree, otherwise the data is inconsistent and we refuse to guess.
    const stated = new Map<number, { working: boolean; year: number }>();
    for (const a of byYear.values()) {
      for (const block of effectiveHolidays(a)) {
        const mark = (s: string, working: boolean) => {
          const day = tryParseDate(s) as number;
          const prev = stated.get(day);
          if (prev && prev.working !== working) {
            throw new CalendarInputError(
              'arrangement_conflict',
              `${s} 在 ${prev.year} 年和 ${a.year} 年的安排中互相矛盾（${prev.working ? '上班' : '放假'} / ${working ? '上班' : '放假'}）`,
              'arrangements',
            );
          }
          stated.set(day, { working, year: a.year });
          if (working) set(day, R_MAKEUP, block.name);
          else set(day, R_HOLIDAY, block.name);
        };
        block.restDays.forEach((s) => mark(s, false));
        block.workDays.forEach((s) => mark(s, true));
      }
    }

    const regional = options.regionalRestDays ?? [];
    const regionalDays = regional.map((r, i) => {
      const day = typeof r.date === 'string' ? tryParseDate(r.date) : null;
      if (day === null || typeof r.name !== 'string' || r.name.trim() === '') {
        throw new CalendarInputError(
          'invalid_regional_rest_day',
          `地区休息日无效：${JSON.stringify(r)}`,
          `regionalRestDays.${i}`,
        );
      }
      return { day, date: r.date, name: r.name };
    });
    regionalDays.sort((a, b) => a.day - b.day);
    for (const r of regionalDays) set(r.day, R_REGIONAL, r.name);

    const workingBefore = (this.workingBefore = new Int32Array(len + 1));
    const provisionalBefore = (this.provisionalBefore = new Int32Array(len + 1));
    let count = 0;
    for (let i = 0; i < len; i++) {
      const r = reason[i];
      if (r === R_WORKDAY || r === R_MAKEUP) count++;
      workingBefore[i + 1] = count;
      provisionalBefore[i + 1] = provisionalBefore[i] + provisional[i];
    }
    const workList = (this.workList = new Int32Array(count));
    for (let i = 0, k = 0; i < len; i++) if (workingBefore[i + 1] !== workingBefore[i]) workList[k++] = i;
    this.dateStr = Array.from({ length: len + 1 }, (_, i) => formatDay(this.first + i));

    this.sources = [...byYear.values()].flatMap((a) =>
      [a.source, ...(a.amendments ?? []).map((m) => m.source)].map((s) => ({ year: a.year, ...s })),
    );
    const hash = createHash('sha256')
      .update(
        canonical({
          arrangements: [...byYear.values()],
          regional: regionalDays.map(({ date, name }) => ({ date, name })),
          fallback: FALLBACK_SOURCE,
          range: [RANGE_FIRST, RANGE_LAST],
        }),
      )
      .digest('hex')
      .slice(0, 8);
    const regionalTag = regionalDays.length > 0 ? `+regional:${regionalDays.length}` : '';
    this.calendarVersion = `official:${yearSpans(this.officialYears as number[])}${regionalTag}#${hash}`;
  }

  /** Index of a date or instant inside the range; throws CalendarInputError. */
  private index(input: unknown, field: string): number {
    const i = parseDateOrInstant(input, field) - this.first;
    if (i < 0 || i >= this.len) {
      throw new CalendarInputError(
        'out_of_range',
        `${field} 超出日历支持范围（${RANGE_FIRST} 至 ${RANGE_LAST}）`,
        field,
      );
    }
    return i;
  }

  private checkCount(n: unknown, field: string, min: number): number {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
      throw new CalendarInputError(
        'invalid_working_days',
        `${field} 必须是不小于 ${min} 的整数，收到：${String(n)}`,
        field,
      );
    }
    return n;
  }

  /** Index of the k-th working day after index i (k >= 1). */
  private kthAfter(i: number, k: number, field: string): number {
    const pos = this.workingBefore[i + 1] + k - 1;
    if (pos >= this.workList.length) {
      throw new CalendarInputError(
        'out_of_range',
        `第 ${k} 个工作日超出日历支持范围（至 ${RANGE_LAST}）`,
        field,
      );
    }
    return this.workList[pos];
  }

  private info(i: number): DayInfo {
    const r = this.reason[i];
    const out: DayInfo = {
      date: this.dateStr[i],
      working: r === R_WORKDAY || r === R_MAKEUP,
      reason: REASONS[r],
      provisional: this.provisional[i] === 1,
    };
    const name = this.names.get(i);
    if (name !== undefined) out.holidayName = name;
    return out;
  }

  dayInfo(date: string): DayInfo {
    return this.info(this.index(date, 'date'));
  }

  isWorkingDay(date: string): boolean {
    return this.dayInfo(date).working;
  }

  /**
   * End of working day k counted from `from` (receipt day not counted; day 1 is the first working
   * day after it). For reminder timers, e.g. k = N-1 is "one working day before the deadline".
   */
  nthWorkingDayEnd(from: string, k: number): WorkingDayEnd {
    const i = this.index(from, 'from');
    const d = this.kthAfter(i, this.checkCount(k, 'workingDays', 1), 'workingDays');
    return {
      date: this.dateStr[d],
      endsAt: `${this.dateStr[d + 1]}T00:00:00+08:00`,
      provisional: this.provisionalBefore[d + 1] - this.provisionalBefore[i + 1] > 0,
    };
  }

  deadline(from: string, workingDays: number): DeadlineResult {
    const e = this.nthWorkingDayEnd(from, workingDays);
    return {
      deadline: e.date,
      dueAt: e.endsAt,
      provisional: e.provisional,
      calendarVersion: this.calendarVersion,
    };
  }

  /** Working days in (from, to]; provisional if any day of that span is a fallback day. */
  workingDaysBetween(from: string, to: string): { workingDays: number; provisional: boolean } {
    const a = this.index(from, 'from');
    const b = this.index(to, 'to');
    if (b < a)
      throw new CalendarInputError(
        'invalid_range',
        `to（${this.dateStr[b]}）早于 from（${this.dateStr[a]}）`,
        'to',
      );
    return {
      workingDays: this.workingBefore[b + 1] - this.workingBefore[a + 1],
      provisional: this.provisionalBefore[b + 1] - this.provisionalBefore[a + 1] > 0,
    };
  }

  /** Day by day from the receipt day to the deadline, each day counted or skipped with a reason. */
  explain(from: string, workingDays: number): ExplanationEntry[] {
    const i = this.index(from, 'from');
    const d = this.kthAfter(i, this.checkCount(workingDays, 'workingDays', 1), 'workingDays');
    const out: ExplanationEntry[] = [];
    const entry = (
      j: number,
      counted: boolean,
      workingDay: number | undefined,
      label: (i: DayInfo) => string,
    ) => {
      const info = this.info(j);
      const tmp = info.provisional ? '（临时：官方安排未发布，按法定节假日推算）' : '';
      const e: ExplanationEntry = {
        date: info.date,
        weekday: WEEKDAY_ZH[weekday(this.first + j)],
        counted,
        ...(workingDay !== undefined ? { workingDay } : {}),
        reason: j === i ? 'receipt' : info.reason,
        ...(info.holidayName !== undefined ? { holidayName: info.holidayName } : {}),
        provisional: info.provisional,
        label: label(info) + (j === i ? '' : tmp),
      };
      out.push(e);
    };
    entry(i, false, undefined, () => '收件日，不计入期限');
    let k = 0;
    for (let j = i + 1; j <= d; j++) {
      const r = this.reason[j];
      if (r === R_WORKDAY || r === R_MAKEUP) {
        k++;
        const what = r === R_MAKEUP ? `调休上班（${this.names.get(j)}）` : '工作日';
        entry(j, true, k, () => `${what}，第 ${k} 个工作日${j === d ? '，期限届满日' : ''}`);
      } else if (r === R_WEEKEND) entry(j, false, undefined, () => '周末，不计');
      else if (r === R_HOLIDAY) entry(j, false, undefined, (x) => `${x.holidayName}放假，不计`);
      else entry(j, false, undefined, (x) => `地区休息日（${x.holidayName}），不计`);
    }
    return out;
  }
}
