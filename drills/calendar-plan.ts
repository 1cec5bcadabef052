/**
 * The calendar version the calendar-outbox drill loads: the arrangement in force for the year plus one drill
 * amendment that makes a Saturday before the drill cases' deadlines a make-up working day (调休上班) and gives
 * a weekday well after them off, so every drill case's deadline moves one working day earlier. What each case's
 * deadline must become is computed by the calendar engine itself (loadBundledCalendar with the new version).
 */
import type { YearArrangement } from '../calendar/arrangement';
import { loadOfficialArrangements, loadBundledCalendar } from '../calendar/bundled';
import { beijingDay, formatDay, MS_PER_DAY, tryParseDate, weekday } from '../calendar/dates';
import type { WorkingDayCalendar } from '../calendar/engine';
import type { Db } from '../prisma/client';

export interface DrillCalendarPlan {
  year: number;
  /** the arrangement in force before (a loaded version, or the bundled official one): loaded again afterwards */
  previous: YearArrangement;
  next: YearArrangement;
  makeUpSaturday: string;
  restWeekday: string;
  /** deadline of a case under the calendar in force now, and under the drill's version */
  oldDeadline(profileId: string, receivedAt: Date, workingDays: number): string;
  newDeadline(profileId: string, receivedAt: Date, workingDays: number): string;
  /** working days the deadline moves (negative: earlier), counted on the new calendar */
  shift(profileId: string, oldDeadline: string, newDeadline: string): number;
}

/** Loaded versions in force (supersededAt null), one per year. */
async function loadedNow(db: Db): Promise<YearArrangement[]> {
  const rows = await db.calendarYear.findMany({ where: { supersededAt: null } });
  return rows.map((r) => r.arrangement as unknown as YearArrangement);
}

function calendars(extra: YearArrangement[]) {
  const byProfile = new Map<string, WorkingDayCalendar>();
  return (profileId: string) => {
    let c = byProfile.get(profileId);
    if (!c) byProfile.set(profileId, (c = loadBundledCalendar({ profileId, extraArrangements: extra })));
    return c;
  };
}

/**
 * Plans the version for cases received now whose deadlines all lie in [firstDeadline, lastDeadline]: the first
 * ordinary Saturday at least two days ahead (so no case's receipt day is moved) and the first ordinary weekday a
 * week after the last deadline, both in the same year.
 */
export async function planDrillCalendar(
  db: Db,
  run: string,
  profileId: string,
  firstDeadline: string,
  lastDeadline: string,
): Promise<DrillCalendarPlan> {
  const loaded = await loadedNow(db);
  const oldCal = calendars(loaded);
  const today = tryParseDate(beijingDay(new Date())) as number;
  const ordinary = (day: number, reason: 'weekend' | 'workday') => {
    const info = oldCal(profileId).dayInfo(formatDay(day));
    return info.reason === reason && !info.provisional;
  };
  let sat = today + 2;
  while (weekday(sat) !== 6 || !ordinary(sat, 'weekend')) sat++;
  const year = new Date(sat * MS_PER_DAY).getUTCFullYear();
  if (formatDay(sat) > firstDeadline) throw new Error(`no ordinary Saturday before ${firstDeadline}`);
  let rest = (tryParseDate(lastDeadline) as number) + 7;
  while (weekday(rest) === 0 || weekday(rest) === 6 || !ordinary(rest, 'workday')) rest++;
  if (formatDay(rest).slice(0, 4) !== String(year)) {
    throw new Error(
      `演练需要 ${year} 年内的两个普通日期: 请在年底前三周以前运行 (rest day ${formatDay(rest)})`,
    );
  }
  const previous =
    loaded.find((a) => a.year === year) ?? loadOfficialArrangements().find((a) => a.year === year);
  if (!previous) throw new Error(`${year} 年没有现行的节假日安排 (未加载、也无内置数据): 无法在其上演练`);
  const number = (previous.amendments?.length ?? 0) + 1;
  const next: YearArrangement = {
    ...previous,
    amendments: [
      ...(previous.amendments ?? []),
      {
        source: {
          title: `（故障演练用，非官方）${year}年调休演练 ${run}`,
          number: `演练〔${year}〕${number}号`,
          date: formatDay(Math.max(today, tryParseDate(previous.source.date) ?? today)),
        },
        note: `drill ${run}: loaded by npm run -s drill -- calendar-outbox, then the previous version is loaded again`,
        holidays: [{ name: `演练调休 ${run}`, restDays: [formatDay(rest)], workDays: [formatDay(sat)] }],
      },
    ],
  };
  const newCal = calendars(loaded.filter((a) => a.year !== year).concat([next]));
  return {
    year,
    previous,
    next,
    makeUpSaturday: formatDay(sat),
    restWeekday: formatDay(rest),
    oldDeadline: (p, at, n) => oldCal(p).deadline(at.toISOString(), n).deadline,
    newDeadline: (p, at, n) => newCal(p).deadline(at.toISOString(), n).deadline,
    shift(p, oldDeadline, newDeadline) {
      if (oldDeadline === newDeadline) return 0;
      const [a, b] = [oldDeadline, newDeadline].sort();
      const between = newCal(p).workingDaysBetween(a, b).workingDays;
      return newDeadline < oldDeadline ? -between : between;
    },
  };
}
