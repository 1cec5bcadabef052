import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { APPLIED_MIGRATIONS_SQL, expectedMigrations } from '../core/readiness';
import { projectRoot } from './paths';

/** `prisma migrate deploy` through the wasm engine and the pg adapter (works offline, PLATFORM.md). */
export async function migrateDeploy(databaseUrl: string): Promise<void> {
  try {
    await promisify(execFile)(
      path.join(projectRoot, 'node_modules', '.bin', 'prisma'),
      ['migrate', 'deploy'],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`数据库迁移失败:\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: e });
  }
}

/** Migrations not applied yet (all of them on an empty database). */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(APPLIED_MIGRATIONS_SQL);
    const applied = new Set(rows.map((r) => r.migration_name));
    return expectedMigrations().filter((m) => !applied.has(m));
  } catch (e) {
    // no _prisma_migrations table yet: nothing is applied
    if ((e as { code?: string }).code === '42P01') return expectedMigrations();
    throw e;
  } finally {
    await client.end();
  }
}

/**
 * `migrate deploy` only when something is pending: the CLI takes ~12 s to find nothing to do, most of a warm
 * `npm start`. Applied migrations never change (prisma/migrations.sha256), so their names are enough.
 */
export async function migrateIfPending(databaseUrl: string): Promise<string[]> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length > 0) await migrateDeploy(databaseUrl);
  return pending;
}
