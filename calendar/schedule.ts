import { endOfDayInstant, tryParseDate } from './dates';
import { CalendarInputError } from './errors';
import { reminderWorkingDays, type ReminderPolicy } from './profiles';
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
 * Deadline plus reminder instants: the one reminder timing production runs (the workflow's timers). A reminder
 * "at working day k" fires at the end of working day k; which days is the profile's rule (reminderWorkingDays),
 * each keyed by its policy ('half', 'day-before') so a notification keeps its identity across recomputes.
 */
export function buildSchedule(
  calendar: DeadlineCalculator,
  receivedAt: string,
  workingDays: number,
  policy: ReminderPolicy,
  fixedDueDate?: string,
): Schedule {
  if (fixedDueDate !== undefined) return fixedSchedule(calendar, receivedAt, fixedDueDate, policy);
  const due = calendar.deadline(receivedAt, workingDays);
  const half = policy.atHalfPeriod ? Math.floor(workingDays / 2) : undefined;
  const reminders = reminderWorkingDays(policy, workingDays).map((day) => ({
    key: day === half ? 'half' : 'day-before',
    at: calendar.deadline(receivedAt, day).dueAt,
  }));
  return { ...due, reminders };
}

/** The working days from receipt to a fixed due date (the case row's `workingDays` for such a case). */
export function workingDaysToFixedDate(
  calendar: DeadlineCalculator,
  receivedAt: string,
  fixedDueDate: string,
): number {
  return calendar.workingDaysBetween(receivedAt, fixedDueDate).workingDays;
}

/**
 * A deadline the rule fixes as a date rather than a number of working days (第三十二条: the yearly report by the
 * end of January): due at 24:00 Beijing time of that day, whatever the calendar says; not provisional, since no
 * holiday arrangement can move it. Reminders follow the profile's policy over the working days up to it.
 */
function fixedSchedule(
  calendar: DeadlineCalculator,
  receivedAt: string,
  fixedDueDate: string,
  policy: ReminderPolicy,
): Schedule {
  const day = tryParseDate(fixedDueDate);
  if (day === null) {
    throw new CalendarInputError('invalid_date', `固定期限日期无效: ${fixedDueDate}`, 'fixedDueDate');
  }
  const dueAt = endOfDayInstant(day);
  const { calendarVersion } = calendar.deadline(receivedAt, 1);
  const n =
    Date.parse(dueAt) > Date.parse(receivedAt)
      ? workingDaysToFixedDate(calendar, receivedAt, fixedDueDate)
      : 0;
  const half = policy.atHalfPeriod ? Math.floor(n / 2) : undefined;
  const reminders = reminderWorkingDays(policy, n)
    .map((k) => ({ key: k === half ? 'half' : 'day-before', at: calendar.deadline(receivedAt, k).dueAt }))
    .filter((r) => Date.parse(r.at) < Date.parse(dueAt));
  return { deadline: fixedDueDate, dueAt, provisional: false, calendarVersion, reminders };
}
