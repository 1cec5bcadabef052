import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { seedRegistry } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from './db';
import { createTimeSkippingEnv } from './temporal';

export interface TimeSkippingSuite {
  env: TestWorkflowEnvironment;
  tdb: TestDatabase;
}

/**
 * The common frame of a workflow test file: a time-skipping server whose virtual clock starts at `startAt`,
 * and a private database with the demo registry; both torn down after the file.
 */
export function timeSkippingSuite(startAt: string): TimeSkippingSuite {
  const suite = {} as TimeSkippingSuite;
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
