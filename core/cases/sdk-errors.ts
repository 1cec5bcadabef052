/**
 * Telling the Temporal SDK's errors apart without importing its runtime: the SDK marks each error class's
 * instances with `Symbol.for('__temporal_is<Name>')`, which is what its own `instanceof` checks.
 */
export function isSdkError(e: unknown, name: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  return (e as Record<symbol, unknown>)[Symbol.for(`__temporal_is${name}`)] === true;
}
