import {
  ApplicationFailure,
  patched,
  allHandlersFinished,
  ParentClosePolicy,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type { Activities, NotifyInput } from '../activities/types';
import { applyStep } from './rectification-steps';
import { checkAction, grantOf, initialState, isLate, isStepAction, outcomeOf } from './rules';
import {
  WORKFLOW_MESSAGES,
  type CaseAction,
  type CaseStart,
  type CaseState,
  type Reminder,
  type ReminderSkipReason,
  type Schedule,
} from './types';

export const actUpdate = defineUpdate<CaseState, [CaseAction]>(WORKFLOW_MESSAGES.act);
export const calendarChangedSignal = defineSignal<[{ reason: string }]>(WORKFLOW_MESSAGES.calendarChanged);
export const stateQuery = defineQuery<CaseState>(WORKFLOW_MESSAGES.state);

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Projection and outbox writes are idempotent, so retrying until the database is back loses nothing.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// During an SMTP outage mail is retried at most every 10 minutes; the outbox makes each retry safe.
const mail = proxyActivities<Pick<Activities, 'notify'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** A refused P1 stays open this long for the consumer to open a negotiation (第十九条 sets no window). */
const NEGOTIATION_WINDOW = '365 days';

/** Workflow time: the sandbox makes Date deterministic (it is the workflow task's time, replayed identically). */
function now(): Date {
  return new Date(Date.now());
}

type Timer = { kind: 'reminder'; reminder: Reminder } | { kind: 'due'; at: string };

function nextTimer(state: CaseState, skipped: Set<string>): Timer | undefined {
  const schedule = state.schedule;
  if (!schedule) return undefined;
  const pending: Timer[] = schedule.reminders
    .filter((r) => !state.remindersSent.includes(r.key) && !skipped.has(r.key))
    .map((reminder) => ({ kind: 'reminder', reminder }));
  if (!state.overdue) pending.push({ kind: 'due', at: schedule.dueAt });
  const at = (t: Timer) => Date.parse(t.kind === 'due' ? t.at : t.reminder.at);
  return pending.sort((a, b) => at(a) - at(b))[0];
}

function schedulePatch(s: Schedule) {
  return {
    deadlineDate: s.deadline,
    dueAt: s.dueAt,
    provisional: s.provisional,
    calendarVersion: s.calendarVersion,
  };
}

/**
 * One statutory case (P1–P5): received → awaiting the responsible party → answered, with the clock from the
 * calendar engine. Overdue cases stay open and a late answer is recorded as late; the breach stays recorded.
 */
export async function statutoryCase(start: CaseStart): Promise<CaseState> {
  const state: CaseState = initialState(start);
  let calendarChanged = false;
  const skippedReminders = new Set<string>();
  const deliveries: Promise<void>[] = [];
  // Mail must never hold back a timer: with SMTP down, an awaited notify delayed reminders and the
  // overdue mark. Delivery now runs beside the case and is awaited only before the workflow ends.
  const notify = async (input: NotifyInput): Promise<void> => {
    if (patched('notify-in-background')) deliveries.push(mail.notify(input));
    else await acts.notify(input);
  };

  setHandler(stateQuery, () => state);
  setHandler(calendarChangedSignal, () => {
    calendarChanged = true;
  });
  setHandler(
    actUpdate,
    async (action) => {
      if (action.type === 'open_negotiation') {
        // before the first await: a concurrent second request now fails its validator (no second P2)
        state.negotiationRequested = true;
        const childId = await acts.allocateCaseId({ procedure: 'P2', receivedAt: now().toISOString() });
        state.childCaseIds.push(childId);
        await acts.recordTransition({
          caseId: start.caseId,
          eventKey: `negotiation:${childId}`,
          type: 'negotiation_opened',
          at: now().toISOString(),
          actor: action.actorDepartmentId,
          data: { childCaseId: childId, need: action.need },
        });
        await startChild(statutoryCase, {
          workflowId: childId,
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [
            {
              caseId: childId,
              procedure: 'P2',
              profileId: start.profileId,
              receivedAt: now().toISOString(),
              workingDays: await acts.procedureWorkingDays({ profileId: start.profileId, procedure: 'P2' }),
              requesterDepartmentId: start.requesterDepartmentId,
              responsibleDepartmentId: start.responsibleDepartmentId,
              resourceId: start.resourceId,
              parentCaseId: start.caseId,
              rootCaseId: start.rootCaseId,
              details: { need: action.need },
              actor: action.actorDepartmentId,
            },
          ],
        });
        return state;
      }
      if (isStepAction(action)) return applyStep({ start, state, acts, notify, now }, action);
      // state changes before the first await, so a concurrent second answer fails its validator
      const closedAt = now();
      // P6: the department answered when it submitted the report now accepted (第三十六条)
      const answeredAt =
        action.type === 'accept_rectification' && state.lastSubmittedAt
          ? new Date(state.lastSubmittedAt)
          : closedAt;
      const { stage, outcome } = outcomeOf(start, action);
      state.stage = stage;
      state.outcome = outcome;
      state.answeredAt = answeredAt.toISOString();
      state.answeredLate = isLate(answeredAt.getTime(), state.schedule?.dueAt);
      // an answer that overtakes the overdue timer (both in one workflow task) still records the breach
      const breach =
        state.answeredLate && !state.overdue && state.schedule
          ? { overdue: true, overdueAt: state.schedule.dueAt }
          : {};
      Object.assign(state, breach);
      state.status = 'CLOSED';
      const grant = grantOf(start, action);
      // the grant is written in the answer's own transaction: one activity round trip less per answer, and
      // no moment where the case reads answered but its grant is missing
      const grantWithAnswer = grant !== undefined && patched('grant-with-answer');
      await acts.recordTransition({
        caseId: start.caseId,
        eventKey: 'answered',
        type:
          action.type === 'accept_rectification'
            ? 'rectification_accepted'
            : state.answeredLate
              ? 'answered_late'
              : 'answered',
        at: closedAt.toISOString(),
        actor: action.actorDepartmentId,
        data: { ...action },
        patch: {
          stage,
          outcome,
          status: 'CLOSED',
          answeredAt: state.answeredAt,
          answeredLate: state.answeredLate,
          ...breach,
          closedAt: closedAt.toISOString(),
        },
        ...(grantWithAnswer ? { grant } : {}),
      });
      if (grant && !grantWithAnswer) await acts.createGrant(grant);
      if (action.type === 'submit_report') {
        await acts.freezeReport({
          caseId: start.caseId,
          submittedAt: state.answeredAt,
          submittedBy: action.actorDepartmentId,
          narrative: action.narrative,
        });
      }
      // P6's acceptance is news for the department it was ordered on; every other answer for the requester
      const to = start.procedure === 'P6' ? 'responsible_and_supervisors' : 'requester';
      await notify({ caseId: start.caseId, eventKey: 'answered', kind: 'outcome', to });
      return state;
    },
    {
      validator: (action) => {
        const rejection = checkAction(start, state, action, Date.now());
        if (rejection)
          throw ApplicationFailure.create({
            type: rejection.code,
            message: rejection.detail,
            nonRetryable: true,
          });
      },
    },
  );

  // the input decides (histories recorded before it never carry a schedule), and the marker documents it
  state.schedule =
    start.schedule && patched('schedule-from-start')
      ? start.schedule
      : await acts.computeSchedule({
          procedure: start.procedure,
          profileId: start.profileId,
          receivedAt: start.receivedAt,
          workingDays: start.workingDays,
          // an argument value only (undefined for every other case): replay-safe
          fixedDueDate: start.fixedDueDate,
        });
  await acts.recordTransition({
    caseId: start.caseId,
    eventKey: 'received',
    type: 'received',
    at: start.receivedAt,
    actor: start.actor,
    data: { workingDays: start.workingDays, ...schedulePatch(state.schedule) },
    start,
    // an answer may already have closed the case (an Update can overtake this bookkeeping): never reopen it
    patch: { stage: state.stage, status: state.status, ...schedulePatch(state.schedule) },
  });
  // nor ask for an answer that has already been given
  if (state.status === 'OPEN' || !patched('no-new-case-mail-after-answer')) {
    // a written notice (P6) goes to the department with copies to the supervisors
    const to = start.procedure === 'P6' ? 'responsible_and_supervisors' : 'responsible';
    await notify({ caseId: start.caseId, eventKey: 'received', kind: 'new_case', to });
  }
  // a case entered late (receivedAt in the past), or a deadline moved earlier, gets no reminders for moments
  // already gone; each one skipped is on the case's timeline with its reason, so nobody wonders why no mail came
  const recordSkipped = (r: Reminder, reason: ReminderSkipReason) =>
    acts.recordTransition({
      caseId: start.caseId,
      eventKey: `reminder-skipped:${r.key}:${state.schedule?.deadline}`,
      type: 'reminder_skipped',
      at: now().toISOString(),
      data: { reminder: r.key, due: r.at, deadline: state.schedule?.deadline, reason },
    });
  const pastReminders = () =>
    (state.schedule?.reminders ?? []).filter(
      (r) =>
        Date.parse(r.at) <= Date.now() &&
        !skippedReminders.has(r.key) &&
        !state.remindersSent.includes(r.key),
    );
  const skipPast = async (reason: ReminderSkipReason) => {
    for (const r of pastReminders()) {
      skippedReminders.add(r.key);
      if (patched('record-skipped-reminders')) await recordSkipped(r, reason);
    }
  };
  const sendReminder = async (r: Reminder, late?: { due: string; reason: ReminderSkipReason }) => {
    state.remindersSent.push(r.key);
    const eventKey = `reminder:${r.key}:${state.schedule?.deadline}`;
    await acts.recordTransition({
      caseId: start.caseId,
      eventKey,
      type: 'reminder',
      at: now().toISOString(),
      data: { reminder: r.key, deadline: state.schedule?.deadline, ...late },
    });
    await notify({ caseId: start.caseId, eventKey, kind: 'reminder', to: 'responsible' });
  };
  /**
   * After a recompute. A reminder warns before the deadline; a calendar that pulls the deadline earlier makes that
   * warning more urgent, not pointless, so while the deadline is still ahead the latest reminder it overtook is
   * sent at once (marked late, with its original time) rather than dropped, and any earlier one it supersedes is
   * recorded as skipped: one mail, not a burst. Once the deadline itself has passed a reminder would arrive after
   * the breach (the overdue mail follows at once), so then every overtaken reminder is recorded as skipped.
   */
  const catchUpAfterRecompute = async () => {
    const past = pastReminders();
    const dueAhead = Date.now() < Date.parse(state.schedule?.dueAt ?? '');
    if (past.length === 0 || !dueAhead || !patched('send-reminder-moved-earlier'))
      return skipPast('calendar_change');
    const latest = past.reduce((a, b) => (Date.parse(b.at) > Date.parse(a.at) ? b : a));
    for (const r of past.filter((x) => x !== latest)) {
      skippedReminders.add(r.key);
      await recordSkipped(r, 'calendar_change');
    }
    await sendReminder(latest, { due: latest.at, reason: 'calendar_change' });
  };
  await skipPast('received_late');

  // P6 pauses the clock while a rectification report is under review and resumes it (same deadline) on a
  // send-back; every other procedure passes through the outer loop once
  for (;;) {
    while (state.stage === 'awaiting_answer') {
      const timer = nextTimer(state, skippedReminders);
      const wakeAt = timer ? Date.parse(timer.kind === 'due' ? timer.at : timer.reminder.at) : undefined;
      const woken = () => state.stage !== 'awaiting_answer' || calendarChanged;
      const interrupted =
        wakeAt === undefined
          ? await condition(woken).then(() => true)
          : await condition(woken, Math.max(1, wakeAt - Date.now()));
      if (state.stage !== 'awaiting_answer') break;
      if (calendarChanged) {
        calendarChanged = false;
        await recomputeDeadline(start, state);
        await catchUpAfterRecompute();
        continue;
      }
      if (interrupted || !timer) continue;
      const pastDue = Date.now() >= Date.parse(state.schedule?.dueAt ?? '');
      if (timer.kind === 'reminder' && pastDue && patched('no-reminder-after-due')) {
        // the worker was down past the deadline: a reminder now would arrive after the breach, so it is skipped
        skippedReminders.add(timer.reminder.key);
        await recordSkipped(timer.reminder, 'past_due');
        continue;
      }
      if (timer.kind === 'reminder') {
        await sendReminder(timer.reminder);
        continue;
      }
      state.overdue = true;
      // the breach happened at the due time, also when the timer fires later than that (a case entered after
      // its deadline, a deadline moved into the past by a calendar change)
      state.overdueAt =
        patched('overdue-at-due-time') && state.schedule ? state.schedule.dueAt : now().toISOString();
      await acts.recordTransition({
        caseId: start.caseId,
        eventKey: 'overdue',
        type: 'overdue',
        at: state.overdueAt,
        data: { deadline: state.schedule?.deadline, dueAt: state.schedule?.dueAt },
        patch: { overdue: true, overdueAt: state.overdueAt },
      });
      await notify({
        caseId: start.caseId,
        eventKey: 'overdue',
        kind: 'overdue',
        to: 'responsible_and_supervisors',
      });
      if (start.procedure === 'P2') {
        // 协商未果: ten working days ran out without agreement, so coordination starts (第十九条)
        state.stage = 'failed';
        state.outcome = 'expired';
        state.status = 'CLOSED';
        await acts.recordTransition({
          caseId: start.caseId,
          eventKey: 'expired',
          type: 'negotiation_expired',
          at: now().toISOString(),
          patch: { stage: 'failed', outcome: 'expired', status: 'CLOSED', closedAt: now().toISOString() },
        });
      }
    }

    if (state.stage !== 'under_review') break;
    await condition(() => state.stage !== 'under_review');
    await skipPast('under_review');
  }

  if (start.procedure === 'P2' && state.stage === 'failed') await escalateToCoordination(start, state);
  if (start.procedure === 'P1' && state.stage === 'refused') {
    // stays reachable for the consumer's open_negotiation Update for a while, then completes
    await condition(() => state.childCaseIds.length > 0, NEGOTIATION_WINDOW);
  }
  // an answer's handler may still be writing its projection; finishing now would cut it off
  await condition(allHandlersFinished);
  await Promise.all(deliveries);
  return state;
}

async function recomputeDeadline(start: CaseStart, state: CaseState): Promise<void> {
  const before = state.schedule;
  const after = await acts.computeSchedule({
    procedure: start.procedure,
    profileId: start.profileId,
    receivedAt: start.receivedAt,
    workingDays: start.workingDays,
    // an argument value only (undefined for every other case): replay-safe
    fixedDueDate: start.fixedDueDate,
  });
  state.schedule = after;
  if (before && before.dueAt === after.dueAt && before.calendarVersion === after.calendarVersion) return;
  await acts.recordTransition({
    caseId: start.caseId,
    eventKey: `deadline:${after.calendarVersion}`,
    type: 'deadline_recomputed',
    at: now().toISOString(),
    data: {
      previousDeadline: before?.deadline,
      deadline: after.deadline,
      previousCalendarVersion: before?.calendarVersion,
      calendarVersion: after.calendarVersion,
      provisional: after.provisional,
    },
    patch: schedulePatch(after),
  });
}

async function escalateToCoordination(start: CaseStart, state: CaseState): Promise<void> {
  // coordination is due from the moment negotiation failed, however long finding the authority takes
  const failedAt = now().toISOString();
  const childId = await acts.allocateCaseId({ procedure: 'P3', receivedAt: failedAt });
  const authority = await acts.shareAuthority({ caseId: start.caseId });
  state.childCaseIds.push(childId);
  await acts.recordTransition({
    caseId: start.caseId,
    eventKey: `coordination:${childId}`,
    type: 'escalated_to_coordination',
    at: now().toISOString(),
    data: { childCaseId: childId, shareAuthority: authority },
  });
  await startChild(statutoryCase, {
    workflowId: childId,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [
      {
        caseId: childId,
        procedure: 'P3',
        profileId: start.profileId,
        receivedAt: patched('p3-received-when-negotiation-failed') ? failedAt : now().toISOString(),
        workingDays: await acts.procedureWorkingDays({ profileId: start.profileId, procedure: 'P3' }),
        requesterDepartmentId: start.requesterDepartmentId,
        responsibleDepartmentId: authority,
        resourceId: start.resourceId,
        parentCaseId: start.caseId,
        rootCaseId: start.rootCaseId,
        details: { providerDepartmentId: start.responsibleDepartmentId, negotiationOutcome: state.outcome },
      },
    ],
  });
}
