/**
 * The reporting periods of 第三十二条, pure (the reporting round's workflow and the schedule computation use
 * them): a half year (`2026H1`: 1 January – 30 June, `2026H2`: 1 July – 31 December) or a year (`2026`).
 * Periods are Beijing calendar days; as instants a period runs from 00:00 +08:00 of its first day up to, not
 * including, 00:00 +08:00 of the day after its last.
 */
import { YEARLY_REPORT_DUE_DAY_OF_JANUARY, type ReportKind } from './p7-report';

export interface ReportPeriod {
  kind: ReportKind;
  /** `2026H1`, `2026H2` or `2026` */
  period: string;
  /** first and last Beijing day, YYYY-MM-DD */
  firstDay: string;
  lastDay: string;
  /** ISO instants (+08:00): the first day's 00:00 and the exclusive end (the day after the last, 00:00) */
  periodStart: string;
  periodEnd: string;
}

const PERIOD_RE = /^(\d{4})(H[12])?$/;
const pad = (n: number) => String(n).padStart(2, '0');
const startOf = (day: string) => `${day}T00:00:00+08:00`;

function build(kind: ReportKind, year: number, half?: 1 | 2): ReportPeriod {
  const [from, to] = half === 2 ? ['07-01', '12-31'] : half === 1 ? ['01-01', '06-30'] : ['01-01', '12-31'];
  const nextStart = half === 1 ? `${year}-07-01` : `${year + 1}-01-01`;
  return {
    kind,
    period: half ? `${year}H${half}` : String(year),
    firstDay: `${year}-${from}`,
    lastDay: `${year}-${to}`,
    periodStart: startOf(`${year}-${from}`),
    periodEnd: startOf(nextStart),
  };
}

/** A period by its name, or undefined for anything that names none (years 2000–2099). */
export function parsePeriod(name: string): ReportPeriod | undefined {
  const m = PERIOD_RE.exec(name);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 2000 || year > 2099) return undefined;
  if (!m[2]) return build('year', year);
  return build('half_year', year, m[2] === 'H1' ? 1 : 2);
}

/** Beijing year and month (1–12) of an instant. */
function beijingYearMonth(at: Date): { year: number; month: number } {
  const b = new Date(at.getTime() + 8 * 3_600_000);
  return { year: b.getUTCFullYear(), month: b.getUTCMonth() + 1 };
}

/**
 * The last period of `kind` that ended at or before `at` (a schedule's fire time): at 00:00 on 1 July 2026 the
 * half year 2026H1, at 00:00 on 1 January 2027 the half year 2026H2 and the year 2026.
 */
export function periodEndedBefore(kind: ReportKind, at: Date): ReportPeriod {
  const { year, month } = beijingYearMonth(at);
  if (kind === 'year') return build('year', year - 1);
  return month >= 7 ? build('half_year', year, 1) : build('half_year', year - 1, 2);
}

/**
 * The receipt instant of a period's report case: the last moment of the period's last day, so that the day of
 * receipt (not counted) is that day and working day 1 is the first working day after the period.
 */
export function reportReceivedAt(p: ReportPeriod): string {
  return `${p.lastDay}T23:59:59.999+08:00`;
}

/** The yearly report's fixed due date (第三十二条: 次年1月底前): 31 January of the following year. */
export function yearlyReportDueDate(p: ReportPeriod): string {
  const year = Number(p.period.slice(0, 4)) + 1;
  return `${year}-01-${pad(YEARLY_REPORT_DUE_DAY_OF_JANUARY)}`;
}

/** `2026H1` → `2026年上半年`, `2026` → `2026年度`. */
export function periodLabel(period: string): string {
  const p = parsePeriod(period);
  if (!p) return period;
  const year = period.slice(0, 4);
  if (p.kind === 'year') return `${year}年度`;
  return `${year}年${period.endsWith('H1') ? '上' : '下'}半年`;
}
