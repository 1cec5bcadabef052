/**
 * The reporting rounds' Temporal Schedules (第三十二条), one per period kind, created at worker start. Creating
 * is idempotent: a schedule that exists is brought to the current spec and task queue instead.
 * - half_year: 00:00 Asia/Shanghai on 1 January and 1 July (the half year just ended);
 * - year: 00:00 Asia/Shanghai on 1 January (the year just ended; due by 31 January).
 */
import type { Client, ScheduleOptions } from '@temporalio/client';
import type { ReportKind } from '../../procedures/p7-report';
import { isSdkError } from '../cases/sdk-errors';

export const REPORTING_SCHEDULE_PREFIX = 'gxcase-reporting';

export const reportingScheduleId = (kind: ReportKind, prefix = REPORTING_SCHEDULE_PREFIX): string =>
  `${prefix}-${kind}`;

function optionsOf(kind: ReportKind, taskQueue: string, prefix: string): ScheduleOptions {
  const scheduleId = reportingScheduleId(kind, prefix);
  return {
    scheduleId,
    spec: {
      calendars: [
        {
          month: kind === 'half_year' ? ['JANUARY', 'JULY'] : 'JANUARY',
          dayOfMonth: 1,
          hour: 0,
          minute: 0,
          comment: kind === 'half_year' ? '半年报送 (第三十二条)' : '年度报告 (第三十二条)',
        },
      ],
      timezone: 'Asia/Shanghai',
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'reportingRound',
      args: [{ kind }],
      taskQueue,
      // Temporal appends the fire time to this id, one run per firing
      workflowId: `${scheduleId}-round`,
    },
    // a server or worker down over New Year still opens the round once it is back (the round is idempotent)
    policies: { catchupWindow: '30 days' },
  };
}

export async function ensureReportingSchedules(
  client: Pick<Client, 'schedule'>,
  opts: { taskQueue: string; prefix?: string },
): Promise<string[]> {
  const prefix = opts.prefix ?? REPORTING_SCHEDULE_PREFIX;
  const ids: string[] = [];
  for (const kind of ['half_year', 'year'] as const) {
    const options = optionsOf(kind, opts.taskQueue, prefix);
    try {
      await client.schedule.create(options);
    } catch (e) {
      if (!isSdkError(e, 'ScheduleAlreadyRunning')) throw e;
      await client.schedule
        .getHandle(options.scheduleId)
        .update((prev) => ({ ...prev, spec: options.spec, action: options.action }));
    }
    ids.push(options.scheduleId);
  }
  return ids;
}
