import type { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * Timers fire at their virtual instant plus the workflow task's latency: milliseconds on an idle machine, over a
 * second on a loaded one (the virtual clock runs at wall speed between skips). Deadlines are days apart, so a
 * few seconds still pins the instant; the 24:00 boundary itself is tested to the millisecond elsewhere.
 */
export function expectAt(actual: Date | null | undefined, expected: string): void {
  expect(actual).toBeInstanceOf(Date);
  expect(Math.abs((actual as Date).getTime() - Date.parse(expected))).toBeLessThan(5000);
}

/**
 * For instants that follow the test's own requests (an answer, what the workflow does after it): between the
 * virtual clock read before and after, as that clock runs at wall speed between skips and a loaded machine
 * can take seconds.
 */
export function expectBetween(actual: Date | null | undefined, fromMs: number, toMs: number): void {
  expect(actual).toBeInstanceOf(Date);
  expect((actual as Date).getTime()).toBeGreaterThanOrEqual(fromMs);
  expect((actual as Date).getTime()).toBeLessThanOrEqual(toMs);
}

/** Skips the time-skipping server's virtual clock forward to `iso`. */
export async function sleepUntil(env: TestWorkflowEnvironment, iso: string): Promise<void> {
  const ms = Date.parse(iso) - (await env.currentTimeMs());
  if (ms < 0) throw new Error(`virtual clock is already past ${iso}`);
  await env.sleep(ms);
}

/**
 * A synchronous reading of a time-skipping server's virtual clock, for code that takes `now: () => Date` (the
 * API's receipt checks): the virtual time at the last sync() plus the real time elapsed since, which is how
 * the virtual clock runs while nothing is skipping it. Call sync() again after every env.sleep.
 */
export function virtualClock(env: TestWorkflowEnvironment): { sync(): Promise<void>; now(): Date } {
  let virtualMs: number | undefined;
  let realMs = 0;
  return {
    async sync() {
      virtualMs = await env.currentTimeMs();
      realMs = Date.now();
    },
    now() {
      if (virtualMs === undefined) throw new Error('virtualClock: sync() before the first reading');
      return new Date(virtualMs + (Date.now() - realMs));
    },
  };
}
