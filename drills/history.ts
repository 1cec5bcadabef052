/** Reading a case's workflow history for the drills: its pending timers and what it was signalled. */
import type { temporal } from '@temporalio/proto';
import type { Stack } from './stack';

type Event = temporal.api.history.v1.IHistoryEvent;

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;

export async function historyOf(stack: Stack, id: string): Promise<Event[]> {
  const h = await stack.temporal.workflow.getHandle(id).fetchHistory();
  return h.events ?? [];
}

/** Timers started and not yet fired or cancelled: id → fire time (ms). */
export function pendingTimers(events: Event[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    const s = e.timerStartedEventAttributes;
    if (s?.timerId) out.set(s.timerId, ms(e.eventTime) + ms(s.startToFireTimeout));
    const done = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
    if (done) out.delete(done);
  }
  return out;
}

export function signalsNamed(events: Event[], name: string): number {
  return events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name).length;
}

export function activitiesNamed(events: Event[], name: string): number {
  return events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name).length;
}

/** Events at or after `sinceMs` (the history's own event times). */
export function eventsSince(events: Event[], sinceMs: number): Event[] {
  return events.filter((e) => ms(e.eventTime) >= sinceMs);
}
