import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client/client';

export type Db = PrismaClient;
export * from './generated/client/client';

/** The client runs on the wasm query compiler through the pg driver adapter (no native engine, see PLATFORM.md). */
export function createDb(connectionString: string): Db {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: 10 }),
    // Under a burst a transaction waits for a pooled connection and runs slower than Prisma's defaults (2 s to
    // start, 5 s to finish) allow; those turned into 503s in the load drill although nothing was wrong. Beyond
    // these limits the database really is stuck and the 503 stands.
    transactionOptions: { maxWait: 15_000, timeout: 30_000 },
  });
}
