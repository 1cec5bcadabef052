/**
 * Reading the calendar as it is in force now: the DB-aware calendar (bundled official years plus the loaded
 * versions), a year described day by day, and one stored version. Loading and withdrawing are in store.ts.
 */
import type { YearArrangement } from '../../calendar/arrangement';
import { beijingInstant, dayNumber, formatDay } from '../../calendar/dates';
import type { DayInfo, WorkingDayCalendar } from '../../calendar/engine';
import { DEFAULT_PROFILE_ID } from '../../calendar/profiles';
import { DomainError } from '../errors';
import { createCalendarProvider } from './provider';
import { checkYear, type CalendarSource, type CalendarStoreDeps } from './store';

const providers = new WeakMap<object, (profileId: string) => Promise<WorkingDayCalendar>>();

/** The DB-aware calendar: the app's provider when it has calendarFor, else bundled + current DB rows. */
export async function dbCalendar(deps: CalendarStoreDeps, profileId: string): Promise<WorkingDayCalendar> {
  const c = deps.calendars as CalendarSource | undefined;
  if (c && typeof c.calendarFor === 'function') return c.calendarFor(profileId);
  let fn = providers.get(deps.db);
  if (!fn) {
    fn = createCalendarProvider(deps.db).calendarFor;
    providers.set(deps.db, fn);
  }
  return fn(profileId);
}

function versionView(r: {
  version: number;
  sourceNumber: string;
  loadedAt: Date;
  loadedBy: string;
  supersededAt: Date | null;
}) {
  return {
    version: r.version,
    sourceNumber: r.sourceNumber,
    loadedAt: beijingInstant(r.loadedAt),
    loadedBy: r.loadedBy,
    supersededAt: r.supersededAt ? beijingInstant(r.supersededAt) : null,
    current: r.supersededAt === null,
  };
}

/** The year as in force now: non-ordinary days, official or provisional, source, versions. */
export async function describeCalendarYear(deps: CalendarStoreDeps, yearInput: unknown, profileId?: string) {
  const year = checkYear(yearInput);
  const calendar = await dbCalendar(deps, profileId ?? DEFAULT_PROFILE_ID);
  const rows = await deps.db.calendarYear.findMany({ where: { year }, orderBy: { version: 'asc' } });
  const current = rows.find((r) => r.supersededAt === null);
  const days: DayInfo[] = [];
  let workingDays = 0;
  let provisional = false;
  const last = dayNumber(year, 12, 31);
  for (let d = dayNumber(year, 1, 1); d <= last; d++) {
    const info = calendar.dayInfo(formatDay(d));
    if (info.working) workingDays++;
    if (info.provisional) provisional = true;
    if (info.reason !== 'workday' && info.reason !== 'weekend') days.push(info);
  }
  const bundledSource = calendar.sources.find((s) => s.year === year);
  const currentArrangement = current?.arrangement as unknown as YearArrangement | undefined;
  return {
    year,
    status: provisional ? 'provisional' : 'official',
    origin: current ? 'loaded' : provisional ? 'fallback' : 'bundled',
    source: currentArrangement
      ? currentArrangement.source
      : bundledSource
        ? { title: bundledSource.title, number: bundledSource.number, date: bundledSource.date }
        : null,
    currentVersion: current?.version ?? null,
    versions: rows.map(versionView),
    calendarVersion: calendar.calendarVersion,
    profileId: calendar.profileId ?? profileId ?? DEFAULT_PROFILE_ID,
    workingDays,
    days,
  };
}

export async function getCalendarYearVersion(
  deps: CalendarStoreDeps,
  yearInput: unknown,
  versionInput: unknown,
) {
  const year = checkYear(yearInput);
  const version =
    typeof versionInput === 'string' && /^\d{1,6}$/.test(versionInput) ? Number(versionInput) : NaN;
  if (!Number.isInteger(version) || version < 1)
    throw new DomainError('invalid', 'invalid_version', `版本号必须是正整数，收到：${String(versionInput)}`);
  const row = await deps.db.calendarYear.findUnique({ where: { year_version: { year, version } } });
  if (!row)
    throw new DomainError('not_found', 'calendar_version_not_found', `${year} 年日历没有版本 ${version}`);
  return { year, ...versionView(row), arrangement: row.arrangement };
}
