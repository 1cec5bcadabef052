/**
 * The calendar built from the official arrangements shipped in calendar/data/official. Later,
 * years loaded by an administrator (DB) are passed as `extraArrangements` and replace bundled
 * years with the same number.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateArrangement, type YearArrangement } from './arrangement';
import { WorkingDayCalendar } from './engine';
import { CalendarInputError } from './errors';
import { DEFAULT_PROFILE_ID, getProfile } from './profiles';

export const OFFICIAL_DATA_DIR = path.join(__dirname, 'data', 'official');

let bundledCache: YearArrangement[] | undefined;

/** Reads and validates every data/official/<year>.json; a bad file fails loudly. */
export function loadOfficialArrangements(dir: string = OFFICIAL_DATA_DIR): YearArrangement[] {
  if (dir === OFFICIAL_DATA_DIR && bundledCache) return bundledCache;
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort();
  const result = files.map((f) => {
    const year = Number(f.slice(0, 4));
    const res = validateArrangement(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), year);
    if (!res.ok) {
      const list = res.errors.map((e) => `${e.path} [${e.code}] ${e.message}`).join('；');
      throw new CalendarInputError('invalid_arrangement', `${f} 无效：${list}`, f);
    }
    return res.value;
  });
  if (dir === OFFICIAL_DATA_DIR) bundledCache = result;
  return result;
}

export interface LoadOptions {
  profileId?: string;
  /** e.g. years loaded from the DB; they replace bundled years with the same number. */
  extraArrangements?: YearArrangement[];
}

const calendarCache = new Map<string, WorkingDayCalendar>();

export function loadBundledCalendar(options: LoadOptions = {}): WorkingDayCalendar {
  const profile = getProfile(options.profileId ?? DEFAULT_PROFILE_ID);
  const cacheable = !options.extraArrangements || options.extraArrangements.length === 0;
  const cached = cacheable ? calendarCache.get(profile.id) : undefined;
  if (cached) return cached;
  const byYear = new Map<number, YearArrangement>();
  for (const a of loadOfficialArrangements()) byYear.set(a.year, a);
  for (const a of options.extraArrangements ?? []) byYear.set(a.year, a);
  const calendar = new WorkingDayCalendar({
    arrangements: [...byYear.values()],
    regionalRestDays: [...profile.regionalRestDays],
    profileId: profile.id,
  });
  if (cacheable) calendarCache.set(profile.id, calendar);
  return calendar;
}
