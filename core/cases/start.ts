/**
 * Starting a case (admission rules: admission.ts): the row and its case_started audit entry in one
 * transaction, idempotent per client and key, then the case's workflow. The API, the demo seeding and the
 * tests all start cases here. The Temporal client comes in through deps; no SDK runtime module is imported.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { isUniqueViolation } from '../db-errors';
import { canonicalJson } from '../../audit/log';
import { Prisma, type Db } from '../../prisma/client';
import { insertCase, type NewCaseRow } from './case-insert';
import type { CalendarProvider } from '../calendar/provider';
import { buildSchedule, workingDaysToFixedDate, type DeadlineCalculator } from '../../calendar/schedule';
import type { statutoryCase } from '../../workflows/statutory-case';
import { codeOfDbEnum, type ProcedureCode } from '../../procedures';
import type { CaseStart } from '../../workflows/types';
import { getProfile } from '../../calendar/profiles';
import { isSdkError } from './sdk-errors';

export interface StartCaseInput {
  procedure: ProcedureCode;
  profileId?: string;
  receivedAt?: string;
  workingDays?: number;
  requesterDepartmentId?: string;
  responsibleDepartmentId: string;
  resourceId?: string;
  parentCaseId?: string;
  details?: Record<string, unknown>;
  clientId?: string;
  idempotencyKey?: string;
  /** fingerprint of the request that carried the key (see requestFingerprint) */
  requestHash?: string;
  actor?: string;
  /** audit entry written in the same transaction as the case row: a case never exists unrecorded */
  audit?: { actor: string; data: Record<string, unknown> };
  /** department systems may backdate `receivedAt` only within their profile's maxBackdateWorkingDays */
  limitBackdating?: boolean;
  /** the procedure's own record (P6: the numbered notice), written in the same transaction as the case row */
  withCase?: (tx: Prisma.TransactionClient, start: CaseStart) => Promise<void>;
  /**
   * A deadline fixed as a date (YYYY-MM-DD) instead of counted in working days (第三十二条's yearly report).
   * Kept in the case's details as `fixedDueDate`, so a restart from the row finds it again.
   */
  fixedDueDate?: string;
}

/** The same Idempotency-Key sent again with a different request: a client bug, refused rather than merged. */
export class IdempotencyKeyReused extends Error {
  constructor(readonly caseId: string) {
    super(`idempotency key already used for case ${caseId} with a different request`);
  }
}

/** A claimed receipt further back than the profile allows: it would shorten the other party's time. */
export class ReceivedTooEarly extends Error {
  constructor(
    readonly workingDays: number,
    readonly limit: number,
  ) {
    super(`receivedAt is ${workingDays} working days before it is recorded; at most ${limit} allowed`);
  }
}

/** sha-256 of the request in canonical JSON, so key order and whitespace do not matter. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The part of the Temporal client the case use-cases call: start, describe, Update. */
export interface CaseWorkflowClient {
  workflow: Pick<Client['workflow'], 'start' | 'getHandle'>;
}

export interface CaseServiceDeps {
  db: Db;
  temporal: CaseWorkflowClient;
  calendars: CalendarProvider;
  taskQueue: string;
  now?: () => Date;
}

/** Receipts claimed up to this long before they are recorded are ordinary (clocks, queues), not backdating. */
const BACKDATE_TOLERANCE_MS = 10 * 60_000;

/** How far a claimed receipt lies before the moment the system records it. */
export function backdatingOf(
  calendar: DeadlineCalculator,
  receivedAt: string,
  recordedAt: Date,
): { backdated: boolean; workingDays: number | null } {
  if (recordedAt.getTime() - Date.parse(receivedAt) <= BACKDATE_TOLERANCE_MS) {
    return { backdated: false, workingDays: null };
  }
  return {
    backdated: true,
    workingDays: calendar.workingDaysBetween(receivedAt, recordedAt.toISOString()).workingDays,
  };
}

type CaseRow = Awaited<ReturnType<Db['case']['findUniqueOrThrow']>>;

/**
 * Starts a case: the row is written first (idempotency key unique per client), then the workflow whose id
 * is the case id. A retry with the same key finds the row and (re)starts the same workflow id, so a crash
 * between the two steps heals and no request ever yields two cases. The row, its number and its audit entry
 * are one statement (case-insert.ts); of requests racing with one key, the losers' statements fail on the
 * unique key, spend no number, and answer the winner's case.
 */
