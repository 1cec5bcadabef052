/**
 * What loading an arrangement changes, as an administrator checks it: the calendar in force (a loaded
 * version, the bundled official data or the provisional fallback) against the calendar after the load,
 * day by day, grouped into runs of consecutive days that change the same way. Each side says what the
 * day really is (工作日, 周日（休息）, 放假（春节，暂定）…), and each run how many working days it adds or
 * removes. A day that only stops being provisional is no change.
 */
import { formatDay, isWeekend, tryParseDate, weekday, WEEKDAY_ZH } from '../dates';
import type { DayInfo, WorkingDayCalendar } from '../engine';

/** Consecutive days (from..to) whose status changes the same way. */
export interface DayChange {
  from: string;
  to: string;
  days: number;
  /** What the days are now and after the load, in Chinese. */
  before: string;
  after: string;
  /** Working days in the run after the load minus before: -5 means five fewer working days. */
  workingDelta: number;
}

/**
 * What the year's calendar in force is (for the heading of the comparison); `saved`: said after the load,
 * of the calendar it replaced.
 */
export function describeCurrent(
  origin: 'loaded' | 'bundled' | 'none',
  version: number | null,
  saved = false,
): string {
  const was = saved ? '加载前为' : '现行为';
  if (origin === 'loaded') return `${was}已加载的第 ${version ?? '?'} 版`;
  if (origin === 'bundled') return `${was}系统内置的官方安排`;
  return `${saved ? '加载前该年尚未加载' : '该年尚未加载'}，${was}按法定节假日临时推算，没有调休，全部暂定`;
}

type Calendar = Pick<WorkingDayCalendar, 'dayInfo'>;

/** The provisional fallback names a weekday off in lieu of a weekend holiday `春节（补假）`. */
const IN_LIEU = '（补假）';

/**
 * Ordinary days (weekday or weekend) are one kind, so a holiday block over both is one run; a fallback day
 * off in lieu is the holiday's own kind, so it becoming an official day of that holiday is no change.
 */
function kindOf(i: DayInfo): string {
  if (i.reason === 'workday' || i.reason === 'weekend') return 'ordinary';
  return `${i.reason}:${(i.holidayName ?? '').replace(IN_LIEU, '')}`;
}

function ordinaryLabel(days: number[]): string {
  const weekend = days.filter(isWeekend);
  if (weekend.length === 0) return '工作日';
  if (weekend.length === days.length) {
    const names = [...new Set(weekend.map((d) => WEEKDAY_ZH[weekday(d)]))];
    return `${names.join('、')}（休息）`;
  }
  return `工作日 ${days.length - weekend.length} 天、周末 ${weekend.length} 天`;
}

function label(infos: DayInfo[]): string {
  const first = infos[0];
  const name = (first.holidayName ?? '').replace(IN_LIEU, '');
  const provisional = infos.some((i) => i.provisional) ? '，暂定' : '';
  switch (first.reason) {
    case 'holiday':
      return `放假（${name}${provisional}）`;
    case 'makeup_workday':
      return `调休上班（${name}）`;
    case 'regional_rest':
      return `地区休息日（${name}）`;
    default:
      return ordinaryLabel(infos.map((i) => tryParseDate(i.date) as number));
  }
}

/** The days in [from, to] whose status differs between the two calendars, as runs. */
export function diffCalendars(before: Calendar, after: Calendar, from: string, to: string): DayChange[] {
  const out: DayChange[] = [];
  let run: { key: string; days: number[]; b: DayInfo[]; a: DayInfo[] } | undefined;
  const flush = () => {
    if (!run) return;
    const working = (list: DayInfo[]) => list.filter((i) => i.working).length;
    out.push({
      from: formatDay(run.days[0]),
      to: formatDay(run.days[run.days.length - 1]),
      days: run.days.length,
      before: label(run.b),
      after: label(run.a),
      workingDelta: working(run.a) - working(run.b),
    });
    run = undefined;
  };
  const last = tryParseDate(to) as number;
  for (let d = tryParseDate(from) as number; d <= last; d++) {
    const date = formatDay(d);
    const b = before.dayInfo(date);
    const a = after.dayInfo(date);
    if (kindOf(b) === kindOf(a)) {
      flush();
      continue;
    }
    const key = `${kindOf(b)}→${kindOf(a)}`;
    if (run && run.key !== key) flush();
    run ??= { key, days: [], b: [], a: [] };
    run.days.push(d);
    run.b.push(b);
    run.a.push(a);
  }
  flush();
  return out;
}
