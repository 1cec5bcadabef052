/**
 * Dry run of a calendar change (e.g. loading next year's arrangement): which open cases' deadlines
 * would move, and by how much. Pure; the caller supplies the cases.
 */
import { tryParseDate } from './dates';
import type { WorkingDayCalendar } from './engine';
import { CalendarInputError } from './errors';

export interface OpenCase {
  caseId: string;
  /** Receipt date 'YYYY-MM-DD' or ISO instant with offset. */
  from: string;
  workingDays: number;
  /** Deadline currently in force, 'YYYY-MM-DD' (the date, not dueAt). */
  currentDeadline: string;
}

export interface MovedCase {
  caseId: string;
  oldDeadline: string;
  newDeadline: string;
  newDueAt: string;
  /** Calendar days; positive = later. */
  shiftDays: number;
  oldProvisional: boolean;
  newProvisional: boolean;
}

export interface DeadlineDiff {
  oldVersion: string;
  newVersion: string;
  checked: number;
  moved: MovedCase[];
  unchangedCount: number;
  /** Same deadline, but its provisional flag changes (e.g. the year became official). */
  provisionalChanged: {
    caseId: string;
    deadline: string;
    oldProvisional: boolean;
    newProvisional: boolean;
  }[];
  /** Stored deadline differs from what the old calendar computes: stale or hand-edited data. */
  storedMismatch: { caseId: string; stored: string; computedByOld: string }[];
  errors: { caseId: string; code: string; detail: string }[];
}

export function diffDeadlines(
  oldCal: WorkingDayCalendar,
  newCal: WorkingDayCalendar,
  cases: readonly OpenCase[],
): DeadlineDiff {
  const out: DeadlineDiff = {
    oldVersion: oldCal.calendarVersion,
    newVersion: newCal.calendarVersion,
    checked: cases.length,
    moved: [],
    unchangedCount: 0,
    provisionalChanged: [],
    storedMismatch: [],
    errors: [],
  };
  for (const c of cases) {
    try {
      const stored = tryParseDate(c.currentDeadline);
      if (stored === null) {
        throw new CalendarInputError(
          'invalid_date',
          `currentDeadline 不是有效日期：“${c.currentDeadline}”`,
          'currentDeadline',
        );
      }
      const before = oldCal.deadline(c.from, c.workingDays);
      const after = newCal.deadline(c.from, c.workingDays);
      if (before.deadline !== c.currentDeadline) {
        out.storedMismatch.push({
          caseId: c.caseId,
          stored: c.currentDeadline,
          computedByOld: before.deadline,
        });
      }
      if (after.deadline !== c.currentDeadline) {
        out.moved.push({
          caseId: c.caseId,
          oldDeadline: c.currentDeadline,
          newDeadline: after.deadline,
          newDueAt: after.dueAt,
          shiftDays: (tryParseDate(after.deadline) as number) - stored,
          oldProvisional: before.provisional,
          newProvisional: after.provisional,
        });
      } else {
        out.unchangedCount++;
        if (before.provisional !== after.provisional) {
          out.provisionalChanged.push({
            caseId: c.caseId,
            deadline: after.deadline,
            oldProvisional: before.provisional,
            newProvisional: after.provisional,
          });
        }
      }
    } catch (e) {
      if (!(e instanceof CalendarInputError)) throw e;
      out.errors.push({ caseId: c.caseId, code: e.code, detail: e.detail });
    }
  }
  return out;
}
