/**
 * 第三十二条 report figures, pure: what one reporting body's half-year (or year) amounts to, counted from rows
 * the queries (figure-rows.ts) load. Every figure is defined here once; the README repeats the definitions.
 *
 * The body's *area* is the department itself, and for a 盟行政公署/市人民政府 (LEAGUE_CITY) also the 旗县 below
 * it (第十条: it answers for its own level). "In the period" means receivedAt (issuedAt, decidedAt) in
 * [periodStart, periodEnd), Beijing days; "by now" means as of `asOf`, the moment the figures were computed.
 *
 * - requests: P1–P5 cases an area department is responsible for (owes the answer), received in the period.
 *   received; answered (an answer recorded by now); answeredOnTime / answeredLate (recorded after 24:00 of the
 *   deadline day); open (not closed by now); overdue (the deadline passed without an answer at some point,
 *   late answers included: the breach stays recorded); onTimeRate = answeredOnTime / answered (null when none
 *   answered), 4 decimals; medianWorkingDays = median of the working days from the day of receipt to the day
 *   of the answer (the day of receipt not counted), on the case profile's official calendar, over the answered.
 * - disputes: cases received in the period in which the area is a party: negotiation (P2, as requester or as
 *   provider), coordination (P3, as requester or as the provider whose refusal is coordinated), verification
 *   (P4 reported against its data: it is responsible). resolved: answered with a settlement by now (P2
 *   agreed; P3 decided; P4 corrected or confirmed correct); a failed negotiation is not resolved (it escalates).
 * - catalogUpdates: P5 cases the area is responsible for, received in the period: due, onTime, late, open.
 * - grants: grants in force at the period's end (created before it, neither revoked nor expired by it), with the
 *   area as provider (of the resource) or as consumer. Stops of a resource (第十八条) are not deducted.
 * - accessDecisions: decisions logged (第二十、二十四条, audit action `access_decision`) in the period:
 *   asked by an area department (allowed, refused), and onOwnResources (about a resource an area department
 *   provides, whoever asked).
 * - rectification: P6 written notices (第三十六条) addressed to an area department and issued in the period;
 *   rectified = accepted by now.
 */
import type { ProcedureCode } from '../../procedures';

export interface FigureCase {
  procedure: ProcedureCode;
  requesterDepartmentId: string | null;
  responsibleDepartmentId: string;
  /** P3: the provider whose refusal is coordinated (details.providerDepartmentId) */
  providerDepartmentId: string | null;
  status: 'OPEN' | 'CLOSED';
  outcome: string | null;
  answered: boolean;
  answeredLate: boolean;
  overdue: boolean;
  /** working days from receipt to answer on the case's calendar; null when not answered */
  workingDaysToAnswer: number | null;
}

export interface FigureGrant {
  consumerDepartmentId: string;
  providerDepartmentId: string;
}

export interface FigureDecision {
  departmentId: string | null;
  providerDepartmentId: string | null;
  allowed: boolean;
  n: number;
}

export interface FigureNotice {
  departmentId: string;
  rectified: boolean;
}

/** Rows of one period, already restricted to the period (and to rows touching the area). */
export interface FigureRows {
  cases: FigureCase[];
  /** grants in force at the period's end */
  grants: FigureGrant[];
  decisions: FigureDecision[];
  notices: FigureNotice[];
}

export interface Count {
  raised: number;
  resolved: number;
}

export interface DepartmentFigures {
  requests: {
    received: number;
    answered: number;
    answeredOnTime: number;
    answeredLate: number;
    open: number;
    overdue: number;
    onTimeRate: number | null;
    medianWorkingDays: number | null;
  };
  disputes: Count & { negotiation: Count; coordination: Count; verification: Count };
  catalogUpdates: { due: number; onTime: number; late: number; open: number };
  grants: { asProvider: number; asConsumer: number };
  accessDecisions: { asked: number; allowed: number; refused: number; onOwnResources: number };
  rectification: { received: number; rectified: number };
}

export interface ReportHeader {
  period: string;
  periodStart: string;
  periodEnd: string;
  /** ISO instant the figures were computed at */
  asOf: string;
}

export interface DepartmentReport extends ReportHeader, DepartmentFigures {
  type: 'department';
  departmentId: string;
  departmentName: string;
  /** the area counted: the department, and a 盟市's 旗县 */
  area: string[];
}

export interface RankedDepartment extends DepartmentFigures {
  departmentId: string;
  departmentName: string;
  /** 1 = best (第三十三条 joint assessment): on-time rate, then fewer overdue, late catalog updates, notices */
  rank: number;
}

/** The 组织推进组's yearly report: every reporting body's figures for the year, ranked. */
export interface YearSummary extends ReportHeader {
  type: 'year_summary';
  departments: RankedDepartment[];
  /** the figures of all the bodies' areas together (a dispute between two bodies counts once) */
  totals: DepartmentFigures;
}

export type ReportFigures = DepartmentReport | YearSummary;

