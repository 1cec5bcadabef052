/**
 * The rules behind the supervisors' figures, without I/O: the traffic light (亮灯) of a department, the
 * ranking of the statistics page, rates, and Beijing days and months. The SQL in figure-queries.ts counts;
 * these functions decide what the counts mean.
 */
import { beijingDay, SHANGHAI_OFFSET_MS } from '../../calendar/dates';

export type Light = 'green' | 'yellow' | 'red';

/** What a department's light is decided from: counts over its open cases (and, from P6 on, its notices). */
export interface LightInput {
  /** open cases past their deadline */
  overdue: number;
  /** of those, overdue by more than the supervision grace period of their profile (working days) */
  overdueBeyondGrace: number;
  /** rectification notices (P6, 第三十六条) past their own deadline while the department still owes its report */
  overdueRectifications: number;
}

/**
 * 亮灯: green when nothing is overdue; yellow when something is; red when a case is overdue by more than
 * the grace period, or a rectification notice is overdue.
 */
export function trafficLight(x: LightInput): Light {
  if (x.overdueBeyondGrace > 0 || x.overdueRectifications > 0) return 'red';
  if (x.overdue > 0) return 'yellow';
  return 'green';
}

export const LIGHT_LABEL: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' };

const LIGHT_RANK: Record<Light, number> = { red: 0, yellow: 1, green: 2 };

/** Red before yellow before green; within a colour the longest overdue first, then more overdue, then id. */
export function byLight<
  T extends { id: string; light: Light; overdue: number; maxOverdueWorkingDays: number | null },
>(a: T, b: T): number {
  return (
    LIGHT_RANK[a.light] - LIGHT_RANK[b.light] ||
    (b.maxOverdueWorkingDays ?? -1) - (a.maxOverdueWorkingDays ?? -1) ||
    b.overdue - a.overdue ||
    a.id.localeCompare(b.id)
  );
}

/** Answered on time / answered; null when nothing was answered (no rate, rather than 0% or 100%). */
export function onTimeRate(answered: number, onTime: number): number | null {
  return answered > 0 ? onTime / answered : null;
}

/**
 * The statistics ranking: the highest on-time rate first (departments that answered nothing last), then
 * fewer overdue cases, then id.
 */
export function byRank<T extends { id: string; onTimeRate: number | null; overdue: number }>(
  a: T,
  b: T,
): number {
  const ra = a.onTimeRate ?? -1;
  const rb = b.onTimeRate ?? -1;
  return rb - ra || a.overdue - b.overdue || a.id.localeCompare(b.id);
}

/**
 * Median and mean of values given as a histogram (value → how many), exactly as percentile_cont(0.5) and
 * avg would give them over the values themselves; null for none.
 */
export function histogramStats(histogram: ReadonlyMap<number, number>): {
  median: number | null;
  mean: number | null;
} {
  const entries = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const count = entries.reduce((s, [, n]) => s + n, 0);
  if (count === 0) return { median: null, mean: null };
  const sum = entries.reduce((s, [v, n]) => s + v * n, 0);
  // the values at 0-based positions floor((count-1)/2) and ceil((count-1)/2) of the sorted list
  const at = (pos: number): number => {
    let seen = 0;
    for (const [v, n] of entries) {
      seen += n;
      if (pos < seen) return v;
    }
    return entries[entries.length - 1][0];
  };
  const lo = at(Math.floor((count - 1) / 2));
  const hi = at(Math.ceil((count - 1) / 2));
  return { median: (lo + hi) / 2, mean: sum / count };
}

// the one Beijing day of an instant (calendar/dates.ts), re-exported beside the month rules built on it
export { beijingDay };

/** The first instant of a Beijing month (`YYYY-MM`), `offset` months later (or earlier, negative). */
export function beijingMonthStart(month: string, offset = 0): Date {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + offset, 1) - SHANGHAI_OFFSET_MS);
}

/** The Beijing month of an instant, `YYYY-MM`. */
export const beijingMonth = (at: Date): string => beijingDay(at).slice(0, 7);

/** The `count` Beijing months ending with the month of `at`, oldest first: `['2025-11', …, '2026-10']`. */
export function lastMonths(at: Date, count: number): string[] {
  const current = beijingMonth(at);
  return Array.from({ length: count }, (_, i) => beijingMonth(beijingMonthStart(current, i - count + 1)));
}

/** Every day from `first` to `last` inclusive, `YYYY-MM-DD`. */
export function daysFrom(first: string, last: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** The day `n` calendar days after `day`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
