/**
 * 邮件异常 for oversight (issue 12): mail the SMTP server refused for good (Notification FAILED: the workflow
 * went on, nobody was told) and the departments with no responsible staff in post (第二十七条), whose mail
 * goes to the supervisors instead. Supervisors and administrators only; a 盟市 supervisor sees the mail of the
 * cases in its scope and the gaps of its departments (core/supervision-scope.ts), not mail without a case.
 */
import { Prisma, type Db } from '../../prisma/client';
import { AccessDenied, type Actor } from '../actor';
import { decodeTimeCursor, pageFrom } from '../paging';
import { listStaffGaps, type StaffGapView } from '../registry/staff';
import { caseScopeSql, scopeOf, type Scope } from '../supervision-scope';

export interface MailProblemsDeps {
  db: Db;
  now?: () => Date;
}

export interface FailedMail {
  id: string;
  caseId: string | null;
  /** the case's responsible department, when the mail belongs to a case */
  responsibleDepartment: { id: string; name: string } | null;
  kind: string;
  recipient: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

export interface MailProblems {
  failed: { items: FailedMail[]; nextCursor: string | null };
  staffGaps: StaffGapView[];
  /** more departments without staff than one page shows */
  moreStaffGaps: boolean;
}

/** The columns a failed mail is listed with (邮件异常, 部门). */
export const FAILED_MAIL_COLUMNS = {
  id: true,
  caseId: true,
  kind: true,
  recipient: true,
  subject: true,
  attempts: true,
  lastError: true,
  createdAt: true,
} as const;

/** Departments without staff are few (one row each); one page of this size is the whole list in practice. */
const STAFF_GAP_LIMIT = 500;

export function requireOversight(actor: Actor): void {
  if (actor.role !== 'SUPERVISOR' && actor.role !== 'ADMIN') {
    throw new AccessDenied('邮件异常仅供督促检查人员和管理员查看');
  }
}

/** The ids of the next failed mails of cases in a limited scope (Notification has no relation to Case). */
async function failedMailInScope(
  db: Db,
  scope: Exclude<Scope, 'all'>,
  after: { at: Date; id: string } | undefined,
  take: number,
): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT n.id FROM "Notification" n JOIN "Case" c ON c.id = n."caseId"
    WHERE n.status = 'FAILED' AND ${caseScopeSql(scope)}
      ${after ? Prisma.sql`AND (n."createdAt", n.id) < (${after.at}, ${after.id})` : Prisma.empty}
    ORDER BY n."createdAt" DESC, n.id DESC
    LIMIT ${take}`;
  return rows.map((r) => r.id);
}

/** Permanently failed mail, newest first, paged by (createdAt, id); with the departments lacking staff. */
export async function mailProblems(
  deps: MailProblemsDeps,
  actor: Actor,
  q: { limit: number; cursor?: string },
): Promise<MailProblems> {
  requireOversight(actor);
  const after = q.cursor ? decodeTimeCursor(q.cursor) : undefined;
  const scope = await scopeOf(deps.db, actor);
  const [rows, gaps] = await Promise.all([
    // served by Notification(status, createdAt)
    deps.db.notification.findMany({
      where: {
        status: 'FAILED',
        ...(after
          ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] }
          : {}),
        ...(scope === 'all'
          ? {}
          : { id: { in: await failedMailInScope(deps.db, scope, after, q.limit + 1) } }),
      },
      select: FAILED_MAIL_COLUMNS,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
    }),
    listStaffGaps(deps, actor, { limit: STAFF_GAP_LIMIT }, scope),
  ]);
  const page = rows.slice(0, q.limit);
  const caseIds = [...new Set(page.map((r) => r.caseId).filter((id): id is string => !!id))];
  const cases = caseIds.length
    ? await deps.db.case.findMany({
        where: { id: { in: caseIds } },
        select: { id: true, responsibleDepartmentId: true },
      })
    : [];
  const deptIds = [...new Set(cases.map((c) => c.responsibleDepartmentId))];
  const names = new Map(
    (deptIds.length
      ? await deps.db.department.findMany({
          where: { id: { in: deptIds } },
          select: { id: true, name: true },
        })
      : []
    ).map((d) => [d.id, d.name]),
  );
  const responsibleOf = new Map(cases.map((c) => [c.id, c.responsibleDepartmentId]));
  const failed = pageFrom(
    rows,
    q.limit,
    (r) => [r.createdAt.toISOString(), r.id],
    (r): FailedMail => {
      const dept = r.caseId ? responsibleOf.get(r.caseId) : undefined;
      return { ...r, responsibleDepartment: dept ? { id: dept, name: names.get(dept) ?? dept } : null };
    },
  );
  return { failed, staffGaps: gaps.items, moreStaffGaps: gaps.nextCursor !== null };
}
