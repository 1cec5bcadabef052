/**
 * A report case's figures as of now: a body's own figures for its half year, or, for the 组织推进组's yearly
 * report, every reporting body's figures for the year, ranked (第三十二、三十三条). The period is the case's
 * (Case.details, written when the round opened it).
 */
import { parsePeriod, type ReportPeriod } from '../../procedures/report-periods';
import { DomainError } from '../errors';
import { areaOf, loadFigureRows, reportingBodies, type FigureDeps, type ReportingBody } from './figure-rows';
import { departmentFigures, yearSummary, type DepartmentReport, type ReportFigures } from './figures';
import { beijingInstant } from '../../calendar/dates';

export interface ReportCaseDetails {
  kind: 'half_year' | 'year';
  period: string;
  periodStart: string;
  periodEnd: string;
}

/** The period a P7 case reports on, from its details; a case without one is not a report case. */
export function periodOfCase(details: unknown): ReportPeriod {
  const period = (details as Partial<ReportCaseDetails> | null)?.period;
  const p = typeof period === 'string' ? parsePeriod(period) : undefined;
  if (!p) throw new DomainError('conflict', 'not_a_report', '该案件没有报送期间, 不是共享情况报送案件');
  return p;
}

export async function bodyFigures(
  deps: FigureDeps,
  period: ReportPeriod,
  body: ReportingBody,
  asOf: Date,
): Promise<DepartmentReport> {
  const area = await areaOf(deps.db, body);
  const rows = await loadFigureRows(deps, period, area);
  return {
    type: 'department',
    period: period.period,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    asOf: beijingInstant(asOf),
    departmentId: body.id,
    departmentName: body.name,
    area,
    ...departmentFigures(new Set(area), rows),
  };
}

/**
 * The figures of the report `departmentId` owes for `period`: the yearly summary when the reporter is the
 * coordination office (its 组织推进组 reports on everyone), otherwise the department's own.
 */
export async function reportFigures(
  deps: FigureDeps,
  period: ReportPeriod,
  departmentId: string,
  asOf: Date,
): Promise<ReportFigures> {
  const dept = await deps.db.department.findUnique({
    where: { id: departmentId },
    select: { id: true, name: true, level: true, isCoordinationOffice: true },
  });
  if (!dept) throw new DomainError('not_found', 'department_not_found', `部门 ${departmentId} 不存在`);
  if (!(period.kind === 'year' && dept.isCoordinationOffice)) return bodyFigures(deps, period, dept, asOf);
  const bodies = await reportingBodies(deps.db);
  const areas = await Promise.all(bodies.map((b) => areaOf(deps.db, b)));
  const all = [...new Set(areas.flat())];
  const rows = await loadFigureRows(deps, period, all);
  const header = {
    period: period.period,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    asOf: beijingInstant(asOf),
  };
  return yearSummary(
    header,
    bodies.map((b, i) => ({
      departmentId: b.id,
      departmentName: b.name,
      ...departmentFigures(new Set(areas[i]), rows),
    })),
    departmentFigures(new Set(all), rows),
  );
}
