/**
 * The supervisors' figures (issue 12): the overview's counts and traffic lights (总览) and the statistics of
 * all departments side by side (统计). Every number is an aggregate in Postgres (figure-queries.ts) with
 * working days counted on the profile's calendar (working-day-table.ts); the rules are in lights.ts.
 * Department users see their own department only, a 盟市 supervisor its 盟市's departments and the 旗县 below
 * (core/supervision-scope.ts); statistics are for oversight and administrators.
 */
import { DEFAULT_PROFILE_ID } from '../../calendar/profiles';
import type { Db, DepartmentLevel } from '../../prisma/client';
import { codeOfDbEnum, PROCEDURE_CODES, type ProcedureCode } from '../../procedures';
import { AccessDenied, type Actor } from '../actor';
import type { CalendarProvider } from '../calendar/provider';
import { currentStaffWhere } from '../registry/staff';
import { scopeIds, scopeOf } from '../supervision-scope';
import {
  answerFiguresByDepartment,
  lateAnswersByDepartment,
  NO_ANSWER_FIGURES,
  NO_OPEN_FIGURES,
  openFiguresByDepartment,
  overdueRectificationsByDepartment,
  volumeByProcedure,
  type AnswerFigures,
  type DepartmentIds,
  type OpenFigures,
} from './figure-queries';
import {
  beijingDay,
  beijingMonth,
  beijingMonthStart,
  byLight,
  byRank,
  onTimeRate,
  trafficLight,
  type Light,
} from './lights';
import { DUE_SOON_WORKING_DAYS, workingDayTable, type WorkingDayTable } from './working-day-table';

export interface FigureDeps {
  db: Db;
  calendars: CalendarProvider;
  now?: () => Date;
}

export interface DepartmentRef {
  id: string;
  name: string;
  level: DepartmentLevel;
}

export interface DepartmentLight extends DepartmentRef, OpenFigures {
  light: Light;
  answeredLateThisMonth: number;
  /** P6 notices past their deadline (0 until P6 exists) */
  overdueRectifications: number;
  staffInPost: number;
}

export interface OverviewFigures {
  today: string;
  /** Beijing month of "answered late this month", `YYYY-MM` */
  month: string;
  dueSoonWorkingDays: number;
  /** the default profile's supervision grace period (working days) */
  graceWorkingDays: number;
  /** 'own': a department user's own department only; 'supervised': a 盟市 supervisor's departments (第十条) */
  scope: 'all' | 'own' | 'supervised';
  totals: {
    open: number;
    dueSoon: number;
    overdue: number;
    answeredLateThisMonth: number;
    provisional: number;
  };
  /** red → yellow → green */
  departments: DepartmentLight[];
}

const nowOf = (deps: FigureDeps): Date => deps.now?.() ?? new Date();

export function graceOf(table: WorkingDayTable): number {
  return (table.profiles.find((p) => p.id === DEFAULT_PROFILE_ID) ?? table.profiles[0]).graceWorkingDays;
}

async function departmentsIn(db: Db, scope: DepartmentIds): Promise<DepartmentRef[]> {
  return db.department.findMany({
    where: scope === null ? {} : { id: { in: [...scope] } },
    select: { id: true, name: true, level: true },
    orderBy: { id: 'asc' },
  });
}

async function staffInPostByDepartment(
  db: Db,
  now: Date,
  scope: DepartmentIds,
): Promise<Map<string, number>> {
  const rows = await db.staff.groupBy({
    by: ['departmentId'],
    where: { ...currentStaffWhere(now), ...(scope === null ? {} : { departmentId: { in: [...scope] } }) },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.departmentId, r._count._all]));
}

