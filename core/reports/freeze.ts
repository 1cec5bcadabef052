/**
 * 第三十二条 period lock: a submitted report's figures frozen as a version with the sha-256 of their canonical
 * JSON. Version 1 is written by the workflow's activity when the report is submitted (idempotent: a retry finds
 * it); a correction (corrections.ts) adds a version naming the one it replaces. No version is ever changed.
 */
import { createHash } from 'node:crypto';
import { appendAudit, canonicalJson } from '../../audit/log';
import { Prisma } from '../../prisma/client';
import { parsePeriod } from '../../procedures/report-periods';
import { isUniqueViolation } from '../db-errors';
import { periodOfCase, reportFigures } from './compute';
import type { FigureDeps } from './figure-rows';
import type { ReportFigures } from './figures';

export const figuresHash = (figures: ReportFigures): string =>
  createHash('sha256').update(canonicalJson(figures)).digest('hex');

export interface NewVersion {
  caseId: string;
  departmentId: string;
  narrative: string;
  figures: ReportFigures;
  submittedAt: Date;
  submittedBy: string;
  replaces?: { id: string; version: number };
}

/** Writes one version and its audit entry in the caller's transaction; returns the version's id. */
export async function writeVersion(tx: Prisma.TransactionClient, v: NewVersion): Promise<string> {
  const hash = figuresHash(v.figures);
  const version = (v.replaces?.version ?? 0) + 1;
  const kind = parsePeriod(v.figures.period)?.kind ?? 'half_year';
  const row = await tx.reportVersion.create({
    data: {
      caseId: v.caseId,
      version,
      replacesId: v.replaces?.id ?? null,
      kind,
      period: v.figures.period,
      periodStart: new Date(v.figures.periodStart),
      periodEnd: new Date(v.figures.periodEnd),
      departmentId: v.departmentId,
      narrative: v.narrative,
      figures: v.figures as unknown as Prisma.InputJsonValue,
      figuresHash: hash,
      submittedAt: v.submittedAt,
      submittedBy: v.submittedBy,
    },
    select: { id: true },
  });
  await appendAudit(tx, {
    actor: v.submittedBy,
    action: v.replaces ? 'report_corrected' : 'report_submitted',
    target: v.caseId,
    data: {
      versionId: row.id,
      version,
      replacesId: v.replaces?.id ?? null,
      period: v.figures.period,
      departmentId: v.departmentId,
      figuresHash: hash,
    },
  });
  return row.id;
}

export async function freezeReport(
  deps: FigureDeps,
  input: { caseId: string; submittedAt: string; submittedBy: string; narrative: string },
): Promise<void> {
  const { db } = deps;
  const existing = await db.reportVersion.findUnique({
    where: { caseId_version: { caseId: input.caseId, version: 1 } },
    select: { id: true },
  });
  if (existing) return;
  const row = await db.case.findUniqueOrThrow({ where: { id: input.caseId } });
  const period = periodOfCase(row.details);
  const submittedAt = new Date(input.submittedAt);
  const figures = await reportFigures(deps, period, row.responsibleDepartmentId, submittedAt);
  try {
    await db.$transaction((tx) =>
      writeVersion(tx, {
        caseId: row.id,
        departmentId: row.responsibleDepartmentId,
        narrative: input.narrative,
        figures,
        submittedAt,
        submittedBy: input.submittedBy,
      }),
    );
  } catch (e) {
    // a concurrent retry of the same activity wrote version 1 first: the report is frozen, which is all we want
    if (!isUniqueViolation(e)) throw e;
  }
}
