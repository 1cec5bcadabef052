/**
 * Provisional calendar for years without a loaded official arrangement.
 *
 * Source: `date-holidays` (CN), keeping only full-day holidays of type `public` for all citizens.
 * Dropped: partial-day or group-specific observances (妇女节, 青年节 half days; 儿童节 for children;
 * 建军节 for soldiers) — they are not office closures (《全国年节及纪念日放假办法》第三条).
 *
 * Two statutory corrections, because date-holidays 3.37 predates the 2024 revision of that
 * regulation (国务院令第793号, in force 2025-01-01):
 * - date-holidays lists 春节 as 除夕, 初一, 初二 (the pre-2014 rule); from 2025 the law gives
 *   除夕 to 初三, so the day after its last 春节 day is added; 5月2日 is added to 劳动节;
 * - a statutory holiday falling on a weekend is replaced by the next weekday (补假, 第六条).
 * Make-up working days (调休) are unpredictable, so there are none. Every day is provisional.
 */
import Holidays from 'date-holidays';
import { dayNumber, formatDay, isWeekend, tryParseDate } from './dates';

export interface FallbackHoliday {
  date: string;
  name: string;
}

/** Names (substring match) of observances that are not a day off for everyone. */
const EXCLUDED = ['妇女节', '青年节', '儿童节', '建军节'];

const CN = new Holidays('CN');

/** Identifies the fallback source in calendarVersion hashes. */
export const FALLBACK_SOURCE = 'date-holidays@3.37.0:CN:public-fullday+statutory-2025';

// The lunar computations behind a year's holidays cost milliseconds each and showed up in the load drill's
// profiles of the API and the worker: a year's answer never changes, so it is computed once per process.
const byYear = new Map<number, readonly FallbackHoliday[]>();

export function fallbackHolidays(year: number): FallbackHoliday[] {
  let known = byYear.get(year);
  if (!known) {
    known = Object.freeze(computeFallbackHolidays(year).map((h) => Object.freeze(h)));
    byYear.set(year, known);
  }
  return [...known];
}

function computeFallbackHolidays(year: number): FallbackHoliday[] {
  const statutory = new Map<number, string>();
  for (const h of CN.getHolidays(year)) {
    if (h.type !== 'public') continue;
    if (EXCLUDED.some((x) => h.name.includes(x))) continue;
    // `date` is the local (Asia/Shanghai) start, e.g. '2026-03-08 12:00:00' for a half day.
    if (!h.date.endsWith(' 00:00:00')) continue;
    const day = tryParseDate(h.date.slice(0, 10));
    if (day === null) continue;
    statutory.set(day, h.name.split(' ')[0]);
  }
  if (year >= 2025) {
    const spring = [...statutory.entries()].filter(([, n]) => n === '春节').map(([d]) => d);
    if (spring.length > 0) statutory.set(Math.max(...spring) + 1, '春节');
    statutory.set(dayNumber(year, 5, 2), '劳动节');
  }
  const result = new Map<number, string>(statutory);
  // 补假: each weekend holiday moves to the next weekday not already off.
  for (const [day, name] of [...statutory.entries()].sort((x, y) => x[0] - y[0])) {
    if (!isWeekend(day)) continue;
    let d = day + 1;
    while (isWeekend(d) || result.has(d)) d++;
    result.set(d, `${name}（补假）`);
  }
  return [...result.entries()].sort((x, y) => x[0] - y[0]).map(([d, name]) => ({ date: formatDay(d), name }));
}
