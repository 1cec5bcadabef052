/**
 * Error for bad calendar input (dates, counts, profiles, arrangements).
 * `code` is a stable English machine code; `detail` is the Chinese message shown to people.
 */
export class CalendarInputError extends Error {
  readonly code: string;
  readonly detail: string;
  readonly field?: string;

  constructor(code: string, detail: string, field?: string) {
    super(`${code}: ${detail}`);
    this.name = 'CalendarInputError';
    this.code = code;
    this.detail = detail;
    if (field !== undefined) this.field = field;
  }
}
