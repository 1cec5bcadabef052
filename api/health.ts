import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../prisma/client';

const migrationsDir = path.resolve(__dirname, '..', 'prisma', 'migrations');

function expectedMigrations(): string[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

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

/** /healthz: the process is alive. /readyz: Postgres and Temporal answer and every migration is applied. */
export function healthRoutes(db: Db, temporal: Client): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    const expected = expectedMigrations();
    const [postgres, migrations, temporalCheck] = await Promise.all([
      timed(() => db.$queryRaw`SELECT 1`),
      timed(async () => {
        const rows = await db.$queryRaw<{ migration_name: string }[]>`
          SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
        const applied = new Set(rows.map((r) => r.migration_name));
        const missing = expected.filter((m) => !applied.has(m));
        if (missing.length) throw new Error(`未应用的迁移: ${missing.join(', ')}`);
        return applied.size;
      }),
      timed(() => temporal.workflowService.getSystemInfo({})),
    ]);
    // read-model writes a workflow keeps retrying (activities/stalls.ts): the process is ready, but a case's
    // row lags its workflow, which an operator must look at
    const stalls = await timed(() =>
      Promise.all([
        db.projectionStall.count(),
        db.projectionStall.findFirst({ orderBy: { firstFailedAt: 'asc' }, select: { firstFailedAt: true } }),
      ]),
    );
    const ready = postgres.ok && migrations.ok && temporalCheck.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: {
        postgres: { ok: postgres.ok, ms: postgres.ms, error: postgres.error },
        migrations: { ok: migrations.ok, expected: expected.length, error: migrations.error },
        temporal: {
          ok: temporalCheck.ok,
          ms: temporalCheck.ms,
          namespace: temporal.options.namespace,
          error: temporalCheck.error,
        },
        projections: {
          ok: stalls.ok && stalls.value?.[0] === 0,
          stalled: stalls.value?.[0] ?? null,
          oldestSince: stalls.value?.[1]?.firstFailedAt.toISOString() ?? null,
          error: stalls.error,
        },
      },
    });
  });
  return router;
}
