/**
 * What a use-case refuses, in domain terms. Entry points turn it into their own form: the API into
 * problem+json (api/problem.ts maps `kind` to a status), the web pages into a message on the page.
 * `code` is the machine code (English), `detail` the Chinese sentence people read.
 */
export type DomainErrorKind =
  | 'invalid' // 400: the input is malformed
  | 'forbidden' // 403: the actor may not do this
  | 'not_found' // 404: no such object (or not visible to the actor: the two are not told apart)
  | 'conflict' // 409: the object's state does not allow it now
  | 'unprocessable' // 422: well-formed, but the rules refuse it
  | 'unavailable'; // 503: a dependency disagrees or is down; retry later

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}