export async function startCase(
  deps: CaseServiceDeps,
  input: StartCaseInput,
  /** the one retry after a unique violation (below) */
  retried = false,
): Promise<{ caseId: string; created: boolean }> {
  const { db } = deps;
  const profile = getProfile(input.profileId);
  const { calendar, profile: view } = await deps.calendars.forProfile(profile.id);
  const recordedAt = deps.now?.() ?? new Date();
  const receivedAt = input.receivedAt ?? recordedAt.toISOString();
  const byKey =
    input.clientId && input.idempotencyKey
      ? { clientId_idempotencyKey: { clientId: input.clientId, idempotencyKey: input.idempotencyKey } }
      : null;
  let outcome: { existing: CaseRow } | { start: CaseStart };
  try {
    const existing = byKey && (await db.case.findUnique({ where: byKey }));
    if (existing) {
      outcome = { existing };
    } else {
      const backdate = backdatingOf(calendar, receivedAt, recordedAt);
      if (input.limitBackdating && (backdate.workingDays ?? 0) > profile.maxBackdateWorkingDays) {
        throw new ReceivedTooEarly(backdate.workingDays ?? 0, profile.maxBackdateWorkingDays);
      }
      const fixed = input.fixedDueDate;
      const workingDays = fixed
        ? workingDaysToFixedDate(calendar, receivedAt, fixed)
        : (input.workingDays ?? view.workingDays(input.procedure));
      const schedule = buildSchedule(calendar, receivedAt, workingDays, view.reminders, fixed);
      const details = fixed ? { ...input.details, fixedDueDate: fixed } : (input.details ?? {});
      const row: NewCaseRow = {
        ...input,
        receivedAt,
        recordedAt,
        backdated: backdate.backdated,
        backdatedWorkingDays: backdate.workingDays,
        workingDays,
        deadlineDate: schedule.deadline,
        dueAt: schedule.dueAt,
        provisional: schedule.provisional,
        calendarVersion: schedule.calendarVersion,
        profileId: profile.id,
        details,
      };
      const audit = input.audit && {
        actor: input.audit.actor,
        action: 'case_started',
        data: backdate.backdated
          ? { ...input.audit.data, backdatedWorkingDays: backdate.workingDays }
          : input.audit.data,
      };
      const startOfId = (caseId: string): CaseStart => ({
        caseId,
        procedure: input.procedure,
        profileId: profile.id,
        receivedAt,
        workingDays,
        requesterDepartmentId: input.requesterDepartmentId,
        responsibleDepartmentId: input.responsibleDepartmentId,
        resourceId: input.resourceId,
        parentCaseId: input.parentCaseId,
        rootCaseId: caseId,
        details,
        actor: input.actor,
        ...(fixed ? { fixedDueDate: fixed } : {}),
        schedule,
      });
      const { withCase } = input;
      // the procedure's own record (P6's numbered notice) commits with the case or not at all
      const start = withCase
        ? await db.$transaction(async (tx) => {
            const s = startOfId(await insertCase(tx, row, audit));
            await withCase(tx, s);
            return s;
          })
        : startOfId(await insertCase(db, row, audit));
      outcome = { start };
    }
  } catch (e) {
    // a request with the same key won the race: its case is the answer (found by the retry). Once only: a
    // second violation is something else (e.g. a case-number counter behind restored rows), and retrying it
    // for ever hung requests in the backup drill
    if (isUniqueViolation(e) && byKey && !retried) return startCase(deps, input, true);
    throw e;
  }
  if ('existing' in outcome) {
    const { existing } = outcome;
    if (existing.requestHash && input.requestHash && existing.requestHash !== input.requestHash) {
      throw new IdempotencyKeyReused(existing.id);
    }
    await ensureWorkflow(deps, startOf(existing));
    return { caseId: existing.id, created: false };
  }
  await ensureWorkflow(deps, outcome.start);
  return { caseId: outcome.start.caseId, created: true };
}

/** The workflow id is taken by a workflow that is not this case's: the database and Temporal disagree. */
export class WorkflowIdConflict extends Error {
  constructor(readonly caseId: string) {
    super(`workflow id ${caseId} belongs to another case's workflow (database and Temporal out of step)`);
  }
}

/** What identifies a case's own workflow, kept in its memo so a conflicting id can be told apart. */
function startFingerprint(start: CaseStart): string {
  return requestFingerprint({
    caseId: start.caseId,
    procedure: start.procedure,
    // normalised: a retry rebuilds the start from the stored row, whose instant prints in UTC
    receivedAt: new Date(start.receivedAt).toISOString(),
    responsible: start.responsibleDepartmentId,
  });
}

async function ensureWorkflow(deps: CaseServiceDeps, start: CaseStart): Promise<void> {
  const fingerprint = startFingerprint(start);
  try {
    await deps.temporal.workflow.start<typeof statutoryCase>('statutoryCase', {
      workflowId: start.caseId,
      taskQueue: deps.taskQueue,
      // a closed case stays closed: a late retry of its start must not run the procedure again
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { startFingerprint: fingerprint },
      args: [start],
    });
  } catch (e) {
    if (!isSdkError(e, 'WorkflowExecutionAlreadyStartedError')) throw e;
    // ours (a retry) or someone else's (e.g. a database recreated under a Temporal that kept its workflows)?
    const { memo } = await deps.temporal.workflow.getHandle(start.caseId).describe();
    const theirs = memo?.startFingerprint;
    if (typeof theirs === 'string' && theirs !== fingerprint) throw new WorkflowIdConflict(start.caseId);
  }
}

export function startOf(row: CaseRow): CaseStart {
  const details = (row.details ?? {}) as Record<string, unknown>;
  const fixedDueDate = typeof details.fixedDueDate === 'string' ? details.fixedDueDate : undefined;
  return {
    caseId: row.id,
    // the enum is the procedures' own, so every stored value has its module
    procedure: codeOfDbEnum(row.procedure) as ProcedureCode,
    profileId: row.profileId,
    receivedAt: row.receivedAt.toISOString(),
    workingDays: row.workingDays,
    requesterDepartmentId: row.requesterDepartmentId ?? undefined,
    responsibleDepartmentId: row.responsibleDepartmentId,
    resourceId: row.resourceId ?? undefined,
    parentCaseId: row.parentCaseId ?? undefined,
    rootCaseId: row.rootCaseId,
    details,
    ...(fixedDueDate ? { fixedDueDate } : {}),
  };
}
