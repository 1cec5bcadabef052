import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDb, type Db } from '../../prisma/client';
import { PROCEDURE_CODES, PROCEDURES } from '../../procedures';

function need(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(
      `${name} is not set: run the suite with \`npm test\`, which starts PostgreSQL and Temporal`,
    );
  return v;
}

/** Waits for `p`, at most `ms`; teardown must end even when a client's shutdown does not. */
export async function withinMs(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A private database cloned from the migrated template: real Postgres, isolated per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = need('TEST_DATABASE_ADMIN_URL');
  const template = need('TEST_TEMPLATE_DB');
  const name = `gxt_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  const db = createDb(url);
  // Case ids are workflow ids, and every test database shares one Temporal dev server: each database counts
  // from its own random offset, so two test files never start (and silently share) the same workflow id.
  const offset = 100_000 + (randomBytes(4).readUInt32BE() % 800_000);
  const prefixes = PROCEDURE_CODES.map((c) => PROCEDURES[c].idPrefix);
  await db.$executeRaw`
    INSERT INTO "CaseSequence" (prefix, year, next)
    SELECT p, y, ${offset}::int FROM unnest(${prefixes}::text[]) p, generate_series(2018, 2035) y`;
  return {
    url,
    db,
    async drop() {
      // a pool holding a transaction Prisma lost track of (seen on a machine at load 12) can keep $disconnect
      // waiting past jest's hook timeout; DROP … WITH (FORCE) ends its connections anyway
      await withinMs(db.$disconnect(), 15_000);
      const a = new Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
