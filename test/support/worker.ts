import { randomUUID } from 'node:crypto';
import {
  Worker,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { createActivities, type Notifier } from '../../activities';
import { createCalendarProvider } from '../../core/calendar/provider';
import type { Db } from '../../prisma/client';

/**
 * A real worker (real activities on the given database) on a task queue of its own, or on `taskQueue` (e.g. a
 * second worker taking over the queue of one that was shut down).
 */
export async function createTestWorker(opts: {
  connection: NativeConnection;
  db: Db;
  notifier?: Notifier;
  namespace?: string;
  taskQueue?: string;
  /** 0 turns the sticky cache off: every workflow task goes to the shared queue, none to this worker's own */
  maxCachedWorkflows?: number;
  /** a bundle from bundleCaseWorkflows(), shared by several workers instead of each building its own */
  workflowBundle?: WorkflowBundleOption;
}) {
  const taskQueue = opts.taskQueue ?? `test-${randomUUID()}`;
  const calendars = createCalendarProvider(opts.db);
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('../../workflows') }),
    activities: createActivities({ db: opts.db, calendars, notifier: opts.notifier }),
    ...(opts.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: opts.maxCachedWorkflows }),
  });
  return { worker, taskQueue, calendars };
}

/** The case workflows bundled once, for a test file that creates several workers (each bundle takes seconds). */
export function bundleCaseWorkflows(): ReturnType<typeof bundleWorkflowCode> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
}

export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
