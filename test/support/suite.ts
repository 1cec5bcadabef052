import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { seedDemoClients, seedRegistry } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from './db';
import { createTimeSkippingEnv, devServerAddress } from './temporal';

/** A Temporal server to run cases on and a private database: what test/support/cases.ts drives. */
export interface CaseServer {
  tdb: TestDatabase;
  /** the server's client (starts workflows, sends Updates and queries) */
  readonly client: Client;
  /** the connection a worker polls through */
  readonly nativeConnection: NativeConnection;
}

export interface TimeSkippingSuite extends CaseServer {
  env: TestWorkflowEnvironment;
}

/**
 * The common frame of a workflow test file: a time-skipping server whose virtual clock starts at `startAt`,
 * and a private database with the demo registry; both torn down after the file.
 */
export function timeSkippingSuite(startAt: string): TimeSkippingSuite {
  const suite = {
    get client() {
      return suite.env.client;
    },
    get nativeConnection() {
      return suite.env.nativeConnection;
    },
  } as TimeSkippingSuite;
  beforeAll(async () => {
    [suite.env, suite.tdb] = await Promise.all([createTimeSkippingEnv({ startAt }), createTestDatabase()]);
    await seedRegistry(suite.tdb.db);
  });
  afterAll(async () => {
    await suite.env?.teardown();
    await suite.tdb?.drop();
  });
  return suite;
}

export interface DevServerSuite extends CaseServer {
  client: Client;
  /** only with `{ worker: true }` */
  nativeConnection: NativeConnection;
}

/**
 * The common frame of a test file on the shared Temporal dev server (real time): a private database with the
 * demo registry (and, with `clients`, the demo API clients), a client connection and, with `worker`, a
 * connection for workers; all closed after the file.
 */
export function devServerSuite(opts: { clients?: boolean; worker?: boolean } = {}): DevServerSuite {
  const suite = {} as DevServerSuite;
  let connection: Connection | undefined;
  beforeAll(async () => {
    suite.tdb = await createTestDatabase();
    await seedRegistry(suite.tdb.db);
    if (opts.clients) await seedDemoClients(suite.tdb.db);
    if (opts.worker) suite.nativeConnection = await NativeConnection.connect({ address: devServerAddress() });
    connection = await Connection.connect({ address: devServerAddress() });
    suite.client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await suite.nativeConnection?.close();
    await suite.tdb?.drop();
  });
  return suite;
}
