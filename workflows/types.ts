/** Types shared by workflows, activities and the API. No runtime imports: workflow code must stay deterministic. */
import type { Outcome, ProcedureCode, Stage } from '../procedures/types';

export type { ProcedureCode } from '../procedures/types';

/** The workflow's message names. Clients outside the workflow (core/) address it by these, without loading
 * the workflow module; the workflow defines its Update, Signal and Query with the same names. */
export const WORKFLOW_MESSAGES = { act: 'act', calendarChanged: 'calendarChanged', state: 'state' } as const;
export interface Reminder {
  key: string; // stable, e.g. "half" or "day-before"; part of the notification's identity
  at: string; // ISO instant
}

/**
 * Why a reminder was not sent at its time (the timeline shows it): the case was entered after it
 * (received_late), a calendar change moved the deadline earlier past it (calendar_change), the deadline had
 * already passed when its timer was handled (past_due), or the report was under review then (under_review).
 */
export type ReminderSkipReason = 'received_late' | 'calendar_change' | 'past_due' | 'under_review';

export interface Schedule {
  deadline: string; // YYYY-MM-DD, Asia/Shanghai
  dueAt: string; // ISO instant (+08:00): end of the deadline day
  provisional: boolean;
  calendarVersion: string;
  reminders: Reminder[];
}

export interface CaseStart {
  caseId: string;
  procedure: ProcedureCode;
  profileId: string;
  receivedAt: string; // ISO instant
  workingDays: number;
  requesterDepartmentId?: string;
  responsibleDepartmentId: string;
  resourceId?: string;
  parentCaseId?: string;
  rootCaseId: string;
  details: Record<string, unknown>;
  actor?: string;
  /** a deadline fixed as a date (YYYY-MM-DD, due at its 24:00 Beijing time) instead of counted (P7's yearly report) */
  fixedDueDate?: string;
  /**
   * The schedule the API computed when it wrote the case row (startCase): the workflow takes it instead of
   * asking an activity for the same computation, one round trip less per case. Absent when the workflow itself
   * starts a case (P2 from a negotiation) or a retry rebuilds the start from the row.
   */
  schedule?: Schedule;
}

/** Actions are Workflow Updates; each names the department acting, checked against the case's parties. */
export type CaseAction =
  | { type: 'approve'; actorDepartmentId: string; scope: string; purpose: string; validUntil?: string }
  | { type: 'refuse'; actorDepartmentId: string; reason: string; legalBasis: string }
  | { type: 'open_negotiation'; actorDepartmentId: string; need: string }
  | { type: 'agree'; actorDepartmentId: string; scope: string; purpose: string; note?: string }
  | { type: 'fail'; actorDepartmentId: string; reason: string }
  | {
      type: 'decide';
      actorDepartmentId: string;
      share: boolean;
      reasons: string;
      scope?: string;
      purpose?: string;
    }
  | { type: 'correct'; actorDepartmentId: string; explanation: string }
  | { type: 'confirm_correct'; actorDepartmentId: string; explanation: string }
  | { type: 'catalog_updated'; actorDepartmentId: string; catalogVersion: string; note?: string }
  | {
      type: 'submit_rectification';
      actorDepartmentId: string;
      report: string;
      /** the attachments' names and SHA-256 digests (the files themselves stay with the department) */
      attachments?: { name: string; sha256: string }[];
    }
  | { type: 'accept_rectification'; actorDepartmentId: string; note?: string; by?: string }
  | { type: 'send_back'; actorDepartmentId: string; reasons: string; by?: string }
  | { type: 'submit_report'; actorDepartmentId: string; narrative: string };

export type CaseStatus = 'OPEN' | 'CLOSED';

export interface CaseState {
  caseId: string;
  procedure: ProcedureCode;
  status: CaseStatus;
  stage: Stage;
  outcome?: Outcome;
  schedule?: Schedule;
  overdue: boolean;
  overdueAt?: string;
  answeredAt?: string;
  answeredLate: boolean;
  remindersSent: string[];
  childCaseIds: string[];
  /** set the moment an open_negotiation is accepted, before its child exists: a second one is refused */
  negotiationRequested?: boolean;
  /** P6: rectification reports submitted so far, and when the latest one came */
  rectificationRounds?: number;
  lastSubmittedAt?: string;
}

/** Why an action is refused; the API turns it into problem+json (409/403/422). */
export interface ActionRejection {
  code:
    'wrong_stage' | 'wrong_party' | 'missing_reason' | 'case_closed' | 'invalid_text' | 'valid_until_past';
  detail: string;
}
