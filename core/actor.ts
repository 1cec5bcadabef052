/**
 * Who calls a use-case, in domain terms. Entry points build it from their own identity (the API from the
 * authenticated key's principal, which satisfies this type as it is), so use-cases never see HTTP.
 */
import { DomainError } from './errors';

export type Role = 'DEPARTMENT' | 'SUPERVISOR' | 'ADMIN';

export interface Actor {
  clientId: string;
  role: Role;
  /** set for DEPARTMENT callers: the one department the system acts for */
  departmentId?: string;
}

/** Who a record names as its author: the acting department, or the (admin) client when there is none. */
export const actingAs = (a: Actor): string => a.departmentId ?? a.clientId;

/**
 * A refusal that is also an attempt to go on record (第二十二、二十四条). The use-case decides; the entry
 * point, which knows the request, writes the access_denied audit row (`reason`, `auditData`) and answers
 * with the error itself: 403 `forbidden` by default, or a 404 that hides another department's object.
 * The audit data stays out of the answer (`extra` is only what the caller may see).
 */
export class AccessDenied extends DomainError {
  constructor(
    readonly reason: string,
    readonly auditData: Record<string, unknown> = {},
    answer?: DomainError,
  ) {
    super(answer?.kind ?? 'forbidden', answer?.code ?? 'forbidden', answer?.detail ?? reason, answer?.extra);
    this.name = 'AccessDenied';
  }
}
