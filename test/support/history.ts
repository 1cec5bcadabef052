/**
 * Reading a workflow's history on the Java time-skipping test server, for tests that stop a worker or make two
 * things meet in one workflow task.
 */
import type { WorkflowHandle } from '@temporalio/client';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export async function historyOf(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

/**
 * Whether the workflow waits on a timer with nothing else in flight: every workflow task and activity it
 * scheduled has finished. A worker shut down earlier would leave a task behind, and on the time-skipping server
 * a pending workflow task holds the virtual clock still (it runs at wall speed, no skipping) until a worker
 * completes it.
 */
export async function settledOnTimer(handle: WorkflowHandle): Promise<boolean> {
  const events = await historyOf(handle);
  const count = (has: (e: HistoryEvent) => unknown) => events.filter((e) => has(e)).length;
  const tasks = count((e) => e.workflowTaskScheduledEventAttributes);
  const tasksDone = count(
    (e) =>
      e.workflowTaskCompletedEventAttributes ||
      e.workflowTaskFailedEventAttributes ||
      e.workflowTaskTimedOutEventAttributes,
  );
  const activities = count((e) => e.activityTaskScheduledEventAttributes);
  const activitiesDone = count(
    (e) =>
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes,
  );
  const timers = count((e) => e.timerStartedEventAttributes);
  return tasks === tasksDone && activities === activitiesDone && timers > 0;
}

/** The instant of a history event (virtual time on the time-skipping server), in ms. */
export function eventTimeMs(e: HistoryEvent): number {
  const t = e.eventTime;
  if (!t) throw new Error(`history event ${String(e.eventId)} has no eventTime`);
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
