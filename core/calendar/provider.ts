import { loadBundledCalendar } from '../../calendar/bundled';
import type { YearArrangement } from '../../calendar/arrangement';
import type { WorkingDayCalendar } from '../../calendar/engine';
import { answerWorkingDays, getProfile, type JurisdictionProfile } from '../../calendar/profiles';
import type { Db } from '../../prisma/client';
import type { DeadlineCalculator } from '../../calendar/schedule';
import type { ReminderPolicy } from '../../calendar/profiles';
import type { ProcedureCode } from '../../procedures';

/** What a jurisdiction profile supplies to the activities. */
export interface ProfileView {
  workingDays(procedure: ProcedureCode): number;
  reminders: ReminderPolicy;
}

export interface CalendarProvider {
  /** The calendar (official years + loaded years + fallback) and profile in force now. */
  forProfile(profileId: string): Promise<{ calendar: DeadlineCalculator; profile: ProfileView }>;
}

function view(profile: JurisdictionProfile): ProfileView {
  return { workingDays: (p) => answerWorkingDays(profile, p), reminders: profile.reminders };
}

/**
 * Calendars from the bundled official years overlaid with the current versions an administrator loaded
 * into Postgres. The loaded set is read on every call (a tiny query) so a newly loaded year is in force at
 * once in every process, without a restart; built calendars are cached per loaded set.
 */
export function createCalendarProvider(db: Db): CalendarProvider & {
  calendarFor(profileId: string): Promise<WorkingDayCalendar>;
} {
  let stamp = '';
  let cache = new Map<string, WorkingDayCalendar>();
  let arrangements: YearArrangement[] = [];
  async function calendarFor(profileId: string): Promise<WorkingDayCalendar> {
    // only the versions on every call: the arrangements (JSON of a year's days) are read when the set changed
    const versions = await db.calendarYear.findMany({
      where: { supersededAt: null },
      select: { year: true, version: true },
      orderBy: { year: 'asc' },
    });
    const current = versions.map((r) => `${r.year}v${r.version}`).join(',');
    if (current !== stamp) {
      const rows = versions.length
        ? await db.calendarYear.findMany({
            where: { OR: versions.map(({ year, version }) => ({ year, version })) },
            select: { arrangement: true },
            orderBy: { year: 'asc' },
          })
        : [];
      arrangements = rows.map((r) => r.arrangement as unknown as YearArrangement);
      stamp = current;
      cache = new Map();
    }
    let calendar = cache.get(profileId);
    if (!calendar) {
      calendar = loadBundledCalendar({ profileId, extraArrangements: arrangements });
      cache.set(profileId, calendar);
    }
    return calendar;
  }
  return {
    calendarFor,
    async forProfile(profileId) {
      const profile = getProfile(profileId);
      return { calendar: await calendarFor(profile.id), profile: view(profile) };
    },
  };
}
