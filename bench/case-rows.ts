/**
 * Open P1 cases prepared the way startCase prepares them (a case number from allocateCaseId, the profile's
 * schedule from buildSchedule, the Case row with the same fields), many at once: the timer figure starts their
 * workflows itself, the mail figure only needs the rows. See figure-timers.ts for why `dueAt` can be moved.
 */
import { buildSchedule } from '../calendar/schedule';
import { DEFAULT_PROFILE_ID } from '../calendar/profiles';
import { createCalendarProvider } from '../core/calendar/provider';
import { allocateCaseId } from '../core/cases/case-ids';
import type { Db } from '../prisma/client';
import { PROCEDURES } from '../procedures';
import type { CaseStart, Schedule } from '../workflows/types';
import { forEachBounded } from './bounded';

/** a P1 request as the demo data has it: 民政厅 asks 人社厅 for its 社会保险 data */
const CASE = {
  procedure: 'P1',
  requesterDepartmentId: 'NMG-MZT',
  responsibleDepartmentId: 'NMG-RST',
  resourceId: 'SB-0003',
} as const;
/** Case rows and start inputs for n cases received now; `dueAt` moves their due instant (see above). */
export async function prepareCases(db: Db, n: number, dueAt?: Date): Promise<CaseStart[]> {
  const { calendar, profile } = await createCalendarProvider(db).forProfile(DEFAULT_PROFILE_ID);
  const receivedAt = new Date().toISOString();
  const workingDays = profile.workingDays(CASE.procedure);
  const real = buildSchedule(calendar, receivedAt, workingDays, profile.reminders);
  const schedule: Schedule = dueAt
    ? {
        ...real,
        deadline: new Date(dueAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
        dueAt: dueAt.toISOString(),
        reminders: [],
      }
    : real;
  const ids: string[] = new Array<string>(n);
  await forEachBounded(ids, 8, async (_, i) => {
    ids[i] = await allocateCaseId(db, CASE.procedure, receivedAt);
  });
  const starts: CaseStart[] = ids.map((caseId) => ({
    ...CASE,
    caseId,
    rootCaseId: caseId,
    profileId: DEFAULT_PROFILE_ID,
    receivedAt,
    workingDays,
    details: { need: '核对低保申请人社保缴费情况' },
    actor: 'bench',
    schedule,
  }));
  for (let i = 0; i < starts.length; i += 1000) {
    await db.case.createMany({
      data: starts.slice(i, i + 1000).map((s) => ({
        id: s.caseId,
        procedure: PROCEDURES[s.procedure].dbEnum,
        stage: 'awaiting_answer' as const,
        resourceId: s.resourceId,
        requesterDepartmentId: s.requesterDepartmentId,
        responsibleDepartmentId: s.responsibleDepartmentId,
        rootCaseId: s.rootCaseId,
        receivedAt: new Date(receivedAt),
        workingDays,
        deadlineDate: schedule.deadline,
        dueAt: new Date(schedule.dueAt),
        provisional: schedule.provisional,
        calendarVersion: schedule.calendarVersion,
        profileId: s.profileId,
        details: s.details as object,
      })),
    });
  }
  return starts;
}
