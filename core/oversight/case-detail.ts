/**
 * 案件详情 for the supervisors' workbench (issue 12): one case as its parties and oversight see it — the facts,
 * the whole chain (P1 → P2 → P3), the timeline, the deadline with the calendar engine's day-by-day explanation,
 * the mails sent for it and the grants it created. Visibility is the API's (loadVisibleCase, with the scope
 * of core/supervision-scope.ts): another department's case, or one outside a 盟市 supervisor's 盟市, is a 404
 * and an AccessDenied the entry point puts on record.
 */
import { beijingDay } from '../../calendar/dates';
import type { ExplanationEntry, WorkingDayCalendar } from '../../calendar/engine';
import { CalendarInputError } from '../../calendar/errors';
import type { Db } from '../../prisma/client';
import { codeOfDbEnum, type Outcome, type ProcedureCode, type Stage } from '../../procedures';
import type { Actor } from '../actor';
import { dbCalendar } from '../calendar/reading';
import { loadVisibleCase, type CaseRow } from '../cases/queries';
import { grantInclude, grantRecord, type GrantRecord } from '../grants';
import { caseInScope, scopeOf } from '../supervision-scope';

export interface CaseDetailDeps {
  db: Db;
  /** the app's calendar provider (bundled years + loaded years), as the calendar API uses it */
  calendars?: unknown;
  /** the clock "working days left / overdue" are counted at; the wall clock unless given */
  now?: () => Date;
}

/**
 * Where a case stands against its deadline, in working days of its calendar. Before the deadline: working days
 * left after today (today not counted, the deadline day counted), as the reminder mails count them. After it:
 * working days from the day after the deadline up to and including the day it ended (its answer) or today.
 */
export type DeadlinePosition =
  | { kind: 'left'; workingDays: number }
  | { kind: 'overdue'; workingDays: number; answered: boolean }
  | { kind: 'answered_on_time' }
  /** closed by the clock, not by an answer (a negotiation that ran out) */
  | { kind: 'expired' };

export function deadlinePosition(
  calendar: Pick<WorkingDayCalendar, 'workingDaysBetween'>,
  c: Pick<CaseRow, 'deadlineDate' | 'dueAt' | 'overdue' | 'answeredAt' | 'answeredLate' | 'status'>,
  now: Date,
): DeadlinePosition {
  if (c.answeredAt && !c.answeredLate) return { kind: 'answered_on_time' };
  if (!c.answeredAt && c.status === 'CLOSED') return { kind: 'expired' };
  const end = c.answeredAt ?? now;
  if (c.overdue || c.answeredLate || end.getTime() >= c.dueAt.getTime()) {
    const day = beijingDay(end);
    const n = day > c.deadlineDate ? calendar.workingDaysBetween(c.deadlineDate, day).workingDays : 0;
    return { kind: 'overdue', workingDays: n, answered: !!c.answeredAt };
  }
  const today = beijingDay(now);
  const n = today < c.deadlineDate ? calendar.workingDaysBetween(today, c.deadlineDate).workingDays : 0;
  return { kind: 'left', workingDays: n };
}

export interface ChainLink {
  id: string;
  procedure: ProcedureCode | string;
  parentCaseId: string | null;
  status: 'OPEN' | 'CLOSED';
  stage: Stage;
  outcome: Outcome | null;
  receivedAt: Date;
  deadlineDate: string;
  overdue: boolean;
  current: boolean;
}

export interface TimelineEntry {
  id: string;
  type: string;
  at: Date;
  actor: string | null;
  data: Record<string, unknown>;
}

