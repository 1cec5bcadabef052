/**
 * What exactly is signed (第二十四条): the canonical texts of a daily digest, a retention tombstone and an
 * export, shared by the signer, the database verification and the offline verifier so the three cannot
 * drift. Ids are decimal strings (bigint has no JSON form).
 */
import { canonicalJson } from './log';
import { verifyText, type AuditPublicKey } from './signing-key';

export { GENESIS as GENESIS_HASH } from './log';

export interface DigestFacts {
  /** Beijing day, YYYY-MM-DD */
  day: string;
  firstId: string;
  lastId: string;
  lastHash: string;
  entries: number;
  keyId: string;
}

export interface TombstoneFacts {
  firstId: string;
  lastId: string;
  lastHash: string;
  entries: number;
  /** the last Beijing day whose entries were deleted */
  throughDay: string;
  keyId: string;
}

export interface ExportFacts {
  from: string;
  to: string;
  entries: number;
  digests: number;
  /** sha-256 (hex) of every byte of the file before the end line */
  sha256: string;
  keyId: string;
}

export function digestText(d: DigestFacts): string {
  return canonicalJson({ kind: 'gxcase-audit-digest', v: 1, ...pick(d) });
}

export function tombstoneText(t: TombstoneFacts): string {
  return canonicalJson({
    kind: 'gxcase-audit-tombstone',
    v: 1,
    firstId: t.firstId,
    lastId: t.lastId,
    lastHash: t.lastHash,
    entries: t.entries,
    throughDay: t.throughDay,
    keyId: t.keyId,
  });
}

export function exportText(e: ExportFacts): string {
  return canonicalJson({
    kind: 'gxcase-audit-export',
    v: 1,
    from: e.from,
    to: e.to,
    entries: e.entries,
    digests: e.digests,
    sha256: e.sha256,
    keyId: e.keyId,
  });
}

function pick(d: DigestFacts): DigestFacts {
  return {
    day: d.day,
    firstId: d.firstId,
    lastId: d.lastId,
    lastHash: d.lastHash,
    entries: d.entries,
    keyId: d.keyId,
  };
}

/** A digest's or tombstone's signature under `key`; false also when it names another key. */
export function signatureHolds(
  key: AuditPublicKey,
  text: string,
  signed: { keyId: string; signature: string },
): boolean {
  return signed.keyId === key.keyId && verifyText(key, text, signed.signature);
}

/** Digest or tombstone rows as stored (bigint ids) → the facts that were signed. */
export function digestFactsOf(r: {
  day: string;
  firstId: bigint;
  lastId: bigint;
  lastHash: string;
  entries: number;
  keyId: string;
}): DigestFacts {
  return { ...r, firstId: r.firstId.toString(), lastId: r.lastId.toString() };
}

export function tombstoneFactsOf(r: {
  firstId: bigint;
  lastId: bigint;
  lastHash: string;
  entries: number;
  throughDay: string;
  keyId: string;
}): TombstoneFacts {
  return { ...r, firstId: r.firstId.toString(), lastId: r.lastId.toString() };
}
