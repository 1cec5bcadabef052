/**
 * Response builders shared by the HTTP API and the CLI, so both validate and answer identically.
 */
import type { ExplanationEntry, WorkingDayCalendar } from './engine';
import { CalendarInputError } from './errors';
import { getProfile } from './profiles';
import { beijingInstant } from './dates';

/** Beyond a year of working days a request is a mistake, not a statutory period. */
export const MAX_WORKING_DAYS = 366;

export interface DeadlineRequest {
  from: unknown;
  workingDays: unknown;
  profile?: unknown;
  explain?: boolean;
}

export interface DeadlineResponse {
  deadline: string;
  dueAt: string;
  provisional: boolean;
  calendarVersion: string;
  explanation?: ExplanationEntry[];
}

/** Integer 1..366; numeric strings (query parameters, CLI flags) are accepted. */
export function parseWorkingDays(value: unknown, field = 'workingDays'): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS) {
    throw new CalendarInputError(
      'invalid_working_days',
      `工作日数必须是 1 到 ${MAX_WORKING_DAYS} 之间的整数，收到：${typeof value === 'string' ? `“${value}”` : String(value)}`,
      field,
    );
  }
  return n;
}

function checkProfile(calendar: WorkingDayCalendar, profile: unknown): void {
  if (profile === undefined) return;
  if (typeof profile !== 'string')
    throw new CalendarInputError('unknown_profile', '辖区配置 profile 必须是字符串', 'profile');
  const p = getProfile(profile);
  // Regional rest days differ per profile: answering with another profile's calendar would be wrong.
  if (calendar.profileId !== undefined && calendar.profileId !== p.id) {
    throw new CalendarInputError(
      'profile_calendar_mismatch',
      `日历按配置 ${calendar.profileId} 构建，与请求的 ${p.id} 不符`,
      'profile',
    );
  }
}

export function deadlineResponse(calendar: WorkingDayCalendar, req: DeadlineRequest): DeadlineResponse {
  checkProfile(calendar, req.profile);
  const n = parseWorkingDays(req.workingDays);
  if (typeof req.from !== 'string') {
    throw new CalendarInputError(
      'invalid_date',
      'from 缺失或不是字符串，应为 YYYY-MM-DD 日期或带时区的 ISO 时间',
      'from',
    );
  }
  const r = calendar.deadline(req.from, n);
  return {
    deadline: r.deadline,
    dueAt: beijingInstant(r.dueAt),
    provisional: r.provisional,
    calendarVersion: r.calendarVersion,
    ...(req.explain ? { explanation: calendar.explain(req.from, n) } : {}),
  };
}

export interface BetweenResponse {
  from: string;
  to: string;
  workingDays: number;
  provisional: boolean;
  calendarVersion: string;
}

export function betweenResponse(
  calendar: WorkingDayCalendar,
  req: { from: unknown; to: unknown },
): BetweenResponse {
  for (const f of ['from', 'to'] as const) {
    if (typeof req[f] !== 'string') throw new CalendarInputError('invalid_date', `${f} 缺失或不是字符串`, f);
  }
  const from = req.from as string;
  const to = req.to as string;
  const r = calendar.workingDaysBetween(from, to);
  return {
    from: calendar.dayInfo(from).date,
    to: calendar.dayInfo(to).date,
    workingDays: r.workingDays,
    provisional: r.provisional,
    calendarVersion: calendar.calendarVersion,
  };
}

export function dayResponse(calendar: WorkingDayCalendar, req: { date: unknown }) {
  if (typeof req.date !== 'string')
    throw new CalendarInputError('invalid_date', 'date 缺失或不是字符串', 'date');
  return { ...calendar.dayInfo(req.date), calendarVersion: calendar.calendarVersion };
}
