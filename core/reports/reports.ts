/**
 * 第三十二条 reports as people and systems read them: the period's list (scoped by level, 第十条), one report
 * (the live draft figures before submission, the frozen versions after), and a correction — a new version
 * naming the one it replaces, by the reporting department only, only after submission. Submitting is the
 * case action `submit_report` (core/cases/act.ts); the workflow freezes version 1 (freeze.ts).
 */
import { PROCEDURES } from '../../procedures';
import { parsePeriod, periodLabel } from '../../procedures/report-periods';
import { AccessDenied, actingAs, type Actor } from '../actor';
import { loadVisibleCase, type CaseRow } from '../cases/queries';
import { DomainError } from '../errors';
import { caseScopeSql, caseScopeWhere, scopeOf } from '../supervision-scope';
import { periodOfCase, reportFigures } from './compute';
import type { FigureDeps } from './figure-rows';
import type { ReportFigures } from './figures';
import { writeVersion } from './freeze';

export interface ReportDeps extends FigureDeps {
  now?: () => Date;
}

/** A narrative longer than this is refused (about ten pages of text). */
export const MAX_NARRATIVE_LENGTH = 20_000;

const P7_ENUM = PROCEDURES.P7.dbEnum;

export interface ReportVersionView {
  id: string;
  version: number;
  replacesId: string | null;
  narrative: string;
  figures: ReportFigures;
  figuresHash: string;
  submittedAt: Date;
  submittedBy: string;
}

export interface ReportView {
  caseId: string;
  kind: 'half_year' | 'year';
  period: string;
  periodLabel: string;
  periodStart: string;
  periodEnd: string;
  department: { id: string; name: string };
  /** who receives it: the coordination office (its 组织推进组) */
  receiver: { id: string; name: string } | null;
  status: 'OPEN' | 'CLOSED';
  stage: string;
  deadline: string;
  dueAt: Date;
  overdue: boolean;
  submittedAt: Date | null;
  submittedLate: boolean;
  /** the live figures as of now; only while nothing is submitted */
  draft: ReportFigures | null;
  /** oldest first; the last is the one in force */
  versions: ReportVersionView[];
}

const notAReport = (id: string) => new DomainError('not_found', 'report_not_found', `报送案件 ${id} 不存在`);

async function loadReportCase(deps: ReportDeps, actor: Actor, caseId: string): Promise<CaseRow> {
  const row = await loadVisibleCase(deps, actor, caseId);
  if (row.procedure !== P7_ENUM) throw notAReport(caseId);
  return row;
}

async function viewOf(deps: ReportDeps, row: CaseRow): Promise<ReportView> {
  const period = periodOfCase(row.details);
  const [versions, depts] = await Promise.all([
    deps.db.reportVersion.findMany({ where: { caseId: row.id }, orderBy: { version: 'asc' } }),
    deps.db.department.findMany({
      where: { id: { in: [row.responsibleDepartmentId, row.requesterDepartmentId ?? ''] } },
      select: { id: true, name: true },
    }),
  ]);
  const named = (id: string | null) => {
    const d = depts.find((x) => x.id === id);
    return d ? { id: d.id, name: d.name } : null;
  };
  const now = deps.now?.() ?? new Date();
  return {
    caseId: row.id,
    kind: period.kind,
    period: period.period,
    periodLabel: periodLabel(period.period),
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    department: named(row.responsibleDepartmentId) ?? {
      id: row.responsibleDepartmentId,
      name: row.responsibleDepartmentId,
    },
    receiver: named(row.requesterDepartmentId),
    status: row.status,
    stage: row.stage,
    deadline: row.deadlineDate,
    dueAt: row.dueAt,
    overdue: row.overdue,
    submittedAt: row.answeredAt,
    submittedLate: row.answeredLate,
    draft: versions.length === 0 ? await reportFigures(deps, period, row.responsibleDepartmentId, now) : null,
    versions: versions.map((v) => ({
      id: v.id,
      version: v.version,
      replacesId: v.replacesId,
      narrative: v.narrative,
      figures: v.figures as unknown as ReportFigures,
      figuresHash: v.figuresHash,
      submittedAt: v.submittedAt,
      submittedBy: v.submittedBy,
    })),
  };
}

/** One report as the actor may see it (another 盟市's is answered 404, as if it did not exist). */
export async function getReport(deps: ReportDeps, actor: Actor, caseId: string): Promise<ReportView> {
  return viewOf(deps, await loadReportCase(deps, actor, caseId));
}

export interface ReportListItem {
  caseId: string;
  kind: 'half_year' | 'year';
  period: string;
  department: { id: string; name: string };
  status: 'OPEN' | 'CLOSED';
  deadline: string;
  dueAt: Date;
  overdue: boolean;
  submittedAt: Date | null;
  submittedLate: boolean;
  versions: number;
}