export interface MailEntry {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  status: 'PENDING' | 'SENT' | 'FAILED';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface DeadlineExplanation {
  /** each day from the receipt day to the deadline day, counted or skipped with its reason */
  days: ExplanationEntry[];
  calendarVersion: string;
  /** the deadline the current calendar gives; differs from the case's while a recompute is pending */
  deadline: string;
  matchesCase: boolean;
}

export interface CaseDetail {
  id: string;
  procedure: ProcedureCode | string;
  status: 'OPEN' | 'CLOSED';
  stage: Stage;
  outcome: Outcome | null;
  requester: { id: string; name: string } | null;
  responsible: { id: string; name: string };
  resource: { id: string; name: string | null } | null;
  receivedAt: Date;
  recordedAt: Date;
  backdated: boolean;
  backdatedWorkingDays: number | null;
  workingDays: number;
  deadlineDate: string;
  dueAt: Date;
  provisional: boolean;
  calendarVersion: string;
  profileId: string;
  overdue: boolean;
  overdueAt: Date | null;
  answeredAt: Date | null;
  answeredLate: boolean;
  closedAt: Date | null;
  details: Record<string, unknown>;
  position: DeadlinePosition | null;
  /** the root case and every case that shares its root, oldest first, as far as the actor may see them */
  chain: ChainLink[];
  timeline: TimelineEntry[];
  /** null when the calendar cannot explain this span (outside its range) */
  explanation: DeadlineExplanation | null;
  mails: MailEntry[];
  grants: GrantRecord[];
  /** department id → name, for every department the page names (parties, actors, grant consumers) */
  departmentNames: Record<string, string>;
  asOf: Date;
}

const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function explain(calendar: WorkingDayCalendar, row: CaseRow): DeadlineExplanation | null {
  try {
    const from = row.receivedAt.toISOString();
    const days = calendar.explain(from, row.workingDays);
    const deadline = calendar.deadline(from, row.workingDays).deadline;
    return {
      days,
      calendarVersion: calendar.calendarVersion,
      deadline,
      matchesCase: deadline === row.deadlineDate,
    };
  } catch (e) {
    if (e instanceof CalendarInputError) return null;
    throw e;
  }
}

/** One case with everything the case page shows; not visible to the actor → not_found (AccessDenied). */
export async function caseDetail(deps: CaseDetailDeps, actor: Actor, rawId: string): Promise<CaseDetail> {
  const scope = await scopeOf(deps.db, actor);
  const row = await loadVisibleCase(deps, actor, rawId, scope);
  const { db } = deps;
  const [events, related, notifications, grants, resource, calendar] = await Promise.all([
    db.caseEvent.findMany({ where: { caseId: row.id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    db.case.findMany({
      where: { rootCaseId: row.rootCaseId },
      select: {
        id: true,
        procedure: true,
        parentCaseId: true,
        status: true,
        stage: true,
        outcome: true,
        receivedAt: true,
        deadlineDate: true,
        overdue: true,
        requesterDepartmentId: true,
        responsibleDepartmentId: true,
      },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
    }),
    db.notification.findMany({
      where: { caseId: row.id },
      select: {
        id: true,
        kind: true,
        recipient: true,
        subject: true,
        status: true,
        attempts: true,
        lastError: true,
        createdAt: true,
        sentAt: true,
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    }),
    db.grant.findMany({
      where: { caseId: row.id },
      include: grantInclude,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    }),
    row.resourceId
      ? db.resource.findUnique({ where: { id: row.resourceId }, select: { id: true, name: true } })
      : null,
    dbCalendar({ db, calendars: deps.calendars }, row.profileId),
  ]);

  const now = deps.now?.() ?? new Date();
  const timeline = events.map((e) => ({
    id: e.id.toString(),
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: asObject(e.data),
  }));
  const mentioned = new Set<string>([row.responsibleDepartmentId]);
  if (row.requesterDepartmentId) mentioned.add(row.requesterDepartmentId);
  for (const e of timeline) {
    if (e.actor) mentioned.add(e.actor);
    if (typeof e.data.shareAuthority === 'string') mentioned.add(e.data.shareAuthority);
  }
  for (const g of grants) mentioned.add(g.consumerDepartmentId);
  const departments = await db.department.findMany({
    where: { id: { in: [...mentioned] } },
    select: { id: true, name: true },
  });
  const departmentNames = Object.fromEntries(departments.map((d) => [d.id, d.name]));
  const party = (id: string) => ({ id, name: departmentNames[id] ?? id });

  let position: DeadlinePosition | null;
  try {
    position = deadlinePosition(calendar, row, now);
  } catch (e) {
    if (!(e instanceof CalendarInputError)) throw e;
    position = null;
  }

  return {
    id: row.id,
    procedure: codeOfDbEnum(row.procedure) ?? row.procedure,
    status: row.status,
    stage: row.stage,
    outcome: row.outcome,
    requester: row.requesterDepartmentId ? party(row.requesterDepartmentId) : null,
    responsible: party(row.responsibleDepartmentId),
    resource: row.resourceId ? { id: row.resourceId, name: resource?.name ?? null } : null,
    receivedAt: row.receivedAt,
    recordedAt: row.createdAt,
    backdated: row.backdated,
    backdatedWorkingDays: row.backdatedWorkingDays,
    workingDays: row.workingDays,
    deadlineDate: row.deadlineDate,
    dueAt: row.dueAt,
    provisional: row.provisional,
    calendarVersion: row.calendarVersion,
    profileId: row.profileId,
    overdue: row.overdue,
    overdueAt: row.overdueAt,
    answeredAt: row.answeredAt,
    answeredLate: row.answeredLate,
    closedAt: row.closedAt,
    details: asObject(row.details),
    position,
    chain: related
      .filter((c) => caseInScope(scope, c))
      .map((c) => ({
        id: c.id,
        procedure: codeOfDbEnum(c.procedure) ?? c.procedure,
        parentCaseId: c.parentCaseId,
        status: c.status,
        stage: c.stage,
        outcome: c.outcome,
        receivedAt: c.receivedAt,
        deadlineDate: c.deadlineDate,
        overdue: c.overdue,
        current: c.id === row.id,
      })),
    timeline,
    explanation: explain(calendar, row),
    mails: notifications,
    grants: grants.map((g) => grantRecord(g, now)),
    departmentNames,
    asOf: now,
  };
}
