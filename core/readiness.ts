/**
 * Whether this process can serve: Postgres and the workflow engine answer and every migration is applied.
 * Read-model writes a workflow keeps retrying (activities/stalls.ts) are reported beside, without making the
 * process unready: the process works, but a case's row lags its workflow, which an operator must look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../prisma/client';
import { beijingInstant } from '../calendar/dates';

export interface ReadinessDeps {
  db: Db;
  /** asks the workflow engine something cheap; rejects when it does not answer */
  pingEngine: () => Promise<unknown>;
  /** the engine's namespace, shown to the operator */
  namespace: string;
  migrationsDir?: string;
}

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'prisma', 'migrations');

/** Every migration the code expects, by directory name. */
export function expectedMigrations(dir: string = MIGRATIONS_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The migrations Prisma has applied and not rolled back (the table Prisma keeps itself). */
export const APPLIED_MIGRATIONS_SQL =
  'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';

async function timed<T>(
  fn: () => Promise<T>,
): Promise<{ ok: boolean; ms: number; value?: T; error?: string }> {
  const t = Date.now();
  try {
    const value = await fn();
    return { ok: true, ms: Date.now() - t, value };
  } catch (e) {
    return {
      ok: false,
      ms: Date.now() - t,
      error: e instanceof Error ? e.message.split('\n')[0] : String(e),
    };
  }
}

export async function checkReadiness(deps: ReadinessDeps) {
  const { db } = deps;
  const expected = expectedMigrations(deps.migrationsDir);
  const [postgres, migrations, engine] = await Promise.all([
    timed(() => db.$queryRaw`SELECT 1`),
    timed(async () => {
      const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(APPLIED_MIGRATIONS_SQL);
      const applied = new Set(rows.map((r) => r.migration_name));
      const missing = expected.filter((m) => !applied.has(m));
      if (missing.length) throw new Error(`未应用的迁移: ${missing.join(', ')}`);
      return applied.size;
    }),
    timed(deps.pingEngine),
  ]);
  const stalls = await timed(() =>
    Promise.all([
      db.projectionStall.count(),
      db.projectionStall.findFirst({ orderBy: { firstFailedAt: 'asc' }, select: { firstFailedAt: true } }),
    ]),
  );
  return {
    ready: postgres.ok && migrations.ok && engine.ok,
    checks: {
      postgres: { ok: postgres.ok, ms: postgres.ms, error: postgres.error },
      migrations: { ok: migrations.ok, expected: expected.length, error: migrations.error },
      temporal: { ok: engine.ok, ms: engine.ms, namespace: deps.namespace, error: engine.error },
      projections: {
        ok: stalls.ok && stalls.value?.[0] === 0,
        stalled: stalls.value?.[0] ?? null,
        oldestSince: stalls.value?.[1] ? beijingInstant(stalls.value[1].firstFailedAt) : null,
        error: stalls.error,
      },
    },
  };
}
