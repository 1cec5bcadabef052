/**
 * Cross-check against npm `chinese-days` (an independent compilation of the same notices).
 * Compared per date, 2018–2026: working or not. Its data file is read directly because its date
 * API parses strings in the process time zone.
 */
import data from 'chinese-days/dist/chinese-days.json';
import { addDays, officialCalendar } from './helpers';

const cal = officialCalendar();
const cdHolidays = data.holidays as Record<string, string>;
const cdWorkdays = data.workdays as Record<string, string>;

function chineseDaysWorking(date: string): boolean {
  if (date in cdWorkdays) return true;
  if (date in cdHolidays) return false;
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}

/**
 * Dates where we knowingly differ, with who is right (see calendar/data/official/SOURCES.md).
 * Empty: for 2018–2026 every date agrees.
 */
const KNOWN_DISAGREEMENTS: Record<string, { ours: boolean; why: string }> = {};

test('working/non-working status agrees with chinese-days for every date 2018–2026', () => {
  const mismatches: string[] = [];
  for (let d = '2018-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
    const ours = cal.dayInfo(d).working;
    const known = KNOWN_DISAGREEMENTS[d];
    if (known) {
      expect(ours).toBe(known.ours);
      continue;
    }
    if (ours !== chineseDaysWorking(d)) mismatches.push(`${d}: ours=${ours} chinese-days=${!ours}`);
  }
  expect(mismatches).toEqual([]);
});

test('every chinese-days make-up day 2018–2026 is one of our make-up days, and vice versa', () => {
  const theirs = Object.keys(cdWorkdays)
    .filter((d) => d >= '2018' && d < '2027')
    .sort();
  const ours: string[] = [];
  for (let d = '2018-01-01'; d <= '2026-12-31'; d = addDays(d, 1))
    if (cal.dayInfo(d).reason === 'makeup_workday') ours.push(d);
  expect(ours).toEqual(theirs);
});

test('chinese-days has no 2027 arrangement (so 2027 stays provisional here)', () => {
  expect(Object.keys(cdHolidays).some((d) => d.startsWith('2027'))).toBe(false);
});
