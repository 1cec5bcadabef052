import type { Outcome, Stage } from '../procedures/types';
import type { ReportKind } from '../procedures/p7-report';
import type { CaseStart, ProcedureCode, Schedule } from '../workflows/types';

/** What a reporting round opened: one case per reporting body (or the yearly one), new or found again. */
export interface RoundResult {
  kind: ReportKind;
  period: string;
  cases: { departmentId: string; caseId: string; created: boolean }[];
}

export interface CasePatch {
  stage?: Stage;
  status?: 'OPEN' | 'CLOSED';
  outcome?: Outcome;
  deadlineDate?: string;
  dueAt?: string;
  provisional?: boolean;
  calendarVersion?: string;
  overdue?: boolean;
  overdueAt?: string;
  answeredAt?: string;
  answeredLate?: boolean;
  closedAt?: string;
}

export interface TransitionInput {
  caseId: string;
  /** unique per case: the projection writes each event once however often the activity is retried */
  eventKey: string;
  type: string;
  at: string;
  actor?: string;
  data?: Record<string, unknown>;
  /** present on the first transition: creates the case row */
  start?: CaseStart;
  patch?: CasePatch;
  /** the share an accepted answer grants, written in the same transaction as the answer */
  grant?: GrantInput;
}

export interface GrantInput {
  caseId: string;
  resourceId: string;
  consumerDepartmentId: string;
  scope: string;
  purpose: string;
  validUntil?: string;
  /** the department whose answer granted the share (audit actor) */
  grantedBy?: string;
}

/** For P6 and P7 the requester is the supervising body (the notice's issuer, the 组织推进组). */
export type Audience =
  'responsible' | 'requester' | 'responsible_and_supervisors' | 'requester_and_supervisors';

export interface NotifyInput {
  caseId: string;
  eventKey: string;
  /** `submitted` and `sent_back` are P6's intermediate steps (第三十六条) */
  kind: 'new_case' | 'reminder' | 'overdue' | 'outcome' | 'submitted' | 'sent_back';
  to: Audience;
}

/** The activity surface the workflows see (the worker registers an implementation of it). */
export interface Activities {
  computeSchedule(input: {
    procedure: ProcedureCode;
    profileId: string;
    receivedAt: string;
    workingDays: number;
    /** CaseStart.fixedDueDate: the deadline is this day, not counted in working days */
    fixedDueDate?: string;
  }): Promise<Schedule>;
  procedureWorkingDays(input: { profileId: string; procedure: ProcedureCode }): Promise<number>;
  allocateCaseId(input: { procedure: ProcedureCode; receivedAt: string }): Promise<string>;
  recordTransition(input: TransitionInput): Promise<void>;
  createGrant(input: GrantInput): Promise<void>;
  notify(input: NotifyInput): Promise<void>;
  /**
   * P7: freezes a submitted report — the period's figures as they are now, their hash and the narrative — as
   * version 1 of the case's report (idempotent: a retry finds the version).
   */
  freezeReport(input: {
    caseId: string;
    submittedAt: string;
    submittedBy: string;
    narrative: string;
  }): Promise<void>;
  /**
   * P7: opens the report cases of the period of `kind` that ended before `firedAt` (第三十二条), idempotently
   * (one case per period and reporting body however often it runs).
   */
  openReportingRound(input: { kind: ReportKind; firedAt: string }): Promise<RoundResult>;
  /** `caseId`: the negotiation escalating, named in the stall record while no authority is registered */
  shareAuthority(input?: { caseId: string }): Promise<string>;
}
