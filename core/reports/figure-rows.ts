/**
 * The queries behind the report figures (figures.ts counts): the period's rows touching an area, read from
 * the read model, the grants, the audit log's access decisions and the P6 notices. Also who reports
 * (第三十二条) and each body's area (第十条, core/supervision-scope.ts).
 */
import { Prisma, type Db } from '../../prisma/client';
import { codeOfDbEnum, type ProcedureCode } from '../../procedures';
import type { ReportPeriod } from '../../procedures/report-periods';
import type { CalendarProvider } from '../calendar/provider';
import { utcValue } from '../oversight/working-day-table';
import { scopeOf } from '../supervision-scope';
import type { FigureRows } from './figures';

export interface FigureDeps {
  db: Db;
  calendars: CalendarProvider;
}

export interface ReportingBody {
  id: string;
  name: string;
  level: 'REGION' | 'LEAGUE_CITY' | 'BANNER_COUNTY';
}

/**
 * 第三十二条's reporting bodies: every 自治区 (REGION) department except the coordination office (it receives the
 * reports), and every 盟行政公署/市人民政府 (LEAGUE_CITY), by id.
 */
export async function reportingBodies(db: Db): Promise<ReportingBody[]> {
  return db.department.findMany({
    where: {
      OR: [{ level: 'REGION', isCoordinationOffice: false }, { level: 'LEAGUE_CITY' }],
    },
    select: { id: true, name: true, level: true },
    orderBy: { id: 'asc' },
  });
}

/** The coordination office (协调办公室, whose 组织推进组 receives the reports), or null when none is registered. */
export async function coordinationOffice(db: Db): Promise<ReportingBody | null> {
  return db.department.findFirst({
    where: { isCoordinationOffice: true },
    select: { id: true, name: true, level: true },
    orderBy: { id: 'asc' },
  });
}

/**
 * The departments a body's figures cover: itself, and for a 盟市 the 旗县 below it — the same reach 第十条 gives
 * that 盟市's supervisors, so it is asked of the one rule (scopeOf) for a supervisor of that department.
 */
export async function areaOf(db: Db, body: ReportingBody): Promise<string[]> {
  if (body.level !== 'LEAGUE_CITY') return [body.id];
  const scope = await scopeOf(db, { clientId: 'report-area', role: 'SUPERVISOR', departmentId: body.id });
  return scope === 'all' ? [body.id] : [...scope].sort();
}

const STATUTORY = Prisma.sql`('P1_CONDITIONAL_REQUEST','P2_NEGOTIATION','P3_COORDINATION','P4_VERIFICATION','P5_CATALOG_UPDATE')`;

/** The period's rows touching `area` (null: every department). */
export async function loadFigureRows(
  deps: FigureDeps,
  period: ReportPeriod,
  area: readonly string[] | null,
): Promise<FigureRows> {
  const { db } = deps;
  const from = utcValue(new Date(period.periodStart));
  const to = utcValue(new Date(period.periodEnd));
  const ids = area === null ? null : [...area];
  const touches = (...cols: Prisma.Sql[]) =>
    ids === null
      ? Prisma.sql`true`
      : Prisma.sql`(${Prisma.join(
          cols.map((c) => Prisma.sql`${c} = ANY(${ids}::text[])`),
          ' OR ',
        )})`;
  const [cases, grants, decisions, notices] = await Promise.all([
    db.$queryRaw<
      {
        procedure: string;
        requester: string | null;
        responsible: string;
        provider: string | null;
        status: 'OPEN' | 'CLOSED';
        outcome: string | null;
        receivedAt: Date;
        answeredAt: Date | null;
        answeredLate: boolean;
        overdue: boolean;
        profileId: string;
      }[]
    >`
      SELECT c.procedure::text AS procedure, c."requesterDepartmentId" AS requester,
             c."responsibleDepartmentId" AS responsible, c.details->>'providerDepartmentId' AS provider,
             c.status::text AS status, c.outcome::text AS outcome, c."receivedAt", c."answeredAt",
             c."answeredLate", c.overdue, c."profileId"
      FROM "Case" c
      WHERE c."receivedAt" >= ${from} AND c."receivedAt" < ${to}
        AND c.procedure::text IN ${STATUTORY}
        AND ${touches(Prisma.sql`c."responsibleDepartmentId"`, Prisma.sql`c."requesterDepartmentId"`, Prisma.sql`(c.details->>'providerDepartmentId')`)}`,
    db.$queryRaw<{ consumer: string; provider: string }[]>`
      SELECT g."consumerDepartmentId" AS consumer, r."providerDepartmentId" AS provider
      FROM "Grant" g JOIN "Resource" r ON r.id = g."resourceId"
      WHERE g."createdAt" < ${to}
        AND (g."revokedAt" IS NULL OR g."revokedAt" >= ${to})
        AND (g."validUntil" IS NULL OR g."validUntil" >= ${to})
        AND ${touches(Prisma.sql`g."consumerDepartmentId"`, Prisma.sql`r."providerDepartmentId"`)}`,
    db.$queryRaw<{ dept: string | null; provider: string | null; allowed: boolean; n: number }[]>`
      SELECT a.data->>'departmentId' AS dept, r."providerDepartmentId" AS provider,
             coalesce((a.data->>'allowed')::boolean, false) AS allowed, count(*)::int AS n
      FROM "AuditLog" a LEFT JOIN "Resource" r ON r.id = a.data->>'resourceId'
      WHERE a.action = 'access_decision' AND a.at >= ${from} AND a.at < ${to}
        AND ${touches(Prisma.sql`(a.data->>'departmentId')`, Prisma.sql`r."providerDepartmentId"`)}
      GROUP BY 1, 2, 3`,
    db.$queryRaw<{ dept: string; outcome: string | null }[]>`
      SELECT n."departmentId" AS dept, c.outcome::text AS outcome
      FROM "RectificationNotice" n JOIN "Case" c ON c.id = n."caseId"
      WHERE n."issuedAt" >= ${from} AND n."issuedAt" < ${to}
        AND ${touches(Prisma.sql`n."departmentId"`)}`,
  ]);
  const calendars = new Map<string, Awaited<ReturnType<CalendarProvider['forProfile']>>['calendar']>();
  for (const profileId of new Set(cases.map((c) => c.profileId))) {
    calendars.set(profileId, (await deps.calendars.forProfile(profileId)).calendar);
  }
  return {
    cases: cases.map((c) => ({
      procedure: codeOfDbEnum(c.procedure) as ProcedureCode,
      requesterDepartmentId: c.requester,
      responsibleDepartmentId: c.responsible,
      providerDepartmentId: c.provider,
      status: c.status,
      outcome: c.outcome,
      answered: c.answeredAt !== null,
      answeredLate: c.answeredLate,
      overdue: c.overdue,
      workingDaysToAnswer:
        c.answeredAt === null
          ? null
          : calendars
              .get(c.profileId)!
              .workingDaysBetween(c.receivedAt.toISOString(), c.answeredAt.toISOString()).workingDays,
    })),
    grants: grants.map((g) => ({ consumerDepartmentId: g.consumer, providerDepartmentId: g.provider })),
    decisions: decisions.map((d) => ({
      departmentId: d.dept,
      providerDepartmentId: d.provider,
      allowed: d.allowed,
      n: d.n,
    })),
    notices: notices.map((n) => ({ departmentId: n.dept, rectified: n.outcome === 'rectified' })),
  };
}
