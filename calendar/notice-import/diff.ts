/**
 * What loading an arrangement changes, day by day: each date whose status differs between the arrangement
 * in force and the new one (rest day of a named holiday, make-up working day, or ordinary).
 */
import { effectiveHolidays, type YearArrangement } from '../arrangement';

export interface DayChange {
  date: string;
  before: string | null;
  after: string | null;
}

function statusMap(a: YearArrangement | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (!a) return m;
  for (const b of effectiveHolidays(a)) {
    for (const d of b.restDays) m.set(d, `放假（${b.name}）`);
    for (const d of b.workDays) m.set(d, `调休上班（${b.name}）`);
  }
  return m;
}

export function diffArrangements(before: YearArrangement | undefined, after: YearArrangement): DayChange[] {
  const a = statusMap(before);
  const b = statusMap(after);
  const dates = [...new Set([...a.keys(), ...b.keys()])].sort();
  return dates
    .filter((d) => a.get(d) !== b.get(d))
    .map((d) => ({ date: d, before: a.get(d) ?? null, after: b.get(d) ?? null }));
}
