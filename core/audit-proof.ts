/**
 * The audit log's proof for those outside the system (第二十四条): the public key that checks its signatures,
 * and the export of a range of days that an auditor verifies offline with that key alone.
 */
import { tryParseDate } from '../calendar/dates';
import { exportAuditLines } from '../audit/export';
import type { Actor } from './actor';
import { auditKeyOf, requireWholeScope, type AuditDeps } from './audit-events';
import { DomainError } from './errors';

export interface AuditPublicKeyView {
  algorithm: 'Ed25519';
  keyId: string;
  publicKeyPem: string;
}

/** Public on purpose: a public key proves nothing by itself, and whoever holds an export needs it. */
export function auditPublicKey(deps: Pick<AuditDeps, 'signingKeyFile'>): AuditPublicKeyView {
  const key = auditKeyOf(deps);
  return { algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: key.publicKeyPem };
}

export interface ExportRange {
  from: string;
  to: string;
}

export function checkExportRange(from: string | undefined, to: string | undefined): ExportRange {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!v || tryParseDate(v) === null)
      throw new DomainError('invalid', 'invalid_date', `${name} 应为日期 YYYY-MM-DD (北京时间的日)`, {
        field: name,
      });
  }
  if ((from as string) > (to as string))
    throw new DomainError('invalid', 'invalid_range', '起始日期 (from) 不能晚于截止日期 (to)');
  return { from: from as string, to: to as string };
}

/**
 * The export's lines (JSON lines, audit/export.ts) after the same scope check as reading the log. Only
 * completed, digested days are in it: today's entries are not signed yet.
 */
export async function exportAuditEvents(
  deps: AuditDeps,
  actor: Actor,
  range: ExportRange,
): Promise<AsyncGenerator<string>> {
  await requireWholeScope(deps, actor);
  const checked = checkExportRange(range.from, range.to);
  return exportAuditLines(deps.db, auditKeyOf(deps), checked, deps.now?.() ?? new Date());
}
