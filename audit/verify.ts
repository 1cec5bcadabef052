/**
 * Verification of the audit log against its signed checkpoints (第二十四条). Three things hold when the log
 * is untouched: every digest and tombstone carries a valid signature of this deployment's key; the row each
 * digest names still has the signed hash (a superuser who rewrites rows and recomputes the hashes breaks
 * this, since he cannot re-sign); and the chain links row by row. The last is the expensive part, so it
 * starts from the newest digest whose segment an earlier verification already walked (chainVerifiedAt), and
 * records the segments it walks. `full` re-walks everything from the oldest retained row.
 */
import type { Db } from '../prisma/client';
import { chainBatches, rowLinks } from './log';
import {
  GENESIS_HASH,
  digestFactsOf,
  digestText,
  signatureHolds,
  tombstoneFactsOf,
  tombstoneText,
} from './proof-format';
import type { AuditPublicKey } from './signing-key';

export interface ProofVerification {
  intact: boolean;
  rows: number;
  /** the first row found not to match (its hash, its link, or the signed digest of its day) */
  firstBrokenId: string | null;
  /** the Beijing day whose signed digest no longer matches the chain */
  firstBrokenDay: string | null;
  keyId: string;
  mode: 'incremental' | 'full';
  /** where the row-by-row walk started: the first retained row, or past a checkpoint */
  walkedFrom: { kind: 'genesis' | 'tombstone' | 'checkpoint'; afterId: string; day: string | null };
  walkedRows: number;
  digests: { count: number; signaturesValid: boolean; anchorsValid: boolean };
  tombstones: { count: number; signaturesValid: boolean; deletedEntries: number };
  /** Chinese sentences, at most 20 */
  problems: string[];
}

const MAX_PROBLEMS = 20;

export async function verifyAuditProof(
  db: Db,
  key: AuditPublicKey,
  opts: { full?: boolean; batchSize?: number; now?: Date } = {},
): Promise<ProofVerification> {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let firstBrokenId: bigint | undefined;
  let firstBrokenDay: string | undefined;
  const broken = (id: bigint, day?: string) => {
    if (firstBrokenId === undefined || id < firstBrokenId) firstBrokenId = id;
    if (day && (firstBrokenDay === undefined || day < firstBrokenDay)) firstBrokenDay = day;
  };

  // tombstones: signed, and the newest one is where the retained chain starts
  const tombstones = await db.auditTombstone.findMany({ orderBy: { lastId: 'asc' } });
  let tombsSigned = true;
  for (const t of tombstones) {
    if (!signatureHolds(key, tombstoneText(tombstoneFactsOf(t)), t)) {
      tombsSigned = false;
      note(`删除记录 (墓碑) ${t.firstId}–${t.lastId} 的签名无效`);
    }
  }
  const tomb = tombstones.at(-1);
  const anchor = { afterId: tomb?.lastId ?? 0n, prevHash: tomb?.lastHash ?? GENESIS_HASH };

  // digests: signed, and (past the tombstone) their last row still has the signed hash
  const digests = await db.auditDigest.findMany({ orderBy: { lastId: 'asc' } });
  let digestsSigned = true;
  let anchorsHold = true;
  for (const d of digests) {
    if (!signatureHolds(key, digestText(digestFactsOf(d)), d)) {
      digestsSigned = false;
      broken(d.lastId, d.day);
      note(`${d.day} 的日摘要签名无效 (密钥 ${d.keyId})`);
    }
    if (tomb && d.lastId === tomb.lastId && d.lastHash !== tomb.lastHash) {
      anchorsHold = false;
      note(`${d.day} 的日摘要与删除记录 (墓碑) 的哈希不一致`);
    }
  }
  const retained = digests.filter((d) => d.lastId > anchor.afterId);
  for (let i = 0; i < retained.length; i += 1000) {
    const chunk = retained.slice(i, i + 1000);
    const rows = await db.auditLog.findMany({
      where: { id: { in: chunk.map((d) => d.lastId) } },
      select: { id: true, hash: true },
    });
    const hashOf = new Map(rows.map((r) => [r.id, r.hash]));
    for (const d of chunk) {
      const h = hashOf.get(d.lastId);
      if (h === d.lastHash) continue;
      anchorsHold = false;
      broken(d.lastId, d.day);
      note(
        h === undefined
          ? `${d.day} 的最后一条记录 (${d.lastId}) 已不存在`
          : `${d.day} 的记录与签名的日摘要不符: 第 ${d.lastId} 条的哈希已被改写`,
      );
    }
  }

  // the walk: from the newest walked checkpoint when everything above holds, else from the start
  const clean = problems.length === 0;
  const walkedBefore = opts.full || !clean ? [] : retained.filter((d) => d.chainVerifiedAt);
  const checkpoint = walkedBefore.at(-1);
  const start = checkpoint ? { afterId: checkpoint.lastId, prevHash: checkpoint.lastHash } : anchor;
  const toWalk = retained.filter((d) => d.lastId > start.afterId);
  let k = 0;
  let prev = start.prevHash;
  let segmentFirst: bigint | undefined;
  let segmentCount = 0;
  let walked = 0;
  let walkBroken = false;
  const walkedDays: string[] = [];
  for await (const rows of chainBatches(db, start.afterId, undefined, opts.batchSize)) {
    for (const row of rows) {
      walked++;
      while (k < toWalk.length && toWalk[k].lastId < row.id) k++; // a digest whose row is gone: noted above
      if (!walkBroken && !rowLinks(prev, row)) {
        walkBroken = true;
        broken(row.id, toWalk[k]?.day);
        note(`第 ${row.id} 条记录的哈希或链接对不上 (记录被改动或其前一条被删除)`);
      }
      prev = row.hash;
      segmentFirst ??= row.id;
      segmentCount++;
      const d = toWalk[k];
      if (d && row.id === d.lastId) {
        if (d.entries !== segmentCount || d.firstId !== segmentFirst) {
          broken(segmentFirst, d.day);
          walkBroken = true;
          note(`${d.day} 的记录条数或起点与日摘要不符 (摘要 ${d.entries} 条, 现有 ${segmentCount} 条)`);
        }
        if (!walkBroken) walkedDays.push(d.day);
        segmentFirst = undefined;
        segmentCount = 0;
        k++;
      }
    }
  }
  const intact = problems.length === 0;
  if (intact && walkedDays.length > 0) {
    await db.auditDigest.updateMany({
      where: { day: { in: walkedDays } },
      data: { chainVerifiedAt: opts.now ?? new Date() },
    });
  }
  return {
    intact,
    rows: await db.auditLog.count(),
    firstBrokenId: firstBrokenId?.toString() ?? null,
    firstBrokenDay: firstBrokenDay ?? null,
    keyId: key.keyId,
    mode: opts.full ? 'full' : 'incremental',
    walkedFrom: {
      kind: checkpoint ? 'checkpoint' : tomb ? 'tombstone' : 'genesis',
      afterId: start.afterId.toString(),
      day: checkpoint?.day ?? tomb?.throughDay ?? null,
    },
    walkedRows: walked,
    digests: { count: digests.length, signaturesValid: digestsSigned, anchorsValid: anchorsHold },
    tombstones: {
      count: tombstones.length,
      signaturesValid: tombsSigned,
      deletedEntries: tombstones.reduce((n, t) => n + t.entries, 0),
    },
    problems,
  };
}
