/**
 * 部门: one department's figures for its page. Its cases (open/closed), on-time rate, median and mean working
 * days to answer, the overdue cases and the ten oldest open ones, its 专人 in post (第二十七条 gap flag), mail
 * to its staff that failed for good, and the last twelve months. A department user opens only its own page, a
 * 盟市 supervisor those of its scope (core/supervision-scope.ts); any other page is answered as if it did not
 * exist.
 */
import type { DeadlineCalculator } from '../../calendar/schedule';
import { codeOfDbEnum, type ProcedureCode } from '../../procedures';
import { AccessDenied, type Actor } from '../actor';
import { DomainError } from '../errors';
import { currentStaffWhere } from '../registry/staff';
import { departmentInScope, scopeOf } from '../supervision-scope';
import {
  answerFiguresByDepartment,
  monthlyFigures,
  NO_ANSWER_FIGURES,
  NO_OPEN_FIGURES,
  openFiguresByDepartment,
  overdueRectificationsByDepartment,
  type AnswerFigures,
  type MonthFigures,
  type OpenFigures,
} from './figure-queries';
import { graceOf, type DepartmentRef, type FigureDeps } from './figures';
import { beijingDay, beijingMonthStart, lastMonths, onTimeRate, trafficLight, type Light } from './lights';
import { FAILED_MAIL_COLUMNS, type FailedMail } from './mail-problems';
import { workingDayTable } from './working-day-table';

/** How many overdue cases the page lists (the overdue page has them all, with paging). */
export const OVERDUE_LISTED = 100;
export const OLDEST_LISTED = 10;
export const FAILED_MAIL_LISTED = 50;
export const CHART_MONTHS = 12;

export interface CaseLine {
  id: string;
  procedure: ProcedureCode | null;
  requesterDepartmentId: string | null;
  receivedAt: Date;
  deadlineDate: string;
  provisional: boolean;
  /** open and past its deadline (dueAt) */
  overdue: boolean;
  /** working days in (deadline, today] on the case's calendar, for overdue cases */
  workingDaysOverdue: number | null;
}

export interface StaffLine {
  name: string;
  title: string | null;
  email: string;
  phone: string | null;
  activeFrom: Date;
}

/** A failed mail as the department page lists it (its department is the page's own). */
export type FailedMailLine = Omit<FailedMail, 'responsibleDepartment'>;

export interface DepartmentFigures extends OpenFigures, AnswerFigures {
  department: DepartmentRef & { parentId: string | null };
  today: string;
  graceWorkingDays: number;
  light: Light;
  overdueRectifications: number;
  onTimeRate: number | null;
  overdueCases: CaseLine[];
  oldestOpen: CaseLine[];
  staff: StaffLine[];
  /** 第二十七条: nobody in post */
  noResponsibleStaff: boolean;
  failedMail: { count: number; items: FailedMailLine[] };
  /** the last CHART_MONTHS Beijing months, oldest first, months without cases included */
  monthly: MonthFigures[];
}

const CASE_LINE = {
  id: true,
  procedure: true,
  requesterDepartmentId: true,
  receivedAt: true,
  deadlineDate: true,
  provisional: true,
  dueAt: true,
  profileId: true,
} as const;

export async function departmentFigures(
  deps: FigureDeps,
  actor: Actor,
  departmentId: string,
): Promise<DepartmentFigures> {
  const notFound = new DomainError('not_found', 'department_not_found', `没有编码为 ${departmentId} 的部门`);
  if (!departmentInScope(await scopeOf(deps.db, actor), departmentId)) {
    const reason = actor.role === 'DEPARTMENT' ? '部门用户只能查看本部门' : '不在本级督促检查范围内的部门';
    throw new AccessDenied(reason, { departmentId }, notFound);
  }
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const today = beijingDay(now);
  const months = lastMonths(now, CHART_MONTHS);
  const [department, table, staffRows, inPost] = await Promise.all([
    db.department.findUnique({
      where: { id: departmentId },
      select: { id: true, name: true, level: true, parentId: true },
    }),
    workingDayTable(deps.calendars, now),
    db.staff.findMany({ where: { departmentId }, select: { email: true } }),
    db.staff.findMany({
      where: { departmentId, ...currentStaffWhere(now) },
      select: { name: true, title: true, email: true, phone: true, activeFrom: true },
      orderBy: [{ activeFrom: 'asc' }, { id: 'asc' }],
    }),
  ]);
  if (!department) throw notFound;
  // mail to anyone who is or was the department's 专人: a failure to a former one still went unread
  const failedWhere = {
    status: 'FAILED' as const,
    recipient: { in: [...new Set(staffRows.map((s) => s.email))] },
  };
  // a P6 report under review waits on the supervisor, not on the department
  const openWhere = {
    responsibleDepartmentId: departmentId,
    status: 'OPEN' as const,
    stage: { not: 'under_review' as const },
  };
  const [open, answers, rectifications, monthly, overdueRows, oldestRows, failedCount, failedItems] =
    await Promise.all([
      openFiguresByDepartment(db, table, [departmentId]),
      answerFiguresByDepartment(db, table, [departmentId]),
      overdueRectificationsByDepartment(db, [departmentId]),
      monthlyFigures(db, departmentId, beijingMonthStart(months[0])),
      db.case.findMany({
        where: { ...openWhere, dueAt: { lte: now } },
        select: CASE_LINE,
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        take: OVERDUE_LISTED,
      }),
      db.case.findMany({
        where: openWhere,
        select: CASE_LINE,
        orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
        take: OLDEST_LISTED,
      }),
      db.notification.count({ where: failedWhere }),
      db.notification.findMany({
        where: failedWhere,
        select: FAILED_MAIL_COLUMNS,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: FAILED_MAIL_LISTED,
      }),
    ]);
  const calendars = new Map<string, DeadlineCalculator>();
  const lineOf = async (r: (typeof overdueRows)[number]): Promise<CaseLine> => {
    const overdue = r.dueAt <= now;
    let workingDaysOverdue: number | null = null;
    if (overdue && r.deadlineDate && r.deadlineDate <= today) {
      const cal = calendars.get(r.profileId) ?? (await deps.calendars.forProfile(r.profileId)).calendar;
      calendars.set(r.profileId, cal);
      workingDaysOverdue = cal.workingDaysBetween(r.deadlineDate, today).workingDays;
    }
    return {
      id: r.id,
      procedure: codeOfDbEnum(r.procedure) ?? null,
      requesterDepartmentId: r.requesterDepartmentId,
      receivedAt: r.receivedAt,
      deadlineDate: r.deadlineDate,
      provisional: r.provisional,
      overdue,
      workingDaysOverdue,
    };
  };
  const o = open.get(departmentId) ?? NO_OPEN_FIGURES;
  const a = answers.get(departmentId) ?? NO_ANSWER_FIGURES;
  const overdueRectifications = rectifications.get(departmentId) ?? 0;
  const byMonth = new Map(monthly.map((m) => [m.month, m]));
  return {
    department,
    today,
    graceWorkingDays: graceOf(table),
    ...o,
    ...a,
    light: trafficLight({ ...o, overdueRectifications }),
    overdueRectifications,
    onTimeRate: onTimeRate(a.answered, a.onTime),
    overdueCases: await Promise.all(overdueRows.map(lineOf)),
    oldestOpen: await Promise.all(oldestRows.map(lineOf)),
    staff: inPost,
    noResponsibleStaff: inPost.length === 0,
    failedMail: { count: failedCount, items: failedItems },
    monthly: months.map((m) => byMonth.get(m) ?? { month: m, received: 0, answered: 0, onTime: 0 }),
  };
}
