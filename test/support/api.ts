/**
 * The real HTTP app over a private seeded database, a real Temporal dev server connection and (optionally) a
 * real worker: what API test files share.
 */
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, type AppDeps } from '../../api/app';
import { createCalendarProvider } from '../../core/calendar/provider';
import { loadConfig, type AppConfig } from '../../config';
import { seedDemoClients, seedRegistry, DEMO_CLIENTS } from '../../prisma/seed';
import { createTestDatabase, withinMs, type TestDatabase } from './db';
import { devServerAddress } from './temporal';
import { testAuditKeyFile } from './audit-key';
import { createTestWorker } from './worker';
import type { CaseServiceDeps } from '../../core/cases/start';

/** The seeded demo keys by short name; `none` sends no key at all. */
export const KEYS = {
  admin: DEMO_CLIENTS[0].key,
  supervisor: DEMO_CLIENTS[1].key,
  rst: DEMO_CLIENTS[2].key,
  mzt: DEMO_CLIENTS[3].key,
  gat: DEMO_CLIENTS[4].key,
  zwfwj: DEMO_CLIENTS[5].key,
  /** a 盟市 supervisor (呼和浩特市, 第十条): sees HHHT and HHHT-XCQ only */
  hhht: DEMO_CLIENTS[6].key,
} as const;
export type Who = keyof typeof KEYS | 'none';

/** Department each department key acts for. */
export const DEPT_OF = {
  rst: 'NMG-RST',
  mzt: 'NMG-MZT',
  gat: 'NMG-GAT',
  zwfwj: 'NMG-ZWFWJ',
} as const;

export interface TestApi {
  app: Express;
  tdb: TestDatabase;
  temporal: Client;
  taskQueue: string;
  /** what startCase and the case use-cases take, bound to this API's database, server and worker queue */
  caseDeps: CaseServiceDeps;
  /** supertest request with the caller's key set */
  as(who: Who): {
    get(path: string): request.Test;
    post(path: string): request.Test;
    put(path: string): request.Test;
    patch(path: string): request.Test;
    delete(path: string): request.Test;
  };
  close(): Promise<void>;
}

export async function createTestApi(
  opts: {
    worker?: boolean;
    config?: Partial<AppConfig>;
    /**
     * A time-skipping environment to use instead of the shared dev server: the API starts and acts on
     * workflows through its client, the worker (if any) polls through its connection. The environment stays
     * the caller's: close() neither closes its connections nor tears it down.
     */
    env?: TestWorkflowEnvironment;
    /** the API's clock (AppDeps.now), e.g. virtualClock(env).now so that receipt checks use virtual time */
    now?: () => Date;
  } = {},
): Promise<TestApi> {
  const tdb = await createTestDatabase();
  await seedRegistry(tdb.db);
  await seedDemoClients(tdb.db);
  const connection = opts.env ? undefined : await Connection.connect({ address: devServerAddress() });
  const temporal = opts.env ? opts.env.client : new Client({ connection });
  let native: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let taskQueue = `test-no-worker-${Date.now()}`;
  let calendars = createCalendarProvider(tdb.db);
  if (opts.worker) {
    const workerConnection =
      opts.env?.nativeConnection ?? (await NativeConnection.connect({ address: devServerAddress() }));
    if (!opts.env) native = workerConnection;
    const w = await createTestWorker({ connection: workerConnection, db: tdb.db });
    worker = w.worker;
    taskQueue = w.taskQueue;
    calendars = w.calendars;
    running = worker.run();
  }
  const base = loadConfig({});
  const deps: AppDeps = {
    config: {
      ...base,
      taskQueue,
      limits: { perClientPerMinute: 100_000, authFailuresPer15Min: 100_000 },
      auditSigningKeyFile: testAuditKeyFile(),
      ...opts.config,
    },
    db: tdb.db,
    temporal,
    calendars,
    ...(opts.now ? { now: opts.now } : {}),
  };
  const app = createApp(deps);
  const as = (who: Who) => {
    const auth = (t: request.Test) => (who === 'none' ? t : t.set('Authorization', `Bearer ${KEYS[who]}`));
    return {
      get: (p: string) => auth(request(app).get(p)),
      post: (p: string) => auth(request(app).post(p)),
      put: (p: string) => auth(request(app).put(p)),
      patch: (p: string) => auth(request(app).patch(p)),
      delete: (p: string) => auth(request(app).delete(p)),
    };
  };
  return {
    app,
    tdb,
    temporal,
    taskQueue,
    caseDeps: { db: tdb.db, temporal, calendars, taskQueue },
    as,
    async close() {
      if (worker) {
        worker.shutdown();
        await withinMs(running ?? Promise.resolve(), 60_000);
      }
      await withinMs(connection?.close() ?? Promise.resolve(), 10_000);
      await withinMs(native?.close() ?? Promise.resolve(), 10_000);
      await tdb.drop();
    },
  };
}
