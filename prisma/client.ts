import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client/client';

export type Db = PrismaClient;
export * from './generated/client/client';

/** The client runs on the wasm query compiler through the pg driver adapter (no native engine, see PLATFORM.md). */
export function createDb(connectionString: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
}
