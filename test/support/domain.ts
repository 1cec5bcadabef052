import { DomainError } from '../../core/errors';

/** What a pure rule of core/ decides: 'ok', or its refusal as `${kind}:${code}` (other errors rethrown). */
export function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof DomainError) return `${e.kind}:${e.code}`;
    throw e;
  }
}
