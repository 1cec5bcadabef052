/**
 * Retention (第二十四条: logs kept at least 2 years). Deletes whole digested days older than the configured
 * period and leaves a signed tombstone (first/last id, last hash, count) in the same transaction, so the
 * retained chain verifies from the tombstone onward. The table's trigger lets the DELETE through only in this
 * transaction (gxcase.audit_retention_days) and only for rows older than max(setting, 730 days). The range is
 * verified before it is deleted: evidence of tampering is never erased and re-signed.
 */
import { MIN_AUDIT_RETENTION_DAYS } from '../config';
import type { Db } from '../prisma/client';
import { endOfBeijingDay } from './digest';
import { chainBatches, rowLinks } from './log';
import { GENESIS_HASH, digestFactsOf, digestText, signatureHolds, tombstoneText } from './proof-format';
import { signText, type AuditSigningKey } from './signing-key';

export interface RetentionRun {
  deleted: number;
  tombstone?: { firstId: string; lastId: string; throughDay: string };
}

export class AuditRetentionRefused extends Error {}

export async function applyRetention(
  db: Db,
  key: AuditSigningKey,
  days: number,
  now = new Date(),
): Promise<RetentionRun> {
  if (!Number.isInteger(days) || days < MIN_AUDIT_RETENTION_DAYS)
    throw new AuditRetentionRefused(`保存期限不得少于 ${MIN_AUDIT_RETENTION_DAYS} 天 (第二十四条)`);
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const tomb = await db.auditTombstone.findFirst({ orderBy: { lastId: 'desc' } });
  const from = { afterId: tomb?.lastId ?? 0n, prevHash: tomb?.lastHash ?? GENESIS_HASH };
  // the digested days wholly older than the cutoff, past what earlier runs deleted
  const days_ = await db.auditDigest.findMany({
    where: { lastId: { gt: from.afterId } },
    orderBy: { lastId: 'asc' },
  });
  const old = days_.filter((d) => endOfBeijingDay(d.day) <= cutoff);
  const through = old.at(-1);
  if (!through) return { deleted: 0 };

  // the range must verify before it goes: links, each day's count and signed last hash
  let prev = from.prevHash;
  let count = 0;
  let firstId: bigint | undefined;
  let k = 0;
  let inSegment = 0;
  for await (const rows of chainBatches(db, from.afterId, through.lastId)) {
    for (const row of rows) {
      if (!rowLinks(prev, row))
        throw new AuditRetentionRefused(`第 ${row.id} 条审计记录的哈希对不上, 拒绝删除 (先核查日志)`);
      prev = row.hash;
      firstId ??= row.id;
      count++;
      inSegment++;
      const d = old[k];
      if (d && row.id === d.lastId) {
        if (
          d.lastHash !== row.hash ||
          d.entries !== inSegment ||
          !signatureHolds(key, digestText(digestFactsOf(d)), d)
        )
          throw new AuditRetentionRefused(`${d.day} 的审计记录与签名的日摘要不符, 拒绝删除 (先核查日志)`);
        inSegment = 0;
        k++;
      }
    }
  }
  if (firstId === undefined || prev !== through.lastHash || k !== old.length)
    throw new AuditRetentionRefused(`待删除范围与日摘要不符 (截至 ${through.day}), 拒绝删除 (先核查日志)`);

  const facts = {
    firstId: firstId.toString(),
    lastId: through.lastId.toString(),
    lastHash: through.lastHash,
    entries: count,
    throughDay: through.day,
    keyId: key.keyId,
  };
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('gxcase.audit_retention_days', ${String(days)}, true)`;
    const deleted = await tx.$executeRaw`
      DELETE FROM "AuditLog" WHERE id > ${from.afterId} AND id <= ${through.lastId}`;
    if (deleted !== count) throw new AuditRetentionRefused(`删除了 ${deleted} 条, 应为 ${count} 条: 已撤销`);
    await tx.auditTombstone.create({
      data: {
        firstId,
        lastId: through.lastId,
        lastHash: through.lastHash,
        entries: count,
        throughDay: through.day,
        keyId: key.keyId,
        signature: signText(key, tombstoneText(facts)),
      },
    });
  });
  return {
    deleted: count,
    tombstone: { firstId: facts.firstId, lastId: facts.lastId, throughDay: facts.throughDay },
  };
}
