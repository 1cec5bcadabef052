/**
 * Export of the audit log for a range of Beijing days (第二十四条) as JSON lines that prove themselves with
 * the public key alone (audit/offline-verify.ts):
 *   header → anchor (the signed digest or tombstone just before the range, or the genesis) → tombstones →
 *   for each digested day: its entries, then its signed digest → end (sha-256 of everything before, signed).
 * Only digested (completed) days are exported: entries no signature covers could be cut off unnoticed.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../prisma/client';
import { canonicalJson } from './log';
import { chainBatches } from './log';
import { GENESIS_HASH, exportText } from './proof-format';
import { signText, type AuditSigningKey } from './signing-key';
import { beijingInstant } from '../calendar/dates';

export const EXPORT_FORMAT = 'gxcase-audit-export';

interface Signed {
  keyId: string;
  signature: string;
}

function digestLine(d: {
  day: string;
  firstId: bigint;
  lastId: bigint;
  lastHash: string;
  entries: number;
  keyId: string;
  signature: string;
}) {
  return {
    day: d.day,
    firstId: d.firstId.toString(),
    lastId: d.lastId.toString(),
    lastHash: d.lastHash,
    entries: d.entries,
    keyId: d.keyId,
    signature: d.signature,
  };
}

function tombstoneLine(
  t: {
    firstId: bigint;
    lastId: bigint;
    lastHash: string;
    entries: number;
    throughDay: string;
  } & Signed,
) {
  return {
    firstId: t.firstId.toString(),
    lastId: t.lastId.toString(),
    lastHash: t.lastHash,
    entries: t.entries,
    throughDay: t.throughDay,
    keyId: t.keyId,
    signature: t.signature,
  };
}

/** The export's lines, each ending in "\n"; `from`/`to` are YYYY-MM-DD Beijing days, inclusive. */
export async function* exportAuditLines(
  db: Db,
  key: AuditSigningKey,
  range: { from: string; to: string },
  now = new Date(),
): AsyncGenerator<string> {
  const sha = createHash('sha256');
  const out = (o: unknown) => {
    const line = JSON.stringify(o) + '\n';
    sha.update(line, 'utf8');
    return line;
  };
  const tombstones = await db.auditTombstone.findMany({ orderBy: { lastId: 'asc' } });
  const retainedAfter = tombstones.at(-1)?.lastId ?? 0n;
  // days whose entries were deleted by retention cannot be exported: only their digests remain
  const digests = await db.auditDigest.findMany({
    where: { day: { gte: range.from, lte: range.to }, lastId: { gt: retainedAfter } },
    orderBy: { lastId: 'asc' },
  });
  yield out({
    type: 'header',
    format: EXPORT_FORMAT,
    version: 1,
    from: range.from,
    to: range.to,
    keyId: key.keyId,
    exportedAt: beijingInstant(now),
    days: digests.length,
  });
  const first = digests[0];
  const before = first
    ? await db.auditDigest.findFirst({
        where: { lastId: { lt: first.firstId } },
        orderBy: { lastId: 'desc' },
      })
    : null;
  const tombBefore = first ? tombstones.filter((t) => t.lastId < first.firstId).at(-1) : undefined;
  // at the retention boundary the tombstone anchors: it says why the entries before are gone
  if (before && before.lastId > (tombBefore?.lastId ?? 0n))
    yield out({ type: 'anchor', source: 'digest', ...digestLine(before) });
  else if (tombBefore) yield out({ type: 'anchor', source: 'tombstone', ...tombstoneLine(tombBefore) });
  else yield out({ type: 'anchor', source: 'genesis', lastId: '0', lastHash: GENESIS_HASH });
  for (const t of tombstones) yield out({ type: 'tombstone', ...tombstoneLine(t) });

  let entries = 0;
  let after = before?.lastId ?? tombBefore?.lastId ?? 0n;
  for (const d of digests) {
    for await (const rows of chainBatches(db, after, d.lastId)) {
      for (const r of rows) {
        entries++;
        yield out({
          type: 'entry',
          id: r.id.toString(),
          at: beijingInstant(r.at),
          actor: r.actor,
          action: r.action,
          target: r.target,
          data: JSON.parse(canonicalJson(r.data)) as unknown,
          prevHash: r.prevHash,
          hash: r.hash,
        });
      }
    }
    yield out({ type: 'digest', ...digestLine(d) });
    after = d.lastId;
  }
  const facts = {
    from: range.from,
    to: range.to,
    entries,
    digests: digests.length,
    sha256: sha.digest('hex'),
    keyId: key.keyId,
  };
  yield JSON.stringify({ type: 'end', ...facts, signature: signText(key, exportText(facts)) }) + '\n';
}
