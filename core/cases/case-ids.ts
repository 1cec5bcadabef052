import type { Db, Prisma } from '../../prisma/client';
import { PROCEDURES, type ProcedureCode } from '../../procedures';

/** The shape of every case id allocateCaseId makes: procedure prefix, year, counter. */
export const CASE_ID_PATTERN = /^[A-Z]{2}-\d{4}-\d{1,12}$/;

/** Calendar year in Beijing time, whatever the server's zone. */
export function shanghaiYear(iso: string): number {
  return new Date(Date.parse(iso) + 8 * 3600_000).getUTCFullYear();
}

/**
 * Readable public id, e.g. GX-2026-000123: one atomic counter per (procedure prefix, year). Inside a caller's
 * transaction the number is only spent if that transaction commits.
 */
export async function allocateCaseId(
  db: Db | Prisma.TransactionClient,
  procedure: ProcedureCode,
  receivedAt: string,
): Promise<string> {
  const prefix = PROCEDURES[procedure].idPrefix;
  const year = shanghaiYear(receivedAt);
  const n = await nextInSequence(db, prefix, year);
  return `${prefix}-${year}-${String(n).padStart(6, '0')}`;
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
