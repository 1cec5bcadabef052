/**
 * A reporting round (第三十二条): when a period ends, one P7 case per reporting body (half year) or one for
 * the coordination office's 组织推进组 (year), each started through startCase with a key that names period and
 * department, so a schedule that fires twice or an activity that is retried opens nothing twice.
 */
import {
  periodEndedBefore,
  reportReceivedAt,
  yearlyReportDueDate,
  type ReportPeriod,
} from '../../procedures/report-periods';
import type { RoundResult } from '../../activities/types';
import type { ReportKind } from '../../procedures/p7-report';
import { startCase, type CaseServiceDeps } from '../cases/start';
import { DomainError } from '../errors';
import { coordinationOffice, reportingBodies } from './figure-rows';

/** The client id the rounds start cases under (their idempotency keys are unique per client). */
export const ROUND_CLIENT_ID = 'schedule:P7';

export const roundKey = (period: string, departmentId: string): string => `P7:${period}:${departmentId}`;

export async function openReportingRound(
  deps: CaseServiceDeps,
  input: { kind: ReportKind; firedAt: string },
): Promise<RoundResult> {
  const period = periodEndedBefore(input.kind, new Date(input.firedAt));
  const office = await coordinationOffice(deps.db);
  if (!office) {
    throw new DomainError(
      'unavailable',
      'no_coordination_office',
      '未登记协调办公室 (组织推进组), 无法开启报送 (第三十二条)',
    );
  }
  const reporters = period.kind === 'year' ? [office] : await reportingBodies(deps.db);
  const cases: RoundResult['cases'] = [];
  // one after another: a round is a few dozen cases once every six months, and the case numbers stay in order
  for (const body of reporters) {
    const { caseId, created } = await startCase(deps, {
      procedure: 'P7',
      receivedAt: reportReceivedAt(period),
      requesterDepartmentId: office.id,
      responsibleDepartmentId: body.id,
      details: detailsOf(period),
      ...(period.kind === 'year' ? { fixedDueDate: yearlyReportDueDate(period) } : {}),
      clientId: ROUND_CLIENT_ID,
      idempotencyKey: roundKey(period.period, body.id),
      actor: ROUND_CLIENT_ID,
      audit: { actor: ROUND_CLIENT_ID, data: { procedure: 'P7', ...detailsOf(period) } },
    });
    cases.push({ departmentId: body.id, caseId, created });
  }
  return { kind: period.kind, period: period.period, cases };
}

function detailsOf(p: ReportPeriod) {
  return { kind: p.kind, period: p.period, periodStart: p.periodStart, periodEnd: p.periodEnd };
}