/** 总览: open, due soon, overdue, answered late this month, provisional; each department's light. */
export async function overviewFigures(deps: FigureDeps, actor: Actor): Promise<OverviewFigures> {
  const now = nowOf(deps);
  const today = beijingDay(now);
  const month = beijingMonth(now);
  const table = await workingDayTable(deps.calendars, now);
  const s = scopeIds(await scopeOf(deps.db, actor));
  const base: OverviewFigures = {
    today,
    month,
    dueSoonWorkingDays: DUE_SOON_WORKING_DAYS,
    graceWorkingDays: graceOf(table),
    scope: s === null ? 'all' : actor.role === 'DEPARTMENT' ? 'own' : 'supervised',
    totals: { open: 0, dueSoon: 0, overdue: 0, answeredLateThisMonth: 0, provisional: 0 },
    departments: [],
  };
  if (s?.length === 0) return base;
  const [departments, open, late, rectifications, staff] = await Promise.all([
    departmentsIn(deps.db, s),
    openFiguresByDepartment(deps.db, table, s),
    lateAnswersByDepartment(deps.db, beijingMonthStart(month), beijingMonthStart(month, 1), s),
    overdueRectificationsByDepartment(deps.db, s),
    staffInPostByDepartment(deps.db, now, s),
  ]);
  const lights = departments.map((d): DepartmentLight => {
    const o = open.get(d.id) ?? NO_OPEN_FIGURES;
    const overdueRectifications = rectifications.get(d.id) ?? 0;
    return {
      ...d,
      ...o,
      light: trafficLight({ ...o, overdueRectifications }),
      answeredLateThisMonth: late.get(d.id) ?? 0,
      overdueRectifications,
      staffInPost: staff.get(d.id) ?? 0,
    };
  });
  for (const d of lights) {
    base.totals.open += d.open;
    base.totals.dueSoon += d.dueSoon;
    base.totals.overdue += d.overdue;
    base.totals.answeredLateThisMonth += d.answeredLateThisMonth;
    base.totals.provisional += d.provisional;
  }
  base.departments = lights.sort(byLight);
  return base;
}

export interface DepartmentStats extends DepartmentLight, AnswerFigures {
  onTimeRate: number | null;
  /** cases by procedure */
  volume: Record<ProcedureCode, number>;
}

export interface StatisticsFigures {
  today: string;
  graceWorkingDays: number;
  procedures: ProcedureCode[];
  /** ranked: on-time rate (highest first, none answered last), then fewer overdue */
  departments: DepartmentStats[];
}

const noVolume = (): Record<ProcedureCode, number> =>
  Object.fromEntries(PROCEDURE_CODES.map((c) => [c, 0])) as Record<ProcedureCode, number>;

/** 统计: every department's figures side by side, ranked. Oversight and administrators only. */
export async function statisticsFigures(deps: FigureDeps, actor: Actor): Promise<StatisticsFigures> {
  if (actor.role === 'DEPARTMENT') {
    throw new AccessDenied('统计页面仅向督促检查和管理人员开放', { page: 'statistics' });
  }
  const now = nowOf(deps);
  const overview = await overviewFigures({ ...deps, now: () => now }, actor);
  const table = await workingDayTable(deps.calendars, now);
  // the departments the overview lists: all, or a 盟市 supervisor's
  const s = overview.scope === 'all' ? null : overview.departments.map((d) => d.id);
  const [answers, volumes] = await Promise.all([
    answerFiguresByDepartment(deps.db, table, s),
    volumeByProcedure(deps.db, s),
  ]);
  const volume = new Map<string, Record<ProcedureCode, number>>();
  for (const v of volumes) {
    const code = codeOfDbEnum(v.procedure);
    if (!code) continue; // P6/P7 are not statutory answer procedures here
    const row = volume.get(v.dept) ?? volume.set(v.dept, noVolume()).get(v.dept)!;
    row[code] += v.n;
  }
  const departments = overview.departments.map((d): DepartmentStats => {
    const a = answers.get(d.id) ?? NO_ANSWER_FIGURES;
    return {
      ...d,
      ...a,
      onTimeRate: onTimeRate(a.answered, a.onTime),
      volume: volume.get(d.id) ?? noVolume(),
    };
  });
  return {
    today: overview.today,
    graceWorkingDays: overview.graceWorkingDays,
    procedures: [...PROCEDURE_CODES],
    departments: departments.sort(byRank),
  };
}
