import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import { allocateCaseId } from '../core/cases/case-ids';
import { createGrant, recordTransition } from './projection';
import { freezeReport } from '../core/reports/freeze';
import { openReportingRound } from '../core/reports/rounds';
import { DomainError } from '../core/errors';
import { clearStall, noteStall, STALL_AFTER_ATTEMPTS } from './stalls';
import { buildSchedule } from '../calendar/schedule';
import type { Activities, NotifyInput } from './types';
import type { CalendarProvider } from '../core/calendar/provider';

export type { CalendarProvider, ProfileView } from '../core/calendar/provider';

export interface Notifier {
  enqueue(input: NotifyInput): Promise<void>;
}

export interface ActivityDeps {
  db: Db;
  calendars: CalendarProvider;
  notifier?: Notifier;
}

export function createActivities({ db, calendars, notifier }: ActivityDeps): Activities {
  return {
    async computeSchedule({ profileId, receivedAt, workingDays, fixedDueDate }) {
      const { calendar, profile } = await calendars.forProfile(profileId);
      return buildSchedule(calendar, receivedAt, workingDays, profile.reminders, fixedDueDate);
    },
    async procedureWorkingDays({ profileId, procedure }) {
      return (await calendars.forProfile(profileId)).profile.workingDays(procedure);
    },
    allocateCaseId: ({ procedure, receivedAt }) => allocateCaseId(db, procedure, receivedAt),
    async recordTransition(input) {
      const { attempt } = Context.current().info;
      try {
        await recordTransition(db, input);
      } catch (e) {
        if (attempt >= STALL_AFTER_ATTEMPTS) await noteStall(db, input, attempt, e);
        throw e;
      }
      if (attempt > 1) await clearStall(db, input);
    },
    createGrant: (input) => createGrant(db, input),
    freezeReport: (input) => freezeReport({ db, calendars }, input),
    async openReportingRound(input) {
      const { client, info } = Context.current();
      try {
        // the report cases run on this worker's task queue, like the round itself
        return await openReportingRound(
          { db, calendars, temporal: client, taskQueue: info.taskQueue },
          input,
        );
      } catch (e) {
        // no coordination office yet: retried (an administrator can register one), with its reason on record
        if (e instanceof DomainError) throw ApplicationFailure.retryable(e.detail, e.code);
        throw e;
      }
    },
    async notify(input) {
      if (notifier) await notifier.enqueue(input);
      else log.info('notification (no notifier configured)', { ...input });
    },
    async shareAuthority(input) {
      const authority = await db.department.findFirst({
        where: { isShareAuthority: true },
        orderBy: { id: 'asc' },
      });
      const step = input && {
        caseId: input.caseId,
        eventKey: 'coordination:share_authority',
        type: 'escalation_blocked',
      };
      const { attempt } = Context.current().info;
      // retryable on purpose: an administrator can register the authority and the escalation then proceeds
      if (!authority) {
        const failure = ApplicationFailure.retryable(
          '未登记政务信息资源共享主管部门, 无法启动协调 (第十九条)',
          'no_share_authority',
        );
        if (step && attempt >= STALL_AFTER_ATTEMPTS) await noteStall(db, step, attempt, failure);
        throw failure;
      }
      if (step && attempt > 1) await clearStall(db, step);
      return authority.id;
    },
  };
}
