/**
 * Daily digests (第二十四条): for each completed Beijing day with audit entries, the day's last entry (id,
 * hash) signed with the deployment key and stored. Idempotent and catching up: each run digests every
 * completed day after the newest digest, in order, and a second run finds nothing to do.
 */
import { beijingDay } from '../calendar/dates';
import type { Db } from '../prisma/client';
import { digestText } from './proof-format';
import { signText, type AuditSigningKey } from './signing-key';

/** appendAudit's lock: while we hold it no entry is being written, so a finished day is really finished */
const AUDIT_APPEND_LOCK = 727274;

export interface DigestRun {
  created: { day: string; lastId: string; entries: number }[];
}

/** The instant a Beijing day ends (the next day's 00:00 at +08:00). */
export function endOfBeijingDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000);
}

export async function produceDigests(db: Db, key: AuditSigningKey, now = new Date()): Promise<DigestRun> {
  const today = beijingDay(now);
  const created: DigestRun['created'] = [];
  // one day per transaction: the append lock is held only for the few reads of one day
  for (;;) {
    const made = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`;
      const newest = await tx.auditDigest.findFirst({ orderBy: { lastId: 'desc' } });
      const after = newest?.lastId ?? 0n;
      const first = await tx.auditLog.findFirst({
        where: { id: { gt: after } },
        orderBy: { id: 'asc' },
        select: { id: true, at: true },
      });
      if (!first) return undefined;
      const day = beijingDay(first.at);
      if (day >= today) return undefined;
      const last = await tx.auditLog.findFirst({
        where: { id: { gt: after }, at: { lt: endOfBeijingDay(day) } },
        orderBy: { id: 'desc' },
        select: { id: true, hash: true },
      });
      if (!last) return undefined;
      const entries = await tx.auditLog.count({ where: { id: { gt: after, lte: last.id } } });
      const facts = {
        day,
        firstId: first.id.toString(),
        lastId: last.id.toString(),
        lastHash: last.hash,
        entries,
        keyId: key.keyId,
      };
      // a clock that went backwards could give a later segment an earlier day: never two digests per day
      if (await tx.auditDigest.findUnique({ where: { day } })) return undefined;
      await tx.auditDigest.create({
        data: {
          day,
          firstId: first.id,
          lastId: last.id,
          lastHash: last.hash,
          entries,
          keyId: key.keyId,
          signature: signText(key, digestText(facts)),
        },
      });
      return { day, lastId: facts.lastId, entries };
    });
    if (!made) return { created };
    created.push(made);
  }
}
