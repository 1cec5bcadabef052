/**
 * Working days inside SQL. The calendar lives in the application (official arrangements, loaded years,
 * fallback, regional rest days), so the figures hand Postgres the calendar itself: for every day from the
 * engine's first day to today, per profile, the number of working days up to and including it (`cum`), as one
 * int[] per profile that a query reads by subscript.
 * Working days in (a, b] are then `cum(b) - cum(a)`, exactly the engine's workingDaysBetween, and medians,
 * means and "overdue by more than N working days" are plain aggregates over the read model.
 */
import { RANGE_FIRST } from '../../calendar/engine';
import { DEFAULT_SUPERVISION_GRACE_WORKING_DAYS, getProfile, listProfiles } from '../../calendar/profiles';
import { Prisma } from '../../prisma/client';
import type { CalendarProvider } from '../calendar/provider';
import { addDays, beijingDay, daysFrom } from './lights';

/**
 * "Due soon" (即将到期): not yet due, and due by the end of this many working days after today (the same
 * rule and default as the due-soon list, core/oversight/case-lists.ts).
 */
export const DUE_SOON_WORKING_DAYS = 3;

export interface ProfileFigureParams {
  id: string;
  /** 督办宽限期 of the profile, working days */
  graceWorkingDays: number;
  /** end of working day DUE_SOON_WORKING_DAYS after today (the instant a case must be due by to be "due soon") */
  dueSoonBy: Date;
  /** cum(today) */
  todayCum: number;
}

export interface WorkingDayTable {
  now: Date;
  /** the Beijing day of `now` */
  today: string;
  profiles: ProfileFigureParams[];
  /**
   * A common table expression for a `WITH`: `prof(id, due_soon_by, grace, today_cum, cums)`, one row per
   * profile; `cums[k]` is cum of day RANGE_FIRST + k - 1 (read it with `cumOf`).
   */
  ctes: Prisma.Sql;
}

interface Cumulative {
  /** cum of every day from RANGE_FIRST to tomorrow, comma-separated (one text parameter: Prisma binds a
   * large array parameter ten times slower than a string Postgres splits) */
  cums: string;
  todayCum: number;
  graceWorkingDays: number;
  dueSoonBy: Date;
}

// built tables by profile, calendar version and day: a few thousand numbers each, rebuilt when either changes
const cache = new Map<string, Cumulative>();

async function cumulativeFor(
  calendars: CalendarProvider,
  profileId: string,
  today: string,
): Promise<Cumulative> {
  const { calendar } = await calendars.forProfile(profileId);
  const due = calendar.deadline(today, DUE_SOON_WORKING_DAYS);
  const key = `${profileId}|${due.calendarVersion}|${today}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // to tomorrow: an answer recorded just after midnight on a clock a little ahead still finds its day
  const days = daysFrom(RANGE_FIRST, addDays(today, 1));
  const cums = days.map((d) => calendar.workingDaysBetween(RANGE_FIRST, d).workingDays);
  const built: Cumulative = {
    cums: cums.join(','),
    todayCum: cums[cums.length - 2],
    graceWorkingDays:
      getProfile(profileId).supervisionGraceWorkingDays ?? DEFAULT_SUPERVISION_GRACE_WORKING_DAYS,
    dueSoonBy: new Date(due.dueAt),
  };
  if (cache.size > 16) cache.clear();
  cache.set(key, built);
  return built;
}

/** The calendar tables of every profile, as of `now`. */
export async function workingDayTable(calendars: CalendarProvider, now: Date): Promise<WorkingDayTable> {
  const today = beijingDay(now);
  const ids = listProfiles().map((p) => p.id);
  const built = await Promise.all(ids.map((id) => cumulativeFor(calendars, id, today)));
  const profiles = built.map((b, i) => ({
    id: ids[i],
    graceWorkingDays: b.graceWorkingDays,
    dueSoonBy: b.dueSoonBy,
    todayCum: b.todayCum,
  }));
  const profOf = (p: ProfileFigureParams, i: number) =>
    Prisma.sql`(${p.id}::text, ${p.dueSoonBy.toISOString()}::timestamptz, ${p.graceWorkingDays}::int,
      ${p.todayCum}::int, string_to_array(${built[i].cums}, ',')::int[])`;
  const ctes = Prisma.sql`
    prof (id, due_soon_by, grace, today_cum, cums) AS (VALUES ${Prisma.join(profiles.map(profOf))})`;
  return { now, today, profiles, ctes };
}

/** cum(day) of profile row `p` for a date expression: an array subscript, no join (NULL outside the range). */
export const cumOf = (p: string, day: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`${Prisma.raw(p)}.cums[(${day} - ${RANGE_FIRST}::date) + 1]`;

/** The Beijing day of a timestamp column (stored as UTC without zone). */
export const beijingDateOf = (column: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`((${column} + interval '8 hours')::date)`;

/** An instant as a value comparable with the timestamp columns (UTC without zone). */
export const utcValue = (at: Date): Prisma.Sql =>
  Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
