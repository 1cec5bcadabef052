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
): Schedule {
  const due = calendar.deadline(receivedAt, workingDays);
  const half = policy.atHalfPeriod ? Math.floor(workingDays / 2) : undefined;
  const reminders = reminderWorkingDays(policy, workingDays).map((day) => ({
    key: day === half ? 'half' : 'day-before',
    at: calendar.deadline(receivedAt, day).dueAt,
  }));
  return { ...due, reminders };
}
