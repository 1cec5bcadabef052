/**
 * Recompute signals as an outbox. A calendar load writes one pending row per affected open case in the load's
 * own transaction; delivery deletes the row once the case's workflow has the signal (or is gone). A signal
 * that fails (Temporal unreachable, a restart) stays pending and is retried by the worker's sweep
 * (worker.ts), so a moved deadline is never only logged and forgotten.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Db, Prisma } from '../../prisma/client';
import { WORKFLOW_MESSAGES } from '../../workflows/types';

export interface SignalDelivery {
  signalled: string[];
  notFound: string[];
  failed: { caseId: string; error: string }[];
}

/** Inside the load's transaction: the cases to tell, committed together with the new calendar version. */
export async function queueRecomputeSignals(
  tx: Prisma.TransactionClient,
  caseIds: string[],
  reason: string,
): Promise<void> {
  if (caseIds.length === 0) return;
  const now = new Date();
  for (const caseId of caseIds) {
    // a case still pending from an earlier load needs one signal only: it recomputes against the newest calendar
    await tx.calendarSignal.upsert({
      where: { caseId },
      create: { caseId, reason, queuedAt: now },
      update: { reason, queuedAt: now },
    });
  }
}

/** The error's head and tail: Prisma puts the invocation first and the cause last. */
function errorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length <= 600 ? text : `${text.slice(0, 150)} … ${text.slice(-450)}`;
}

/** Sends pending signals (all, or those of `only`); failures stay queued with their attempt count. */
export async function deliverRecomputeSignals(
  deps: { db: Db; temporal?: Pick<Client, 'workflow'> },
  only?: string[],
  batch = 500,
): Promise<SignalDelivery> {
  const out: SignalDelivery = { signalled: [], notFound: [], failed: [] };
  if (!deps.temporal) return out;
  const pending = await deps.db.calendarSignal.findMany({
    where: only ? { caseId: { in: only } } : {},
    orderBy: { queuedAt: 'asc' },
    take: only ? undefined : batch,
  });
  for (const p of pending) {
    try {
      await deps.temporal.workflow
        .getHandle(p.caseId)
        .signal(WORKFLOW_MESSAGES.calendarChanged, { reason: p.reason });
      out.signalled.push(p.caseId);
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) {
        out.failed.push({ caseId: p.caseId, error: errorText(e) });
        await deps.db.calendarSignal.updateMany({
          where: { caseId: p.caseId, queuedAt: p.queuedAt },
          data: { attempts: { increment: 1 }, lastError: errorText(e), lastAttemptAt: new Date() },
        });
        continue;
      }
      // the case's workflow has ended: nothing left to recompute
      out.notFound.push(p.caseId);
    }
    // only the row this delivery read: a newer load queued meanwhile keeps its own pending signal
    await deps.db.calendarSignal.deleteMany({ where: { caseId: p.caseId, queuedAt: p.queuedAt } });
  }
  return out;
}

/** The worker's sweep: retries what is still pending every `everyMs`; stop() ends it. */
export function sweepRecomputeSignals(
  deps: { db: Db; temporal: Pick<Client, 'workflow'> },
  everyMs: number,
  log: (msg: string, data: Record<string, unknown>) => void,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deliverRecomputeSignals(deps)
      .then((d) => {
        if (d.signalled.length || d.failed.length)
          log('calendar recompute signals retried', {
            signalled: d.signalled.length,
            stillFailing: d.failed.length,
          });
      })
      .catch((e: unknown) => log('calendar recompute sweep failed', { error: errorText(e) }))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
