import type { ReminderPolicy } from '../calendar/profiles';
import type { Schedule } from '../workflows/types';

export interface DeadlineCalculator {
  deadline(
    from: string,
    workingDays: number,
  ): { deadline: string; dueAt: string; provisional: boolean; calendarVersion: string };
  /** working days after `from`'s day up to and including `to`'s day (Asia/Shanghai) */
  workingDaysBetween(from: string, to: string): { workingDays: number; provisional: boolean };
}

/**
 * Deadline plus reminder instants. A reminder "at working day k" fires at the end of working day k; one that
 * would coincide with another or with the deadline is dropped.
 */
export function buildSchedule(
  calendar: DeadlineCalculator,
  receivedAt: string,
  workingDays: number,
  policy: ReminderPolicy,
): Schedule {
  const due = calendar.deadline(receivedAt, workingDays);
  const marks: { key: string; day: number }[] = [];
  if (policy.atHalfPeriod) marks.push({ key: 'half', day: Math.floor(workingDays / 2) });
  if (policy.oneWorkingDayBefore) marks.push({ key: 'day-before', day: workingDays - 1 });
  const seen = new Set<number>();
  const reminders = marks
    .filter(({ day }) => day >= 1 && day < workingDays && !seen.has(day) && (seen.add(day), true))
    .map(({ key, day }) => ({ key, at: calendar.deadline(receivedAt, day).dueAt }));
  return { ...due, reminders };
}
