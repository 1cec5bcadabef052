import { Prisma, type Db } from '../../prisma/client';
import { PROCEDURES, type ProcedureCode } from '../../procedures';

/** The shape of every case id allocateCaseId makes: procedure prefix, year, counter. */
export const CASE_ID_PATTERN = /^[A-Z]{2}-\d{4}-\d{1,12}$/;

/** Calendar year in Beijing time, whatever the server's zone. */
export function shanghaiYear(iso: string): number {
  return new Date(Date.parse(iso) + 8 * 3600_000).getUTCFullYear();
}

/**
 * The statement that draws a case's readable public id, e.g. GX-2026-000123: one atomic counter per (procedure
 * prefix, year), the number zero-padded to six digits (more digits once past 999999). It returns one row `id`;
 * core/cases/case-insert.ts runs it as the first part of the statement that writes the case, so the number is
 * spent only if the case is written.
 */
export function caseIdDraw(procedure: ProcedureCode, receivedAt: string): Prisma.Sql {
  const prefix = PROCEDURES[procedure].idPrefix;
  const year = shanghaiYear(receivedAt);
  return Prisma.sql`
    INSERT INTO "CaseSequence" (prefix, year, next) VALUES (${prefix}, ${year}, 2)
    ON CONFLICT (prefix, year) DO UPDATE SET next = "CaseSequence".next + 1
    RETURNING ${`${prefix}-${year}-`} || CASE WHEN next - 1 >= 1000000 THEN (next - 1)::text
                                             ELSE lpad((next - 1)::text, 6, '0') END AS id`;
}

/** A case id on its own (a case the workflow starts, e.g. P2 after a refusal); inside a transaction spent only if it commits. */
export async function allocateCaseId(
  db: Db | Prisma.TransactionClient,
  procedure: ProcedureCode,
  receivedAt: string,
): Promise<string> {
  const rows = await db.$queryRaw<{ id: string }[]>(caseIdDraw(procedure, receivedAt));
  return rows[0].id;
}

/**
 * The next number of a yearly counter (case ids per procedure prefix, notice numbers per notice prefix), from
 * 1. Inside a transaction the number is spent only if it commits.
 */
export async function nextInSequence(
  db: Db | Prisma.TransactionClient,
  key: string,
  year: number,
): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    INSERT INTO "CaseSequence" (prefix, year, next) VALUES (${key}, ${year}, 2)
    ON CONFLICT (prefix, year) DO UPDATE SET next = "CaseSequence".next + 1
    RETURNING next - 1 AS n`;
  return Number(rows[0].n);
}
