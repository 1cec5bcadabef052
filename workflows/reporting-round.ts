/**
 * 第三十二条 reporting round: what the reporting Schedules start (core/reports/schedules.ts). One activity opens
 * the period's report cases; each case then runs as an ordinary `statutoryCase` (reminders, overdue, mail).
 * The period is the one that ended before the fire time: the schedule's scheduled time when there is one
 * (a run that starts late, after an outage, still reports on the right period), else the workflow's start.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, RoundResult } from '../activities/types';
import type { ReportKind } from '../procedures/p7-report';

const acts = proxyActivities<Pick<Activities, 'openReportingRound'>>({
  startToCloseTimeout: '5 minutes',
  // starting cases is idempotent per period and department, so retrying until the database is back is safe
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export async function reportingRound(input: { kind: ReportKind }): Promise<RoundResult> {
  const info = workflowInfo();
  const firedAt = info.typedSearchAttributes.get(SCHEDULED_START) ?? info.startTime;
  return acts.openReportingRound({ kind: input.kind, firedAt: firedAt.toISOString() });
}
