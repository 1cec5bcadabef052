/**
 * Failed authentications on the 第二十四条 log, aggregated per source address and minute (issue 10, finding
 * 7b), so that guessing keys cannot flood the log: however many guesses come from one address in one minute,
 * they make one row, with their count.
 *
 * The audit log is an append-only hash chain (audit/log.ts): a row cannot be updated once written, so a count
 * cannot grow inside it. Failures are therefore counted outside it, in the plain counter table RateLimitWindow
 * (key, windowStart, hits; under their own key prefix, one atomic upsert per failure), and each bucket is
 * written to the log once, with its final count, after its minute has closed. Closing takes the closed
 * buckets with DELETE … RETURNING and appends their rows in the same transaction, so every bucket is logged
 * exactly once even when several API replicas close at the same moment (the later one finds the rows gone),
 * and nothing is lost if a process dies (the counters wait in Postgres for the next close).
 *
 * Buckets are closed lazily, by failed authentications (at most every few seconds per process) and before the
 * log is read (GET /audit-events, its verification), never in the background of an unrelated request. A few
 * seconds of grace after the minute let failures still in flight land in their own bucket first.
 */
import { appendAudit } from '../audit/log';
import type { Db } from '../prisma/client';

const PREFIX = 'audit-auth-failed:';
const MINUTE = 60_000;
const GRACE_MS = 5_000;

const minuteOf = (t: Date) => new Date(Math.floor(t.getTime() / MINUTE) * MINUTE);

/** `::ffff:10.1.2.3` is the IPv4 address 10.1.2.3 arriving on an IPv6 socket: one address, one bucket. */
export function sourceAddress(raw: string | undefined): string {
  if (!raw) return 'unknown';
  return raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
}

/** Counts one failed authentication from `address` in the minute of `at`. Writes nothing to the log. */
export async function countAuthFailure(db: Db, address: string, at = new Date()): Promise<void> {
  const minute = minuteOf(at);
  const key = `${PREFIX}${minute.toISOString()}|${address}`;
  await db.$executeRaw`
    INSERT INTO "RateLimitWindow" (key, "windowStart", hits) VALUES (${key}, ${minute}, 1)
    ON CONFLICT (key) DO UPDATE SET hits = "RateLimitWindow".hits + 1`;
}

/** Writes one `auth_failed` row per bucket whose minute ended (plus grace) by `now`; returns how many. */
export async function closeAuthFailureBuckets(db: Db, now = new Date()): Promise<number> {
  const closedBefore = new Date(now.getTime() - MINUTE - GRACE_MS);
  return db.$transaction(async (tx) => {
    // the prefix holds no LIKE wildcard (_ or %)
    const rows = await tx.$queryRaw<{ key: string; windowStart: Date; hits: number }[]>`
      DELETE FROM "RateLimitWindow"
      WHERE key LIKE ${`${PREFIX}%`} AND "windowStart" <= ${closedBefore}
      RETURNING key, "windowStart", hits`;
    rows.sort((a, b) => a.windowStart.getTime() - b.windowStart.getTime() || (a.key < b.key ? -1 : 1));
    for (const r of rows) {
      const address = r.key.slice(r.key.indexOf('|') + 1);
      await appendAudit(tx, {
        actor: 'anonymous',
        action: 'auth_failed',
        target: `address:${address}`,
        data: { address, minute: r.windowStart.toISOString(), count: Number(r.hits) },
      });
    }
    return rows.length;
  });
}

/** Closes buckets at most once per `everyMs` in this process (the close itself is safe to run anywhere). */
export function throttledClose(db: Db, everyMs: number): () => Promise<void> {
  let last = 0;
  return async () => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    await closeAuthFailureBuckets(db);
  };
}
