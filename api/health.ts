import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../prisma/client';
import { checkReadiness } from '../core/readiness';

/** /healthz: the process is alive. /readyz: Postgres and Temporal answer and every migration is applied. */
export function healthRoutes(db: Db, temporal: Client): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await checkReadiness({
      db,
      pingEngine: () => temporal.workflowService.getSystemInfo({}),
      namespace: temporal.options.namespace,
    });
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
