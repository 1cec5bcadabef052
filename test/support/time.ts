/** Timers fire at their virtual instant plus a few ms of workflow-task latency. */
export function expectAt(actual: Date | null | undefined, expected: string): void {
  expect(actual).toBeInstanceOf(Date);
  expect(Math.abs((actual as Date).getTime() - Date.parse(expected))).toBeLessThan(1000);
}