const SETTLED: Partial<Record<ProcedureCode, readonly string[]>> = {
  P2: ['agreed'],
  P3: ['share', 'not_share'],
  P4: ['corrected', 'data_correct'],
};

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The figures of one area from the period's rows (rows outside the area are ignored). */
export function departmentFigures(area: ReadonlySet<string>, rows: FigureRows): DepartmentFigures {
  const inArea = (id: string | null) => id !== null && area.has(id);
  const requests = rows.cases.filter(
    (c) => ['P1', 'P2', 'P3', 'P4', 'P5'].includes(c.procedure) && inArea(c.responsibleDepartmentId),
  );
  const answered = requests.filter((c) => c.answered);
  const onTime = answered.filter((c) => !c.answeredLate).length;
  const dispute = (code: ProcedureCode, party: (c: FigureCase) => boolean): Count => {
    const raised = rows.cases.filter((c) => c.procedure === code && party(c));
    const settled = SETTLED[code] ?? [];
    return {
      raised: raised.length,
      resolved: raised.filter((c) => c.answered && settled.includes(c.outcome ?? '')).length,
    };
  };
  const negotiation = dispute(
    'P2',
    (c) => inArea(c.requesterDepartmentId) || inArea(c.responsibleDepartmentId),
  );
  const coordination = dispute(
    'P3',
    (c) => inArea(c.requesterDepartmentId) || inArea(c.providerDepartmentId),
  );
  const verification = dispute('P4', (c) => inArea(c.responsibleDepartmentId));
  const catalog = requests.filter((c) => c.procedure === 'P5');
  const asked = rows.decisions.filter((d) => inArea(d.departmentId));
  const sum = (ds: FigureDecision[]) => ds.reduce((n, d) => n + d.n, 0);
  const notices = rows.notices.filter((n) => inArea(n.departmentId));
  return {
    requests: {
      received: requests.length,
      answered: answered.length,
      answeredOnTime: onTime,
      answeredLate: answered.length - onTime,
      open: requests.filter((c) => c.status === 'OPEN').length,
      overdue: requests.filter((c) => c.overdue).length,
      onTimeRate: answered.length ? round4(onTime / answered.length) : null,
      medianWorkingDays: median(
        answered.flatMap((c) => (c.workingDaysToAnswer === null ? [] : [c.workingDaysToAnswer])),
      ),
    },
    disputes: {
      raised: negotiation.raised + coordination.raised + verification.raised,
      resolved: negotiation.resolved + coordination.resolved + verification.resolved,
      negotiation,
      coordination,
      verification,
    },
    catalogUpdates: {
      due: catalog.length,
      onTime: catalog.filter((c) => c.answered && !c.answeredLate).length,
      late: catalog.filter((c) => c.answered && c.answeredLate).length,
      open: catalog.filter((c) => c.status === 'OPEN').length,
    },
    grants: {
      asProvider: rows.grants.filter((g) => inArea(g.providerDepartmentId)).length,
      asConsumer: rows.grants.filter((g) => inArea(g.consumerDepartmentId)).length,
    },
    accessDecisions: {
      asked: sum(asked),
      allowed: sum(asked.filter((d) => d.allowed)),
      refused: sum(asked.filter((d) => !d.allowed)),
      onOwnResources: sum(rows.decisions.filter((d) => inArea(d.providerDepartmentId))),
    },
    rectification: { received: notices.length, rectified: notices.filter((n) => n.rectified).length },
  };
}

/** Ranking for 第三十三条: higher on-time rate (none answered counts as on time), fewer breaches. */
function compareForRank(
  a: DepartmentFigures & { departmentId: string },
  b: DepartmentFigures & { departmentId: string },
): number {
  const rate = (f: DepartmentFigures) => f.requests.onTimeRate ?? 1;
  return (
    rate(b) - rate(a) ||
    a.requests.overdue - b.requests.overdue ||
    a.catalogUpdates.late - b.catalogUpdates.late ||
    a.rectification.received -
      a.rectification.rectified -
      (b.rectification.received - b.rectification.rectified) ||
    a.departmentId.localeCompare(b.departmentId)
  );
}

/** Ranks the bodies (equal figures share a rank); `totals` are the figures of all their areas together. */
export function yearSummary(
  header: ReportHeader,
  bodies: (DepartmentFigures & { departmentId: string; departmentName: string })[],
  totals: DepartmentFigures,
): YearSummary {
  const sorted = [...bodies].sort(compareForRank);
  const key = (f: DepartmentFigures) =>
    JSON.stringify([f.requests.onTimeRate ?? 1, f.requests.overdue, f.catalogUpdates.late, f.rectification]);
  const departments: RankedDepartment[] = [];
  sorted.forEach((d, i) => {
    const prev = departments[i - 1];
    const rank = prev && key(prev) === key(d) ? prev.rank : i + 1;
    departments.push({ ...d, rank });
  });
  return { type: 'year_summary', ...header, departments, totals };
}
