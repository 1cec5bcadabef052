import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Timers fire at their virtual instant plus a few ms of workflow-task latency. */
export function expectAt(actual: Date | null | undefined, expected: string): void {
  expect(actual).toBeInstanceOf(Date);
  expect(Math.abs((actual as Date).getTime() - Date.parse(expected))).toBeLessThan(1000);
}

/** Skips the time-skipping server's virtual clock forward to `iso`. */
export async function sleepUntil(env: TestWorkflowEnvironment, iso: string): Promise<void> {
  const ms = Date.parse(iso) - (await env.currentTimeMs());
  if (ms < 0) throw new Error(`virtual clock is already past ${iso}`);
  await env.sleep(ms);
}
