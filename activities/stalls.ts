import { log } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import type { TransitionInput } from './types';

/**
 * A workflow retries its read-model writes until they succeed (nothing is lost while the database is down).
 * A write that keeps failing would leave the case's row behind its workflow, silently; from this attempt on
 * (≈ 1 min of retrying) it is written down for operators: /readyz counts these rows, and the log says so.
 * An escalation waiting for a share authority to be registered is recorded the same way.
 */
export const STALL_AFTER_ATTEMPTS = 6;

function describeError(e: unknown): string {
  // class and code only: driver messages quote the values of the failed statement (names, emails)
  const err = e as { name?: unknown; code?: unknown; type?: unknown };
  const name = typeof err?.name === 'string' ? err.name : typeof e;
  const code =
    typeof err?.code === 'string' ? err.code : typeof err?.type === 'string' ? err.type : undefined;
  return code ? `${name} ${code}` : name;
}

/** What failed: a transition, or another step of a case's workflow named like one. */
export type StalledStep = Pick<TransitionInput, 'caseId' | 'eventKey' | 'type'>;

export async function noteStall(db: Db, t: StalledStep, attempts: number, e: unknown): Promise<void> {
  const now = new Date();
  const error = describeError(e);
  log.error('read-model write keeps failing', { caseId: t.caseId, eventKey: t.eventKey, attempts, error });
  try {
    await db.projectionStall.upsert({
      where: { caseId_eventKey: { caseId: t.caseId, eventKey: t.eventKey } },
      create: {
        caseId: t.caseId,
        eventKey: t.eventKey,
        eventType: t.type,
        attempts,
        error,
        firstFailedAt: now,
        lastFailedAt: now,
      },
      update: { attempts, error, lastFailedAt: now },
    });
  } catch {
    // the database itself is down: the log line above is what operators get until it is back
  }
}

export async function clearStall(db: Db, t: StalledStep): Promise<void> {
  await db.projectionStall.deleteMany({ where: { caseId: t.caseId, eventKey: t.eventKey } });
}
