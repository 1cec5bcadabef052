/**
 * A started case's row, its number and its case_started audit entry, written by one statement. The counter's
 * row and the audit chain's lock are then held for that statement only: as separate statements of an
 * interactive transaction, every concurrent start queued on the counter row while the start holding it waited
 * for its next round trips (bench figure 1: lock waits were all `transactionid`). A statement that fails, e.g.
 * on the unique (clientId, idempotencyKey) when a request with the same key won a race, undoes its counter step
 * with it: no number is spent on it.
 */
import { auditAppendSql, type AuditEntry } from '../../audit/log';
import { Prisma, type Db } from '../../prisma/client';
import { PROCEDURES, type ProcedureCode } from '../../procedures';
import { caseIdDraw } from './case-ids';

export interface NewCaseRow {
  procedure: ProcedureCode;
  resourceId?: string;
  requesterDepartmentId?: string;
  responsibleDepartmentId: string;
  parentCaseId?: string;
  clientId?: string;
  idempotencyKey?: string;
  requestHash?: string;
  receivedAt: string;
  recordedAt: Date;
  backdated: boolean;
  backdatedWorkingDays: number | null;
  workingDays: number;
  deadlineDate: string;
  dueAt: string;
  provisional: boolean;
  calendarVersion: string;
  profileId: string;
  details: Record<string, unknown>;
}

/** An instant as Prisma stores DateTime: timestamp(3) without time zone, in UTC. */
const utc = (iso: string) => Prisma.sql`(${iso}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * Writes the case under a freshly drawn id, with the root of its chain being itself, and its audit entry
 * (targeting that id) when given. Answers the id.
 */
export async function insertCase(
  db: Db | Prisma.TransactionClient,
  row: NewCaseRow,
  audit?: Omit<AuditEntry, 'target'>,
): Promise<string> {
  const recorded = row.recordedAt.toISOString();
  const audited = audit
    ? Prisma.sql`, a AS (SELECT ${auditAppendSql(audit, Prisma.sql`c.id`)} FROM c)
        SELECT c.id, (SELECT count(*) FROM a) AS audited FROM c`
    : Prisma.sql` SELECT c.id FROM c`;
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH n AS (${caseIdDraw(row.procedure, row.receivedAt)}),
    c AS (
      INSERT INTO "Case" (id, procedure, stage, "resourceId", "requesterDepartmentId", "responsibleDepartmentId",
        "parentCaseId", "rootCaseId", "clientId", "idempotencyKey", "requestHash", "receivedAt", "createdAt",
        "updatedAt", backdated, "backdatedWorkingDays", "workingDays", "deadlineDate", "dueAt", provisional,
        "calendarVersion", "profileId", details)
      SELECT n.id, ${PROCEDURES[row.procedure].dbEnum}::"Procedure", 'awaiting_answer'::"CaseStage",
        ${row.resourceId ?? null}, ${row.requesterDepartmentId ?? null}, ${row.responsibleDepartmentId},
        ${row.parentCaseId ?? null}, n.id, ${row.clientId ?? null}, ${row.idempotencyKey ?? null},
        ${row.requestHash ?? null}, ${utc(row.receivedAt)}, ${utc(recorded)}, ${utc(recorded)}, ${row.backdated},
        ${row.backdatedWorkingDays}::int, ${row.workingDays}::int, ${row.deadlineDate}, ${utc(row.dueAt)},
        ${row.provisional}, ${row.calendarVersion}, ${row.profileId}, ${JSON.stringify(row.details)}::jsonb
      FROM n
      RETURNING id
    )${audited}`;
  return rows[0].id;
}
