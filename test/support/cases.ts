/**
 * Driving case workflows in a suite (time-skipping or the dev server): a real worker with startCase bound to
 * its task queue, the case's workflow handle, the act Update, and what the case recorded (its row and its
 * events in order).
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Notifier } from '../../activities';
import { startCase, type StartCaseInput } from '../../core/cases/start';
import { actUpdate } from '../../workflows/statutory-case';
import type { statutoryCase } from '../../workflows/statutory-case';
import type { CaseAction } from '../../workflows/types';
import type { CaseServer } from './suite';
import { createTestWorker } from './worker';

/** The demo's P1: 民政厅 (NMG-MZT) asks 人社厅 (NMG-RST) for its 有条件共享 resource SB-0003 (参保缴费信息). */
export const P1_MZT_ASKS_RST = {
  procedure: 'P1',
  requesterDepartmentId: 'NMG-MZT',
  responsibleDepartmentId: 'NMG-RST',
  resourceId: 'SB-0003',
} as const;

/** Helpers on `suite`; they read its server and database when called, so a file makes them at its top. */
export function caseDriver(suite: CaseServer) {
  const handleOf = (caseId: string) => suite.client.workflow.getHandle<typeof statutoryCase>(caseId);
  /** the case's events in the order they happened (ties in the order they were written) */
  const eventsOf = (caseId: string) =>
    suite.tdb.db.caseEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return {
    /** A real worker on the suite's server and database; `start` starts a case onto its task queue. */
    async worker(opts: { notifier?: Notifier } = {}) {
      const created = await createTestWorker({
        connection: suite.nativeConnection,
        db: suite.tdb.db,
        ...opts,
      });
      const deps = {
        db: suite.tdb.db,
        temporal: suite.client,
        calendars: created.calendars,
        taskQueue: created.taskQueue,
      };
      return { ...created, deps, start: (input: StartCaseInput) => startCase(deps, input) };
    },
    handleOf,
    act: (caseId: string, action: CaseAction) =>
      handleOf(caseId).executeUpdate(actUpdate, { args: [action] }),
    rowOf: (caseId: string) => suite.tdb.db.case.findUniqueOrThrow({ where: { id: caseId } }),
    eventsOf,
    /** [type, eventKey] of each event, in order */
    timeline: async (caseId: string) => (await eventsOf(caseId)).map((e) => [e.type, e.eventKey]),
  };
}

/** The Update's rejection: the validator's ApplicationFailure type, e.g. missing_reason. */
export async function rejectionOf(promise: Promise<unknown>): Promise<string | undefined> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((e as WorkflowUpdateFailedError).cause as { type?: string } | undefined)?.type;
}

/**
 * Ends a test file's still-running cases on the shared dev server (a refused P1 would otherwise wait a year
 * there); cases already closed are skipped silently.
 */
export async function terminateCases(client: Pick<Client, 'workflow'>, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
}
