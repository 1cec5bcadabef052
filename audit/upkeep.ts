/**
 * The worker's periodic audit upkeep (第二十四条): signs the digests of completed days (catching up on days
 * missed while nothing ran) and, when a retention period is configured, deletes what is older than it behind
 * a signed tombstone. Runs once at start, then every `everyMs`; several workers may run it at once (digests
 * are serialised by the audit lock and unique per day, a second tombstone for one range cannot commit).
 */
import type { Db } from '../prisma/client';
import { produceDigests, type DigestRun } from './digest';
import { applyRetention, type RetentionRun } from './retention';
import type { AuditSigningKey } from './signing-key';

export interface UpkeepDeps {
  db: Db;
  key: AuditSigningKey;
  retentionDays?: number;
  now?: () => Date;
}

export async function auditUpkeepOnce(
  deps: UpkeepDeps,
): Promise<{ digests: DigestRun; retention?: RetentionRun }> {
  const now = deps.now?.() ?? new Date();
  const digests = await produceDigests(deps.db, deps.key, now);
  const retention =
    deps.retentionDays === undefined
      ? undefined
      : await applyRetention(deps.db, deps.key, deps.retentionDays, now);
  return { digests, retention };
}

export function scheduleAuditUpkeep(
  deps: UpkeepDeps,
  everyMs: number,
  log: (level: 'info' | 'error', msg: string, data: Record<string, unknown>) => void,
): { stop(): void; idle(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    running = auditUpkeepOnce(deps)
      .then(({ digests, retention }) => {
        if (digests.created.length || retention?.deleted)
          log('info', 'audit digests signed / retention applied', {
            digests: digests.created.map((d) => d.day),
            deleted: retention?.deleted ?? 0,
            tombstone: retention?.tombstone,
          });
      })
      .catch((e: unknown) =>
        log('error', 'audit upkeep failed', { error: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    idle: () => running,
  };
}