export interface ReportList {
  /** the period listed; null when the actor sees no report at all */
  period: string | null;
  periodLabel: string | null;
  /** every period the actor has reports in, newest first */
  periods: string[];
  items: ReportListItem[];
}

/**
 * The reports of one period in the actor's scope, by department (a period has one per reporting body, a few
 * dozen: no paging). Without `period`, the newest period the actor has reports in.
 */
export async function listReports(
  deps: ReportDeps,
  actor: Actor,
  q: { period?: string },
): Promise<ReportList> {
  if (q.period !== undefined && !parsePeriod(q.period)) {
    throw new DomainError(
      'invalid',
      'invalid_period',
      `报送期间 ${q.period} 无效, 应为 2026H1、2026H2 或 2026`,
    );
  }
  const scope = await scopeOf(deps.db, actor);
  const periods = (
    await deps.db.$queryRaw<{ period: string }[]>`
      SELECT DISTINCT c.details->>'period' AS period FROM "Case" c
      WHERE c.procedure = ${P7_ENUM}::"Procedure" AND c.details->>'period' IS NOT NULL AND ${caseScopeSql(scope)}`
  )
    .map((r) => r.period)
    // newest first; a year sorts after its two halves (2026 > 2026H2 > 2026H1 by period end)
    .sort(
      (a, b) =>
        (parsePeriod(b)?.periodEnd ?? '').localeCompare(parsePeriod(a)?.periodEnd ?? '') ||
        b.length - a.length,
    );
  const period = q.period ?? periods[0] ?? null;
  if (period === null) return { period: null, periodLabel: null, periods, items: [] };
  const rows = await deps.db.case.findMany({
    where: {
      AND: [caseScopeWhere(scope), { procedure: P7_ENUM, details: { path: ['period'], equals: period } }],
    },
    include: { _count: { select: { reportVersions: true } } },
    orderBy: [{ responsibleDepartmentId: 'asc' }, { id: 'asc' }],
  });
  const names = new Map(
    (
      await deps.db.department.findMany({
        where: { id: { in: rows.map((r) => r.responsibleDepartmentId) } },
        select: { id: true, name: true },
      })
    ).map((d) => [d.id, d.name]),
  );
  return {
    period,
    periodLabel: periodLabel(period),
    periods,
    items: rows.map((r) => ({
      caseId: r.id,
      kind: periodOfCase(r.details).kind,
      period,
      department: {
        id: r.responsibleDepartmentId,
        name: names.get(r.responsibleDepartmentId) ?? r.responsibleDepartmentId,
      },
      status: r.status,
      deadline: r.deadlineDate,
      dueAt: r.dueAt,
      overdue: r.overdue,
      submittedAt: r.answeredAt,
      submittedLate: r.answeredLate,
      versions: r._count.reportVersions,
    })),
  };
}

/** The narrative as stored: trimmed, not blank, not too long. */
export function checkNarrative(raw: unknown): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) {
    throw new DomainError(
      'unprocessable',
      'missing_reason',
      '须填写共享落实情况和使用效果的说明 (第三十二条)',
    );
  }
  if (text.length > MAX_NARRATIVE_LENGTH) {
    throw new DomainError('invalid', 'narrative_too_long', `说明不能超过 ${MAX_NARRATIVE_LENGTH} 字`);
  }
  return text;
}

/**
 * A correction: the figures recomputed now with a new narrative, as version n+1 replacing version n. Only the
 * reporting department (its system or its people), only once the report is submitted.
 */
export async function correctReport(
  deps: ReportDeps,
  actor: Actor,
  caseId: string,
  body: { narrative: string },
): Promise<ReportView> {
  const row = await loadReportCase(deps, actor, caseId);
  if (actor.role !== 'DEPARTMENT' || actor.departmentId !== row.responsibleDepartmentId) {
    throw new AccessDenied('只有报送部门才能更正本部门的报告', { caseId, action: 'correct_report' });
  }
  const narrative = checkNarrative(body.narrative);
  const now = deps.now?.() ?? new Date();
  const figures = await reportFigures(deps, periodOfCase(row.details), row.responsibleDepartmentId, now);
  await deps.db.$transaction(async (tx) => {
    // corrections of one report are serialised: each replaces the one in force when it is written
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${caseId}, 727278))`;
    const latest = await tx.reportVersion.findFirst({
      where: { caseId },
      orderBy: { version: 'desc' },
      select: { id: true, version: true },
    });
    if (!latest) {
      throw new DomainError('conflict', 'report_not_submitted', '报告尚未报送, 不能更正; 请先报送');
    }
    await writeVersion(tx, {
      caseId,
      departmentId: row.responsibleDepartmentId,
      narrative,
      figures,
      submittedAt: now,
      submittedBy: actingAs(actor),
      replaces: latest,
    });
  });
  return viewOf(deps, await deps.db.case.findUniqueOrThrow({ where: { id: caseId } }));
}
